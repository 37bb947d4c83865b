"""Celery tasks of the service stations (STYLE.md 8): named *_task, take ids, call one service, safe to run twice."""

import datetime

from celery import shared_task

from service_stations.services import case_reminders_send


@shared_task(acks_late=True)
def case_reminders_task(day: str | None = None) -> int:
    """Daily (beat, created by migration 0004): notify station heads and workers of cases due on the next
    working day and of overdue cases. `day` (ISO date) defaults to today. A re-run notifies nobody twice."""
    return case_reminders_send(today=datetime.date.fromisoformat(day) if day else None)

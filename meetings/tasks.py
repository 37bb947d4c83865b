"""Celery tasks of meetings (STYLE.md 8): take ids, call one service, safe to run twice."""

import datetime

from celery import shared_task

from meetings.services import meeting_reminder_send, meeting_reminders_create


@shared_task
def meetings_remind_task(on: str | None = None) -> int:
    """Daily (beat, a PeriodicTask created by a data migration): create the reminders due and queue their
    sending on commit. A second run in the same period creates nothing new. Returns how many were created."""
    return len(meeting_reminders_create(on=datetime.date.fromisoformat(on) if on else None))


@shared_task
def meeting_reminder_send_task(reminder_id: int) -> bool:
    """Send one reminder; one already sent is skipped."""
    return meeting_reminder_send(reminder_id=reminder_id)

"""Celery tasks of grids (STYLE.md 8): idempotent, scheduled by django-celery-beat (a data migration
creates the hourly schedule; an administrator edits each level's hours in the admin)."""

from celery import shared_task

from grids.services import event_reminders_send

DEFAULT_HOURS = {"grid": 24, "community": 48, "street": 72, "department": 120}


@shared_task
def event_reminders_task(hours: dict | None = None) -> int:
    """Remind each level of the events it has held longer than its hours; a second run adds nothing."""
    return event_reminders_send(hours=hours or DEFAULT_HOURS)

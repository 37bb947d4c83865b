"""Celery tasks of grids (STYLE.md 8): idempotent, scheduled by django-celery-beat (a data migration
creates the hourly schedule; an administrator edits each level's hours in the admin)."""

from celery import shared_task

from grids.services import event_reminders_send, grid_workers_follow_dated_posts

DEFAULT_HOURS = {"grid": 24, "community": 48, "street": 72, "department": 120}


@shared_task
def event_reminders_task(hours: dict | None = None) -> int:
    """Remind each level of the events it has held longer than its hours; a second run adds nothing."""
    return event_reminders_send(hours=hours or DEFAULT_HOURS)


@shared_task
def grid_workers_follow_dated_posts_task() -> int:
    """Every morning: grid-worker posts that start or end today move the grid's worker (三(四)2); a second run,
    or a retried one, changes nothing."""
    return grid_workers_follow_dated_posts()

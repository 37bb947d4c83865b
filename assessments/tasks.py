"""Celery tasks of assessments (STYLE.md 8): idempotent, scheduled by beat (a PeriodicTask row, see the
migration `0002_reminders_schedule`)."""

import datetime

from celery import shared_task
from django.utils import timezone

from assessments.models import AssessmentCycle
from assessments.services import cycle_notify, cycle_remind


@shared_task
def assessment_reminders_task(today: str | None = None) -> dict:
    """Remind the raters of every open cycle whose deadline is near or past (二(四)2: results by 20
    December) of the sheets they have not submitted: each sheet is marked reminded once a day, and each
    rater's user is notified (in the app, and by e-mail when configured) once before the deadline and
    once after it. A retried or duplicated run marks nothing again and notifies nobody twice. Returns how
    many sheets were marked and how many notifications were sent."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    done = {"sheets": 0, "notifications": 0}
    for cycle_id in AssessmentCycle.objects.filter(status=AssessmentCycle.Status.OPEN).order_by("pk").values_list(
            "pk", flat=True):
        cycle = AssessmentCycle.objects.select_related("scheme").get(pk=cycle_id)
        done["sheets"] += cycle_remind(cycle=cycle, today=day)
        done["notifications"] += cycle_notify(cycle=cycle, today=day)
    return done

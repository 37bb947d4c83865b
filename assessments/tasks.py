"""Celery tasks of assessments (STYLE.md 8): idempotent, scheduled by beat (a PeriodicTask row, see the
migration `0002_reminders_schedule`)."""

import datetime

from celery import shared_task
from django.utils import timezone

from assessments.models import AssessmentCycle
from assessments.services import cycle_remind


@shared_task
def assessment_reminders_task(today: str | None = None) -> int:
    """Remind the raters of every open cycle whose deadline is near or past (二(四)2: results by 20
    December) of the sheets they have not submitted. A sheet is reminded once a day, so a retried or
    duplicated run changes nothing. Returns how many sheets were reminded."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    reminded = 0
    for cycle_id in AssessmentCycle.objects.filter(status=AssessmentCycle.Status.OPEN).order_by("pk").values_list(
            "pk", flat=True):
        cycle = AssessmentCycle.objects.get(pk=cycle_id)
        reminded += cycle_remind(cycle=cycle, today=day)
    return reminded

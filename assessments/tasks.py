"""Celery tasks of the assessments (STYLE.md 8): safe to run twice; scheduled by beat (assessments/beat.py)."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from governance.rules import RuleMissing, rule_value

reminders = logging.getLogger("governance.reminders")
REMINDER_DAYS = 30


@shared_task
def score_deadline_reminder_task(today: str | None = None) -> list[str]:
    """Daily (beat, assessments/beat.py): remind of the score deadline when it falls within REMINDER_DAYS.

    Today: the stationed-unit scores, due at the organisation department by the rule's date (二(四)2,
    12月20日). Reads only; safe to run twice. Returns the reminders it logged.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    try:
        rule = rule_value("stationed_unit.score_deadline", on=day)
    except RuleMissing:
        return []
    due = datetime.date(day.year, rule.value["month"], rule.value["day"])
    if due < day:
        due = datetime.date(day.year + 1, rule.value["month"], rule.value["day"])
    left = (due - day).days
    if left > REMINDER_DAYS:
        return []
    message = (f"驻区单位党建工作赋分结果须于{due.month}月{due.day}日前报区委组织部审核，还有{left}天"
               f"（依据：{rule.clause}，规则 {rule.key}）")
    reminders.warning(message)
    return [message]

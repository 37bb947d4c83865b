"""Beat schedules the policy needs are data, created by a migration (not by hand in the admin)."""

import importlib

import pytest
from django_celery_beat.models import PeriodicTask

from assessments.beat import SCHEDULES, beat_schedules_seed
from assessments.tasks import score_deadline_reminder_task
from governance.celery import app
from governance.rules import rules_seed

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]


def test_the_migration_creates_the_daily_reminder_once_and_keeps_an_administrators_change():
    # A transactional test before this one may have flushed what the migration wrote: write it again.
    PeriodicTask.objects.filter(name=SCHEDULES[0]["name"]).delete()
    migration = importlib.import_module("assessments.migrations.0001_score_deadline_reminder_schedule")
    from django.apps import apps

    migration.create_schedules(apps, None)
    task = PeriodicTask.objects.get(name="驻区单位赋分报送期限提醒（每日）")
    assert task.task == "assessments.tasks.score_deadline_reminder_task"
    assert task.task in app.tasks  # a registered task, not a typo
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("8", "0", "Asia/Shanghai")
    assert task.enabled

    # An administrator moves it to 9 o'clock; seeding again (a re-run) leaves that alone
    task.crontab.hour = "9"
    task.crontab.save()
    beat_schedules_seed()
    assert PeriodicTask.objects.filter(name="驻区单位赋分报送期限提醒（每日）").count() == 1
    assert PeriodicTask.objects.get(name="驻区单位赋分报送期限提醒（每日）").crontab.hour == "9"


def test_the_reminder_speaks_within_thirty_days_of_the_score_deadline_only(caplog):
    rules_seed()
    with caplog.at_level("INFO", logger="governance.reminders"):
        quiet = score_deadline_reminder_task("2024-11-19")
        (reminder,) = score_deadline_reminder_task("2024-11-20")
        on_the_day = score_deadline_reminder_task("2024-12-20")
        after = score_deadline_reminder_task("2024-12-21")

    assert quiet == [] and after == []
    assert reminder == "驻区单位党建工作赋分结果须于12月20日前报区委组织部审核，还有30天（依据：二(四)2，规则 stationed_unit.score_deadline）"
    assert on_the_day[0].startswith("驻区单位党建工作赋分结果须于12月20日前报区委组织部审核，还有0天")
    assert [r.getMessage() for r in caplog.records if r.name == "governance.reminders"] == [reminder, on_the_day[0]]

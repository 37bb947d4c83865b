"""Beat schedules the policy needs are data, created by migrations (not by hand in the admin)."""

import pytest
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db

# (the periodic task's dotted name, the migration that creates it)
SCHEDULED = [
    ("assessments.tasks.assessment_reminders_task", "assessments 0002: 二(四)2, late or missing scores reminded daily"),
    ("meetings.tasks.meetings_remind_task", "meetings 0002: required meetings reminded before a period ends"),
]


@pytest.mark.parametrize(("task", "why"), SCHEDULED)
def test_the_migrations_create_the_policys_schedules(task, why):
    # the test database is built by the migrations: the schedule is there without anyone adding it
    entry = PeriodicTask.objects.filter(task=task).select_related("crontab").first()
    assert entry is not None, why
    assert entry.enabled and entry.crontab is not None and entry.crontab.timezone.key == "Asia/Shanghai"


def test_every_scheduled_task_is_a_registered_celery_task():
    from governance.celery import app

    app.loader.import_default_modules()
    for entry in PeriodicTask.objects.exclude(task="celery.backend_cleanup"):
        assert entry.task in app.tasks, entry.task

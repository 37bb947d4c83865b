"""Celery beat schedules edited in the admin appear in /audit/ with who, when and what changed; the beat
scheduler's own bookkeeping saves do not; a street clerk reads no audit."""

import pytest
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from governance.audit_trail import AuditFilters, audit_page
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def nightly(db):
    crontab = CrontabSchedule.objects.create(minute="0", hour="2", timezone="Asia/Shanghai")
    task = PeriodicTask.objects.create(name="每晚生成问题清单", task="governance.tasks.findings_refresh", crontab=crontab)
    return crontab, task


def test_an_admin_edit_of_a_schedule_shows_in_the_audit_with_who_and_what(admin_user, nightly, two_streets):
    crontab, _task = nightly
    admin = client_for(admin_user)
    response = admin.post(f"/admin/django_celery_beat/crontabschedule/{crontab.pk}/change/", {
        "minute": "30", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
        "timezone": "Asia/Shanghai"})
    assert response.status_code == 302

    entry = audit_page(AuditFilters(model="django_celery_beat.CrontabSchedule", action="~"), offset=0)[0]
    assert entry.who == admin_user.get_username()
    changes = {label: (before, after) for label, before, after in entry.changes}
    assert len(changes) == 2 and ("0", "30") in changes.values() and ("2", "3") in changes.values()

    page = admin.get("/audit/", {"model": "django_celery_beat.CrontabSchedule"})
    html = page.content.decode()
    assert page.status_code == 200 and admin_user.get_username() in html and "0 → 30" in html
    assert client_for(f.user(Role.STREET_STAFF, two_streets["a"])).get("/audit/").status_code == 403


def test_the_task_lists_enable_action_is_audited_per_task(admin_user, nightly):
    _crontab, task = nightly
    admin = client_for(admin_user)
    response = admin.post("/admin/django_celery_beat/periodictask/", {
        "action": "disable_tasks", "index": 0, "_selected_action": [task.pk]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert not task.enabled
    latest = task.history.order_by("-history_id").first()
    assert (latest.history_type, latest.enabled, latest.history_user) == ("~", False, admin_user)


def test_the_schedulers_run_bookkeeping_leaves_no_audit_row(nightly):
    _crontab, task = nightly
    rows = task.history.count()
    task.last_run_at = timezone.now()
    task.total_run_count += 1
    task.save()
    assert task.history.count() == rows
    task.enabled = False
    task.save()
    assert task.history.count() == rows + 1

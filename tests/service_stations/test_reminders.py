"""The daily job: cases due on the next working day and overdue, notified once to the head and the worker."""

import datetime

import pytest
from django.core import mail

from governance.models import PostKind
from governance.roles import Role
from service_stations.models import CaseReminder, CaseStatus, Notification
from service_stations.selectors import working_calendar
from service_stations.services import case_reminders_send, case_transition
from service_stations.tasks import case_reminders_task
from tests import factories as f
from tests.service_stations.conftest import at, case, item

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def due_cases(stations):
    """On Thu 9 Oct 2025: one case due Fri 10 Oct (tomorrow), one overdue, one due later, one overdue but done."""
    worker = f.user(Role.STATION_WORKER, stations["station_a"])
    item_5 = item("城乡居民基本养老保险参保登记")  # 5 working days
    assert item_5.time_limit_days == 5
    w = dict(stations, clerk=worker)
    # Received Sat 27 Sep 2025: 28 (调休 Sun), 29, 30 Sep, [1–8 Oct off], 9, 10 Oct -> due Fri 10 Oct.
    calendar = working_calendar()
    w["tomorrow"] = case(stations["station_a"], worker, service_item=item_5, received_at=at(D(2025, 9, 27)))
    w["overdue"] = case(stations["station_a"], worker, service_item=item_5, received_at=at(D(2025, 9, 1)))
    w["later"] = case(stations["station_a"], worker, service_item=item_5, received_at=at(D(2025, 10, 9)))
    done = case(stations["station_a"], worker, service_item=item_5, received_at=at(D(2025, 9, 1)))
    case_transition(case=done, acting_user=worker, status=CaseStatus.RETURNED)
    assert w["tomorrow"].due_date == calendar.add_working_days(D(2025, 10, 9), 1) == D(2025, 10, 10)
    return w


def test_the_head_and_the_worker_are_notified_once(due_cases):
    head, clerk = due_cases["worker_a"], due_cases["clerk"]  # worker_a holds the station-head post
    assert case_reminders_send(today=D(2025, 10, 9)) == 4
    assert set(Notification.objects.values_list("recipient_id", "case_id")) == {
        (head.pk, due_cases["tomorrow"].pk), (clerk.pk, due_cases["tomorrow"].pk),
        (head.pk, due_cases["overdue"].pk), (clerk.pk, due_cases["overdue"].pk)}
    kinds = dict(CaseReminder.objects.values_list("case_id", "kind"))
    assert kinds == {due_cases["tomorrow"].pk: "due_tomorrow", due_cases["overdue"].pk: "overdue"}
    # A re-run, or the task retried, notifies nobody twice.
    assert case_reminders_send(today=D(2025, 10, 9)) == 0
    assert case_reminders_task.delay("2025-10-09").get() == 0
    assert Notification.objects.count() == 4


def test_the_next_day_the_case_due_tomorrow_becomes_overdue_once(due_cases):
    case_reminders_send(today=D(2025, 10, 9))
    case_reminders_send(today=D(2025, 10, 11))  # Sat 11 Oct 2025 is a make-up workday; 10 Oct has passed
    assert CaseReminder.objects.filter(case=due_cases["tomorrow"]).count() == 2
    case_reminders_send(today=D(2025, 10, 13))
    assert CaseReminder.objects.filter(case=due_cases["tomorrow"], kind="overdue").count() == 1


def test_email_when_configured(due_cases, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "mail.xingqing.gov.cn"
    due_cases["clerk"].email = "clerk@xingqing.gov.cn"
    due_cases["clerk"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        case_reminders_send(today=D(2025, 10, 9))
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["clerk@xingqing.gov.cn"]
    with django_capture_on_commit_callbacks(execute=True):
        case_reminders_send(today=D(2025, 10, 9))
    assert len(mail.outbox) == 2


def test_the_beat_schedule_is_data():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="service_stations.tasks.case_reminders_task")
    assert task.enabled and task.crontab.hour == "7"
    assert case_reminders_task.acks_late is True


def test_a_station_head_post_without_login_is_skipped(stations):
    f.post(PostKind.STATION_HEAD, station=stations["station_b"], person=f.person(street=stations["b"]))
    taken = case(stations["station_b"], stations["worker_b"], service_item=item("城乡居民基本养老保险参保登记"),
                 received_at=at(D(2025, 9, 1)))
    assert case_reminders_send(today=D(2025, 10, 9)) == 1
    assert Notification.objects.get().recipient == stations["worker_b"] and Notification.objects.get().case == taken


def test_a_recipient_marks_a_notification_read_and_nobody_else_can(due_cases, client):
    from django.urls import reverse

    case_reminders_send(today=D(2025, 10, 9))
    mine = Notification.objects.filter(recipient=due_cases["clerk"]).first()
    client.force_login(due_cases["worker_b"])
    assert client.post(reverse("notification-read", args=[mine.pk])).status_code == 404
    client.force_login(due_cases["clerk"])
    page = client.get(reverse("station-dashboard", args=[due_cases["station_a"].pk])).content.decode()
    assert mine.message in page
    assert client.post(reverse("notification-read", args=[mine.pk]), {"next": "https://evil.example/"}).url == "/"
    mine.refresh_from_db()
    assert mine.read_at is not None

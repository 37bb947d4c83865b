"""Reminders are sent, not only recorded (二(四)2: stationed units' results by 20 December; a cycle's own
deadline otherwise): the raters' users get an in-app notification, and an e-mail when e-mail is
configured, once before the deadline and once after it; a re-run or a retried task notifies nobody twice."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import AssessmentReminder, RaterKind, ScoreSheet
from assessments.services import cycle_notify, cycle_open, sheet_save
from assessments.tasks import assessment_reminders_task
from service_stations.models import Notification

pytestmark = pytest.mark.django_db


def submit_all(sheets, user):
    for sheet in sheets:
        scores = {c.pk: c.max_score for c in sheet.component.criteria.all()}
        sheet_save(sheet=sheet, acting_user=user, scores=scores, submit=True)


def recipients():
    return sorted(Notification.objects.values_list("recipient__username", flat=True))


def test_the_20_december_deadline_notifies_each_rater_once_before_and_once_after(world, unit_scheme):
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    assert cycle.deadline == datetime.date(2024, 12, 20)
    assert assessment_reminders_task("2024-12-14")["notifications"] == 0  # six days before: too early
    assert not Notification.objects.exists()
    # five days before: every street's and community's user, one notification each
    assert assessment_reminders_task("2024-12-15")["notifications"] == 4
    users = ("street_user_a", "street_user_b", "community_user_a", "community_user_b")
    assert recipients() == sorted(world[u].username for u in users)
    notice = Notification.objects.get(recipient=world["street_user_a"])
    assert "2024-12-20" in notice.message and "二(四)2" in notice.message and "2 份" in notice.message
    # a re-run, a retried task, the next day: nobody is notified twice before the deadline
    assert assessment_reminders_task("2024-12-15")["notifications"] == 0
    assert assessment_reminders_task("2024-12-19")["notifications"] == 0
    assert cycle_notify(cycle=cycle, today=datetime.date(2024, 12, 20)) == 0
    assert Notification.objects.count() == 4
    # street a submits everything on time; after the deadline only the others are reminded that they are late
    submit_all(cycle.sheets.filter(rater_street=world["a"]), world["street_user_a"])
    assert assessment_reminders_task("2024-12-21")["notifications"] == 3
    overdue = Notification.objects.filter(assessment_reminder__kind=AssessmentReminder.Kind.OVERDUE)
    assert sorted(overdue.values_list("recipient__username", flat=True)) == sorted(
        world[u].username for u in users if u != "street_user_a")
    assert "已过报送截止日期" in overdue.first().message
    assert assessment_reminders_task("2024-12-21")["notifications"] == 0
    assert assessment_reminders_task("2024-12-28")["notifications"] == 0
    assert Notification.objects.count() == 7


def test_nothing_missing_notifies_nobody_and_a_published_cycle_is_not_reminded(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, street=world["a"])
    submit_all(cycle.sheets.filter(rater_kind=RaterKind.STREET), world["street_user_a"])
    submit_all(cycle.sheets.filter(rater_kind=RaterKind.COMMUNITY), world["community_user_a"])
    assert cycle.deadline == datetime.date(2024, 6, 30)  # a half year's cycle: the end of the half
    assert cycle_notify(cycle=cycle, today=datetime.date(2024, 7, 5)) == 0
    assert not Notification.objects.exists()


def test_department_and_organisation_department_parts_notify_their_users(agency):
    assert cycle_notify(cycle=agency["cycle"], today=datetime.date(2024, 12, 31)) == 4
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        agency[u].pk for u in ("police_user", "justice_user", "street_user_a", "street_user_b")}
    assert not Notification.objects.filter(recipient=agency["orgdept"]).exists()  # no part of theirs


def test_notifications_are_e_mailed_once_when_e_mail_is_configured(world, unit_scheme, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "mail.xingqing.gov.cn"
    for name in ("street_user_a", "community_user_b"):
        world[name].email = f"{name}@xingqing.gov.cn"
        world[name].save(update_fields=["email"])
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        assert cycle_notify(cycle=cycle, today=datetime.date(2024, 12, 16)) == 4
    assert sorted(m.to[0] for m in mail.outbox) == ["community_user_b@xingqing.gov.cn",
                                                    "street_user_a@xingqing.gov.cn"]
    assert mail.outbox[0].subject == "考核评分提醒"
    with django_capture_on_commit_callbacks(execute=True):
        assert cycle_notify(cycle=cycle, today=datetime.date(2024, 12, 16)) == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(emailed=True).count() == 2


def test_without_e_mail_only_in_app(world, unit_scheme, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = ""
    world["street_user_a"].email = "a@xingqing.gov.cn"
    world["street_user_a"].save(update_fields=["email"])
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        assert cycle_notify(cycle=cycle, today=datetime.date(2024, 12, 16)) == 4
    assert not mail.outbox


def test_the_to_do_page_shows_the_reminder_and_it_is_marked_read(client, world, unit_scheme):
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    cycle_notify(cycle=cycle, today=datetime.date(2024, 12, 21))
    client.force_login(world["street_user_a"])
    page = client.get("/assessments/todo/")
    notice = Notification.objects.get(recipient=world["street_user_a"])
    assert page.status_code == 200 and notice.message in page.content.decode()
    # another street's user cannot mark it read (404), its recipient can
    other = client.__class__()
    other.force_login(world["street_user_b"])
    assert other.post(reverse("notification-read", args=[notice.pk])).status_code == 404
    response = client.post(reverse("notification-read", args=[notice.pk]), {"next": "/assessments/todo/"})
    assert response.status_code == 302
    assert notice.message not in client.get("/assessments/todo/").content.decode()
    assert ScoreSheet.objects.filter(cycle=cycle).exists()

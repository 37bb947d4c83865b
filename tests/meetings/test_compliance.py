"""Each required meeting's frequency at its period boundary (二(四)1 yearly, 三(一)3 quarterly, 三(三)1 monthly),
the representatives' meeting's three reports (三(三)2), decisions followed to completion, and reminders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from communities.models import Community
from governance.exceptions import RuleViolation
from governance.rules import RuleBook
from meetings.models import Meeting, MeetingDecision, MeetingKind, MeetingReminder
from meetings.selectors import meeting_compliance
from meetings.services import meeting_decision_update, meeting_record, meeting_reminders_create
from streets.models import Street
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
K = MeetingKind


def hold(w, kind, day, side="a", **extra):
    unit = {"street": w[side]} if kind == K.BIG_COMMITTEE else {"community": w[f"c{side}"]}
    return meeting_record(acting_user=None, kind=kind, held_on=day, attendees="全体委员", agenda="议题", **unit, **extra)


def requirement(w, kind, on, side="a"):
    rows = meeting_compliance(streets=Street.objects.filter(pk=w[side].pk),
                              communities=Community.objects.filter(pk=w[f"c{side}"].pk), rules=RuleBook(on=on), on=on)
    return next(r for row in rows for r in row.requirements if r.kind == kind)


def test_a_deliberation_on_the_last_day_of_the_month_counts_for_that_month_only(two_streets):
    hold(two_streets, K.DELIBERATION, D(2024, 1, 31))
    january = requirement(two_streets, K.DELIBERATION, D(2024, 1, 31))
    assert (january.held, january.missing) == (1, False)
    february = requirement(two_streets, K.DELIBERATION, D(2024, 2, 1))
    assert (february.start, february.end, february.held, february.missing) == (D(2024, 2, 1), D(2024, 2, 29), 0, True)
    assert (february.previous_held, february.overdue) == (1, False)
    assert february.breaches[0].rule.clause == "三(三)1"


def test_a_month_without_a_deliberation_is_overdue_the_next_month(two_streets):
    hold(two_streets, K.DELIBERATION, D(2024, 2, 1))
    assert requirement(two_streets, K.DELIBERATION, D(2024, 1, 31)).missing
    march = requirement(two_streets, K.DELIBERATION, D(2024, 3, 1))
    assert march.overdue is False  # February had one
    april = requirement(two_streets, K.DELIBERATION, D(2024, 4, 1))
    assert april.overdue is True and april.previous_held == 0


def test_a_joint_committee_meeting_on_31_march_counts_for_the_first_quarter(two_streets):
    hold(two_streets, K.JOINT_COMMITTEE, D(2024, 3, 31))
    q1 = requirement(two_streets, K.JOINT_COMMITTEE, D(2024, 3, 31))
    assert (q1.start, q1.end, q1.held, q1.missing) == (D(2024, 1, 1), D(2024, 3, 31), 1, False)
    q2 = requirement(two_streets, K.JOINT_COMMITTEE, D(2024, 4, 1))
    assert (q2.held, q2.missing, q2.overdue) == (0, True, False)
    assert q2.breaches[0].rule.clause == "三(一)3"
    hold(two_streets, K.JOINT_COMMITTEE, D(2024, 4, 1))
    assert requirement(two_streets, K.JOINT_COMMITTEE, D(2024, 4, 1)).missing is False
    assert requirement(two_streets, K.JOINT_COMMITTEE, D(2024, 7, 1)).overdue is False


def test_the_big_committee_needs_two_meetings_in_the_calendar_year(two_streets):
    hold(two_streets, K.BIG_COMMITTEE, D(2023, 12, 31))
    hold(two_streets, K.BIG_COMMITTEE, D(2024, 1, 1))
    year = requirement(two_streets, K.BIG_COMMITTEE, D(2024, 12, 31))
    assert (year.held, year.required, year.missing) == (1, 2, True)
    assert year.breaches[0].rule.clause == "二(四)1"
    hold(two_streets, K.BIG_COMMITTEE, D(2024, 12, 31))
    assert requirement(two_streets, K.BIG_COMMITTEE, D(2024, 12, 31)).missing is False
    assert requirement(two_streets, K.BIG_COMMITTEE, D(2025, 1, 1)).overdue is False
    assert requirement(two_streets, K.BIG_COMMITTEE, D(2024, 1, 1)).overdue is True  # 2023 had only one


def test_another_streets_meetings_do_not_count(two_streets):
    hold(two_streets, K.DELIBERATION, D(2024, 1, 10), side="b")
    assert requirement(two_streets, K.DELIBERATION, D(2024, 1, 31)).held == 0


def test_a_representatives_meeting_hears_three_reports_and_assesses_them(two_streets):
    with pytest.raises(RuleViolation) as exc:
        hold(two_streets, K.REPRESENTATIVES, D(2024, 6, 1), secretary_reported=True, station_head_reported=True)
    assert (exc.value.rule, exc.value.clause) == ("community.residents_committee", "三(三)2")
    assert "居委会主任" in exc.value.text
    with pytest.raises(RuleViolation) as exc:
        hold(two_streets, K.REPRESENTATIVES, D(2024, 6, 1), secretary_reported=True, station_head_reported=True,
             rc_director_reported=True)
    assert exc.value.field == "assessment"
    assert not Meeting.objects.exists()
    held = hold(two_streets, K.REPRESENTATIVES, D(2024, 6, 1), secretary_reported=True, station_head_reported=True,
                rc_director_reported=True, assessment="满意 45 票，基本满意 3 票")
    assert held.street == two_streets["a"]


def test_a_meeting_belongs_to_the_unit_its_kind_requires(two_streets):
    with pytest.raises(ValidationError) as exc:
        meeting_record(acting_user=None, kind=K.DELIBERATION, street=two_streets["a"], held_on=D(2024, 1, 5),
                       attendees="x", agenda="y")
    assert "community" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        meeting_record(acting_user=None, kind=K.JOINT_COMMITTEE, street=two_streets["b"], community=two_streets["ca"],
                       held_on=D(2024, 1, 5), attendees="x", agenda="y")
    assert "community" in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_decisions_are_followed_to_completion(two_streets):
    meeting = hold(two_streets, K.DELIBERATION, D(2024, 1, 5),
                   decisions=[{"text": "修缮车棚", "responsible": "居委会", "due_date": D(2024, 3, 1)}])
    decision = meeting.decisions.get()
    assert decision.status == MeetingDecision.Status.OPEN
    meeting_decision_update(decision=decision, acting_user=None, status="done", outcome="已完工",
                            expected_version=decision.version)
    decision.refresh_from_db()
    assert decision.status == "done" and decision.completed_on is not None and decision.outcome == "已完工"


# --- reminders ---


def test_reminders_are_queued_on_commit_once_per_period_and_sent_once(two_streets, django_capture_on_commit_callbacks,
                                                                      mailoutbox):
    from governance.roles import Role

    user = f.user(Role.COMMUNITY_STAFF, two_streets["ca"])
    user.email = "clerk@example.org"
    user.save()
    hold(two_streets, K.DELIBERATION, D(2024, 1, 3), side="b")  # community b held its January deliberation
    # given 6 days before January ends (lead time 7) and no deliberation in community a
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = meeting_reminders_create(on=D(2024, 1, 25))
    reminders = MeetingReminder.objects.filter(pk__in=created)
    assert {(r.kind, r.community_id) for r in reminders if r.kind == K.DELIBERATION} == {
        (K.DELIBERATION, two_streets["ca"].pk)}
    # then sending waits for the commit: nothing was sent inside the transaction
    assert len(callbacks) == len(created)
    assert not MeetingReminder.objects.filter(sent_at__isnull=False).exists()
    for callback in callbacks:
        callback()
    sent = MeetingReminder.objects.get(kind=K.DELIBERATION, community=two_streets["ca"])
    assert sent.sent_at is not None
    assert (user.first_name or user.username) in sent.recipients
    assert any("clerk@example.org" in m.to for m in mailoutbox)
    # a second run in the same period creates and queues nothing
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert meeting_reminders_create(on=D(2024, 1, 26)) == []
    assert again == []


def test_no_reminder_before_the_lead_time(two_streets):
    assert [r for r in MeetingReminder.objects.filter(pk__in=meeting_reminders_create(on=D(2024, 1, 20)))
            if r.kind == K.DELIBERATION] == []


def test_sending_a_reminder_twice_sends_once(two_streets, django_capture_on_commit_callbacks):
    from meetings.tasks import meeting_reminder_send_task

    with django_capture_on_commit_callbacks(execute=True):
        created = meeting_reminders_create(on=D(2024, 1, 25))
    assert created and meeting_reminder_send_task(created[0]) is False


def test_the_beat_schedule_is_data():
    task = PeriodicTask.objects.get(task="meetings.tasks.meetings_remind_task")
    assert task.enabled and task.crontab.hour == "8"


def test_a_period_that_ended_short_is_a_finding_and_the_running_one_is_not(two_streets):
    from governance.findings import findings_for
    from governance.roles import Role

    hold(two_streets, K.DELIBERATION, D(2024, 2, 1))
    user = f.user(Role.STREET_STAFF, two_streets["a"])
    found = [x for x in findings_for(user=user, on=D(2024, 3, 15)) if x.rule == "residents.deliberation_per_month"]
    assert found == []  # February had its deliberation; March is still running
    found = [x for x in findings_for(user=user, on=D(2024, 4, 15)) if x.rule == "residents.deliberation_per_month"]
    assert [(x.clause, x.subject) for x in found] == [("三(三)1", f"{two_streets['a'].name} · {two_streets['ca'].name}")]
    assert "2024-03-01至2024-03-31" in found[0].message


def test_an_unconfirmed_default_list_is_a_finding_for_the_district(db):
    from admissions.selectors import admission_list_in_force
    from admissions.services import admission_list_confirm
    from governance.findings import findings_for
    from governance.roles import Role

    admin = f.user(Role.DISTRICT_ADMIN)
    assert {x.clause for x in findings_for(user=admin) if x.rule.startswith("admission.")} == {"二(一)", "三(五)"}
    admission_list_confirm(admission_list=admission_list_in_force(level="street"), acting_user=admin)
    assert {x.clause for x in findings_for(user=admin) if x.rule.startswith("admission.")} == {"三(五)"}


@pytest.mark.parametrize(("kind", "last_quiet", "first_due", "period_end"), [
    (K.DELIBERATION, D(2024, 1, 23), D(2024, 1, 24), D(2024, 1, 31)),  # month: 7 days before
    (K.JOINT_COMMITTEE, D(2024, 3, 16), D(2024, 3, 17), D(2024, 3, 31)),  # quarter: 14 days before
    (K.BIG_COMMITTEE, D(2024, 11, 30), D(2024, 12, 1), D(2024, 12, 31)),  # year: 30 days before
])
def test_a_reminder_falls_due_exactly_at_its_lead_time_and_not_for_a_unit_that_held_its_meeting(
        two_streets, django_capture_on_commit_callbacks, kind, last_quiet, first_due, period_end):
    w = two_streets
    hold(w, kind, last_quiet, side="b")  # street or community b held it this period
    if kind == K.BIG_COMMITTEE:
        hold(w, kind, last_quiet - datetime.timedelta(days=1), side="b")  # twice a year
    unit = {"street": w["a"], "community__isnull": True} if kind == K.BIG_COMMITTEE else {"community": w["ca"]}
    with django_capture_on_commit_callbacks(execute=False):
        quiet = meeting_reminders_create(on=last_quiet)
    assert not MeetingReminder.objects.filter(pk__in=quiet, kind=kind).exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        due = meeting_reminders_create(on=first_due)
    reminders = MeetingReminder.objects.filter(pk__in=due, kind=kind)
    assert [(r.street_id, r.period_end, r.held) for r in reminders] == [(w["a"].pk, period_end, 0)]
    assert reminders.filter(**unit).exists()
    assert len(callbacks) == len(due)  # each sending waits for the commit

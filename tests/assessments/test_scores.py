"""Cycles and score entry: the 4/6 and 8/12 splits, a weighted total by hand, drafts versus submission,
returning and re-submitting, the 20 December deadline, reminders, scope between raters, excellent share."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.checks import party_building_weight, score_deadline
from assessments.models import AssessmentCycle, RaterKind, Score, ScoreSheet
from assessments.score_selectors import cycle_progress, cycle_totals, sheets_for_user, todo_for_user
from assessments.services import (
    cycle_open,
    cycle_publish,
    cycle_remind,
    sheet_approve,
    sheet_return,
    sheet_save,
    sheet_submit,
)
from assessments.tasks import assessment_reminders_task
from governance.exceptions import Conflict
from governance.rules import RuleBook

pytestmark = pytest.mark.django_db
SH = timezone.get_fixed_timezone(8 * 60)


def crits(sheet):
    return list(sheet.component.criteria.all())


def fill(sheet, *values, submit=True, user=None, now=None):
    scores = {c.pk: v for c, v in zip(crits(sheet), values, strict=True)}
    return sheet_save(sheet=sheet, acting_user=user, scores=scores, submit=submit, now=now)


@pytest.mark.parametrize(("level", "total", "street", "community"),
                         [("region", 10, 4, 6), ("city", 20, 8, 12), ("district", 20, 8, 12)])
def test_party_building_weight_by_level(level, total, street, community):
    weight = party_building_weight(level, RuleBook())
    assert (weight["total"], weight["street"], weight["community"]) == (total, street, community)
    assert weight["rule"].clause == "二(四)2"


def test_unit_sheets_carry_the_split_of_their_level(world, unit_scheme):
    cycle = cycle_open(acting_user=world["orgdept"], scheme=unit_scheme, year=2024)
    assert cycle.deadline == datetime.date(2024, 12, 20)  # 二(四)2, from the rule
    weights = {(s.assessment.stationed_unit_id, s.rater_kind): s.weight for s in cycle.sheets.select_related("assessment")}
    assert weights[(world["region_a"].pk, RaterKind.STREET)] == Decimal(4)
    assert weights[(world["region_a"].pk, RaterKind.COMMUNITY)] == Decimal(6)
    assert weights[(world["city_b"].pk, RaterKind.STREET)] == Decimal(8)
    assert weights[(world["city_b"].pk, RaterKind.COMMUNITY)] == Decimal(12)


def test_unit_total_computed_by_hand(world, unit_scheme):
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    sheets = {s.rater_kind: s for s in cycle.sheets.filter(assessment__stationed_unit=world["city_a"])}
    fill(sheets[RaterKind.STREET], 90)
    fill(sheets[RaterKind.COMMUNITY], 75)
    total = next(t for t in cycle_totals(cycle=cycle) if t.subject_name == world["city_a"].name)
    # street 90% of 8 = 7.2, community 75% of 12 = 9.0: 16.2 of 20, 81 on a scale of 100
    assert total.total == Decimal("16.20")
    assert total.full_weight == Decimal(20)
    assert total.percent == Decimal("81.00")
    assert "8%" in total.formula and "12%" in total.formula


def test_weighted_total_by_hand_and_ranking(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, part=1)
    a1 = {s.rater_kind: s for s in cycle.sheets.filter(assessment__person=world["worker_a"])}
    a2 = {s.rater_kind: s for s in cycle.sheets.filter(assessment__person=world["worker2_a"])}
    fill(a1[RaterKind.STREET], 54, 36)  # 90 of 100
    fill(a1[RaterKind.COMMUNITY], 80)  # 80 of 100
    fill(a2[RaterKind.STREET], 60, 40)  # 100
    fill(a2[RaterKind.COMMUNITY], 70)
    totals = {t.subject_name: t for t in cycle_totals(cycle=cycle)}
    # 90 × 40% + 80 × 60% = 36 + 48 = 84;  100 × 40% + 70 × 60% = 40 + 42 = 82
    assert totals["社工a1"].total == Decimal("84.00")
    assert totals["社工a2"].total == Decimal("82.00")
    assert (totals["社工a1"].rank, totals["社工a2"].rank) == (1, 2)
    assert [(p.rater_kind, p.percent, p.weight, p.points) for p in totals["社工a1"].parts] == [
        ("community", Decimal("80.00"), Decimal(60), Decimal("48.00")),
        ("street", Decimal("90.00"), Decimal(40), Decimal("36.00"))]
    assert totals["社工a1"].complete
    assert not totals["社工b1"].complete and totals["社工b1"].total == 0


def test_drafts_do_not_count_until_submitted(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    fill(sheet, 60, 40, submit=False)
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.raw_score is None
    total = next(t for t in cycle_totals(cycle=cycle) if t.subject_name == "社工a1")
    assert total.total == 0 and total.parts[1].done == 0
    fill(sheet, 60, 30)
    total = next(t for t in cycle_totals(cycle=cycle) if t.subject_name == "社工a1")
    assert total.total == Decimal("36.00")


def test_submission_needs_every_criterion(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    sheet_save(sheet=sheet, acting_user=None, scores={crits(sheet)[0].pk: 50})
    with pytest.raises(ValidationError) as exc:
        sheet_submit(sheet=sheet, acting_user=None)
    assert "作风" in exc.value.message_dict["scores"][0]
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.DRAFT


@pytest.mark.parametrize("value", [-1, 61, "abc", "NaN"])
def test_a_score_outside_its_range_is_refused(world, worker_scheme, value):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    with pytest.raises(ValidationError) as exc:
        sheet_save(sheet=sheet, acting_user=None, scores={crits(sheet)[0].pk: value})
    assert "scores" in exc.value.message_dict
    assert not Score.objects.exists()


def test_submitted_sheet_changes_only_after_return_and_resubmits(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    fill(sheet, 60, 40, user=world["street_user_a"])
    with pytest.raises(ValidationError) as exc:
        fill(sheet, 50, 40, submit=False)
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        sheet_return(sheet=sheet, acting_user=world["orgdept"], comment="  ")
    assert "comment" in exc.value.message_dict
    sheet_return(sheet=sheet, acting_user=world["orgdept"], comment="作风一项请核实")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.review_comment) == (ScoreSheet.Status.RETURNED, "作风一项请核实")
    # returned: out of the totals until submitted again
    assert next(t for t in cycle_totals(cycle=cycle) if t.subject_name == "社工a1").parts[1].done == 0
    fill(sheet, 60, 30, user=world["street_user_a"])
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED and sheet.raw_score == Decimal(90)
    sheet_approve(sheet=sheet, acting_user=world["orgdept"])
    # every change of the score is in its history, attributed
    score = Score.objects.get(sheet=sheet, criterion__name="作风")
    assert [h.value for h in score.history.order_by("history_date")] == [Decimal(40), Decimal(30)]
    assert score.history.latest("history_date").history_user == world["street_user_a"]


def test_stale_version_is_refused(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    opened = sheet.version
    fill(sheet, 10, 10, submit=False)
    with pytest.raises(Conflict):
        sheet_save(sheet=ScoreSheet.objects.get(pk=sheet.pk), acting_user=None, scores={crits(sheet)[0].pk: 20},
                   expected_version=opened)
    assert Score.objects.get(sheet=sheet, criterion__name="实绩").value == Decimal(10)


def test_20_december_deadline(world, unit_scheme):
    assert score_deadline(2024, RuleBook()) == datetime.date(2024, 12, 20)
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    on_time = cycle.sheets.filter(rater_kind=RaterKind.STREET).order_by("pk")[0]
    late = cycle.sheets.filter(rater_kind=RaterKind.STREET).order_by("pk")[1]
    fill(on_time, 80, now=datetime.datetime(2024, 12, 20, 23, 30, tzinfo=SH))
    fill(late, 80, now=datetime.datetime(2024, 12, 21, 0, 5, tzinfo=SH))
    before = {p.street_id: p.late for p in cycle_progress(cycle=cycle, today=datetime.date(2024, 12, 20))}
    after = {p.street_id: p.late for p in cycle_progress(cycle=cycle, today=datetime.date(2024, 12, 21))}
    assert sum(before.values()) == 1  # only the one submitted after the 20th
    # on the 21st, every sheet still missing is late too
    missing = cycle.sheets.exclude(pk__in=[on_time.pk, late.pk]).count()
    assert sum(after.values()) == 1 + missing


def test_reminders_near_the_deadline_once_a_day(world, unit_scheme):
    cycle = cycle_open(acting_user=None, scheme=unit_scheme, year=2024)
    fill(cycle.sheets.order_by("pk")[0], 70)
    assert cycle_remind(cycle=cycle, today=datetime.date(2024, 12, 1)) == 0  # too early
    n = cycle.sheets.count() - 1
    assert assessment_reminders_task("2024-12-16")["sheets"] == n
    assert assessment_reminders_task("2024-12-16")["sheets"] == 0  # idempotent
    assert assessment_reminders_task("2024-12-21")["sheets"] == n  # and again the next day
    assert not cycle.sheets.filter(status=ScoreSheet.Status.SUBMITTED, reminded_on__isnull=False).exists()


def test_raters_see_only_what_they_must_score(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    street_a = set(todo_for_user(user=world["street_user_a"]))
    community_a = set(todo_for_user(user=world["community_user_a"]))
    assert street_a and all(s.rater_street_id == world["a"].pk and s.rater_kind == RaterKind.STREET for s in street_a)
    assert community_a and all(s.rater_community_id == world["ca"].pk for s in community_a)
    assert not street_a & set(todo_for_user(user=world["street_user_b"]))
    other = cycle.sheets.get(assessment__person=world["worker_b"], rater_kind=RaterKind.STREET)
    assert not sheets_for_user(user=world["street_user_a"]).filter(pk=other.pk).exists()
    assert todo_for_user(user=world["orgdept"]).count() == 0  # no department part in this scheme


def test_publish_needs_every_sheet_approved_then_freezes(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, street=world["a"])
    with pytest.raises(ValidationError) as exc:
        cycle_publish(cycle=cycle, acting_user=world["orgdept"])
    assert "status" in exc.value.message_dict
    for sheet in cycle.sheets.all():
        fill(sheet, *[c.max_score for c in crits(sheet)])
        sheet_approve(sheet=ScoreSheet.objects.get(pk=sheet.pk), acting_user=world["orgdept"])
    cycle = cycle_publish(cycle=cycle, acting_user=world["orgdept"])
    assert cycle.status == AssessmentCycle.Status.PUBLISHED
    sheet = cycle.sheets.first()
    with pytest.raises(ValidationError):
        sheet_return(sheet=sheet, acting_user=world["orgdept"], comment="再看看")


def test_excellent_share_is_capped_and_tilted_toward_communities(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, excellent_share=25, community_tilt=25)
    for sheet in cycle.sheets.all():
        fill(sheet, *[c.max_score for c in crits(sheet)])
    totals = cycle_totals(cycle=cycle)
    # 6 community workers (grid workers are community workers too, 三(四)1), all at 100:
    # 25% + 25 points of tilt = 3 excellent; without the tilt, 25% of 6 = 1
    assert len(totals) == 6 and sum(t.excellent for t in totals) == 3
    cycle.community_tilt = 0
    assert sum(t.excellent for t in cycle_totals(cycle=cycle)) == 1
    cycle.excellent_threshold = 101
    assert sum(t.excellent for t in cycle_totals(cycle=cycle)) == 0


def test_cycle_opens_a_sheet_per_subject_and_rater(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, part=2)
    assert cycle.assessments.count() == 6  # two members and a grid worker on each side (三(四)1)
    assert cycle.sheets.count() == 12
    with pytest.raises(ValidationError) as exc:
        cycle_open(acting_user=None, scheme=worker_scheme, year=2024, part=3)
    assert "part" in exc.value.message_dict


def test_reminders_are_scheduled_by_beat_once():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="assessments.tasks.assessment_reminders_task")
    assert task.enabled and task.crontab.hour == "9" and str(task.crontab.timezone) == "Asia/Shanghai"

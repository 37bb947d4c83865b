"""The weighted total's two forms (assessments.checks): `weighted_total` in Python for one subject and
`weighted_total_sql`, the ranking's one aggregate query for a whole cycle, give the same figures: each
part rounded to cents, a returned sheet not counted, the excellent cap of 五(三)."""

from decimal import Decimal

import pytest

from assessments.checks import excellent_cap, weighted_total
from assessments.models import Assessment, RaterKind, SubjectKind
from assessments.score_selectors import cycle_totals
from assessments.services import cycle_open, scheme_create, sheet_approve, sheet_return, sheet_save
from tests.assessments.conftest import crit

pytestmark = pytest.mark.django_db


@pytest.fixture
def uneven_scheme(db):
    """Full marks other than 100 and weights other than 40/60, so that each part rounds."""
    return scheme_create(acting_user=None, name="社区工作者取整测试", subject_kind=SubjectKind.COMMUNITY_WORKER,
                         period="half_yearly", components=[
                             {"rater_kind": RaterKind.STREET, "weight": 45, "criteria": crit(("实绩", 30))},
                             {"rater_kind": RaterKind.COMMUNITY, "weight": 55,
                              "criteria": crit(("群众评价", 70), ("作风", 80))},
                         ])


def fill(sheet, *values):
    criteria = list(sheet.component.criteria.order_by("pk"))
    return sheet_save(sheet=sheet, acting_user=None, scores=dict(zip([c.pk for c in criteria], values, strict=True)),
                      submit=True)


@pytest.fixture
def scored(world, uneven_scheme):
    cycle = cycle_open(acting_user=None, scheme=uneven_scheme, year=2024, excellent_share=20, community_tilt=15)
    sheets = {(s.assessment.subject_name, s.rater_kind): s for s in cycle.sheets.select_related("assessment")}
    fill(sheets["社工a1", RaterKind.STREET], Decimal("20.25"))  # 67.50 × 45% = 30.375 → 30.38
    fill(sheets["社工a1", RaterKind.COMMUNITY], Decimal("66.66"), 50)  # 116.66 / 150 = 77.773… → 77.77; × 55% → 42.77
    fill(sheets["社工a2", RaterKind.STREET], Decimal("29.99"))  # 99.966… → 99.97; × 45% = 44.9865 → 44.99
    returned = fill(sheets["社工a2", RaterKind.COMMUNITY], 70, 80)
    sheet_return(sheet=returned, acting_user=world["orgdept"], comment="请核实")  # no longer counted
    approved = fill(sheets["网格员a", RaterKind.STREET], 30)
    sheet_approve(sheet=approved, acting_user=world["orgdept"])  # approved still counts
    fill(sheets["网格员a", RaterKind.COMMUNITY], 70, 80)
    return cycle


def test_the_query_gives_the_totals_computed_by_hand(scored):
    totals = {t.subject_name: t for t in cycle_totals(cycle=scored)}
    a1, a2, grid = totals["社工a1"], totals["社工a2"], totals["网格员a"]
    assert [(p.rater_kind, p.percent, p.weight, p.points) for p in a1.parts] == [
        ("community", Decimal("77.77"), Decimal(55), Decimal("42.77")),
        ("street", Decimal("67.50"), Decimal(45), Decimal("30.38"))]
    assert (a1.total, a1.full_weight, a1.percent, a1.complete) == (Decimal("73.15"), Decimal(100), Decimal("73.15"), True)
    assert str(a1.total) == "73.15" and a1.formula == "社区 77.77×55% + 街道 67.50×45% = 73.15"
    # the returned sheet is out of the total until submitted again
    assert [(p.rater_kind, p.done, p.percent, p.points) for p in a2.parts] == [
        ("community", 0, None, None), ("street", 1, Decimal("99.97"), Decimal("44.99"))]
    assert (a2.total, a2.percent, a2.complete) == (Decimal("44.99"), Decimal("44.99"), False)
    assert (grid.total, grid.percent, grid.complete) == (Decimal("100.00"), Decimal("100.00"), True)
    assert [t.subject_name for t in cycle_totals(cycle=scored)][:3] == ["网格员a", "社工a1", "社工a2"]
    assert [t.rank for t in cycle_totals(cycle=scored)] == [1, 2, 3, 4, 5, 6]


def test_python_and_sql_forms_agree(scored):
    ranked = cycle_totals(cycle=scored)
    assert len(ranked) == 6
    for total in ranked:
        sheets = scored.sheets.filter(assessment_id=total.assessment_id).values_list(
            "rater_kind", "status", "raw_score", "max_score", "weight")
        by_python = weighted_total(sheets)
        assert (total.total, total.full_weight, total.percent, total.complete) == (
            by_python["total"], by_python["full_weight"], by_python["percent"], by_python["complete"])
        assert {p.rater_kind: (p.sheets, p.done, p.weight, p.percent, p.points) for p in total.parts} == {
            kind: (p["sheets"], p["done"], p["weight"], p["percent"], p["points"])
            for kind, p in by_python["parts"].items()}
    a1 = next(t for t in ranked if t.subject_name == "社工a1")
    assert a1.total == Decimal("73.15")  # by hand, above


def test_the_excellent_cap_tilts_toward_communities_in_the_ranking(scored):
    # 20% + 15 points for community-level subjects: 35% of 6 = 2.1, so 2; at or above 90 only the grid worker
    assert excellent_cap(subjects=6, excellent_share=20, community_tilt=15, community_level=True) == 2
    assert excellent_cap(subjects=6, excellent_share=20, community_tilt=15, community_level=False) == 1
    assert excellent_cap(subjects=6, excellent_share=None, community_tilt=15, community_level=True) == 0
    assert [t.subject_name for t in cycle_totals(cycle=scored) if t.excellent] == ["网格员a"]
    scored.excellent_threshold = 70
    assert [t.subject_name for t in cycle_totals(cycle=scored) if t.excellent] == ["网格员a", "社工a1"]
    scored.community_tilt = 0  # 20% of 6: one
    assert [t.subject_name for t in cycle_totals(cycle=scored) if t.excellent] == ["网格员a"]


def test_a_scope_narrows_the_ranking_and_an_empty_one_ranks_nobody(scored, world):
    mine = Assessment.objects.filter(person=world["worker_a"])
    assert [(t.subject_name, t.rank, t.total) for t in cycle_totals(cycle=scored, assessments=mine)] == [
        ("社工a1", 1, Decimal("73.15"))]
    assert list(cycle_totals(cycle=scored, assessments=Assessment.objects.none())) == []


def test_a_page_of_the_ranking_builds_only_its_totals(scored):
    ranked = cycle_totals(cycle=scored)
    page = ranked[2:4]
    assert [t.rank for t in page] == [3, 4] and len(ranked._built) == 2
    assert ranked[-1].rank == 6

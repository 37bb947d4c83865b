"""The quota calculators at every bracket edge (三(一), 三(四)2, 五(二), 五(四))."""

import datetime

import pytest

from assessments.quotas import community_quota, long_service_award, rules_on, street_quota
from governance.exceptions import RuleViolation
from governance.models import PolicyRule
from governance.rules import RuleBook, RuleValue

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 6, 1)


def quota(households=2000, party_members=80, is_complex=False, on=ON, **kw):
    return community_quota(households=households, party_members=party_members, is_complex=is_complex,
                           rules=rules_on(on), **kw)


@pytest.mark.parametrize("households, committee, work_funds", [
    (0, 5, 100000), (2999, 5, 100000), (3000, 7, 130000), (4999, 7, 130000), (5000, 9, 150000),
    (250000, 9, 150000),
])
def test_committee_members_and_work_funds_follow_half_open_household_brackets(households, committee, work_funds):
    # given a community with this many households / when its quota is computed
    q = quota(households=households)
    # then 三(四)2 and 五(二) brackets [0,3000) [3000,5000) [5000,∞) apply
    assert q.committee_members.value == committee
    assert q.work_funds.value == work_funds


@pytest.mark.parametrize("households, is_complex, standard, allowed", [
    (0, False, 0, 0), (1, False, 1, 1), (500, False, 1, 1), (501, False, 2, 2), (2999, False, 6, 6),
    (3000, False, 6, 6), (5000, False, 10, 10), (0, True, 0, 0), (300, True, 1, 1), (301, True, 1, 2),
    (2999, True, 6, 10), (3000, True, 6, 10), (5000, True, 10, 17),
])
def test_grid_workers_one_per_500_and_a_complex_community_may_staff_one_per_300(households, is_complex, standard,
                                                                                 allowed):
    # 三(四)2: 1 per 500 (rounded up) is the standard for every community; "可按照300户配备1名" is an allowance
    q = quota(households=households, is_complex=is_complex)
    assert (q.grid_workers.value, q.grid_workers_max.value) == (standard, allowed)


@pytest.mark.parametrize("households, is_complex, covered, hire", [
    (0, False, 0, 0),       # no households: nothing to cover, never negative
    (2000, False, 4, 0),    # 4 grid workers, 5 两委: all covered
    (2999, True, 5, 1),     # 6 grid workers by the standard, 5 两委 → 1 to hire (the allowance is not a duty)
    (4999, False, 7, 3),    # 10 grid workers, 7 两委
    (5000, True, 9, 1),     # 10 grid workers, 9 两委
])
def test_committee_members_serve_as_grid_workers_first(households, is_complex, covered, hire):
    q = quota(households=households, is_complex=is_complex)
    assert q.grid_covered_by_committee.value == covered
    assert q.fulltime_grid_workers.value == hire
    assert covered + hire == max(q.grid_workers.value, 0)


@pytest.mark.parametrize("members, kind, funds", [
    (0, "general_branch", 30000), (99, "general_branch", 30000), (100, "general_branch", 30000),
    (101, "party_committee", 50200), (150, "party_committee", 60000),
])
def test_party_organisation_and_party_building_funds_at_the_100_member_edge(members, kind, funds):
    # 三(一): more than 100 → 党委; exactly 100 → 党总支. 五(二): +¥200 per member above 100
    q = quota(party_members=members)
    assert q.party_organization.value == kind
    assert q.party_building_funds.value == funds


def test_party_building_funds_can_be_costed_for_a_branch_or_a_general_branch_above_100():
    # given an organisation kind other than the expected one (e.g. the actual 党支部 / 党总支)
    assert quota(party_members=50, organization_kind="branch").party_building_funds.value == 20000
    # then the +¥200 applies only to the members above 100
    assert quota(party_members=120, organization_kind="general_branch").party_building_funds.value == 34000


def test_every_figure_names_its_rule_value_date_and_clause():
    q = quota(households=3000, party_members=101, is_complex=True)
    clauses = {b["figure"]: (b["rule"], b["clause"]) for b in q.basis}
    assert clauses["party_organization"] == ("community.party_committee_threshold", "三(一)")
    assert clauses["committee_members"] == ("community.committee_members", "三(四)2")
    assert clauses["grid_workers"] == ("community.households_per_grid_worker", "三(四)2")
    assert clauses["work_funds"] == ("community.work_funds", "五(二)")
    assert clauses["party_building_funds"] == ("community.party_building_funds", "五(二)")
    assert clauses["station_staff_cap"] == ("service_station.staff_cap", "三(二)2")
    by_figure = {b["figure"]: b for b in q.basis}
    assert by_figure["committee_members"]["value"] == 7
    assert by_figure["grid_workers"]["value"] == 500
    assert by_figure["grid_workers_max"]["value"] == 300
    assert by_figure["work_funds"]["value"] == 130000
    assert by_figure["work_funds"]["effective_from"] == "2018-10-01"
    covered_rules = {b["rule"] for b in q.basis if b["figure"] == "fulltime_grid_workers"}
    assert covered_rules == {"community.households_per_grid_worker", "community.committee_members"}


def test_a_later_rule_version_gives_old_figures_before_and_new_after():
    # given a new version of the work funds from 2025-01-01
    PolicyRule.objects.create(
        key="community.work_funds", title="社区工作经费（元/年）", clause="五(二)", effective_from=datetime.date(2025, 1, 1),
        value=[{"min": 0, "value": 120000}, {"min": 3000, "value": 150000}, {"min": 5000, "value": 180000}],
    )
    # when computed the day before and on the date
    before = quota(households=3000, on=datetime.date(2024, 12, 31))
    after = quota(households=3000, on=datetime.date(2025, 1, 1))
    # then the old figure applies before, the new one after, each citing its version
    assert before.work_funds.value == 130000
    assert before.work_funds.basis[0]["effective_from"] == "2018-10-01"
    assert after.work_funds.value == 150000
    assert after.work_funds.basis[0]["effective_from"] == "2025-01-01"


def test_a_date_before_any_rule_version_names_the_rule():
    with pytest.raises(RuleViolation) as exc:
        rules_on(datetime.date(2018, 1, 1))
    assert exc.value.rule == "community.party_committee_threshold"


def test_overrides_change_the_figure_without_touching_the_database():
    override = RuleValue(key="community.committee_members", title="x", clause="三(四)2",
                         effective_from=datetime.date(2030, 1, 1),
                         value=[{"min": 0, "value": 6}, {"min": 3000, "value": 8}, {"min": 5000, "value": 10}])
    rules = RuleBook(on=datetime.date(2030, 1, 1), overrides={"community.committee_members": override})
    q = community_quota(households=3000, party_members=10, is_complex=False, rules=rules)
    assert q.committee_members.value == 8
    assert not PolicyRule.objects.filter(effective_from=datetime.date(2030, 1, 1)).exists()


def test_street_quota_cites_the_two_items_of_2_2():
    q = street_quota(rules=rules_on(ON))
    assert (q.staff_cap.value, q.principal_posts.value, q.deputy_posts.value) == (30, 2, 4)
    assert q.organisation_members.value == 1 and q.extra_career_posts.value == 1
    assert (q.npc_members_min.value, q.npc_members_max.value) == (1, 3)
    assert "public_post" in q.counted_categories and "sanzhi_yifu" in q.counted_categories
    assert set(q.excluded_categories) == {"law_enforcement", "station"}
    assert {b["clause"] for b in q.basis} == {"二(二)1", "二(二)2"}
    assert {b["figure"]: b["clause"] for b in q.basis}["staff_cap"] == "二(二)1"


@pytest.mark.parametrize("start, year, years, amount", [
    (datetime.date(2004, 7, 1), 2024, 20, 5000), (datetime.date(1994, 1, 1), 2024, 30, 10000),
    (datetime.date(2005, 1, 1), 2024, None, None), (datetime.date(2003, 12, 31), 2024, None, None),
    (datetime.date(1995, 3, 1), 2024, None, None),
])
def test_long_service_award_in_the_year_of_the_20th_or_30th_anniversary(start, year, years, amount):
    award = long_service_award(service_start=start, year=year, has_violation_record=False, rules=rules_on(ON))
    if years is None:
        assert award is None
    else:
        assert (award.years, award.amount, award.eligible) == (years, amount, True)
        assert award.basis[0]["clause"] == "五(四)"


def test_long_service_award_with_a_violation_record_is_listed_not_eligible():
    award = long_service_award(service_start=datetime.date(2004, 2, 29), year=2024, has_violation_record=True,
                               rules=rules_on(ON))
    assert award.eligible is False and award.amount_payable == 0
    assert "违纪违法" in award.reason
    assert award.anniversary == datetime.date(2024, 2, 29)

"""Issue: the rules an independent reading of the policy found wrong — quotas as of a date (history),
funds on the actual organisation (五(二)), grid workers' standard and allowance (三(四)2)."""

import datetime

import pytest
from django.utils import timezone

from communities.models import Community, PartyOrganization
from communities.services import community_update, party_organization_update
from governance.models import PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def quotas(api_for, community, as_of):
    r = api_for(f.user(Role.DISTRICT_ADMIN)).get(f"/api/v1/communities/{community.pk}/quotas/?as_of={as_of}")
    assert r.status_code == 200, r.content
    return r.json()


def test_a_quota_as_of_a_past_date_uses_the_figures_recorded_then(api_for):
    community = f.community(households=2999, party_members=80)
    history = Community.history.model
    # the community was recorded with 2,999 households on 1 March 2024 and changed to 3,000 on 1 June 2024
    history.objects.filter(id=community.pk).update(history_date=datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC))
    community_update(community=Community.objects.get(pk=community.pk), acting_user=None, households=3000)
    history.objects.filter(id=community.pk, households=3000).update(
        history_date=datetime.datetime(2024, 6, 1, 9, tzinfo=datetime.UTC))
    before = quotas(api_for, community, "2024-05-31")
    after = quotas(api_for, community, "2024-06-02")
    # before the change: the [0, 3000) bracket; after it: [3000, 5000)
    assert (before["households"], before["committee_members"], before["work_funds"]) == (2999, 5, 100000)
    assert (after["households"], after["committee_members"], after["work_funds"]) == (3000, 7, 130000)
    assert before["figures_recorded_at"].startswith("2024-03-01")
    assert after["figures_recorded_at"].startswith("2024-06-01")
    # today: the current record
    assert quotas(api_for, community, timezone.localdate().isoformat())["figures_recorded_at"] is None


def test_party_building_funds_follow_the_organisation_the_community_has(api_for):
    community = f.community(party_members=150)  # 三(一) requires a 党委 (created so)
    org = PartyOrganization.objects.get(community=community)
    party_organization_update(organization=org, acting_user=None, kind=PartyOrganization.Kind.BRANCH)
    d = quotas(api_for, community, "2024-06-01")
    # 五(二): costed on the 党支部 it has: ¥20,000 + 50 × ¥200, and the line says what 三(一) requires
    assert d["party_building_funds"] == 20000 + 50 * 200
    assert d["party_building_funds_organization"] == "branch"
    assert "社区党支部" in d["party_building_funds_note"] and "社区党委" in d["party_building_funds_note"]
    # once it has the organisation 三(一) requires, no note
    party_organization_update(organization=PartyOrganization.objects.get(pk=org.pk), acting_user=None,
                              kind=PartyOrganization.Kind.PARTY_COMMITTEE)
    d = quotas(api_for, community, "2024-06-01")
    assert (d["party_building_funds"], d["party_building_funds_note"]) == (50000 + 50 * 200, "")


@pytest.mark.parametrize("workers, status", [(1, "short"), (2, "ok"), (3, "allowance"), (4, "allowance"),
                                             (5, "over")])
def test_a_complex_communitys_grid_workers_short_within_the_allowance_or_over(api_for, workers, status):
    # 1,000 households, complex: standard ceil(1000/500) = 2, allowance ceil(1000/300) = 4 (三(四)2)
    community = f.community(households=1000, is_complex=True)
    for _ in range(workers):
        f.post(PostKind.GRID_WORKER, community=community)
    gaps = {g["item"]: g for g in quotas(api_for, community, "2024-06-01")["gaps"]}
    assert (gaps["grid_workers"]["quota"], gaps["grid_workers"]["status"]) == ("2–4", status)


@pytest.mark.parametrize("workers, status", [(1, "short"), (2, "ok"), (3, "over")])
def test_a_community_not_marked_complex_has_no_allowance(api_for, workers, status):
    community = f.community(households=1000, is_complex=False)
    for _ in range(workers):
        f.post(PostKind.GRID_WORKER, community=community)
    gaps = {g["item"]: g for g in quotas(api_for, community, "2024-06-01")["gaps"]}
    assert gaps["grid_workers"]["status"] == status


# --- long-service awards (五(四)): those already past 20 or 30 years when the rule came into force ---

RULE_START = datetime.date(2018, 10, 1)  # the seeded version; its first budget year is 2019


def worker_with_years_at_rule_start(community, years, days_extra=30):
    start = RULE_START.replace(year=RULE_START.year - years) - datetime.timedelta(days=days_extra)
    person = f.person(community=community, street=community.street, community_service_start=start)
    f.post(PostKind.RC_MEMBER, community=community, person=person, start_date=RULE_START)
    return person


def awards_by_year(years):
    from assessments.selectors import long_service_awards

    admin = f.user(Role.DISTRICT_ADMIN)
    return {year: {(row.person.name, row.award.years) for row in long_service_awards(user=admin, year=year)}
            for year in years}


def test_award_transition_for_workers_at_19_20_25_and_31_years_when_the_rule_came_into_force():
    community = f.community()
    at19 = worker_with_years_at_rule_start(community, 19)
    at20 = worker_with_years_at_rule_start(community, 20)
    at25 = worker_with_years_at_rule_start(community, 25)
    at31 = worker_with_years_at_rule_start(community, 31)
    got = awards_by_year(range(2019, 2031))
    # 2019: the 19-year worker reaches 20 in 2019; the 20- and 25-year workers get the 20-year award once,
    # the 31-year worker the 30-year award only
    assert got[2019] == {(at19.name, 20), (at20.name, 20), (at25.name, 20), (at31.name, 30)}
    # later: the 25-year worker reaches 30 in 2023, the 20-year worker in 2028, the 19-year one in 2029
    assert got[2023] == {(at25.name, 30)}
    assert got[2028] == {(at20.name, 30)}
    assert got[2029] == {(at19.name, 30)}
    # nobody receives the same award twice
    every = [pair for year in got.values() for pair in year]
    assert len(every) == len(set(every))


def test_a_catch_up_award_says_why_in_the_budget_year():
    from assessments.selectors import long_service_awards

    community = f.community()
    worker_with_years_at_rule_start(community, 25)
    rows = long_service_awards(user=f.user(Role.DISTRICT_ADMIN), year=2019)
    assert len(rows) == 1 and rows[0].award.amount == 5000 and "首个预算年度 2019" in rows[0].award.reason

"""District totals summed in SQL (assessments.quotas.community_quota_sql) equal the sums of every community's
CommunityQuota (assessments.quotas.community_quota): at the rules' boundaries, on a past date's figures and on
the demo district (issue 14)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.quotas import SqlFormUnavailable, community_quota_sql, rules_on
from assessments.selectors import (
    SUMMED,
    BudgetLine,
    CommunityReports,
    budget_communities,
    budget_community_rows,
    community_totals_by_street,
    district_budget,
    street_quota_report,
    street_reports,
)
from communities.models import Community, PartyOrganization
from communities.selectors import communities_for_user
from communities.services import community_update
from governance.models import PostKind
from governance.roles import Role
from governance.rules import RuleBook, RuleValue
from streets.models import Street
from tests import factories as f

pytestmark = pytest.mark.django_db

FIELDS = ("communities", "households", "party_members", *SUMMED)


def per_community(user, rules) -> dict[int, dict]:
    """The reference: every community's CommunityQuota built and added up, as the budget did before."""
    lines: dict[int, BudgetLine] = {}
    for c, q in budget_community_rows(budget_communities(user=user), rules=rules):
        lines.setdefault(c.street_id, BudgetLine(street=None)).add_quota(c, q)
    return {sid: {name: getattr(line, name) for name in FIELDS} for sid, line in lines.items()}


def summed(user, rules) -> dict[int, dict]:
    return community_totals_by_street(communities_for_user(user=user), rules=rules)


BOUNDARIES = [  # households at each bracket edge and a grid worker's 500; members at 三(一)'s 100
    (0, 0, None), (1, 100, None), (499, 101, None), (500, 100, "branch"), (501, 101, "general_branch"),
    (2999, 250, "party_committee"), (3000, 99, "party_committee"), (3001, 300, "general_branch"),
    (4999, 100, "branch"), (5000, 101, None), (5001, 0, "party_committee"), (12345, 1000, None),
]


@pytest.fixture
def boundary_world():
    a, b = f.street(), f.street()
    for i, (households, members, kind) in enumerate(BOUNDARIES):
        c = Community.objects.create(street=a if i % 2 else b, code=f"edge{i}", name=f"边界{i}社区",
                                     households=households, party_members=members, is_complex=bool(i % 3))
        if kind:
            PartyOrganization.objects.create(community=c, kind=kind)
    return a, b


def test_sql_totals_equal_the_per_community_figures_at_the_boundaries(boundary_world):
    admin = f.user(Role.DISTRICT_ADMIN)
    rules = rules_on(timezone.localdate())
    expected = per_community(admin, rules)
    assert len(expected) == 2 and sum(row["communities"] for row in expected.values()) == len(BOUNDARIES)
    assert summed(admin, rules) == expected


def test_sql_totals_use_the_figures_recorded_on_the_date(boundary_world):
    """A budget year's figures are those recorded on its 1 January (communities_as_of), not today's."""
    admin = f.user(Role.DISTRICT_ADMIN)
    changed = Community.objects.get(code="edge5")
    record = changed.history.latest()
    record.history_date = datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC)  # created in 2023 ...
    record.save()
    community_update(community=changed, acting_user=None, households=6000, party_members=400)  # ... changed since
    Community.objects.filter(code="edge7").update(households=7777)  # no history record: counts as it is now
    rules = rules_on(datetime.date(2024, 1, 1))
    expected = per_community(admin, rules)
    assert summed(admin, rules) == expected
    today = per_community(admin, rules_on(timezone.localdate()))
    assert expected != today  # the past date's record was used by both


def test_the_budget_sums_in_sql_and_keeps_no_community(boundary_world):
    admin = f.user(Role.DISTRICT_ADMIN)
    kept = district_budget(user=admin, year=2026)  # every community built (the what-if's path)
    sql = district_budget(user=admin, year=2026, keep_communities=False)
    assert sql.communities == [] and len(kept.communities) == len(BOUNDARIES)
    for name in FIELDS:
        assert getattr(sql.totals, name) == getattr(kept.totals, name), name
    assert [(line.street.pk, line.work_funds, line.party_building_funds) for line in sql.lines] == \
           [(line.street.pk, line.work_funds, line.party_building_funds) for line in kept.lines]


def test_a_rule_value_sql_cannot_express_falls_back_to_the_per_community_sum(boundary_world):
    admin = f.user(Role.DISTRICT_ADMIN)
    base = rules_on(timezone.localdate())
    old = base["community.households_per_grid_worker"]
    odd = RuleValue(key=old.key, title=old.title, value={**old.value, "standard": 450.5},
                    effective_from=old.effective_from, clause=old.clause)
    rules = RuleBook(on=base.on, overrides={old.key: odd})
    with pytest.raises(SqlFormUnavailable):
        community_quota_sql(households="households", party_members="party_members",
                            organization_kind="party_organization__kind", rules=rules)
    assert summed(admin, rules) is None


def street_totals_both_ways(street, user, on):
    """(a street's community totals summed in SQL, the same added up from every community's report)."""
    paged = street_quota_report(street=street, user=user, on=on)
    built = street_reports(streets=[street], communities=list(communities_for_user(user=user).filter(street=street)),
                           rules=rules_on(on))[0]
    return paged, built


def test_sql_totals_equal_the_per_community_figures_on_the_demo_district():
    call_command("seed_demo", "--streets", "3", "--password", "x-pass-123", stdout=io.StringIO())
    admin = f.user(Role.DISTRICT_ADMIN)
    for on in (timezone.localdate(), datetime.date(2019, 1, 1)):
        rules = rules_on(on)
        expected = per_community(admin, rules)
        assert sum(row["communities"] for row in expected.values()) == Community.objects.count() > 10
        assert summed(admin, rules) == expected
    for street in Street.objects.all():
        paged, built = street_totals_both_ways(street, admin, timezone.localdate())
        assert isinstance(paged.communities, CommunityReports) and paged.totals is not None
        assert paged.community_totals == built.community_totals
        assert built.community_totals["committee_members_actual"] > 0  # the demo staffs its communities
        assert [r.community.pk for r in paged.communities[:3]] == [r.community.pk for r in built.communities[:3]]
        assert len(paged.communities) == len(built.communities)


def test_street_totals_count_each_person_once_and_leave_out_seconded_party_posts(boundary_world):
    a, _b = boundary_world
    admin = f.user(Role.DISTRICT_ADMIN)
    c1, c2 = Community.objects.filter(street=a).order_by("code")[:2]
    both = f.person(community=c1, is_party_member=True)
    f.post(PostKind.RC_MEMBER, community=c1, person=both)
    f.post(PostKind.COMMUNITY_PARTY_MEMBER, community=c1, person=both)  # 交叉任职: counted once in c1
    f.post(PostKind.GRID_WORKER, community=c1, person=f.person(community=c1))
    f.post(PostKind.RC_MEMBER, community=c2, person=f.person(community=c2))
    f.post(PostKind.COMMUNITY_PARTY_MEMBER, community=c2, person=f.person(community=c2, is_party_member=True),
           is_secondment=True, approval_reference="兴庆街党工委〔2026〕1号")
    paged, built = street_totals_both_ways(a, admin, timezone.localdate())
    assert paged.community_totals == built.community_totals
    assert paged.community_totals["committee_members_actual"] == 2
    assert paged.community_totals["fulltime_grid_workers_actual"] == 1


def test_street_quota_api_builds_a_page_of_communities_with_whole_totals(api_for, django_assert_max_num_queries):
    street = f.street()
    Community.objects.bulk_create(Community(street=street, code=f"p{i:02d}", name=f"分页{i}社区", households=3000 + i,
                                            party_members=50) for i in range(53))
    client = api_for(f.user(Role.DISTRICT_ADMIN))
    client.get(f"/api/v1/streets/{street.pk}/quotas/")
    with django_assert_max_num_queries(14):
        first = client.get(f"/api/v1/streets/{street.pk}/quotas/").json()
    second = client.get(f"/api/v1/streets/{street.pk}/quotas/?page=2").json()
    assert len(first["communities"]) == 50 and first["communities_count"] == 53
    assert [c["community"] for c in second["communities"]] == list(
        Community.objects.filter(code__in=["p50", "p51", "p52"]).order_by("code").values_list("pk", flat=True))
    assert first["community_totals"] == second["community_totals"]
    assert first["community_totals"]["communities"] == 53
    assert first["community_totals"]["work_funds"] == 53 * 130_000  # 3,000–4,999 households (五(二))
    assert client.get(f"/api/v1/streets/{street.pk}/quotas/?page=3").status_code == 404

"""Every list endpoint and every page answers in a number of queries that does not grow with its rows."""

import datetime
import itertools

import pytest

from governance.models import PolicyRule, PostKind, StaffCategory, StationedUnit
from governance.registry import registry
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1"
_seq = itertools.count(1)

# Fixed upper bounds, measured; a list or page must stay within its bound whatever its size.
API_BOUND = 10
PAGE_BOUND = 40


@pytest.fixture
def base(two_streets):
    for side in ("a", "b"):
        f.post(PostKind.COMMUNITY_SECRETARY, community=two_streets[f"c{side}"])
    return two_streets


def grow(w, n):
    """Add n rows to every list: streets, communities, people, posts, stationed units, departments, rules."""
    for _ in range(n):
        i = next(_seq)
        other = f.street()
        oc = f.community(other)
        f.post(PostKind.RC_MEMBER, community=oc)
        community = f.community(w["a"])
        f.station(w["a"], community)
        f.grid(community)
        f.post(PostKind.RC_MEMBER, community=w["ca"], person=f.person(street=w["a"], community=w["ca"]))
        f.post(PostKind.STREET_STAFF, street=w["a"], person=f.person(street=w["a"]),
               staff_category=StaffCategory.PUBLIC_POST, approval_reference=f"批{i}")
        f.post(PostKind.NPC_MEMBER, street=other, person=f.person(street=other, is_npc_deputy=True))
        StationedUnit.objects.create(street=w["a"], name=f"单位{i}", level="city")
        StationedUnit.objects.create(street=other, name=f"单位{i}", level="region")
        f.department()
        PolicyRule.objects.create(key=f"test.rule{i}", title="测试", value=i, clause="六(二)",
                                  effective_from=datetime.date(2019, 1, 1))


def measured(assert_max, client, url, bound):
    client.get(url)  # warm caches (content types, rules) so that only the page's own queries count
    with assert_max(bound) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


LISTS = ["streets", "communities", "departments", "stationed-units", "people", "posts", "policy-rules"]


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
@pytest.mark.parametrize("endpoint", LISTS)
def test_list_endpoint_query_count_is_constant(base, api_for, django_assert_max_num_queries, endpoint, role):
    # given a user and 2 rows of everything
    client = api_for(f.user(role, base["a"] if role == Role.STREET_STAFF else None))
    grow(base, 2)
    small, r_small = measured(django_assert_max_num_queries, client, f"{API}/{endpoint}/", API_BOUND)
    # when there are 10
    grow(base, 8)
    large, r_large = measured(django_assert_max_num_queries, client, f"{API}/{endpoint}/", API_BOUND)
    # then the list is longer but costs the same number of queries
    if not (endpoint == "streets" and role == Role.STREET_STAFF):  # a street's staff only ever see one street
        assert r_large.json()["count"] > r_small.json()["count"]
    assert large == small


@pytest.mark.parametrize(("role", "url"), [
    (Role.DISTRICT_ADMIN, "/district/"),
    (Role.DISTRICT_ADMIN, "/breaches/"),
    (Role.STREET_STAFF, "/breaches/"),
    (Role.DISTRICT_ADMIN, "/audit/"),
    (Role.DISTRICT_ADMIN, "/streets/{a}/"),
    (Role.STREET_STAFF, "/streets/{a}/"),
    (Role.DISTRICT_ADMIN, "/communities/{ca}/"),
    (Role.STREET_STAFF, "/communities/{ca}/"),
    # The forms and filters that take a community (communities.picker) and the picker's search
    *[(role, url) for url in ("/meetings/new/", "/meetings/four-lists/new/", "/meetings/agreements/new/",
                              "/meetings/four-lists/", "/meetings/agreements/", "/communities/search/?q=测试")
      for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF)],
    (Role.DISTRICT_ADMIN, "/admissions/honours/new/"),
    (Role.DISTRICT_ADMIN, "/admissions/tasks/new/"),
    (Role.DISTRICT_ADMIN, "/assessments/review/"),
    (Role.STREET_STAFF, "/assessments/cycles/open/"),
    (Role.STREET_STAFF, "/grid-changes/new/"),
    (Role.STREET_STAFF, "/grid-changes/new/?community={ca}"),  # the second step: that community's grids
    (Role.DISTRICT_ADMIN, "/admin/auth/user/new-clerk/"),  # the new-clerk form: no select of the district
    (Role.DISTRICT_ADMIN, "/admin/auth/user/new-clerk/?community={ca}"),  # its second step: that community's
    (Role.DISTRICT_ADMIN, "/meetings/four-lists/?missing=1"),
    (Role.STREET_STAFF, "/meetings/four-lists/?missing=1"),
])
def test_page_query_count_is_constant(base, client, django_assert_max_num_queries, role, url):
    user = f.user(role, base["a"] if role == Role.STREET_STAFF else None)
    client.force_login(user)
    template, url = url, url.format(a=base["a"].pk, ca=base["ca"].pk)
    bound = PAGE_BOUND  # the audit trail too: its rows of every table in one query (issue 14)
    findings = template in ("/district/", "/breaches/", "/streets/{a}/")
    if findings:
        # The findings are counted by each check's counting form: one query each, whatever the rows (issue 14).
        bound += len(registry.rule_counters)
    grow(base, 2)
    client.get(url)  # warm the permission cache (governance/authz_cache.py): both measured requests are warm
    small, _ = measured(django_assert_max_num_queries, client, url, bound)
    grow(base, 8)
    large, _ = measured(django_assert_max_num_queries, client, url, bound)
    if findings and template != "/district/":
        # A page of findings builds only the providers with findings on it (issue 14): which ones depends on
        # the data, not on its size; each at most once, so the page stays within the bound however many rows.
        assert large <= small + len(registry.findings)
    else:
        assert large == small

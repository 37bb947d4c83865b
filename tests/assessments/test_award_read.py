# ruff: noqa: F811 (boundary_workers, a fixture imported from test_award_sql, named as a test argument)
"""The award list's compiled one-pass read (assessments.selectors.AWARDED, awards_and_totals) equals the ORM form
it is compiled from (award_posts_sql, award_totals_by_street, AwardRows' order) in every scope, and the page read
with the totals is served without reading them again (issue 14). The rule itself: test_award_sql.py."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from assessments.quotas import award_tiers, rules_on
from assessments.selectors import (
    AWARDED,
    AwardRows,
    _first_award_year,
    award_page_start,
    award_posts_sql,
    award_totals_by_street,
    awards_and_totals,
    district_budget,
)
from communities.selectors import communities_for_user
from governance.roles import Role
from tests import factories as f
from tests.assessments.test_award_sql import D, boundary_workers, rows_of  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def orm_form(user, year):
    rules = rules_on(D(year, 1, 1), field="year")
    posts = award_posts_sql(community_ids_qs=communities_for_user(user=user).values("pk"), year=year, rules=rules,
                            first_year=_first_award_year())
    ordered = posts.order_by("community__street__code", "community__code", "award_anniversary",
                             Collate("person__name", "C" if connection.vendor == "postgresql" else "BINARY"), "person_id")
    return award_totals_by_street(posts), list(ordered.values_list(F("pk"), flat=True))


@pytest.mark.parametrize("year", [2019, 2024, 2026])
@pytest.mark.parametrize("who", ["admin", "street", "community"])
def test_the_compiled_read_equals_the_orm_form(boundary_workers, year, who):
    a, _b = boundary_workers
    user = {"admin": lambda: f.user(Role.DISTRICT_ADMIN), "street": lambda: f.user(Role.STREET_STAFF, a),
            "community": lambda: f.user(Role.COMMUNITY_STAFF, a.communities.get())}[who]()
    totals, ids = orm_form(user, year)
    # the fixture gives awards in every scope and year tested, but street b's only in 2026
    assert ids or (year == 2026 and who != "admin")
    rules = rules_on(D(year, 1, 1), field="year")
    kwargs = dict(user=user, year=year, tiers=award_tiers(rules), first_year=_first_award_year())
    assert awards_and_totals(**kwargs, start=0, limit=50) == (totals, ids)
    assert awards_and_totals(**kwargs, start=2, limit=3) == (totals, ids[2:5])
    assert awards_and_totals(**kwargs, start=len(ids), limit=50) == (totals, [])


def test_the_read_is_compiled_once_per_shape(boundary_workers):
    admin = f.user(Role.DISTRICT_ADMIN)
    district_budget(user=admin, year=2024, keep_communities=False)
    compiled = len(AWARDED._cache)
    district_budget(user=admin, year=2024, keep_communities=False, award_start=5)
    assert len(AWARDED._cache) == compiled


def test_nothing_in_scope_reads_no_award(boundary_workers):
    nobody = get_user_model().objects.create(username="no-unit")  # no role, no unit granted
    rules = rules_on(D(2024, 1, 1), field="year")
    assert awards_and_totals(user=nobody, year=2024, tiers=award_tiers(rules), first_year=2019, start=0,
                             limit=50) == ({}, [])


def test_the_page_asked_for_comes_with_the_totals(boundary_workers, django_assert_num_queries):
    admin = f.user(Role.DISTRICT_ADMIN)
    whole = rows_of(district_budget(user=admin, year=2024, keep_communities=False).awards)
    awards = district_budget(user=admin, year=2024, keep_communities=False, award_start=4).awards
    assert isinstance(awards, AwardRows) and len(awards) == len(whole) == 10
    with django_assert_num_queries(1):  # the page's posts only
        assert rows_of(awards[4:10]) == whole[4:10]
    # a slice before the page read: its ids, then its posts (on PostgreSQL, the data generation read first:
    # governance/derived.py)
    with django_assert_num_queries(2 + (connection.vendor == "postgresql")):
        assert rows_of(awards[0:3]) == whole[0:3]
    assert rows_of([awards[9]]) == whole[9:10] and rows_of(awards[-1:]) == whole[-1:]


@pytest.mark.parametrize(("raw", "start"), [(None, 0), ("", 0), ("1", 0), ("3", 100), ("0", 0), ("-2", 0),
                                            ("abc", 0), ("99999999999", 0)])
def test_award_page_start_reads_the_page_as_the_paginator(raw, start):
    assert award_page_start(raw) == start


@pytest.fixture
def seeded_committed(transactional_db):
    from tests.conftest import restore_migration_seeds

    restore_migration_seeds()  # an earlier transactional test's flush emptied the rules


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the totals are cached on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_page_read_with_the_cached_totals_equals_the_one_pass(seeded_committed, boundary_workers):
    """Committed data (not a test transaction that wrote): the totals are cached, and a page is then read from the
    awarded posts of the communities it spans only (governance/derived.py, AwardTotals.span)."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    a, _b = boundary_workers
    for user in (f.user(Role.DISTRICT_ADMIN), f.user(Role.STREET_STAFF, a)):
        rules = rules_on(D(2024, 1, 1), field="year")
        kwargs = dict(user=user, year=2024, tiers=award_tiers(rules), first_year=_first_award_year())
        cache.clear()
        totals, ids = awards_and_totals(**kwargs, start=0, limit=1000)  # the one pass, stored
        assert ids
        for start, limit in ((0, 50), (2, 3), (5, 4), (len(ids) - 1, 5), (len(ids), 50)):
            with CaptureQueriesContext(connection) as queries:
                assert awards_and_totals(**kwargs, start=start, limit=limit) == (totals, ids[start:start + limit])
            assert not any("DENSE_RANK" in q["sql"] for q in queries)  # served: the page alone was read

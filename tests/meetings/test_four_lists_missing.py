"""`/meetings/four-lists/?missing=1` at district scale (issue 14): the count of communities short of a list is
counted once per change of the data (governance/derived.py), a committed list counts at once, and the page's
queries do not grow with the communities of the scope."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.roles import Role
from meetings.models import FourListKind
from meetings.services import four_list_create
from tests import factories as f
from tests.conftest import restore_migration_seeds

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                    reason="the data generation is a PostgreSQL sequence (SQLite caches nothing)")
URL = "/meetings/four-lists/?year=2025&missing=1"


def lists(community, kinds=FourListKind.values, year=2025):
    for kind in kinds:
        four_list_create(acting_user=None, community=community, year=year, kind=kind, content="老旧小区加装电梯",
                         agreed_on=datetime.date(year, 1, 10))


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_short_communities_are_counted_once_per_change_and_a_committed_list_at_once():
    restore_migration_seeds()
    street = f.street(name="辛街")
    done, short = f.community(street, name="辛一社区"), f.community(street, name="辛二社区")
    lists(done)
    lists(short, kinds=FourListKind.values[:2])
    client = client_for(f.user(Role.STREET_STAFF, street))

    page = client.get(URL).content.decode()
    assert short.name in page.split("<tbody>")[1] and done.name not in page.split("<tbody>")[1]
    with CaptureQueriesContext(connection) as warm:
        assert short.name in client.get(URL).content.decode().split("<tbody>")[1]
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(URL)
    def counts(queries):
        return [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]

    assert len(counts(cold.captured_queries)) == 1 and not counts(warm.captured_queries)

    lists(short, kinds=FourListKind.values[2:])  # committed: the community is no longer short
    page = client.get(URL).content.decode().split("<tbody>")[1]
    assert short.name not in page and done.name not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
def test_the_missing_filters_queries_do_not_grow_with_the_communities(two_streets, role, django_assert_max_num_queries):
    client = client_for(f.user(role, two_streets["a"] if role == Role.STREET_STAFF else None))
    lists(two_streets["ca"])
    f.community(two_streets["a"], name="短社区")  # a page of short communities at both sizes
    client.get(URL)
    with django_assert_max_num_queries(12) as small:
        assert client.get(URL).status_code == 200
    for i in range(30):
        community = f.community(two_streets["a"], name=f"增{i}社区")
        if i % 3:
            lists(community)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(URL).content.decode().split("<tbody>")[1]
    assert "增0社区" in page and "增1社区" not in page

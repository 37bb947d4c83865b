"""Past COUNT_EXACT_LIMIT rows an API list reads the planner's estimate in its page query (issue 14): as many
queries as a short list, `count_is_estimate: true`, and the estimate's SQL reaches PostgreSQL only as the driver
rendered it (`governance_count_estimate`, migration governance/0018). PostgreSQL only: SQLite counts exactly
(tests/governance/test_pagination.py)."""

import pytest
from django.db import DataError, InternalError, ProgrammingError, connection, transaction

from governance import pagination
from governance.models import Person, PostKind
from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as, skip_or_fail

pytestmark = pytest.mark.django_db

TRICKY = "O'B\\'; DROP TABLE t; -- $$ $fn$ %s %% \\\\"


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        skip_or_fail("the estimate is PostgreSQL's planner: set DATABASE_URL=postgres://... (SQLite in use)")


@pytest.fixture
def lowered(postgres, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 3)
    monkeypatch.setattr(pagination.GovernancePagination, "page_size", 2)


@pytest.fixture
def posts(two_streets):
    for _ in range(8):
        f.post(PostKind.RC_MEMBER, community=two_streets["ca"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE governance_post")
    return api_as(f.user(Role.DISTRICT_ADMIN))


def _queries(client, path, django_assert_num_queries, n):
    client.get(path)  # warm: the token's user and permissions
    with django_assert_num_queries(n):
        return client.get(path).json()


def test_a_list_past_the_limit_runs_as_many_queries_as_a_short_one(posts, lowered, monkeypatch,
                                                                   django_assert_num_queries):
    # token, the page with its count: the short list (under the limit, first page full) and the long one alike
    monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 100)
    short = _queries(posts, "/api/v1/posts/", django_assert_num_queries, 2)
    assert (short["count"], short["count_is_estimate"]) == (8, False)
    monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 3)
    body = _queries(posts, "/api/v1/posts/", django_assert_num_queries, 2)
    assert body["count_is_estimate"] is True and 4 <= body["count"] <= 80  # the planner's, never under the bound
    assert len(body["results"]) == 2 and body["next"] and body["previous"] is None
    assert [r["id"] for r in body["results"]] == [r["id"] for r in short["results"]]
    assert set(body["results"][0]) == set(short["results"][0])  # no extra key on the rows


def test_a_later_page_past_the_limit_runs_as_many_queries_as_below_it(posts, lowered, monkeypatch,
                                                                      django_assert_num_queries):
    # A lean list reads its later pages with their count in one query too (governance/lean_list.py): token, page;
    # one it cannot read lean (an ordering by the serializer's fields) goes the ORM's way: token, count, page.
    for path, n in (("/api/v1/posts/?page=2", 2), (f"/api/v1/posts/?kind={PostKind.RC_MEMBER.value}&page=2", 2),
                    ("/api/v1/posts/?ordering=kind,start_date,id&page=2", 3)):
        monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 100)
        below = _queries(posts, path, django_assert_num_queries, n)
        monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 3)
        past = _queries(posts, path, django_assert_num_queries, n)
        assert (below["count_is_estimate"], past["count_is_estimate"]) == (False, True)
        assert [r["id"] for r in past["results"]] == [r["id"] for r in below["results"]] and past["previous"]


def test_a_filter_value_with_quotes_backslashes_and_dollars_reaches_the_estimate_safely(
        two_streets, lowered, django_assert_num_queries):
    ca = two_streets["ca"]
    for i in range(6):
        f.person(name=f"{TRICKY}{i}", community=ca)
    f.person(name="别人", community=ca)
    api = api_as(f.user(Role.DISTRICT_ADMIN))
    body = _queries(api, "/api/v1/people/?search=" + "O%27B%5C%27%3B%20DROP", django_assert_num_queries, 2)
    assert body["count_is_estimate"] is True and body["count"] >= 4
    assert len(body["results"]) == 2 and all(r["name"].startswith(TRICKY) for r in body["results"])
    assert Person.objects.count() >= 7  # nothing dropped
    # the estimate's own argument: the driver's rendering of the compiled SQL, the value quoted inside it
    sql, params = pagination.count_sql(Person.objects.filter(name__startswith=TRICKY))
    assert TRICKY not in sql and params[0].startswith("SELECT ") and "O''B" in params[0]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone()[0] >= 4  # 6 rows past the limit of 3: the estimate, at least the bound
    pagination.COUNT_EXACT_LIMIT = 100  # restored by the monkeypatch
    sql, params = pagination.count_sql(Person.objects.filter(name__startswith=TRICKY))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone()[0] == 6  # under the limit: exact


def _estimate(text):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {pagination.ESTIMATE_FUNCTION}(%s)", [text])
        return cursor.fetchone()[0]


def test_the_function_only_explains_one_select(two_streets, postgres):
    f.person(community=two_streets["ca"])
    before = Person.objects.count()
    assert _estimate("SELECT 1") == 1
    # a second statement is refused before any runs (a cursor over several statements), not executed
    for text in ["SELECT 1; DELETE FROM governance_person RETURNING 1",
                 "SELECT 1; DELETE FROM governance_person"]:
        with pytest.raises((ProgrammingError, InternalError), match="multi-query"):
            _estimate(text)
    for text in ["DELETE FROM governance_person", "ANALYZE governance_person", " SELECT 1",
                 "EXPLAIN ANALYZE DELETE FROM governance_person"]:
        with pytest.raises(DataError, match="takes a SELECT"):
            _estimate(text)
    # EXPLAIN only, never ANALYZE: what the SELECT would do is planned, not done (the sequence does not move)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM governance_person_id_seq")
        (last,) = cursor.fetchone()
        assert _estimate("SELECT nextval('governance_person_id_seq') FROM governance_person") >= 1
        cursor.execute("SELECT last_value FROM governance_person_id_seq")
        assert cursor.fetchone() == (last,)
    assert Person.objects.count() == before


def test_the_function_is_not_granted_to_public(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT proacl::text[] FROM pg_proc WHERE proname = %s", [pagination.ESTIMATE_FUNCTION])
        (acl,) = cursor.fetchone()
    assert acl and not any(entry.startswith("=") for entry in acl)  # no PUBLIC entry ("=X/owner")


def test_a_distinct_list_past_the_limit_estimates_in_its_page_query(two_streets, lowered, django_assert_num_queries):
    a = two_streets["a"]
    for _ in range(5):
        f.station(a, f.community(a), f.community(a))  # each joined twice by the street's scope: DISTINCT
    api = api_as(f.user(Role.STREET_STAFF, a))
    # token, the page with its count (the estimate of the DISTINCT rows), the communities of the page
    body = _queries(api, "/api/v1/service-stations/", django_assert_num_queries, 3)
    assert body["count_is_estimate"] is True and body["count"] >= 4 and len(body["results"]) == 2


def test_a_list_it_cannot_count_by_keys_still_estimates(posts, lowered, django_assert_num_queries):
    # A union (or values, GROUP BY) takes no count column: a bounded count, then the function's estimate.
    from governance.models import Post

    union = Post.objects.filter(pk__gt=0).union(Post.objects.filter(pk__lt=0), all=True).order_by("id")
    paginator = pagination.CheapCountPaginator(union, 2)
    with django_assert_num_queries(2):
        count = paginator.count
    assert paginator.count_is_estimate is True and count >= 4

"""API lists count cheaply: exact up to a threshold, the database's estimate past it, said in the response."""

import pytest
from django.db import connection
from django.db.models import F

from governance import pagination
from governance.models import PostKind
from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(two_streets):
    for _ in range(5):
        f.post(PostKind.RC_MEMBER, community=two_streets["ca"])
    return api_as(f.user(Role.DISTRICT_ADMIN))


def test_a_list_under_the_threshold_counts_exactly(posts):
    body = posts.get("/api/v1/posts/").json()
    assert (body["count"], body["count_is_estimate"]) == (5, False)


def test_a_list_past_the_threshold_says_its_count_is_an_estimate(posts, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 3)
    monkeypatch.setattr(pagination.GovernancePagination, "page_size", 2)
    body = posts.get("/api/v1/posts/").json()
    assert len(body["results"]) == 2 and body["next"]
    if connection.vendor == "postgresql":
        assert body["count_is_estimate"] is True and body["count"] >= 4
    else:  # no planner estimate on SQLite: an exact count
        assert (body["count"], body["count_is_estimate"]) == (5, False)


def test_the_schema_documents_the_estimate(admin_user):
    schema = api_as(admin_user).get("/api/v1/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedPostList"]["properties"]
    assert "count_is_estimate" in page and "estimate" in page["count_is_estimate"]["description"]


def test_a_first_page_holding_the_whole_list_needs_no_count_query(posts, django_assert_num_queries):
    # token, permissions, the rows: a list shorter than a page is its own count
    with django_assert_num_queries(3):
        body = posts.get("/api/v1/posts/").json()
    assert (body["count"], len(body["results"]), body["next"]) == (5, 5, None)


def test_a_full_first_page_counts_in_its_own_query(posts, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(pagination.GovernancePagination, "page_size", 2)
    posts.get("/api/v1/posts/")
    with django_assert_num_queries(2):  # token, the page with its bounded count
        body = posts.get("/api/v1/posts/").json()
    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (5, False, 2)
    assert set(body["results"][0]) == set(posts.get("/api/v1/posts/?page=2").json()["results"][0])  # no extra key
    assert posts.get("/api/v1/posts/?page=3").json()["count"] == 5  # a later page counts as before


def test_with_bounded_count_leaves_out_what_it_could_change(db):
    from governance.models import Post

    counted = pagination.with_bounded_count(Post.objects.all())
    assert counted is not None and str(counted.query).count("COUNT(") == 1
    assert pagination.with_bounded_count(Post.objects.values("id")) is None
    distinct = pagination.with_bounded_count(Post.objects.filter(person__posts__isnull=False).distinct())
    assert distinct is not None and str(distinct.query).count("DISTINCT") >= 2  # the rows' and their keys'
    assert pagination.with_bounded_count(Post.objects.annotate(n=F("pk")).distinct()) is None
    assert pagination.with_bounded_count(Post.objects.order_by("id").distinct("id")) is None
    assert pagination.with_bounded_count(Post.objects.none()) is None
    assert pagination.with_bounded_count(Post.objects.all()[:5]) is None
    assert pagination.with_bounded_count(Post.objects.union(Post.objects.all())) is None


def test_a_first_page_past_the_threshold_does_not_count_again(posts, monkeypatch, django_assert_num_queries):
    # The page's own bounded count already says "past the limit": only the estimate (PostgreSQL) follows it.
    monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 3)
    monkeypatch.setattr(pagination.GovernancePagination, "page_size", 2)
    posts.get("/api/v1/posts/")
    # token, the page with its bounded count — on PostgreSQL the planner's estimate in the same query; on SQLite
    # then the exact count — not a 2nd bounded count
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        body = posts.get("/api/v1/posts/").json()
    assert len(body["results"]) == 2 and body["count"] >= 4


def test_a_distinct_list_counts_its_rows_in_the_page_query(two_streets, monkeypatch, django_assert_num_queries):
    # A street's stations are DISTINCT (the scope joins the communities each serves, 三(二)): a full first page
    # counts in its own query like any other list, and a station serving two communities counts once.
    a, ca = two_streets["a"], two_streets["ca"]
    f.station(a, ca, f.community(a))
    f.station(a, f.community(a))
    api = api_as(f.user(Role.STREET_STAFF, a))
    api.get("/api/v1/service-stations/")
    with django_assert_num_queries(3):  # token, the page with its count, the communities of the page
        short = api.get("/api/v1/service-stations/").json()
    f.station(a, f.community(a))
    monkeypatch.setattr(pagination.GovernancePagination, "page_size", 2)
    with django_assert_num_queries(3):
        body = api.get("/api/v1/service-stations/").json()
    assert (short["count"], body["count"], body["count_is_estimate"], len(body["results"])) == (2, 3, False, 2)
    assert body["next"] and len(api.get("/api/v1/service-stations/?page=2").json()["results"]) == 1

"""Lean API lists (issue 14, governance/lean_list.py): a plain list request answered from compiled plain rows gives
byte for byte the JSON of the usual path (the queryset, model instances, the serializer), over varied rows and
pages, for every role; the same scope; fewer queries, constant in rows; anything it cannot express goes the usual
way."""

import datetime

import pytest
from django.db import connection

from communities.models import ResidentsCommittee
from governance import pagination
from governance.identity import id_number_check_digit
from governance.lean_list import LeanListMixin, LeanRows, row_plan
from governance.models import Post, PostKind, SecondmentRole, StaffCategory, StationedUnit
from governance.pagination import GovernancePagination
from governance.roles import Role
from streets.models import StreetOffice
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

LEAN_LISTS = ["/api/v1/streets/", "/api/v1/posts/", "/api/v1/people/", "/api/v1/communities/", "/api/v1/departments/",
              "/api/v1/stationed-units/", "/api/v1/street-offices/"]
PAGES = ["", "?page=1", "?page=2", "?page=3", "?page=last", "?page=99", "?page=0", "?page=abc", "?page=",
         "?page=1.0", "?page=99999999999999999999"]


def id_number(born: str, serial: str = "123") -> str:
    first17 = f"640104{born}{serial}"
    return first17 + id_number_check_digit(first17)


@pytest.fixture
def district(two_streets):
    """Rows with nulls, Chinese text, dates, related names, in both streets."""
    a, b, ca, cb = two_streets["a"], two_streets["b"], two_streets["ca"], two_streets["cb"]
    f.street(name="丙街（试点）", is_pilot=True, pilot_start=datetime.date(2019, 7, 1), extra_career_post_granted=False,
             career_posts=12, administrative_posts=30, party_committee_name="中共丙街工委", address="丙路“8”号")
    f.community(a, name="甲二社区", households=350, party_members=0, is_complex=True, address="")
    ResidentsCommittee.objects.filter(community=f.community(b, name="乙二社区", address="乙街1号")).delete()  # none
    station = f.station(a, ca)
    grid = f.grid(ca)
    wang = f.person(name="王芳", street=a, community=ca, gender="F", phone="13900000000",
                    id_number=id_number("19800229"), community_service_start=datetime.date(2010, 3, 1),
                    is_party_member=True)
    f.person(name="李明", street=a, id_number="", gender="")  # no community, no ID number
    f.person(name="区里的人")  # the district's: no street, no community
    f.person(name="陈刚", street=b, community=cb, id_number=id_number("19751231", "456"), has_violation_record=True)
    f.post(PostKind.COMMUNITY_SECRETARY, community=ca, person=wang, note="兼任“两委”")
    f.post(PostKind.STREET_STAFF, street=a, staff_category=StaffCategory.PUBLIC_POST, approval_reference="兴编办发〔2019〕12号",
           end_date=datetime.date(2030, 1, 1))
    f.post(PostKind.STATION_HEAD, station=station, community=ca)
    f.post(PostKind.GRID_WORKER, community=ca, grid=grid)
    f.post(PostKind.STREET_DEPUTY_SECRETARY, street=a, is_secondment=True, seconded_from="兴庆区公安分局某派出所所长",
           secondment_role=SecondmentRole.POLICE_STATION_HEAD)
    for i in range(4):
        f.post(PostKind.RC_MEMBER, community=cb, start_date=datetime.date(2023, 1, 1 + i))
    f.department(name="某审计局")
    f.department(name="“信访”某局")
    StationedUnit.objects.create(street=a, name="银川市某局", level="city", contact="")
    StationedUnit.objects.create(street=b, name="自治区某厅", level="region", party_organization="某厅机关党委",
                                 contact="0951-6012345")
    office = StreetOffice.objects.filter(street=a).first()
    office.head = wang
    office.save()
    return two_streets


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(GovernancePagination, "page_size", 3)


@pytest.fixture
def lean_calls(monkeypatch):
    calls = []
    original = LeanRows.read_counted

    def spy(self, **kwargs):
        calls.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(LeanRows, "read_counted", spy)
    return calls


def usual(client, path, monkeypatch):
    """The usual path's answer to `path`: the lean one turned off for the request."""
    with monkeypatch.context() as m:
        m.setattr(LeanListMixin, "lean_list_rows", lambda self, request: None)
        return client.get(path)


def users(two_streets):
    return {
        "admin": f.user(Role.DISTRICT_ADMIN),
        "orgdept": f.user(Role.ORGDEPT_REVIEWER),  # reads people with their ID numbers masked
        "street a": f.user(Role.STREET_STAFF, two_streets["a"]),
        "street b": f.user(Role.STREET_STAFF, two_streets["b"]),
        "community ca": f.user(Role.COMMUNITY_STAFF, two_streets["ca"]),
    }


def test_every_lean_list_has_a_plan():
    from django.urls import resolve

    for path in LEAN_LISTS:
        view = resolve(path).func.cls
        assert issubclass(view, LeanListMixin)
        assert row_plan(view.serializer_class) is not None, path


@pytest.mark.parametrize("path", LEAN_LISTS)
def test_the_lean_list_answers_what_the_usual_path_answers(district, small_pages, lean_calls, monkeypatch, path):
    for role, user in users(district).items():
        client = api_as(user)
        for page in PAGES:
            lean_calls.clear()
            lean, ordinary = client.get(path + page), usual(client, path + page, monkeypatch)
            assert (lean.status_code, lean.content) == (ordinary.status_code, ordinary.content), (role, page)
            if lean.status_code == 200 or (lean.status_code == 404 and page == "?page=99"):
                assert lean_calls, (role, page)  # it was the lean path that answered


def test_the_rows_are_the_usual_ones_with_their_nulls_dates_and_names(district, admin_user):
    client = api_as(admin_user)
    people = {p["name"]: p for p in client.get("/api/v1/people/").json()["results"]}
    assert people["王芳"]["birth_year"] == 1980 and people["王芳"]["community_service_start"] == "2010-03-01"
    assert people["李明"]["birth_year"] is None and people["区里的人"]["street"] is None
    posts = client.get("/api/v1/posts/").json()["results"]
    assert {p["person_name"] for p in posts} >= {"王芳"}
    assert any(p["end_date"] == "2030-01-01" and p["approval_reference"] == "兴编办发〔2019〕12号" for p in posts)
    assert any(p["kind_label"] == "服务站站长" for p in posts)
    communities = {c["name"]: c for c in client.get("/api/v1/communities/").json()["results"]}
    assert communities["乙二社区"]["residents_committee"] is None
    assert communities["甲一社区"]["street_name"] == "甲街" and communities["甲一社区"]["party_organization"]["name"]
    offices = client.get("/api/v1/street-offices/").json()["results"]
    assert {o["head"] for o in offices} >= {None}
    streets = {s["name"]: s for s in client.get("/api/v1/streets/").json()["results"]}
    assert streets["丙街（试点）"]["career_posts_total"] == 12 and streets["丙街（试点）"]["pilot_start"] == "2019-07-01"
    assert streets["甲街"]["career_posts_total"] == streets["甲街"]["career_posts"] + 1  # the extra post granted
    heads = {o["head_name"] for o in streets["甲街"]["offices"]}
    assert len(streets["甲街"]["offices"]) == 5 and "王芳" in heads and None in heads


def test_the_id_number_is_masked_for_a_reviewer(district):
    rows = api_as(f.user(Role.ORGDEPT_REVIEWER)).get("/api/v1/people/").json()["results"]
    wang = next(p for p in rows if p["name"] == "王芳")
    assert wang["id_number"] != id_number("19800229") and "*" in wang["id_number"] and wang["birth_year"] == 1980


@pytest.mark.parametrize("query", ["?ordering=-households", "?ordering=name,-code", "?ordering=bogus",
                                   "?ordering=-party_members&page=2", "?ordering=code,code", "?ordering=",
                                   "?ordering=code,name,households"])
def test_an_ordering_is_the_usual_one(district, small_pages, monkeypatch, query):
    client = api_as(f.user(Role.DISTRICT_ADMIN))
    for path in ("/api/v1/communities/", "/api/v1/street-offices/", "/api/v1/streets/"):
        lean, ordinary = client.get(path + query), usual(client, path + query, monkeypatch)
        assert (lean.status_code, lean.content) == (ordinary.status_code, ordinary.content), (path, query)


FILTERS = {
    "/api/v1/posts/": ["?kind=rc_member", "?active=true", "?active=false&page=2", "?street={a}", "?community={ca}",
                       "?community={cb}", "?is_secondment=true&kind=street_deputy_secretary", "?station=999999",
                       "?active=maybe", "?kind=", "?kind=nonsense", "?street=１", "?person={wang}", "?grid={grid}"],
    "/api/v1/people/": ["?street={a}", "?community={ca}", "?is_party_member=true", "?is_npc_deputy=false&page=2",
                        "?street={b}", "?street={a}&community={ca}&is_party_member=false", "?is_party_member=1"],
    "/api/v1/communities/": ["?street={a}", "?is_complex=true", "?street={b}&ordering=-households", "?is_complex=no"],
    "/api/v1/streets/": ["?is_pilot=true", "?is_pilot=false&ordering=-name"],
    "/api/v1/departments/": ["?kind=other", "?kind=zzz"],
    "/api/v1/stationed-units/": ["?street={a}", "?level=city", "?street={b}"],
    "/api/v1/street-offices/": ["?street={a}", "?kind=coordination", "?street={b}&kind=governance"],
}


@pytest.mark.parametrize("path", sorted(FILTERS))
def test_a_filtered_lean_list_answers_what_the_usual_path_answers(district, small_pages, lean_calls, monkeypatch,
                                                                  path):
    from governance.models import Person

    ids = {"a": district["a"].pk, "b": district["b"].pk, "ca": district["ca"].pk, "cb": district["cb"].pk,
           "wang": Person.objects.get(name="王芳").pk, "grid": Post.objects.exclude(grid=None).first().grid_id}
    for role, user in users(district).items():
        client = api_as(user)
        for query in FILTERS[path]:
            lean_calls.clear()
            full = path + query.format(**ids)
            lean, ordinary = client.get(full), usual(client, full, monkeypatch)
            assert (lean.status_code, lean.content) == (ordinary.status_code, ordinary.content), (role, full)
            if lean.status_code == 200:
                assert lean_calls, (role, full)


def test_a_filter_outside_the_scope_is_refused_as_on_the_usual_path(district):
    client = api_as(f.user(Role.STREET_STAFF, district["a"]))
    response = client.get(f"/api/v1/people/?street={district['b'].pk}")
    assert response.status_code == 400 and "street" in response.json()  # another street's id: not a valid choice
    rows = client.get(f"/api/v1/people/?street={district['a'].pk}&is_party_member=true").json()["results"]
    assert [r["name"] for r in rows] == ["王芳"]


@pytest.mark.parametrize("query", ["?search=王", "?ordering=name", "?page_size=2", "?format=json", "?street__gt=1",
                                   "?active_after=1"])
def test_what_the_lean_path_cannot_express_goes_the_usual_way(district, lean_calls, monkeypatch, query):
    client = api_as(f.user(Role.STREET_STAFF, district["a"]))
    for path in ("/api/v1/people/", "/api/v1/posts/"):
        full = path + query.format(a=district["a"].pk)
        lean, ordinary = client.get(full), usual(client, full, monkeypatch)
        assert (lean.status_code, lean.content) == (ordinary.status_code, ordinary.content), full
    assert lean_calls == []


def test_scope_a_user_of_another_street_sees_none_of_its_rows(district):
    a, b = district["a"], district["b"]
    for path, street_of in [("/api/v1/streets/", lambda r: r["id"]),
                            ("/api/v1/posts/", lambda r: Post.objects.get(pk=r["id"]).street_id),
                            ("/api/v1/people/", lambda r: r["street"]),
                            ("/api/v1/communities/", lambda r: r["street"]),
                            ("/api/v1/stationed-units/", lambda r: r["street"]),
                            ("/api/v1/street-offices/", lambda r: r["street"])]:
        seen = {street_of(row) for row in api_as(f.user(Role.STREET_STAFF, b)).get(path).json()["results"]}
        assert seen == {b.pk}, path
        seen = {street_of(row) for row in api_as(f.user(Role.STREET_STAFF, a)).get(path).json()["results"]}
        assert seen == {a.pk}, path
    community_rows = api_as(f.user(Role.COMMUNITY_STAFF, district["ca"])).get("/api/v1/people/").json()["results"]
    assert {r["community"] for r in community_rows} == {district["ca"].pk}
    nobody = api_as(f.UserFactory())  # no role, no scope: no permission
    assert nobody.get("/api/v1/posts/").status_code == 403


def test_a_user_without_scope_sees_an_empty_list(district):
    from guardian.shortcuts import remove_perm

    user = f.user(Role.STREET_STAFF, district["a"])
    remove_perm("streets.access_street", user, district["a"])
    from governance.scope import scope_reset

    scope_reset(user)
    body = api_as(user).get("/api/v1/posts/").json()
    assert (body["count"], body["results"]) == (0, [])


def test_a_lean_street_list_runs_as_many_queries_at_any_length(two_streets, small_pages,
                                                               django_assert_max_num_queries):
    client = api_as(f.user(Role.DISTRICT_ADMIN))
    for n in (2, 6):
        for _ in range(n):
            f.street()
        client.get("/api/v1/streets/")
        for page in ("", "?page=2"):
            # the token, the page with its count, the page's offices, the one rule the career total reads
            with django_assert_max_num_queries(4):
                assert client.get("/api/v1/streets/" + page).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/posts/", "/api/v1/people/", "/api/v1/communities/"])
def test_a_lean_list_runs_as_many_queries_at_any_length(two_streets, small_pages, django_assert_max_num_queries,
                                                        path):
    a = two_streets["a"]
    client = api_as(f.user(Role.STREET_STAFF, a))
    for n in (4, 6):  # a page of 3: 4 rows, then 10
        for _ in range(n):
            community = f.community(a)
            f.post(PostKind.RC_MEMBER, community=community, person=f.person(street=a, community=community))
        client.get(path)  # warm: the token's user, permissions, scope
        for page in ("", "?page=2"):
            with django_assert_max_num_queries(2):  # the token, the page with its count
                assert client.get(path + page).status_code == 200
        with django_assert_max_num_queries(3):  # past the end no row carries the count: one more query
            assert client.get(path + "?page=9").status_code == 404


def test_past_the_count_limit_the_estimate_is_the_usual_one(district, small_pages, monkeypatch, lean_calls):
    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's planner")
    monkeypatch.setattr(pagination, "COUNT_EXACT_LIMIT", 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE governance_post")
    client = api_as(f.user(Role.DISTRICT_ADMIN))
    for page in ("", "?page=2", "?page=last"):
        lean, ordinary = client.get("/api/v1/posts/" + page), usual(client, "/api/v1/posts/" + page, monkeypatch)
        assert (lean.status_code, lean.content) == (ordinary.status_code, ordinary.content), page
        assert lean.json()["count_is_estimate"] is True
    assert lean_calls


def test_a_read_that_cannot_be_compiled_goes_the_usual_way(district, monkeypatch, caplog):
    from governance.compiled_query import NotCompilable

    client = api_as(f.user(Role.STREET_STAFF, district["a"]))
    ordinary = usual(client, "/api/v1/people/", monkeypatch)

    def refuse(self, **kwargs):
        raise NotCompilable("the SQL depends on the params' values")

    monkeypatch.setattr(LeanRows, "read_counted", refuse)
    response = client.get("/api/v1/people/")
    assert (response.status_code, response.content) == (ordinary.status_code, ordinary.content)
    assert "cannot be compiled" in caplog.text

"""Every endpoint with a caller from another street, another community, another unit, no permission, or none.

A denied call answers 404 (outside scope, like a missing row), 400 (a relation outside scope, like an
unknown id), 401 or 403, and changes nothing.
"""

from dataclasses import dataclass
from typing import Callable

import pytest
from django.forms.models import model_to_dict

from communities.models import Community
from governance.models import Department, Person, PolicyRule, Post, PostKind, StaffCategory, StationedUnit
from governance.roles import Role
from streets.models import Street
from tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def world(two_streets):
    """Streets a and b, each with a community, a station, a grid, people, a post and a stationed unit."""
    w = dict(two_streets)
    for side in ("a", "b"):
        street, community = w[side], w[f"c{side}"]
        w[f"station_{side}"] = f.station(street, community)
        w[f"grid_{side}"] = f.grid(community)
        w[f"person_{side}"] = f.person(street=street, is_party_member=True)
        w[f"cperson_{side}"] = f.person(street=street, community=community, is_party_member=True)
        w[f"post_{side}"] = f.post(PostKind.STREET_STAFF, street=street, person=w[f"person_{side}"],
                                   staff_category=StaffCategory.ADMINISTRATIVE)
        w[f"cpost_{side}"] = f.post(PostKind.RC_MEMBER, community=community, person=w[f"cperson_{side}"])
        w[f"unit_{side}"] = StationedUnit.objects.create(street=street, name=f"驻区单位{side}", level="city")
    return w


def snapshot(model):
    return sorted((tuple(sorted(model_to_dict(o).items(), key=lambda kv: kv[0])) for o in model.objects.all()),
                  key=repr)


@dataclass
class Endpoint:
    name: str
    model: type
    row: Callable  # (world, side) -> the row of that side
    patch: dict
    create: Callable  # (world, side) -> a body pointing at that side's street/community

    def __str__(self):
        return self.name


ENDPOINTS = [
    Endpoint("streets", Street, lambda w, s: w[s], {"address": "改过的地址"},
             lambda w, s: {"code": "new", "name": "新街", "is_pilot": False}),
    Endpoint("communities", Community, lambda w, s: w[f"c{s}"], {"address": "改过的地址"},
             lambda w, s: {"code": "newc", "name": "新社区", "street": w[s].pk, "households": 10, "party_members": 5}),
    Endpoint("stationed-units", StationedUnit, lambda w, s: w[f"unit_{s}"], {"contact": "张三"},
             lambda w, s: {"street": w[s].pk, "name": "新单位", "level": "city"}),
    Endpoint("people", Person, lambda w, s: w[f"person_{s}"], {"phone": "13800000000"},
             lambda w, s: {"name": "新人", "street": w[s].pk}),
    Endpoint("posts", Post, lambda w, s: w[f"post_{s}"], {"note": "改过"},
             lambda w, s: {"person": w["person_a"].pk, "kind": "street_staff", "street": w[s].pk,
                           "staff_category": "administrative", "start_date": "2024-02-01"}),
]
SCOPED = {e.name: e for e in ENDPOINTS}
ALL_LISTS = [e.name for e in ENDPOINTS] + ["departments", "policy-rules"]


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- street staff of street a against street b ---

@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_street_staff_list_excludes_another_streets_rows(world, api_for, ep):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    got = ids(client.get(f"{API}/{ep.name}/"))
    assert ep.row(world, "a").pk in got
    assert ep.row(world, "b").pk not in got


@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_street_staff_retrieve_of_another_streets_row_is_404(world, api_for, ep):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    assert client.get(f"{API}/{ep.name}/{ep.row(world, 'a').pk}/").status_code == 200
    assert client.get(f"{API}/{ep.name}/{ep.row(world, 'b').pk}/").status_code == 404


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_street_staff_change_of_another_streets_row_is_404_and_changes_nothing(world, api_for, ep, method):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    before = snapshot(ep.model)
    body = {**ep.create(world, "b"), **ep.patch}
    response = getattr(client, method)(f"{API}/{ep.name}/{ep.row(world, 'b').pk}/", body, format="json")
    assert response.status_code == 404
    assert snapshot(ep.model) == before


@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_street_staff_change_own_streets_row_is_allowed(world, api_for, ep):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    row = ep.row(world, "a")
    response = client.patch(f"{API}/{ep.name}/{row.pk}/", ep.patch, format="json")
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    field, value = next(iter(ep.patch.items()))
    assert getattr(row, field) == value


@pytest.mark.parametrize("ep", [e for e in ENDPOINTS if e.name != "streets"], ids=str)
def test_street_staff_create_pointing_at_another_street_is_400_and_writes_nothing(world, api_for, ep):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    before = snapshot(ep.model)
    response = client.post(f"{API}/{ep.name}/", ep.create(world, "b"), format="json")
    assert response.status_code == 400
    assert "street" in response.json()
    assert snapshot(ep.model) == before


@pytest.mark.parametrize("ep", [e for e in ENDPOINTS if e.name != "streets"], ids=str)
def test_street_staff_create_in_own_street_is_allowed(world, api_for, ep):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    count = ep.model.objects.count()
    response = client.post(f"{API}/{ep.name}/", ep.create(world, "a"), format="json")
    assert response.status_code == 201, response.content
    assert ep.model.objects.count() == count + 1


@pytest.mark.parametrize(("endpoint", "row", "body"), [
    ("communities", "ca", {"street": "b"}),
    ("stationed-units", "unit_a", {"street": "b"}),
    ("people", "person_a", {"street": "b"}),
    ("people", "cperson_a", {"community": "cb"}),
    ("posts", "post_a", {"street": "b"}),
    ("posts", "post_a", {"person": "person_b"}),
    ("posts", "cpost_a", {"community": "cb"}),
])
def test_street_staff_cannot_move_own_row_into_another_street(world, api_for, endpoint, row, body):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    obj = world[row]
    model = type(obj)
    before = snapshot(model)
    response = client.patch(f"{API}/{endpoint}/{obj.pk}/", {k: world[v].pk for k, v in body.items()}, format="json")
    assert response.status_code == 400
    assert set(body) <= set(response.json())
    assert snapshot(model) == before


def test_street_staff_cannot_create_a_post_for_another_streets_person(world, api_for):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    before = snapshot(Post)
    response = client.post(f"{API}/posts/", {"person": world["person_b"].pk, "kind": "street_staff",
                                            "street": world["a"].pk, "staff_category": "administrative"},
                           format="json")
    assert response.status_code == 400
    assert "person" in response.json()
    assert snapshot(Post) == before


def test_street_staff_cannot_create_a_street(world, api_for):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    before = snapshot(Street)
    assert client.post(f"{API}/streets/", SCOPED["streets"].create(world, "a"), format="json").status_code == 403
    assert snapshot(Street) == before


def test_street_staff_filtering_by_another_street_returns_nothing(world, api_for):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    for name in ("communities", "people", "posts", "stationed-units"):
        response = client.get(f"{API}/{name}/", {"street": world["b"].pk})
        # another street's id is answered like an unknown id: not a valid choice, and no rows
        assert response.status_code == 400 and "street" in response.json()


# --- community staff: only their community ---

@pytest.mark.parametrize(("endpoint", "own", "other"), [
    ("communities", "ca", "cb"), ("people", "cperson_a", "cperson_b"), ("posts", "cpost_a", "cpost_b"),
])
def test_community_staff_see_and_change_only_their_community(world, api_for, endpoint, own, other):
    # given community staff of ca, and a second community on the same street
    sibling = f.community(world["a"], name="甲二社区")
    sibling_person = f.person(street=world["a"], community=sibling, is_party_member=True)
    sibling_post = f.post(PostKind.RC_MEMBER, community=sibling, person=sibling_person)
    sibling_row = {"communities": sibling, "people": sibling_person, "posts": sibling_post}[endpoint]
    client = api_for(f.user(Role.COMMUNITY_STAFF, world["ca"]))
    # when they list, then they see their own rows only
    got = ids(client.get(f"{API}/{endpoint}/"))
    assert world[own].pk in got
    assert world[other].pk not in got and sibling_row.pk not in got
    assert world["person_a"].pk not in got if endpoint == "people" else True
    assert world["post_a"].pk not in got if endpoint == "posts" else True
    # and other communities' rows answer 404, to read and to change, changing nothing
    model = type(world[own])
    before = snapshot(model)
    for row in (world[other], sibling_row):
        assert client.get(f"{API}/{endpoint}/{row.pk}/").status_code == 404
        assert client.patch(f"{API}/{endpoint}/{row.pk}/", {"note": "x", "address": "x", "phone": "1"},
                            format="json").status_code == 404
    assert snapshot(model) == before


def test_community_staff_create_in_another_community_is_400_and_writes_nothing(world, api_for):
    client = api_for(f.user(Role.COMMUNITY_STAFF, world["ca"]))
    before_people, before_posts = snapshot(Person), snapshot(Post)
    r1 = client.post(f"{API}/people/", {"name": "新人", "community": world["cb"].pk}, format="json")
    r2 = client.post(f"{API}/posts/", {"person": world["cperson_a"].pk, "kind": "rc_member",
                                       "community": world["cb"].pk}, format="json")
    assert (r1.status_code, r2.status_code) == (400, 400)
    assert "community" in r1.json() and "community" in r2.json()
    assert snapshot(Person) == before_people and snapshot(Post) == before_posts


@pytest.mark.parametrize("endpoint", ["streets", "stationed-units"])
def test_community_staff_cannot_read_street_level_endpoints(world, api_for, endpoint):
    client = api_for(f.user(Role.COMMUNITY_STAFF, world["ca"]))
    assert client.get(f"{API}/{endpoint}/").status_code == 403


# --- station and grid workers: nothing outside their unit ---

@pytest.mark.parametrize("role", [Role.STATION_WORKER, Role.GRID_WORKER])
@pytest.mark.parametrize("endpoint", ["streets", "communities", "people", "posts", "stationed-units"])
def test_station_and_grid_workers_see_nothing_outside_their_unit(world, api_for, role, endpoint):
    unit = world["station_a"] if role == Role.STATION_WORKER else world["grid_a"]
    client = api_for(f.user(role, unit))
    response = client.get(f"{API}/{endpoint}/")
    if response.status_code == 200:
        outside = {SCOPED[endpoint].row(world, "b").pk}
        assert not ids(response) & outside
    else:
        assert response.status_code == 403
    for side in ("a", "b"):
        status = client.get(f"{API}/{endpoint}/{SCOPED[endpoint].row(world, side).pk}/").status_code
        # a role without the view permission gets 403 for every row, its own unit's too; otherwise 404 outside
        assert status == (403 if response.status_code == 403 else (200 if side == "a" else 404)) or (
            side == "a" and status == 404 and response.status_code == 200)


# --- anonymous ---

@pytest.mark.parametrize("endpoint", ALL_LISTS)
def test_anonymous_is_refused_everywhere(world, api, endpoint):
    # token authentication comes first, so an anonymous call is asked to authenticate: 401
    assert api.get(f"{API}/{endpoint}/").status_code == 401
    before = snapshot(Post)
    assert api.post(f"{API}/{endpoint}/", {"name": "x"}, format="json").status_code == 401
    if endpoint in SCOPED:
        row = SCOPED[endpoint].row(world, "a")
        assert api.get(f"{API}/{endpoint}/{row.pk}/").status_code == 401
        assert api.patch(f"{API}/{endpoint}/{row.pk}/", SCOPED[endpoint].patch, format="json").status_code == 401
    assert snapshot(Post) == before


# --- district-wide readers: read everything, write nothing ---

@pytest.fixture(params=[Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS, Role.DEPARTMENT_USER])
def reader(request, world):
    unit = f.department() if request.param == Role.DEPARTMENT_USER else None
    return f.user(request.param, unit)


@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_district_readers_read_every_street(world, api_for, reader, ep):
    client = api_for(reader)
    got = ids(client.get(f"{API}/{ep.name}/"))
    assert {ep.row(world, "a").pk, ep.row(world, "b").pk} <= got
    assert client.get(f"{API}/{ep.name}/{ep.row(world, 'b').pk}/").status_code == 200


@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_district_readers_cannot_write(world, api_for, reader, ep):
    client = api_for(reader)
    before = snapshot(ep.model)
    row = ep.row(world, "a")
    assert client.post(f"{API}/{ep.name}/", ep.create(world, "a"), format="json").status_code == 403
    assert client.patch(f"{API}/{ep.name}/{row.pk}/", ep.patch, format="json").status_code == 403
    assert client.put(f"{API}/{ep.name}/{row.pk}/", {**ep.create(world, "a"), **ep.patch},
                      format="json").status_code == 403
    assert snapshot(ep.model) == before


# --- departments and policy rules: read by every signed-in role, changed by the administrator only ---

@pytest.mark.parametrize("role", [Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.ORGDEPT_REVIEWER])
def test_departments_and_rules_are_read_only_below_the_administrator(world, api_for, role):
    unit = {Role.STREET_STAFF: world["a"], Role.COMMUNITY_STAFF: world["ca"]}.get(role)
    client = api_for(f.user(role, unit))
    department = f.department()
    rule = PolicyRule.objects.first()
    assert department.pk in ids(client.get(f"{API}/departments/"))
    assert rule.pk in ids(client.get(f"{API}/policy-rules/"))
    before = (snapshot(Department), snapshot(PolicyRule))
    assert client.post(f"{API}/departments/", {"code": "x", "name": "新部门"}, format="json").status_code == 403
    assert client.patch(f"{API}/departments/{department.pk}/", {"name": "改名"}, format="json").status_code == 403
    # policy rules are read-only through the API (versions are added in the admin): no role below the
    # administrator holds the permission, which is checked before the method
    assert client.post(f"{API}/policy-rules/", {"key": "x"}, format="json").status_code == 403
    assert client.patch(f"{API}/policy-rules/{rule.pk}/", {"value": 1}, format="json").status_code == 403
    assert (snapshot(Department), snapshot(PolicyRule)) == before


def test_administrator_writes_district_wide(world, api_for, admin_user):
    client = api_for(admin_user)
    assert client.post(f"{API}/streets/", {"code": "new", "name": "新街"}, format="json").status_code == 201
    assert client.post(f"{API}/departments/", {"code": "newd", "name": "新部门"}, format="json").status_code == 201
    response = client.patch(f"{API}/communities/{world['cb'].pk}/", {"address": "x"}, format="json")
    assert response.status_code == 200


def test_post_end_action_on_another_streets_post_is_404(world, api_for):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    before = snapshot(Post)
    assert client.post(f"{API}/posts/{world['post_b'].pk}/end/", {}, format="json").status_code == 404
    assert snapshot(Post) == before
    assert client.post(f"{API}/posts/{world['post_a'].pk}/end/", {"end_date": "2024-06-30"},
                       format="json").status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "rc_member", "community": "ca", "street": "b"}, "street"),
    ({"kind": "grid_worker", "community": "ca", "grid": "grid_b"}, "grid"),
    ({"kind": "station_staff", "station": "station_b", "street": "a"}, "station"),
    ({"kind": "station_staff", "station": "station_a", "community": "cb"}, "station"),
])
def test_post_naming_units_that_do_not_nest_is_400_and_not_shown_to_another_street(world, api_for, admin_user,
                                                                                 body, field):
    # given an administrator, who may name any unit
    client = api_for(admin_user)
    before = snapshot(Post)
    # when a post names a community of street a with a street, grid or station of street b
    person = f.person(is_party_member=True)
    data = {"person": person.pk, **{k: (world[v].pk if k != "kind" else v) for k, v in body.items()}}
    response = client.post(f"{API}/posts/", data, format="json")
    # then it is refused (it would have been shown to street b's staff) and nothing is written
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(Post) == before


@pytest.mark.django_db
def test_a_filter_on_another_streets_id_answers_like_an_unknown_id(api_for):
    a, b = f.street(), f.street()
    client = api_for(f.user(Role.STREET_STAFF, a))

    other = client.get(f"/api/v1/communities/?street={b.pk}")
    unknown = client.get("/api/v1/communities/?street=999999")
    own = client.get(f"/api/v1/communities/?street={a.pk}")

    assert other.status_code == unknown.status_code == 400
    assert other.json().keys() == unknown.json().keys() == {"street"}
    assert own.status_code == 200


@pytest.mark.django_db
def test_ending_a_post_needs_the_change_permission(api_for):
    street = f.street()
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category="career")
    reviewer = f.user(Role.ORGDEPT_REVIEWER)

    assert api_for(reviewer).post(f"/api/v1/posts/{post.pk}/end/", {}, format="json").status_code == 403
    post.refresh_from_db()
    assert post.end_date is None

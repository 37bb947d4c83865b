"""The new-clerk form at district scale (issue 14): no select of every community, station or grid; the station or
grid is chosen in two steps (the community with the picker, then that community's own), in a constant number of
queries; the unit must be of the role's kind and of the chosen community."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services
from accounts.forms import LIST_UNITS
from accounts.models import AccountEvent
from communities.models import Community
from governance.roles import Role
from governance.scope import scope_for
from grids.models import Grid
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_CLERK = "/admin/auth/user/new-clerk/"
PASSWORDS = {"password1": "Xq-2018-desk-pw", "password2": "Xq-2018-desk-pw"}


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def units(two_streets):
    ca, cb = two_streets["ca"], two_streets["cb"]
    return {**two_streets, "ga": f.grid(ca), "gb": f.grid(cb),
            "sa": f.station(two_streets["a"], ca), "sb": f.station(two_streets["b"], cb)}


def grow(street, n):
    """n more communities in the street, each with two grids and a station."""
    for i in range(n):
        community = f.community(street, name=f"增{i}社区")
        f.grid(community)
        f.grid(community)
        f.station(street, community)


def options(html: str) -> list[str]:
    return re.findall(r"<option[^>]*>([^<]*)</option>", html)


def choices(html: str, name: str) -> set[int]:
    """The ids a select offers."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select)}


def post_clerk(client, **fields):
    data = {"username": "new-clerk", "display_name": "王五", **PASSWORDS, **fields}
    return client.post(NEW_CLERK, data)


def test_the_form_lists_no_community_station_or_grid_of_the_district(admin_client_, units):
    grow(units["a"], 12)
    html = admin_client_.get(NEW_CLERK).content.decode()
    assert 'data-community-picker' in html and 'name="community_text"' in html
    assert not choices(html, "grid") and not choices(html, "station") and "<select name=\"community\"" not in html
    names = set(Community.objects.values_list("name", flat=True))
    assert len(names) == 14 and not any(name in o for o in options(html) for name in names)
    # the roles, the streets and the two empty unit selects: nothing that grows with the district
    assert len(options(html)) <= 8 + 1 + 2 + 1 + 2


def test_the_second_step_lists_the_chosen_communitys_stations_and_grids_only(admin_client_, units):
    grow(units["a"], 3)
    response = post_clerk(admin_client_, role=Role.GRID_WORKER, community=units["ca"].pk, **{LIST_UNITS: "1"})
    html = response.content.decode()
    assert response.status_code == 200 and not User.objects.filter(username="new-clerk").exists()
    assert choices(html, "grid") == {units["ga"].pk} and choices(html, "station") == {units["sa"].pk}
    assert "须选择网格" not in html and "errorlist" not in html  # listing is not a failed submit
    # the same by a link (?community=), and without JavaScript by the community's code typed
    by_link = admin_client_.get(f"{NEW_CLERK}?community={units['ca'].pk}&role={Role.GRID_WORKER}").content.decode()
    assert choices(by_link, "grid") == {units["ga"].pk} and choices(by_link, "station") == {units["sa"].pk}
    typed = post_clerk(admin_client_, role=Role.GRID_WORKER, community_text=units["ca"].code, **{LIST_UNITS: "1"})
    assert choices(typed.content.decode(), "grid") == {units["ga"].pk}


@pytest.mark.parametrize("path", [NEW_CLERK, NEW_CLERK + "?community={community}"])
def test_the_forms_queries_are_constant_in_the_districts_size(admin_client_, units, path, django_assert_max_num_queries):
    url = path.format(community=units["ca"].pk)
    admin_client_.get(url)  # warm: the session, content types
    with django_assert_max_num_queries(12) as small:
        assert admin_client_.get(url).status_code == 200
    grow(units["a"], 15)
    grow(units["b"], 15)
    for _i in range(10):
        f.grid(units["ca"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = admin_client_.get(url).content.decode()
    assert len(options(html)) <= 8 + 1 + 2 + 1 + 1 + 11 + 1  # roles, streets, the community's station, grids


@pytest.mark.parametrize("role, unit", [(Role.GRID_WORKER, "ga"), (Role.STATION_WORKER, "sa")])
def test_a_station_worker_or_grid_worker_gets_that_unit(admin_client_, admin_user, units, role, unit):
    field = "grid" if role == Role.GRID_WORKER else "station"
    response = post_clerk(admin_client_, role=role, community=units["ca"].pk, **{field: units[unit].pk})
    user = User.objects.get(username="new-clerk")
    assert response.status_code == 302
    scope = scope_for(user)
    assert (scope.grid_ids if field == "grid" else scope.station_ids) == {units[unit].pk}
    assert AccountEvent.objects.get(name="new-clerk").actor == admin_user


@pytest.mark.parametrize("role, fields, field, message", [
    # a unit outside the chosen community: another community's grid, a station not serving it
    (Role.GRID_WORKER, {"community": "ca", "grid": "gb"}, "grid", "选择一个有效的选项"),
    (Role.STATION_WORKER, {"community": "ca", "station": "sb"}, "station", "选择一个有效的选项"),
    # the community not chosen, or not found
    (Role.GRID_WORKER, {"grid": "ga"}, "community", "须先选择其所在社区"),
    (Role.STATION_WORKER, {"community_text": "没有这个社区"}, "community", "找不到该社区"),
    # a unit of the wrong kind for the role
    (Role.GRID_WORKER, {"community": "ca", "station": "sa"}, "grid", "须选择网格"),
    (Role.STATION_WORKER, {"community": "ca", "grid": "ga"}, "station", "须选择服务站"),
    (Role.STREET_STAFF, {"community": "ca"}, "street", "须选择街道"),
    (Role.COMMUNITY_STAFF, {"street": "a"}, "community", "须选择社区"),
])
def test_a_unit_that_does_not_fit_the_role_creates_nothing(admin_client_, units, role, fields, field, message):
    data = {k: units[v].pk if v in units else v for k, v in fields.items()}
    response = post_clerk(admin_client_, role=role, **data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert response.context["form"].errors[field]
    assert not User.objects.filter(username="new-clerk").exists() and not AccountEvent.objects.exists()


def test_an_ended_grid_is_not_offered(admin_client_, units):
    Grid.objects.filter(pk=units["ga"].pk).update(ended_on="2026-01-01")
    response = post_clerk(admin_client_, role=Role.GRID_WORKER, community=units["ca"].pk, grid=units["ga"].pk)
    assert response.status_code == 200 and response.context["form"].errors["grid"]
    assert not User.objects.filter(username="new-clerk").exists()


@pytest.mark.parametrize("role, unit", [(Role.GRID_WORKER, "sa"), (Role.COMMUNITY_STAFF, "a"),
                                        (Role.ORGDEPT_REVIEWER, "ca")])
def test_the_service_refuses_a_unit_of_the_wrong_kind(admin_user, units, role, unit):
    with pytest.raises(ValidationError) as refused:
        services.account_create(acting_user=admin_user, username="new-clerk", password=PASSWORDS["password1"],
                                role=role, unit=units[unit])
    assert "所属单位与角色不符" in refused.value.message_dict["unit"][0]
    assert not User.objects.filter(username="new-clerk").exists() and not AccountEvent.objects.exists()

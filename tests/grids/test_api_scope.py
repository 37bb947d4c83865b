"""Every grid endpoint with a caller from another street: they see nothing and change nothing; every list
answers in a constant number of queries."""

import pytest

from grids import services
from grids.models import Grid, GridChangeRequest, GridEvent, GridUnit, LedgerEntry
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def rows(w):
    a = {
        "grids": w["grid_a"],
        "grid-units": services.grid_unit_create(acting_user=None, grid=w["grid_a"], kind="building", name="1号楼",
                                                leader="王楼长"),
        "grid-changes": services.grid_change_propose(acting_user=w["ss_a"], community=w["ca"], kind="redraw",
                                                     grid=w["grid_a"], parts=[{"name": "x", "households": 1}],
                                                     reason="r"),
        "ledger-entries": services.ledger_entry_create(acting_user=None, grid=w["grid_a"], kind="shop", name="超市"),
        "events": services.event_report(acting_user=w["gw_a"], grid=w["grid_a"], title="t", description="d",
                                         category=w["category"]),
    }
    return w, a


MODELS = {"grids": Grid, "grid-units": GridUnit, "grid-changes": GridChangeRequest, "ledger-entries": LedgerEntry,
          "events": GridEvent}


# What each outsider gets, decided by the role's permissions before the row's scope: a role without the
# model's permission for the method gets 403 whatever the row; a role with it gets 404 for a row outside its
# scope (a row it cannot see does not exist for it); a method the endpoint does not offer is 405.
LIST_DETAIL = {"grid-changes": {"gw_b": (403, 403), "gw_a2": (403, 403)}}  # grid workers: no grid changes
PATCH = {
    "grids": dict.fromkeys(("ss_b", "cs_b", "gw_b", "gw_a2"), 403),  # set up by 民政局 only (多网合一)
    "grid-units": {"ss_b": 403, "cs_b": 404, "gw_b": 403, "gw_a2": 403},  # the community keeps its units
    "grid-changes": dict.fromkeys(("ss_b", "cs_b", "gw_b", "gw_a2"), 403),  # only 民政局 decides (change)
    "ledger-entries": {"ss_b": 403, "cs_b": 404, "gw_b": 404, "gw_a2": 404},  # community and grid worker keep it
    "events": dict.fromkeys(("ss_b", "cs_b", "gw_b", "gw_a2"), 405),  # changed only through its actions
}


@pytest.mark.parametrize("endpoint", list(MODELS))
@pytest.mark.parametrize("outsider", ["ss_b", "cs_b", "gw_b", "gw_a2"])
def test_another_unit_sees_and_changes_nothing(rows, endpoint, outsider):
    w, a = rows
    row = a[endpoint]
    before = MODELS[endpoint].objects.get(pk=row.pk).version
    client = api_as(w[outsider])
    list_status, detail_status = LIST_DETAIL.get(endpoint, {}).get(outsider, (200, 404))
    listed = client.get(f"{API}/{endpoint}/")
    assert listed.status_code == list_status
    if list_status == 200:
        assert row.pk not in [r["id"] for r in listed.data["results"]]
    assert client.get(f"{API}/{endpoint}/{row.pk}/").status_code == detail_status
    assert client.patch(f"{API}/{endpoint}/{row.pk}/", {"name": "改"}, format="json").status_code == PATCH[endpoint][outsider]
    assert MODELS[endpoint].objects.get(pk=row.pk).version == before


def test_a_grid_worker_cannot_push_an_event_into_another_street_nor_create_grid_changes(rows):
    w, a = rows
    r = api_as(w["gw_b"]).post(f"{API}/events/", {"grid": w["grid_a"].pk, "title": "t", "description": "d",
                                                  "category": "SG0101"}, format="json")
    assert r.status_code == 400 and "grid" in r.data
    r = api_as(w["ss_b"]).post(f"{API}/grid-changes/", {"community": w["ca"].pk, "kind": "create", "reason": "r",
                                                        "parts": [{"name": "x", "households": 1}]}, format="json")
    assert r.status_code == 400 and "community" in r.data
    assert GridChangeRequest.objects.count() == 1 and GridEvent.objects.count() == 1


@pytest.mark.parametrize("endpoint", [*MODELS, "event-categories"])
def test_lists_are_constant_in_queries(rows, endpoint, django_assert_max_num_queries, admin_user):
    w, a = rows
    client = api_as(admin_user)
    with django_assert_max_num_queries(12) as small:
        client.get(f"{API}/{endpoint}/")
    for i in range(8):
        grid = services.grid_create(acting_user=None, community=w["ca"], code=f"more{i}", name=f"更多{i}", households=1)
        services.grid_unit_create(acting_user=None, grid=grid, kind="area", name="片区")
        services.grid_change_propose(acting_user=w["ss_a"], community=w["ca"], kind="merge", grid=grid,
                                     others=[w["grid_a2"]], parts=[{"name": "m", "households": 1}], reason="r")
        services.ledger_entry_create(acting_user=None, grid=grid, kind="compound", name="小区")
        services.event_report(acting_user=None, grid=grid, title="t", description="d", category=w["category"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get(f"{API}/{endpoint}/")
    assert r.status_code == 200 and r.data["count"] >= 2


def test_event_categories_are_two_levels_and_edited_by_the_district(rows, admin_user):
    w, _ = rows
    r = api_as(admin_user).post(f"{API}/event-categories/", {"code": "SG010101", "name": "三级", "parent": "SG0101"},
                                format="json")
    assert r.status_code == 400 and "parent" in r.data
    r = api_as(w["ss_a"]).post(f"{API}/event-categories/", {"code": "X1", "name": "街道自设"}, format="json")
    assert r.status_code == 403
    names = {c["code"]: c["name"] for c in api_as(w["gw_a"]).get(f"{API}/event-categories/?search=SG01").data["results"]}
    assert names["SG0101"] == "邻里纠纷"

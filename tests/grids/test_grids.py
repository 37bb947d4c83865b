"""Grids: who may set them up (多网合一, 四(二)2), changes approved by 民政局 (四(一)), the findings of
三(四)2 and 四(一), a past date's grids."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.exceptions import RuleViolation
from governance.findings import findings_for
from governance.models import PostKind
from governance.roles import Role
from grids import services
from grids.models import Grid, GridChangeRequest
from grids.selectors import grids_as_of
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


def grid_findings(user, community):
    return [x for x in findings_for(user=user, community_id=community.pk)
            if x.rule in ("community.households_per_grid_worker", "grids.coverage")]


def test_a_department_cannot_create_a_grid(w):
    body = {"code": "dept-g1", "name": "城管网格", "community": w["ca"].pk, "households": 100}
    r = api_as(w["du"]).post(f"{API}/grids/", body, format="json")
    # A department user has no add permission (403); the service refuses it too, naming 多网合一
    assert r.status_code == 403
    with pytest.raises(RuleViolation) as exc:
        services.grid_create(acting_user=w["du"], community=w["ca"], code="dept-g1", name="城管网格")
    assert (exc.value.rule, exc.value.clause) == ("grids.single_network", "四(二)2")
    assert not Grid.objects.filter(code="dept-g1").exists()


def test_a_street_cannot_change_a_grid_without_approval(w):
    with pytest.raises(RuleViolation) as exc:
        services.grid_update(grid=w["grid_a"], acting_user=w["ss_a"], households=1)
    assert (exc.value.rule, exc.value.clause) == ("grids.change_approval", "四(一)")
    assert Grid.objects.get(pk=w["grid_a"].pk).households == 2000


def test_the_district_administrator_creates_a_grid_through_the_api(w, admin_user):
    body = {"code": "new-g", "name": "新网格", "community": w["ca"].pk, "households": 100}
    r = api_as(admin_user).post(f"{API}/grids/", body, format="json")
    assert r.status_code == 201 and r.data["code"] == "new-g" and r.data["community"] == w["ca"].pk


def propose_split(w):
    body = {"community": w["ca"].pk, "kind": "split", "grid": w["grid_a"].pk, "reason": "户数过多",
            "parts": [{"name": "甲一网格东", "households": 1000, "area": "1—4号楼"},
                      {"name": "甲一网格西", "households": 1000, "area": "5—8号楼"}]}
    return api_as(w["ss_a"]).post(f"{API}/grid-changes/", body, format="json")


def test_a_split_takes_effect_only_when_civil_affairs_approves(w):
    r = propose_split(w)
    assert r.status_code == 201 and r.data["status"] == "pending" and r.data["street"] == w["a"].pk
    pk = r.data["id"]
    assert Grid.objects.filter(community=w["ca"]).count() == 2  # nothing changed yet
    # The street cannot approve its own request; another street cannot see it
    assert api_as(w["ss_a"]).post(f"{API}/grid-changes/{pk}/approve/", {}, format="json").status_code == 403
    assert api_as(w["ss_b"]).get(f"{API}/grid-changes/{pk}/").status_code == 404
    r = api_as(w["civil"]).post(f"{API}/grid-changes/{pk}/approve/", {"note": "同意"}, format="json")
    assert (r.status_code, r.data["status"]) == (200, "approved")
    grids = Grid.objects.filter(community=w["ca"], ended_on__isnull=True).order_by("pk")
    assert sorted(g.name for g in grids) == sorted(["甲一网格东", "甲一网格西", w["grid_a2"].name])
    assert sorted(g.households for g in grids) == [0, 1000, 1000]
    # Approving twice changes nothing more
    r = api_as(w["civil"]).post(f"{API}/grid-changes/{pk}/approve/", {}, format="json")
    assert r.status_code == 400
    assert Grid.objects.filter(community=w["ca"]).count() == 3


def test_a_change_refused_by_the_service_when_not_civil_affairs(w):
    change = services.grid_change_propose(acting_user=w["ss_a"], community=w["ca"], kind="redraw", grid=w["grid_a"],
                                          parts=[{"name": "x", "households": 5}], reason="r")
    with pytest.raises(RuleViolation) as exc:
        services.grid_change_approve(change=change, acting_user=w["ss_a"])
    assert (exc.value.rule, exc.value.clause) == ("grids.change_approval", "四(一)")
    change.refresh_from_db()
    assert change.status == GridChangeRequest.Status.PENDING
    assert Grid.objects.get(pk=w["grid_a"].pk).households == 2000


def test_merge_ends_the_merged_grid_and_the_past_date_still_shows_it(w):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    change = services.grid_change_propose(acting_user=w["ss_a"], community=w["ca"], kind="merge", grid=w["grid_a"],
                                          others=[w["grid_a2"]], parts=[{"name": "合并网格", "households": 2000}],
                                          reason="户数少")
    services.grid_change_approve(change=change, acting_user=w["civil"], on=today)
    assert [g.name for g in grids_as_of(community=w["ca"], on=today)] == ["合并网格"]
    # Yesterday's grids: both, as they were (the grids were set up yesterday, the merge approved today)
    Grid.history.filter(history_type="+").update(history_date=timezone.now() - datetime.timedelta(days=1))
    past = grids_as_of(community=w["ca"], on=yesterday)
    assert sorted(g.name for g in past) == sorted([w["grid_a"].name, w["grid_a2"].name])
    reasons = set(Grid.history.filter(id=w["grid_a2"].pk).values_list("history_change_reason", flat=True))
    assert any(r and "民政局审定" in r for r in reasons)


def test_reassign_a_worker(w):
    person = f.person(community=w["ca"])
    change = services.grid_change_propose(acting_user=w["ss_a"], community=w["ca"], kind="reassign", grid=w["grid_a"],
                                          worker=person, reason="人员调整")
    services.grid_change_approve(change=change, acting_user=w["civil"])
    assert Grid.objects.get(pk=w["grid_a"].pk).worker == person


def test_a_proposal_with_bad_parts_is_a_field_error(w):
    body = {"community": w["ca"].pk, "kind": "split", "grid": w["grid_a"].pk, "reason": "r",
            "parts": [{"name": "x", "households": -1}, "bad"]}
    r = api_as(w["ss_a"]).post(f"{API}/grid-changes/", body, format="json")
    assert r.status_code == 400 and "parts" in r.data
    assert not GridChangeRequest.objects.exists()


# ------------------------------------------------------------------- findings (三(四)2, 四(一))


def test_grid_count_follows_the_grid_worker_standard(db):
    admin = f.user(Role.DISTRICT_ADMIN)
    community = f.community(households=1001)  # ceil(1001/500) = 3 grids
    for h in (500, 500):
        f.grid(community, households=h, worker=f.person(community=community))
    found = grid_findings(admin, community)
    assert any("划分网格 2 个" in x.message and "应为 3 个" in x.message for x in found)
    f.grid(community, households=1, worker=f.person(community=community))
    assert not grid_findings(admin, community)


def test_a_complex_community_may_have_up_to_one_grid_per_300(db):
    admin = f.user(Role.DISTRICT_ADMIN)
    community = f.community(households=1500, is_complex=True)  # 3 to 5 grids
    for _ in range(5):
        f.grid(community, households=300, worker=f.person(community=community))
    assert not grid_findings(admin, community)
    f.grid(community, households=0, worker=f.person(community=community))
    assert any("应为 3—5 个" in x.message for x in grid_findings(admin, community))


def test_households_must_add_up(db):
    admin = f.user(Role.DISTRICT_ADMIN)
    community = f.community(households=1000)
    for h in (500, 400):
        f.grid(community, households=h, worker=f.person(community=community))
    found = grid_findings(admin, community)
    assert [(x.rule, x.clause) for x in found] == [("grids.coverage", "四(一)")]
    assert "相差 100 户" in found[0].message


def test_each_grid_worker_is_on_a_grid_and_each_grid_has_a_worker(db):
    admin = f.user(Role.DISTRICT_ADMIN)
    community = f.community(households=1000)
    f.grid(community, households=500, worker=f.person(community=community))
    services.grid_create(acting_user=None, community=community, code="nobody-g", name="无人网格", households=500)
    worker = f.person(community=community, name="未分配网格员")
    f.post(PostKind.GRID_WORKER, community=community, person=worker)
    messages = [x.message for x in grid_findings(admin, community)]
    assert any("未分配网格员" in m for m in messages)
    assert any("无人网格" in m for m in messages)


def test_findings_stay_in_scope(w):
    assert all(x.street_id == w["a"].pk for x in findings_for(user=w["ss_a"]))


def test_stationed_units_are_placed_in_a_grid(w):
    from governance.services import stationed_unit_create
    from grids.services import ledger_entry_create

    unit = stationed_unit_create(acting_user=None, street=w["a"], name="市税务局", level="city")
    assert any("市税务局" in x.message and x.clause == "四(一)" for x in findings_for(user=w["ss_a"]))
    ledger_entry_create(acting_user=None, grid=w["grid_a"], kind="stationed_unit", name=unit.name, stationed_unit=unit)
    assert not any("市税务局" in x.message for x in findings_for(user=w["ss_a"]))
    # One unit, one grid (四(一)): placing it twice is refused
    with pytest.raises(ValidationError):
        ledger_entry_create(acting_user=None, grid=w["grid_a2"], kind="stationed_unit", name=unit.name,
                            stationed_unit=unit)

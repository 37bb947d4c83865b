"""Events through the API: report, the escalation path, each refusal, versions, idempotent external create."""

import io

import pytest
from django.test import Client
from PIL import Image

from grids.models import EventStep, GridEvent
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


def report(w, side="a", **extra):
    body = {"grid": w[f"grid_{side}"].pk, "title": "楼道堆物", "description": "三号楼楼道堆放杂物", "category": "SG0101",
            "place": "三号楼", **extra}
    return api_as(w[f"gw_{side}"]).post(f"{API}/events/", body, format="multipart" if "photos" in extra else "json")


def act(user, event, action, **body):
    return api_as(user).post(f"{API}/events/{event}/{action}/", body, format="json")


def test_grid_worker_reports_for_own_grid_and_the_grid_holds_it(w):
    response = report(w)
    assert response.status_code == 201, response.data
    event = GridEvent.objects.get()
    assert (event.level, event.status, event.grid, event.community, event.street) == (
        "grid", "accepted", w["grid_a"], w["ca"], w["a"])
    assert response.data["level"] == "grid" and response.data["category"] == "SG0101"
    assert list(event.steps.values_list("action", flat=True)) == ["report"]


def test_grid_worker_cannot_report_for_another_grid_and_community_staff_cannot_report(w):
    response = api_as(w["gw_a"]).post(f"{API}/events/", {"grid": w["grid_a2"].pk, "title": "t", "description": "d",
                                                         "category": "SG0101"}, format="json")
    assert response.status_code == 400 and "grid" in response.data
    response = api_as(w["cs_a"]).post(f"{API}/events/", {"grid": w["grid_a"].pk, "title": "t", "description": "d",
                                                         "category": "SG0101"}, format="json")
    assert response.status_code == 403
    assert not GridEvent.objects.exists()


def test_unknown_category_is_a_field_error(w):
    response = report(w, category="NOPE")
    assert response.status_code == 400 and "category" in response.data
    assert not GridEvent.objects.exists()


def test_escalation_path_grid_community_street_department_each_step_kept(w):
    pk = report(w).data["id"]
    assert act(w["gw_a"], pk, "escalate", reason="协调不了").status_code == 200
    assert act(w["cs_a"], pk, "accept").data["status"] == "accepted"
    r = act(w["cs_a"], pk, "escalate", reason="需街道协调")
    assert (r.status_code, r.data["level"], r.data["status"]) == (200, "street", "submitted")
    assert act(w["ss_a"], pk, "accept").status_code == 200
    r = act(w["ss_a"], pk, "escalate", reason="需职能部门", department=w["dept"].pk)
    assert (r.status_code, r.data["level"], r.data["department"]) == (200, "department", w["dept"].pk)
    assert act(w["du_other"], pk, "accept").status_code == 400  # another department does not hold it
    assert act(w["du"], pk, "accept").status_code == 200
    r = act(w["du"], pk, "resolve", reason="已清理")
    assert (r.data["status"], r.data["settled_level"]) == ("resolved", "department")
    steps = list(EventStep.objects.filter(event_id=pk).values_list("action", "from_level", "to_level", "actor__username"))
    assert [s[:3] for s in steps] == [
        ("report", "grid", "grid"), ("escalate", "grid", "community"), ("accept", "community", "community"),
        ("escalate", "community", "street"), ("accept", "street", "street"), ("escalate", "street", "department"),
        ("accept", "department", "department"), ("resolve", "department", "department")]
    assert steps[1][3] == w["gw_a"].username and steps[2][3] == w["cs_a"].username


def test_only_the_level_holding_the_event_acts(w):
    pk = report(w).data["id"]
    # At grid level: the community cannot act on it yet
    r = act(w["cs_a"], pk, "escalate", reason="x")
    assert (r.status_code, r.data["rule"], r.data["clause"]) == (400, "grids.event_escalation", "四(二)2")
    act(w["gw_a"], pk, "escalate", reason="协调不了")
    # At community level: the grid worker no longer can, nor the street
    for user in (w["gw_a"], w["ss_a"]):
        r = act(user, pk, "resolve", reason="x")
        assert (r.status_code, r.data["rule"]) == (400, "grids.event_escalation")
    assert GridEvent.objects.get().level == "community"


def test_skipping_a_level_is_refused(w):
    pk = report(w).data["id"]
    r = act(w["gw_a"], pk, "escalate", reason="直接上报街道", to_level="street")
    assert (r.status_code, r.data["rule"], r.data["clause"]) == (400, "grids.event_escalation", "四(二)2")
    assert "to_level" in r.data
    assert GridEvent.objects.get().level == "grid"


def test_escalating_needs_a_reason_and_the_department_from_the_street(w):
    pk = report(w).data["id"]
    assert "reason" in act(w["gw_a"], pk, "escalate").data
    act(w["gw_a"], pk, "escalate", reason="x")
    act(w["cs_a"], pk, "accept")
    act(w["cs_a"], pk, "escalate", reason="x")
    act(w["ss_a"], pk, "accept")
    r = act(w["ss_a"], pk, "escalate", reason="x")
    assert r.status_code == 400 and "department" in r.data
    assert GridEvent.objects.get().level == "street"


def test_send_back_returns_it_to_the_level_below_with_a_reason(w):
    pk = report(w).data["id"]
    act(w["gw_a"], pk, "escalate", reason="x")
    assert "reason" in act(w["cs_a"], pk, "send-back").data
    r = act(w["cs_a"], pk, "send-back", reason="网格内可以解决")
    assert (r.status_code, r.data["level"]) == (200, "grid")
    assert act(w["gw_a"], pk, "resolve", reason="已劝导清理").data["settled_level"] == "grid"
    r = act(w["gw_a"], pk, "send-back", reason="x")
    assert r.status_code == 400


def test_a_closed_event_cannot_be_acted_on(w):
    pk = report(w).data["id"]
    act(w["gw_a"], pk, "resolve", reason="已处理")
    before = GridEvent.objects.get().version
    for action, body in (("escalate", {"reason": "x"}), ("resolve", {"reason": "x"}), ("accept", {})):
        r = act(w["gw_a"], pk, action, **body)
        assert (r.status_code, r.data["rule"], r.data["clause"]) == (400, "grids.event_escalation", "四(二)2")
    assert GridEvent.objects.get().version == before


def test_stale_versions_are_refused_412_with_if_match_and_409_in_the_body(w):
    pk = report(w).data["id"]
    client = api_as(w["gw_a"])
    r = client.post(f"{API}/events/{pk}/escalate/", {"reason": "x"}, format="json", HTTP_IF_MATCH='"7"')
    assert r.status_code == 412 and r["ETag"] == '"1"'
    r = client.post(f"{API}/events/{pk}/escalate/", {"reason": "x", "version": 5}, format="json")
    assert r.status_code == 409
    assert GridEvent.objects.get().level == "grid"
    r = client.post(f"{API}/events/{pk}/escalate/", {"reason": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200 and r["ETag"] == '"2"'


def test_the_same_external_id_twice_gives_back_the_same_event(w, admin_user):
    body = {"grid": w["grid_a"].pk, "title": "12345热线：噪音", "description": "夜间施工", "category": "SG0101",
            "external_id": "12345-2026-0001", "source": "12345"}
    client = api_as(admin_user)
    first = client.post(f"{API}/events/", body, format="json")
    second = client.post(f"{API}/events/", {**body, "title": "changed"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.data["id"] == second.data["id"] and second.data["title"] == "12345热线：噪音"
    assert GridEvent.objects.count() == 1


def test_another_street_sees_and_changes_nothing(w):
    pk = report(w).data["id"]
    for user in (w["ss_b"], w["cs_b"], w["gw_b"]):
        client = api_as(user)
        assert client.get(f"{API}/events/").data["count"] == 0
        assert client.get(f"{API}/events/{pk}/").status_code == 404
        for action in ("accept", "resolve", "escalate", "send-back"):
            assert client.post(f"{API}/events/{pk}/{action}/", {"reason": "x"}, format="json").status_code == 404
    event = GridEvent.objects.get()
    assert (event.level, event.version, event.steps.count()) == ("grid", 1, 1)


def test_each_level_sees_its_own_events(w):
    report(w, "a")
    report(w, "b")
    for user, n in ((w["gw_a"], 1), (w["gw_a2"], 0), (w["cs_a"], 1), (w["ss_a"], 1), (w["civil"], 2)):
        assert api_as(user).get(f"{API}/events/").data["count"] == n


def _png(size=(4, 4)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_photos_images_only_size_limited_stored_outside_the_database(w, media, settings):
    not_image = io.BytesIO(b"#!/bin/sh\necho hi\n")
    not_image.name = "photo.jpg"
    r = report(w, photos=[not_image])
    assert r.status_code == 400 and "photos" in r.data and not GridEvent.objects.exists()
    settings.GRIDS_EVENT_PHOTO_MAX_BYTES = 50
    r = report(w, photos=[_png((64, 64))])
    assert r.status_code == 400 and "photos" in r.data
    settings.GRIDS_EVENT_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    r = report(w, photos=[_png()])
    assert r.status_code == 201, r.data
    photo = GridEvent.objects.get().photos.get()
    assert (media / photo.image.name).exists()
    url = r.data["photo_urls"][0]
    for user, status in ((w["gw_a"], 200), (w["cs_a"], 200), (w["gw_b"], 404), (w["ss_b"], 404)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status


def test_event_list_query_count_is_constant(w, django_assert_max_num_queries):
    for _ in range(30):
        report(w)
    client = api_as(w["cs_a"])
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/events/")
    assert response.data["count"] == 30

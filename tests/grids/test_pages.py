"""Grid pages: home redirect, the grid worker's page, queues (constant queries, scope), 民政局's queue,
the dashboard, reminders."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from grids import services
from grids.models import EventReminder, GridChangeRequest, GridEvent
from grids.tasks import event_reminders_task
from tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def report(w, side="a", n=1):
    return [services.event_report(acting_user=w[f"gw_{side}"], grid=w[f"grid_{side}"], title=f"事件{i}",
                                  description="d", category=w["category"]) for i in range(n)]


def escalate(w, events, side="a"):
    for e in events:
        services.event_escalate(event=e, acting_user=w[f"gw_{side}"], reason="协调不了")


def test_a_grid_worker_lands_on_their_grid(w):
    r = client_for(w["gw_a"]).get("/", follow=True)
    assert r.redirect_chain[-1][0] == f"/grids/{w['grid_a'].pk}/"
    assert "上报事件" in r.content.decode()


def test_grid_page_and_report_form(w):
    c = client_for(w["gw_a"])
    r = c.post(f"/grids/{w['grid_a'].pk}/events/new/", {"title": "井盖缺失", "category": w["category"].pk,
                                                       "description": "人行道井盖缺失", "place": "文化街口"})
    event = GridEvent.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/events/{event.pk}/"
    assert "井盖缺失" in c.get(f"/grids/{w['grid_a'].pk}/").content.decode()
    # Not their grid: 404, nothing reported
    assert c.get(f"/grids/{w['grid_a2'].pk}/events/new/").status_code == 404
    assert client_for(w["gw_b"]).get(f"/grids/{w['grid_a'].pk}/").status_code == 404


def test_community_escalates_from_the_event_page_with_the_version(w):
    event = report(w)[0]
    escalate(w, [event])
    c = client_for(w["cs_a"])
    event.refresh_from_db()
    r = c.post(f"/events/{event.pk}/", {"action": "accept", "expected_version": event.version})
    assert r.status_code == 302
    r = c.post(f"/events/{event.pk}/", {"action": "escalate", "expected_version": event.version, "reason": "x"})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()  # stale version: refused
    event.refresh_from_db()
    r = c.post(f"/events/{event.pk}/", {"action": "escalate", "expected_version": event.version, "reason": "需街道"})
    event.refresh_from_db()
    assert (r.status_code, event.level) == (302, "street")
    assert client_for(w["cs_b"]).post(f"/events/{event.pk}/", {"action": "accept"}).status_code == 404


@pytest.mark.parametrize("user_key,level", [("cs_a", "community"), ("ss_a", "street")])
def test_queues_are_constant_in_queries_and_scoped(w, user_key, level, django_assert_max_num_queries):
    def fill(n):
        events = report(w, "a", n)
        escalate(w, events)
        if level == "street":
            for e in events:
                e.refresh_from_db()
                services.event_accept(event=e, acting_user=w["cs_a"])
                services.event_escalate(event=e, acting_user=w["cs_a"], reason="需街道")
        other = report(w, "b", n)
        escalate(w, other, "b")

    fill(3)
    c = client_for(w[user_key])
    c.get("/events/")
    with django_assert_max_num_queries(20) as small:
        r = c.get("/events/")
    assert r.content.decode().count("/events/") >= 3
    fill(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = c.get("/events/")
    page = r.context["events"]
    ids = [e["id"] for e in page]
    assert page.paginator.count == 15 and all(e["level"] == level for e in page)
    assert GridEvent.objects.filter(pk__in=ids, street=w["a"]).count() == 15


def test_civil_affairs_approves_from_its_queue_and_a_street_cannot(w):
    change = services.grid_change_propose(acting_user=w["ss_a"], community=w["ca"], kind="redraw", grid=w["grid_a"],
                                          parts=[{"name": "新范围", "households": 1900}], reason="小区拆迁")
    assert "小区拆迁" in client_for(w["civil"]).get("/grid-changes/").content.decode()
    assert "小区拆迁" not in client_for(w["ss_b"]).get("/grid-changes/").content.decode()
    r = client_for(w["ss_a"]).post(f"/grid-changes/{change.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 403
    r = client_for(w["civil"]).post(f"/grid-changes/{change.pk}/decide/",
                                    {"decision": "approve", "expected_version": change.version, "note": "同意"})
    change.refresh_from_db()
    assert change.status == GridChangeRequest.Status.APPROVED
    w["grid_a"].refresh_from_db()
    assert (w["grid_a"].name, w["grid_a"].households) == ("新范围", 1900)


def test_settlement_dashboard_rates(w, django_assert_max_num_queries):
    a = report(w, "a", 4)
    for e in a[:3]:
        services.event_resolve(event=e, acting_user=w["gw_a"], reason="已处理")
    escalate(w, a[3:])
    e = GridEvent.objects.get(pk=a[3].pk)
    services.event_accept(event=e, acting_user=w["cs_a"])
    services.event_resolve(event=e, acting_user=w["cs_a"], reason="社区协调")
    c = client_for(w["civil"])
    with django_assert_max_num_queries(12):
        r = c.get("/settlement/?by=street")
    rows = {row["name"]: row["rates"] for row in r.context["rows"]}
    assert (rows[w["a"].name].grid_rate, rows[w["a"].name].community_rate) == (75.0, 100.0)
    assert w["b"].name not in rows
    assert "echarts.min.js" in r.content.decode() and "<script>" not in r.content.decode()
    r = client_for(w["ss_b"]).get("/settlement/")
    assert r.context["rows"] == []


def test_reminders_once_per_event_and_level(w):
    events = report(w, "a", 2)
    GridEvent.objects.filter(pk=events[0].pk).update(level_since=timezone.now() - datetime.timedelta(hours=30))
    assert event_reminders_task(hours={"grid": 24}) == 1
    assert event_reminders_task(hours={"grid": 24}) == 0
    assert EventReminder.objects.get().event_id == events[0].pk
    # Escalated: a new arrival at the community, reminded again only once it is late there
    escalate(w, [GridEvent.objects.get(pk=events[0].pk)])
    assert event_reminders_task(hours={"community": 48}) == 0
    r = client_for(w["gw_a"]).get(f"/grids/{w['grid_a'].pk}/")
    assert r.status_code == 200


def test_reminder_schedule_is_seeded():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(task="grids.tasks.event_reminders_task").first()
    if task is None:
        pytest.skip("flushed by a transactional test")
    assert '"grid": 24' in task.kwargs


# --- proposing a grid change: the community first, then its own grids and people ----------------------------

def test_grid_change_form_asks_for_the_community_then_lists_only_its_grids(w):
    c = client_for(w["ss_a"])
    first = c.get("/grid-changes/new/").content.decode()
    assert "第一步" in first and f'value="{w["grid_a"].pk}"' not in first  # no grid before a community is chosen
    neighbour = f.grid(f.community(w["a"], name="邻近社区"), households=10)
    page = c.get(f"/grid-changes/new/?community={w['ca'].pk}").content.decode()
    assert f'value="{w["grid_a"].pk}"' in page and f'value="{w["grid_a2"].pk}"' in page
    assert f'value="{neighbour.pk}"' not in page
    r = c.post(f"/grid-changes/new/?community={w['ca'].pk}", {
        "community": w["ca"].pk, "kind": "redraw", "grid": w["grid_a"].pk, "reason": "小区拆迁",
        "parts": "东苑社区第1网格,2000,1—8号楼"})
    assert r.status_code == 302
    change = GridChangeRequest.objects.get()
    assert change.community == w["ca"] and change.grid == w["grid_a"]


def test_grid_change_form_refuses_another_streets_community_and_its_grids(w):
    c = client_for(w["ss_a"])
    page = c.get(f"/grid-changes/new/?community={w['cb'].pk}").content.decode()
    assert "找不到该社区" in page and f'value="{w["grid_b"].pk}"' not in page
    # A grid of another community of the user's scope than the one posted is not a choice: nothing written
    r = c.post("/grid-changes/new/", {"community": w["ca"].pk, "kind": "redraw", "grid": w["grid_b"].pk,
                                      "reason": "x"})
    assert r.status_code == 200 and not GridChangeRequest.objects.exists()
    r = c.post("/grid-changes/new/", {"community": w["cb"].pk, "kind": "redraw", "grid": w["grid_b"].pk,
                                      "reason": "x"})
    assert r.status_code == 200 and "找不到该社区" in r.content.decode() and not GridChangeRequest.objects.exists()


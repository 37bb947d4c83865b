"""A grid worker reports an event from a phone-sized screen; the community accepts it and escalates it to the street."""

import pytest

from governance.roles import Role
from governance.rules import rules_seed
from grids.models import EventCategory
from tests import factories as f
from tests.browser.test_street_page import page  # noqa: F401 - the Chromium page fixture

pytestmark = pytest.mark.browser
PASSWORD = "pw-Secret-2018"


@pytest.fixture
def grid_world(transactional_db):
    rules_seed()
    parent, _ = EventCategory.objects.get_or_create(code="SG02", defaults={"name": "安全隐患"})
    EventCategory.objects.get_or_create(code="SG0201", defaults={"name": "消防安全隐患", "parent": parent})
    street = f.street(name="文化街")
    community = f.community(street, name="东苑社区")
    grid = f.grid(community, households=500)
    # A grid page as a worker sees it on a phone: long names, a ledger, units and the grid's party organisation
    from grids import services

    services.ledger_entry_create(acting_user=None, grid=grid, kind="special_group", group="elderly_alone",
                                 name="独居老人张某某", address="东苑小区3号楼2单元501室（北侧楼梯）",
                                 phone="13800001234", id_number="640104194001011234")
    services.ledger_entry_create(acting_user=None, grid=grid, kind="shop", name="东苑便民超市及快递代收点",
                                 address="东苑小区南门商业街1-12号门面房", phone="09515551234")
    unit = services.grid_unit_create(acting_user=None, grid=grid, kind="building", name="3号楼",
                                     leader="王楼长", leader_phone="13900001234")
    services.party_organization_create(acting_user=None, grid=grid, kind="branch", name="东苑社区第一网格党支部",
                                       leader="李书记", members=23)
    services.party_model_post_create(acting_user=None, grid=grid, kind="responsibility_area", unit=unit,
                                     name="3号楼党员责任区", member="赵党员", area="3号楼1—3单元及楼前绿地、停车区域")
    return {"grid": grid, "worker": f.user(Role.GRID_WORKER, grid), "community": f.user(Role.COMMUNITY_STAFF, community)}


def login(page, live_server, user):  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")


def test_grid_worker_reports_and_the_community_escalates(live_server, grid_world, page):  # noqa: F811
    grid = grid_world["grid"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 390, "height": 844})

    # Given a grid worker on a phone: they land on their grid's page and report an event
    login(page, live_server, grid_world["worker"])
    page.wait_for_url(f"{live_server.url}/grids/{grid.pk}/")
    assert page.locator("h1").inner_text() == grid.name
    # Usable at 390 px: no page-wide horizontal scrolling, the report button within the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "东苑社区第一网格党支部" in page.locator("#grid-party").inner_text()
    assert "王楼长" in page.locator("#grid-units").inner_text()
    assert "东苑便民超市" in page.locator("#my-ledger").inner_text()
    box = page.locator("text=上报事件").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.click("text=上报事件")
    page.wait_for_url(f"{live_server.url}/grids/{grid.pk}/events/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("input[name=title]", "楼道堆放杂物")
    page.select_option("select[name=category]", label="消防安全隐患")
    page.fill("input[name=place]", "3号楼2单元")
    page.fill("textarea[name=description]", "楼道堆放纸箱，堵塞消防通道")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/events/*/")
    event_url = page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # It cannot settle it in the grid: escalates it to the community with a reason
    page.fill("textarea[name=reason]", "住户拒不清理，需社区协调")
    page.click("button[value=escalate]")
    page.wait_for_url(event_url)
    assert "社区 · 待受理" in page.locator("#event-state").inner_text()

    # When the community's staff open their queue, accept it and escalate it to the street
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, live_server, grid_world["community"])
    page.goto(f"{live_server.url}/events/")
    page.click("text=楼道堆放杂物")
    page.click("button[value=accept]")
    page.wait_for_url(event_url)
    page.fill("textarea[name=reason]", "涉及多个小区，需街道协调消防")
    page.click("button[value=escalate]")
    page.wait_for_url(event_url)

    # Then the street holds it, and every step is kept with who did it
    assert "街道 · 待受理" in page.locator("#event-state").inner_text()
    steps = page.locator("#steps li").all_inner_texts()
    assert [s.split()[0] for s in steps] == ["上报", "上报上一级", "受理", "上报上一级"]
    assert all(url.startswith(live_server.url) for url in requested)

"""Taking in a case at the counter in headless Chromium, by keyboard: find the item by its pinyin initials,
fill the applicant, tick the materials received, submit with Ctrl+Enter, land on the case with its receipt."""

import pytest
from django.apps import apps

from governance.roles import Role
from governance.rules import rules_seed
from service_stations.catalogue import calendar_seed, catalogue_seed
from tests import factories as f
from tests.browser.test_street_page import page  # noqa: F401 (the Chromium page fixture)
from tests.service_stations.conftest import id_number

pytestmark = pytest.mark.browser


@pytest.fixture
def station_worker(transactional_db):
    # A transactional test before this one may have flushed what the migrations seeded.
    rules_seed()
    calendar_seed(apps)
    catalogue_seed(apps)
    street = f.street(name="凤凰北街")
    station = f.station(street, f.community(street, name="东苑社区"))
    return station, f.user(Role.STATION_WORKER, station)


def test_taking_in_a_case_at_the_counter_by_keyboard(live_server, station_worker, page):  # noqa: F811
    station, worker = station_worker
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", worker.username)
    page.fill("input[name=password]", "pw-Secret-2018")
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/stations/{station.pk}/")
    page.click("text=受理新办件")
    page.wait_for_url(f"{live_server.url}/stations/{station.pk}/counter/")

    # The search box has the focus: pinyin initials of 城乡居民最低生活保障申请, Enter moves on to the applicant.
    page.keyboard.type("cxjmzd")
    assert page.eval_on_selector("select[name=service_item]", "s => s.options[s.selectedIndex].text") == "城乡居民最低生活保障申请"
    page.keyboard.press("Enter")
    page.keyboard.type("马建华")
    page.keyboard.press("Tab")
    page.keyboard.type(id_number())
    page.keyboard.press("Tab")
    page.keyboard.type("13995112345")
    visible = page.locator("label.material:visible")
    assert visible.count() == 4
    visible.nth(0).click()
    visible.nth(1).click()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"{live_server.url}/cases/*/")

    # (No ORM here: inside Playwright's sync API it would run in an event loop; the page says it all.)
    body = page.inner_text("main")
    number = page.inner_text("h1").split()[1]
    assert number.startswith(f"{station.pk:04d}") and len(number) == 16
    assert "还剩 30 个工作日" in body
    assert "已出具一次性告知单" in body and "打印一次性告知单" in body  # two of the four materials are missing
    page.click("text=打印一次性告知单")
    assert page.locator("article h2 + ol li").first.is_visible() and "尚缺材料" in page.inner_text("main")
    page.go_back()
    page.click("text=打印受理回执")
    assert number in page.inner_text("main") and "承诺办结期限" in page.inner_text("main")
    assert outside == []


@pytest.fixture
def overdue_cases(transactional_db):
    """Two stations of a street, one with an overdue case and one with a case in time, and the street's staff."""
    import datetime

    from django.utils import timezone

    from tests.service_stations.conftest import case, item

    rules_seed()
    calendar_seed(apps)
    catalogue_seed(apps)
    street = f.street(name="凤凰北街")
    late, in_time = (f.station(street, f.community(street, name=name)) for name in ("东苑社区", "西苑社区"))
    worker = f.user(Role.STATION_WORKER, late)
    case(late, worker, service_item=item(), received_at=datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC))
    case(in_time, None, service_item=item(), received_at=timezone.now())
    f.user(Role.STREET_STAFF, street, username="overdue-street")
    return late, in_time


def test_the_streets_overdue_view_draws_its_chart_under_a_strict_csp(overdue_cases, visit):
    v = visit()
    v.enforce_csp()
    v.login("overdue-street")
    v.open("/stations/overdue/")
    v.page.wait_for_selector(".chart[data-drawn='1'] canvas")
    assert v.page.locator("table tbody tr").count() == 2  # the table stays
    assert v.csp_violations == [] and v.outside == []

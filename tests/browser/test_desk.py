"""The clerk's desk in headless Chromium: every page a role opens loads nothing from outside the site, charts
draw from the vendored ECharts, 离任 works from the street page, and the menu folds at 390 px."""

import pytest
from django.utils import timezone

from governance.models import PostKind
from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def district(transactional_db):
    """Made before the browser starts (see test_street_page.py on ORM calls inside Playwright)."""
    rules_seed()
    street = f.street(name="凤凰北街")
    community = f.community(street, name="东苑社区")
    other = f.community(f.street(name="胜利街"), name="胜利社区")
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category="career", person=f.person(name="马建华", street=street))
    worker = f.post(PostKind.GRID_WORKER, community=community, person=f.person(name="李文", community=community))
    station = f.station(street, community)
    f.user(Role.DISTRICT_ADMIN, username="desk-admin")
    f.user(Role.STREET_STAFF, street, username="desk-street")
    f.user(Role.COMMUNITY_STAFF, community, username="desk-community")
    f.user(Role.STATION_WORKER, station, username="desk-station")
    return {"street": street, "community": community, "other": other, "post": post, "worker": worker}


def test_every_page_the_admin_opens_loads_nothing_from_outside_and_charts_draw(district, visit):
    v = visit()
    v.login("desk-admin")
    street, community = district["street"], district["community"]
    pages = ["/district/", "/quotas/", "/quotas/what-if/?key=community.work_funds", "/breaches/", "/audit/",
             f"/streets/{street.pk}/", f"/communities/{community.pk}/", f"/streets/{street.pk}/people/",
             f"/posts/{district['post'].pk}/end/", "/api/v1/redoc/", "/api/v1/docs/", "/no-such-page/"]
    for path in pages:
        v.open(path)
        assert v.outside == [], (path, v.outside)
    for path in ("/district/", "/quotas/", f"/streets/{street.pk}/"):
        v.open(path)
        chart = v.page.locator(".chart[data-drawn='1'] canvas")
        assert chart.count() >= 1, path
    # The ReDoc page drew the API (from the site's own bundle) and no logo from a CDN
    v.open("/api/v1/redoc/")
    v.page.wait_for_selector("text=兴庆区街道社区治理系统 API")
    assert v.page.locator("img[src^='http']").count() == 0
    assert v.outside == []


def test_a_street_clerk_ends_a_post_from_the_street_page_and_comes_back_to_it(district, visit):
    v = visit()
    v.login("desk-street")
    street, post = district["street"], district["post"]
    v.open(f"/streets/{street.pk}/")
    v.page.locator("tr", has_text="马建华").get_by_role("link", name="离任").click()
    v.page.wait_for_url(f"**/posts/{post.pk}/end/**")
    assert v.page.input_value("input[name=end_date]") == timezone.localdate().isoformat()
    v.page.fill("input[name=reason]", "调任区民政局")
    v.page.get_by_role("button", name="确认离任").click()
    v.page.wait_for_url(f"{v.base}/streets/{street.pk}/")
    assert "马建华 已离任" in v.page.locator("ul.messages").inner_text()
    row = v.page.locator("tr", has_text="马建华")  # held through the day it ends, then gone
    assert f"离任 {timezone.localdate().isoformat()}" in row.inner_text() and row.get_by_role("link", name="离任").count() == 0
    assert v.outside == []


def test_community_staff_end_a_grid_workers_post_from_the_community_page(district, visit):
    v = visit()
    v.login("desk-community")
    community = district["community"]
    v.page.wait_for_url(f"{v.base}/communities/{community.pk}/")
    v.page.locator("tr", has_text="李文").get_by_role("link", name="离任").click()
    v.page.fill("input[name=reason]", "辞职")
    v.page.get_by_role("button", name="确认离任").click()
    v.page.wait_for_url(f"{v.base}/communities/{community.pk}/")
    assert "李文 已离任" in v.page.locator("ul.messages").inner_text()
    # No link to the street page they cannot open
    assert v.page.locator(f"a[href='/streets/{community.street_id}/']").count() == 0


def test_at_390_px_the_menu_folds_and_the_form_fits(district, visit):
    v = visit(390)
    v.login("desk-street")
    menu = v.page.locator("#main-menu")
    assert not menu.is_visible()
    v.page.get_by_role("button", name="菜单").click()
    assert menu.is_visible() and menu.get_by_role("link", name="定额与预算").is_visible()
    v.open(f"/posts/{district['post'].pk}/end/")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert v.page.get_by_role("button", name="确认离任").bounding_box()["width"] > 300
    assert v.outside == []


def test_a_station_worker_sees_their_station_and_no_quota_page(district, visit):
    v = visit()
    v.login("desk-station")
    body = v.page.locator("main").inner_text()
    # a station worker lands on their station's page: today's work at the counter
    assert "受理新办件" in body and "今日受理" in body
    assert v.page.locator("a[href='/quotas/']").count() == 0
    response = v.open("/quotas/")
    assert response.status == 403 and "无权访问" in v.page.locator("h1").inner_text()
    assert v.outside == []


def test_the_person_picker_searches_as_the_clerk_types(district, visit):
    v = visit()
    v.login("desk-street")
    v.open(f"/streets/{district['street'].pk}/posts/new/")
    v.page.fill("#person-search", "马")
    # (no wait_for_function: the Content-Security-Policy forbids evaluating strings) poll until the list is narrowed
    options = v.page.locator("select[name=person] option")
    for _ in range(50):
        if options.count() == 2:
            break
        v.page.wait_for_timeout(200)
    assert options.count() == 2
    option = v.page.locator("select[name=person] option").nth(1).inner_text()
    assert option.startswith("马建华（凤凰北街") and "街道工作人员" in option
    assert "找到 1 人" in v.page.locator("#person-picker ~ * small.muted, small.muted[aria-live]").first.inner_text()
    assert v.outside == []


def test_the_desks_pages_run_under_a_policy_without_inline_script_or_style(district, visit):
    # The API docs are left out: the Redoc and Swagger UI bundles inject <style> at run time, so their
    # pages need style-src 'unsafe-inline' (or a nonce) whatever the template does.
    v = visit()
    v.enforce_csp()
    v.login("desk-admin")
    street = district["street"]
    for path in ["/district/", "/quotas/", "/quotas/what-if/?key=community.work_funds", "/breaches/", "/audit/",
                 f"/streets/{street.pk}/", f"/streets/{street.pk}/people/", f"/streets/{street.pk}/posts/new/",
                 f"/posts/{district['post'].pk}/end/"]:
        v.open(path)
        assert v.csp_violations == [], path
    v.open("/quotas/")
    assert v.page.locator(".chart[data-drawn='1'] canvas").count() >= 1

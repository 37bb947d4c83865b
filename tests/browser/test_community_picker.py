"""The community picker (communities.picker) in headless Chromium: a street's clerk records a four list by
typing part of a community's name, choosing it from the matches (another street's namesake never among them)
and saving; under a Content-Security-Policy without inline script, loading nothing from outside."""

import pytest

from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def streets(transactional_db):
    """Made before the browser starts (see test_street_page.py on ORM calls inside Playwright)."""
    rules_seed()
    a, b = f.street(name="凤凰北街"), f.street(name="解放西街")
    chosen = f.community(a, name="丽景社区", code="lijing")
    f.community(a, name="丽园社区", code="liyuan")
    f.community(b, name="丽景社区", code="lijing-b")  # another street's namesake
    f.user(Role.STREET_STAFF, a, username="picker-community")
    return {"a": a, "chosen": chosen}


def _poll(page, check, tries=50):
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(200)
    return check()


def test_a_community_is_chosen_with_the_picker_and_the_list_saved(streets, visit):
    v = visit()
    v.enforce_csp()
    v.login("picker-community")
    v.open("/meetings/four-lists/new/")
    page = v.page
    assert page.locator("select[name=community]").count() == 0  # no select of the communities
    options = page.locator("select.community-picker-results option")

    page.fill("#id_community", "丽")
    assert _poll(page, lambda: options.count() == 2)
    assert [options.nth(i).inner_text() for i in (0, 1)] == ["凤凰北街 · 丽景社区（lijing）", "凤凰北街 · 丽园社区（liyuan）"]
    page.fill("#id_community", "丽景")
    assert _poll(page, lambda: options.count() == 1)
    options.first.click()
    assert page.input_value("#id_community") == "凤凰北街 · 丽景社区（lijing）"
    assert page.input_value("input[name=community]") == str(streets["chosen"].pk)
    assert not page.locator("select.community-picker-results").is_visible()

    page.fill("input[name=year]", "2025")
    page.select_option("select[name=kind]", "needs")
    page.fill("textarea[name=content]", "老旧小区加装电梯")
    page.fill("input[name=agreed_on]", "2025-01-10")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已录入" in page.locator("ul.messages").inner_text()
    # (the list page, filtered on the chosen community: its row alone, the needs list agreed)
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and rows.first.inner_text().startswith("凤凰北街 · 丽景社区")
    assert "2025-01-10 确定" in rows.first.inner_text()
    assert v.outside == [] and v.csp_violations == []


def test_editing_the_text_forgets_the_choice(streets, visit):
    v = visit()
    v.login("picker-community")
    v.open("/meetings/four-lists/new/")
    page = v.page
    options = page.locator("select.community-picker-results option")
    page.fill("#id_community", "丽园")
    assert _poll(page, lambda: options.count() == 1)
    page.select_option("select.community-picker-results", index=0)
    assert page.input_value("input[name=community]") != ""
    page.fill("#id_community", "丽")
    assert page.input_value("input[name=community]") == ""  # what is typed is what counts now
    assert v.outside == []

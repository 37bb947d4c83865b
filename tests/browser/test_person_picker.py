"""The appointment form's person picker in headless Chromium: two namesakes told apart by birth year and ID
number, a third 马建华 created from the picker (a refused entry first, its errors beside the fields), then
appointed; under a Content-Security-Policy without inline script, loading nothing from outside."""

import pytest
from django.utils import timezone

from governance.identity import id_number_check_digit
from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f

pytestmark = pytest.mark.browser


def id_number(born: str, serial: str) -> str:
    return f"640104{born}{serial}" + id_number_check_digit(f"640104{born}{serial}")


NEW = id_number("20000101", "321")


@pytest.fixture
def namesakes(transactional_db):
    """Made before the browser starts (see test_street_page.py on ORM calls inside Playwright)."""
    rules_seed()
    street = f.street(name="凤凰北街")
    one = f.person(name="马建华", street=street, gender="M", id_number=id_number("19850312", "123"))
    two = f.person(name="马建华", street=street, gender="M", id_number=id_number("19920704", "456"))
    f.user(Role.STREET_STAFF, street, username="picker-street")
    return {"street": street, "one": one, "two": two}


def _poll(page, check, tries=50):
    # (no wait_for_function: the Content-Security-Policy forbids evaluating strings)
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(200)
    return check()


def test_namesakes_are_told_apart_and_a_new_person_is_created_and_appointed(namesakes, visit):
    v = visit()
    v.enforce_csp()
    v.login("picker-street")
    street = namesakes["street"]
    v.open(f"/streets/{street.pk}/posts/new/")
    page = v.page
    options = page.locator("select[name=person] option")

    page.fill("#person-search", "马建华")
    assert _poll(page, lambda: options.count() == 3)
    labels = [options.nth(i).inner_text() for i in (1, 2)]
    assert sorted(labels) == sorted([
        f"马建华（凤凰北街，男，1985年生，身份证尾号 {namesakes['one'].id_number[-4:]}）",
        f"马建华（凤凰北街，男，1992年生，身份证尾号 {namesakes['two'].id_number[-4:]}）",
    ])

    # Neither is the one to appoint: a new 马建华, with a wrong phone first
    page.get_by_role("button", name="新增人员").click()
    assert page.input_value("#person-new-name") == "马建华"  # taken from what was typed in the search
    page.fill("#person-new-phone", "123")
    page.get_by_role("button", name="保存并选中").click()
    phone_error = page.locator("[data-error-for=phone]")
    assert _poll(page, phone_error.is_visible)
    assert phone_error.inner_text() == "请输入11位手机号码或带区号的固定电话（如 0951-6012345）。"
    assert page.locator("[data-error-for=gender]").is_visible()
    assert page.input_value("select[name=person]") == ""

    page.select_option("#person-new-gender", "F")
    page.fill("#person-new-phone", "13995009999")
    page.fill("#person-new-id_number", NEW.lower())
    page.get_by_role("button", name="保存并选中").click()
    assert _poll(page, lambda: page.input_value("select[name=person]") != "")
    chosen = page.locator("select[name=person] option:checked").inner_text()
    assert chosen == f"马建华（凤凰北街，女，2000年生，身份证尾号 {NEW[-4:]}，电话尾号 9999）"
    assert not page.locator("#person-new").is_visible() and not phone_error.is_visible()

    # The appointment itself
    page.select_option("select[name=kind]", "street_staff")
    page.select_option("select[name=staff_category]", "career")
    page.fill("input[name=start_date]", timezone.localdate().isoformat())
    page.locator("form[method=post] button[type=submit]").click()
    # (the CSP route fetches the redirect itself, so the address stays; the street page is what came back)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text().startswith("凤凰北街")
    assert "已任命 马建华 为街道工作人员" in page.locator("ul.messages").inner_text()

    # The roster now has three 马建华, the new one with her post
    v.open(f"/streets/{street.pk}/people/?q=马建华")
    rows = page.locator("tbody tr", has_text="马建华")
    assert rows.count() == 3
    assert page.locator("tbody tr", has_text="街道工作人员").count() == 1
    assert v.outside == [] and v.csp_violations == []


def test_at_390_px_the_new_person_form_fits_the_screen(namesakes, visit):
    v = visit(390)
    v.login("picker-street")
    v.open(f"/streets/{namesakes['street'].pk}/posts/new/")
    v.page.get_by_role("button", name="新增人员").click()
    assert v.page.locator("#person-new").is_visible()
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 390
    box = v.page.locator("#person-new-id_number").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert v.page.get_by_role("button", name="保存并选中").is_visible()
    assert v.outside == []

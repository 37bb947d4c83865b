"""The street page in headless Chromium: log in as the street's staff, read it in Chinese, load nothing from outside."""

import os
import shutil
from urllib.parse import urlparse

import pytest

from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def street_and_staff(transactional_db):
    """Made before the browser starts: ORM calls made inside Playwright's sync API would open a connection of
    their own (another context) that nothing closes, keeping the test database from being dropped."""
    # The policy rules, which a transactional test before this one may have flushed with the migration's seed
    rules_seed()
    street = f.street(name="凤凰北街")
    return street, f.user(Role.STREET_STAFF, street)


@pytest.fixture
def page():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Python playwright is not installed (pip install -e '.[test]')")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (Debian package: chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(locale="zh-CN")
            yield context.new_page()
        finally:
            browser.close()


def test_street_staff_reads_their_street_in_chinese_with_local_assets_only(live_server, street_and_staff, page):
    # Given a street and one of its staff
    street, staff = street_and_staff
    requested = []
    page.on("request", lambda request: requested.append((request.resource_type, request.url)))

    # When they log in on the login page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", "pw-Secret-2018")
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/streets/{street.pk}/")

    # Then they land on their street's page, in Simplified Chinese
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    assert street.name in page.locator("h1").inner_text()
    body = page.locator("body").inner_text()
    assert "四办一中心" in body
    assert "领导班子" in body

    # And the stylesheet really loaded (from the live server) and applies
    sheets = page.evaluate("Array.from(document.styleSheets).map(s => [s.href, s.cssRules.length])")
    assert sheets and all(rules > 0 for href, rules in sheets if href), sheets
    # Every stylesheet, script, font and image came from the live server: no outside network
    origin = urlparse(live_server.url)
    assets = [url for kind, url in requested if kind in {"stylesheet", "script", "font", "image", "fetch", "xhr"}]
    assert any(kind == "stylesheet" for kind, _ in requested)
    outside = [url for url in assets if (urlparse(url).scheme, urlparse(url).netloc) != (origin.scheme, origin.netloc)
               and not url.startswith("data:")]
    assert outside == []

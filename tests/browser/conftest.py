"""Headless Chromium for the browser tests: a page factory at a given width, and a record of every request
that left the live server (the intranet has no outside network: DESIGN.md section 3)."""

import os
import shutil
from urllib.parse import urlparse

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Python playwright is not installed (pip install -e '.[test]')")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (Debian package: chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A browser page that remembers every request sent anywhere but the live server."""

    def __init__(self, browser, live_server_url: str, width: int):
        self.base = live_server_url
        self.origin = urlparse(live_server_url).netloc
        self.page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
        self.outside: list[str] = []
        self.page.on("request", self._seen)

    def _seen(self, request):
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob", "about") and url.netloc != self.origin:
            self.outside.append(request.url)

    def enforce_csp(self, policy: str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"):
        """Serve every page with a strict Content-Security-Policy (no inline script or style) and record each
        violation the browser reports in self.csp_violations."""
        self.csp_violations: list[str] = []
        self.page.on("console", lambda m: self.csp_violations.append(m.text)
                     if "Content Security Policy" in m.text else None)

        def add_policy(route):
            response = route.fetch()
            headers = {**response.headers, "content-security-policy": policy}
            route.fulfill(response=response, headers=headers)

        self.page.route(f"{self.base}/**", add_policy)

    def login(self, username: str, password: str = "pw-Secret-2018"):
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def open(self, path: str):
        response = self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")
        return response


@pytest.fixture
def visit(chromium, live_server):
    return lambda width=1366: Visit(chromium, live_server.url, width)

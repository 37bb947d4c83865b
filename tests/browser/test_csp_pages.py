"""Under the Content-Security-Policy the API docs (Swagger UI, ReDoc), the admin and the pages still work in
headless Chromium, and the browser reports no violation: no inline script runs, nothing comes from outside."""

import pytest

from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f
from tests.browser.test_street_page import page  # noqa: F401 - the Chromium page fixture

pytestmark = pytest.mark.browser

# Recorded by the page itself, from its first script on: every violation, whether or not the console shows it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || '')));
"""


@pytest.fixture
def admin_and_street(transactional_db):
    rules_seed()
    street = f.street(name="凤凰北街")
    return f.user(Role.DISTRICT_ADMIN, username="csp-admin"), street, f.user(Role.STREET_STAFF, street)


def _watch(page):  # noqa: F811
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return console_errors


def _violations(page, console_errors):  # noqa: F811
    reported = page.evaluate("window.__cspViolations || []")
    return reported + [text for text in console_errors if "Content Security Policy" in text]


def _login(page, url, user, path="/accounts/login/"):  # noqa: F811
    page.goto(f"{url}{path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-Secret-2018")
    page.click("[type=submit]")


def test_swagger_ui_renders_the_schema_without_a_csp_violation(live_server, admin_and_street, page):  # noqa: F811
    errors = _watch(page)

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)

    assert "兴庆区街道社区治理系统 API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-tag").first.wait_for(timeout=15_000)  # the operations, grouped by tag, are drawn
    assert page.locator(".opblock-tag").count() >= 1
    assert _violations(page, errors) == []
    assert errors == []


def test_redoc_renders_the_schema_without_a_csp_violation(live_server, admin_and_street, page):  # noqa: F811
    errors = _watch(page)

    page.goto(f"{live_server.url}/api/v1/redoc/")
    page.wait_for_selector("h1", timeout=15_000)

    assert "兴庆区街道社区治理系统 API" in page.locator("h1").first.inner_text()
    assert page.locator("[data-section-id^='tag/']").count() >= 5
    assert _violations(page, errors) == []


def test_admin_works_without_a_csp_violation(live_server, admin_and_street, page):  # noqa: F811
    admin, street, _staff = admin_and_street
    errors = _watch(page)

    _login(page, live_server.url, admin, "/admin/login/?next=/admin/")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in ("/admin/", "/admin/streets/street/", f"/admin/streets/street/{street.pk}/change/",
                 "/admin/governance/person/add/", "/admin/communities/community/import/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        directives = dict(d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";"))
        assert directives["script-src"] == "'self'", path

    assert _violations(page, errors) == []


def test_pages_work_without_inline_scripts(live_server, admin_and_street, page):  # noqa: F811
    _admin, street, staff = admin_and_street
    errors = _watch(page)

    _login(page, live_server.url, staff)
    page.wait_for_url(f"{live_server.url}/streets/{street.pk}/")
    page.goto(f"{live_server.url}/quotas/")
    # The language selector submits itself when changed (static/js/app.js, formerly an inline onchange=)
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")

    assert page.evaluate("document.documentElement.lang") == "en"
    assert _violations(page, errors) == []

"""The task filing form says at once, as the clerk fills it in, whether the task is admissible and on which
clause (static/admissions/task_check.js asks admissions.views.task_check, which runs the filing service's own
checks); under the CSP, with no violation."""

import datetime

import pytest

from admissions.models import Level
from admissions.services import admission_item_create, admission_list_create
from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f
from tests.browser.test_csp_pages import _violations, _watch
from tests.browser.test_street_page import page  # noqa: F401 - the Chromium page fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def filing(transactional_db):
    rules_seed()
    street = f.street(name="凤凰北街")
    dept = f.department(name="测试局")
    street_list = admission_list_create(acting_user=None, level=Level.STREET, title="街道清单",
                                        effective_from=datetime.date(2020, 1, 1))
    item = admission_item_create(acting_user=None, admission_list=street_list, number=1, name="街道事项",
                                 department=dept, basis="二(一)")
    return {"street": street, "dept": dept, "item": item, "user": f.user(Role.DEPARTMENT_USER, dept)}


def test_the_filing_form_says_at_once_whether_the_task_is_admissible(live_server, filing, page):  # noqa: F811
    errors = _watch(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/admissions/tasks/new/")
    page.fill("input[name=username]", filing["user"].username)
    page.fill("input[name=password]", "pw-Secret-2018")
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/admissions/tasks/new/")
    box = page.locator("#admissibility")

    page.select_option("select[name=department]", str(filing["dept"].pk))
    page.fill("input[name=title]", "清单外事项")
    page.select_option("select[name=target_street]", str(filing["street"].pk))
    page.wait_for_selector("#admissibility.refused", timeout=15_000)
    assert "二(一)" in box.inner_text() or "街道行政事务准入清单" in box.inner_text()

    page.select_option("select[name=admission_item]", str(filing["item"].pk))
    page.wait_for_selector("#admissibility.ok", timeout=15_000)
    assert "可以交办" in box.inner_text() and "二(一)" in box.inner_text()

    assert _violations(page, errors) == []
    # (that asking writes nothing is asserted in tests/admissions/test_pages.py: no ORM under Playwright)

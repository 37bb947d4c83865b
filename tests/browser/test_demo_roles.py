"""Every demo role (manage.py seed_demo) in Chromium at 1366 px and at 390 px: its home page and every page of its menu
answer without a server error, load nothing from outside the site, and do not overflow the screen sideways."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from governance.roles import Role
from tests.conftest import restore_migration_seeds

pytestmark = pytest.mark.browser

PASSWORD = "pw-Secret-2018"


@pytest.fixture
def demo_logins(transactional_db):
    """The demo district (one street) and one login of each role, made before the browser starts (see
    test_street_page.py on ORM calls inside Playwright)."""
    restore_migration_seeds()  # a transactional test before this one flushed what the migrations seeded
    call_command("seed_demo", "--streets", "1", "--password", PASSWORD, stdout=io.StringIO())
    logins = {}
    for user in get_user_model().objects.filter(groups__name__in=Role.values).order_by("username"):
        logins.setdefault(user.groups.values_list("name", flat=True)[0], user.get_username())
    return logins


def _menu(v) -> list[str]:
    hrefs = v.page.locator("#main-menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h and h.startswith("/") and not h.startswith("/accounts/logout")]


def test_every_demo_role_at_desk_and_phone_width(demo_logins, visit):
    # Both widths in one test: the demo is seeded once (a second transactional test would find the
    # migrations' catalogue flushed).
    assert set(demo_logins) == set(Role.values)
    problems, visited = [], {}
    for width, (role, username) in [(w, login) for w in (1366, 390) for login in sorted(demo_logins.items())]:
        v = visit(width)
        v.login(username, PASSWORD)
        pages = [v.page.url.removeprefix(v.base) or "/", *_menu(v)]
        visited[role] = pages
        for path in pages:
            response = v.open(path)
            status = response.status if response is not None else 0
            if status >= 500 or status == 0:
                problems.append(f"{role} {path} at {width}: {status}")
            # The site's own pages fit the screen (the admin and the API docs are Django's and the vendors')
            if not path.startswith(("/admin/", "/api/")):
                page_width = v.page.evaluate("document.documentElement.scrollWidth")
                if page_width > width:
                    problems.append(f"{role} {path}: {page_width} px wide at {width}")
        if v.outside:
            problems.append(f"{role} at {width}: outside requests {v.outside}")
        v.page.context.close()
    assert problems == []
    # (the menus were read: each role's pages, e.g. the administrator's audit and the grid worker's grid)
    assert {"/quotas/", "/audit/", "/breaches/"} <= set(visited[Role.DISTRICT_ADMIN])
    assert "/my-grid/" in visited[Role.GRID_WORKER] and "/quotas/" not in visited[Role.GRID_WORKER]
    assert sum(len(pages) for pages in visited.values()) >= 30

"""With DJANGO_DEBUG on (as `make run` serves), 403 and 404 still show the project's Chinese pages."""

import pytest
from django.test import Client

from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def clerk_client(street):
    client = Client()
    client.force_login(f.user(Role.STREET_STAFF, street))
    return client


def test_an_unknown_address_in_debug_shows_the_chinese_404(debug):
    client = clerk_client(f.street())
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "Using the URLconf" not in html and "Page not found" not in html


def test_another_streets_page_in_debug_shows_the_chinese_404(debug):
    mine, theirs = f.street(), f.street()
    response = clerk_client(mine).get(f"/streets/{theirs.pk}/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert "Raised by" not in response.content.decode()


def test_a_forbidden_page_in_debug_shows_the_chinese_403(debug):
    response = clerk_client(f.street()).get("/audit/")
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_the_api_keeps_its_json_404_in_debug(debug):
    response = clerk_client(f.street()).get("/api/v1/streets/999999/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_a_missing_slash_still_redirects_in_debug(debug):
    response = clerk_client(f.street()).get("/quotas")
    assert response.status_code == 301 and response["Location"] == "/quotas/"

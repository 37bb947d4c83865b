"""Chinese by default, whatever the browser asks; English when the user picks it."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_pages_are_chinese_even_for_an_english_browser():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and "请使用单位分配的账号登录" in html


@pytest.mark.django_db
def test_english_is_available_through_the_language_switch():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html and "Sign in" in html and "Username" in html


@pytest.mark.django_db
def test_api_errors_follow_the_requests_language(api):
    chinese = api.get("/api/v1/streets/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
    english = api.get("/api/v1/streets/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert chinese != english and "credentials" in english

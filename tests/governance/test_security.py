"""Security: production settings, lock-out after failed logins, error pages, and the log of denied access."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from rest_framework.authtoken.models import Token

from governance.roles import Role
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-Secret-2018"


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "governance.settings", "DJANGO_DEBUG": "0"}, **extra)
    return env


# (a) and (b): settings as production loads them, in a fresh process.

def test_production_settings_refuse_to_load_without_a_secret_key():
    result = subprocess.run([sys.executable, "-c", "import governance.settings"], cwd=ROOT, env=_production_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_deploy_check_passes_with_production_environment():
    env = _production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="gov.example.internal")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_on_a_short_secret_key():
    # The check above could pass vacuously; this shows it really inspects the key.
    env = _production_env(DJANGO_SECRET_KEY="short", DJANGO_ALLOWED_HOSTS="gov.example.internal")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


# (c) lock-out after AXES_FAILURE_LIMIT failures, wherever a password is checked.

def _fail_until_locked(post):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post("wrong-password")


@pytest.mark.django_db
def test_login_page_locks_out_after_repeated_failures(client):
    user = f.user(Role.STREET_STAFF, f.street())

    def post(password):
        return client.post("/accounts/login/", {"username": user.username, "password": password})

    first = post("wrong-password")
    assert first.status_code == 200 and "_auth_user_id" not in client.session  # an ordinary failure
    _fail_until_locked(post)

    response = post(PASSWORD)

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client):
    admin = f.user(Role.DISTRICT_ADMIN)
    assert admin.is_staff

    def post(password):
        return client.post("/admin/login/", {"username": admin.username, "password": password,
                                             "next": "/admin/"})

    _fail_until_locked(post)
    response = post(PASSWORD)

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


@pytest.mark.django_db
def test_token_endpoint_locks_out_after_repeated_failures(api):
    user = f.user(Role.STREET_STAFF, f.street())

    def post(password):
        return api.post("/api/v1/auth/token/", {"username": user.username, "password": password}, format="json")

    assert post("wrong-password").status_code == 400
    _fail_until_locked(post)

    response = post(PASSWORD)

    # A locked-out client is told so, in Chinese, with 429 (issue 7), and gets no token.
    assert response.status_code == 429
    assert response.json() == {"detail": "连续多次登录失败，账号已暂时锁定。请稍后再试，或联系区级管理员解锁。"}
    assert "token" not in response.json()
    assert not Token.objects.filter(user=user).exists()
    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_token_endpoint_gives_a_token_before_the_limit(api):
    # The control for the test above: the right password works after fewer failures than the limit.
    user = f.user(Role.STREET_STAFF, f.street())
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        api.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")

    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


# (d) error pages: Chinese, and nothing about the inside of the system.

LEAKS = ["Traceback", "SECRET_KEY", "settings.py", "DEBUG", "Using the URLconf", "governance.", "/work/", "Exception"]


def _assert_no_leak(html: str):
    for leak in LEAKS:
        assert leak not in html, leak


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False
    return settings


@pytest.mark.django_db
def test_404_for_another_streets_page_is_chinese_and_identical_to_a_missing_one(client, debug_off):
    own, other = f.street(), f.street()
    client.force_login(f.user(Role.STREET_STAFF, own))

    foreign = client.get(f"/streets/{other.pk}/")
    missing = client.get("/streets/99999999/")
    unknown_url = client.get("/no-such-page/")

    for response in (foreign, missing, unknown_url):
        html = response.content.decode()
        assert response.status_code == 404
        assert "页面不存在" in html
        assert '<html lang="zh-hans"' in html
        _assert_no_leak(html)
    assert other.name not in foreign.content.decode()


@pytest.mark.django_db
def test_403_is_chinese_and_leaks_nothing(client, debug_off):
    client.force_login(f.user(Role.STREET_STAFF, f.street()))

    response = client.get("/audit/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html
    _assert_no_leak(html)


# (e) a denied access is logged with who, where and why.

@pytest.mark.django_db
def test_denied_page_is_logged_with_user_path_and_reason(client, caplog):
    user = f.user(Role.STREET_STAFF, f.street())
    client.force_login(user)

    with caplog.at_level("WARNING", logger="governance.security"):
        client.get("/audit/?page=2")

    records = [r.getMessage() for r in caplog.records if r.name == "governance.security"]
    assert len(records) == 1
    assert f"user={user.username}" in records[0]
    assert "path=/audit/?page=2" in records[0]
    assert "reason=403" in records[0] and "审计记录" in records[0]


@pytest.mark.django_db
def test_another_streets_page_is_logged_as_out_of_scope(client, caplog):
    own, other = f.street(), f.street()
    user = f.user(Role.STREET_STAFF, own)
    client.force_login(user)

    with caplog.at_level("WARNING", logger="governance.security"):
        client.get(f"/streets/{other.pk}/")
        client.get("/streets/99999999/")  # really missing: nothing to report

    records = [r.getMessage() for r in caplog.records if r.name == "governance.security"]
    assert records == [
        f"access denied: user={user.username} path=/streets/{other.pk}/ method=GET "
        f"reason=streets.Street {other.pk} outside the user's scope"
    ]


@pytest.mark.django_db
def test_anonymous_api_call_is_refused_and_logged(api, caplog):
    with caplog.at_level("WARNING", logger="governance.security"):
        response = api.get("/api/v1/streets/")

    assert response.status_code == 401
    messages = [r.getMessage() for r in caplog.records if r.name == "governance.security"]
    assert messages == ["access denied: user=anonymous path=/api/v1/streets/ method=GET reason=401 not_authenticated"]

"""Logins (issue 7): the token endpoint answers a locked-out client 429 in Chinese and is throttled per IP
and per username; each failure is logged with the username and client IP; behind a reverse proxy the
client IP comes from the configured proxy header, so one proxy address cannot lock every client out."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from rest_framework.test import APIClient

from governance.roles import Role
from governance.throttling import TokenIPThrottle, TokenUsernameThrottle
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-2018"
TOKEN_URL = "/api/v1/auth/token/"
LOCKED = "连续多次登录失败，账号已暂时锁定。请稍后再试，或联系区级管理员解锁。"
THROTTLED_PREFIX = "请求已被限流。"


def _security_messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "governance.security"]


def test_a_locked_out_token_client_gets_429_in_chinese_with_retry_after(api):
    user = f.user(Role.STREET_STAFF, f.street())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post(TOKEN_URL, {"username": user.username, "password": "wrong"}, format="json")

    response = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED}
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates):
        for throttle in (TokenIPThrottle, TokenUsernameThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    return set_rates


def test_token_endpoint_is_throttled_per_ip_across_many_accounts(api, rates):
    # Password spraying: one wrong password for each of many accounts, from one address.
    rates(token_ip="5/min", token_user="100/min")
    street = f.street()
    users = [f.user(Role.STREET_STAFF, street) for _ in range(7)]
    statuses = [api.post(TOKEN_URL, {"username": u.username, "password": "wrong"}, format="json").status_code
                for u in users]
    other_ip = APIClient(REMOTE_ADDR="192.0.2.77").post(
        TOKEN_URL, {"username": users[0].username, "password": PASSWORD}, format="json")
    throttled = api.post(TOKEN_URL, {"username": users[0].username, "password": PASSWORD}, format="json")

    assert statuses == [400] * 5 + [429] * 2
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith(THROTTLED_PREFIX)
    assert "Retry-After" in throttled
    assert other_ip.status_code == 200  # another address is not throttled by this one's attempts


def test_token_endpoint_is_throttled_per_username_across_addresses(rates):
    rates(token_ip="100/min", token_user="3/min")
    user = f.user(Role.STREET_STAFF, f.street())
    statuses = [APIClient(REMOTE_ADDR=f"192.0.2.{n}").post(
        TOKEN_URL, {"username": user.username, "password": "wrong"}, format="json").status_code for n in range(5)]
    another_user = f.user(Role.STREET_STAFF, f.street())
    unaffected = APIClient(REMOTE_ADDR="192.0.2.1").post(
        TOKEN_URL, {"username": another_user.username, "password": PASSWORD}, format="json")

    assert statuses == [400, 400, 400, 429, 429]
    assert unaffected.status_code == 200


def test_the_default_rates_allow_an_honest_client(api):
    user = f.user(Role.STREET_STAFF, f.street())
    for _ in range(3):
        response = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 200


# Each failure is logged with the username and the client IP, unmasked.

def test_login_page_failure_is_logged_with_username_and_ip(client, caplog):
    user = f.user(Role.STREET_STAFF, f.street())

    with caplog.at_level("WARNING", logger="governance.security"):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR="198.51.100.7")

    assert _security_messages(caplog) == [
        f"login failed: username={user.username} ip=198.51.100.7 path=/accounts/login/ reason=invalid_login"]


def test_admin_login_failure_is_logged_with_username_and_ip(client, caplog):
    with caplog.at_level("WARNING", logger="governance.security"):
        client.post("/admin/login/", {"username": "nobody", "password": "wrong", "next": "/admin/"},
                    REMOTE_ADDR="198.51.100.8")

    assert _security_messages(caplog) == [
        "login failed: username=nobody ip=198.51.100.8 path=/admin/login/ reason=invalid_login"]


def test_token_failure_and_lock_out_are_logged_with_username_and_ip(caplog):
    api = APIClient(REMOTE_ADDR="198.51.100.9")
    user = f.user(Role.STREET_STAFF, f.street())

    with caplog.at_level("WARNING", logger="governance.security"):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            api.post(TOKEN_URL, {"username": user.username, "password": "wrong"}, format="json")

    messages = _security_messages(caplog)
    prefix = f"login failed: username={user.username} ip=198.51.100.9 path={TOKEN_URL} reason="
    assert messages[0] == prefix + "invalid_login"
    assert messages[-1] == prefix + "locked_out"


def test_a_username_with_a_line_break_cannot_forge_a_log_line(client, caplog):
    with caplog.at_level("WARNING", logger="governance.security"):
        client.post("/accounts/login/", {"username": "eve\nlogin ok: username=admin", "password": "x"})

    (message,) = _security_messages(caplog)
    assert "\n" not in message
    assert "username=eve\\x0alogin ok" in message


# Behind a reverse proxy: the client's address from the trusted header.

@pytest.fixture
def behind_one_proxy(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 1


def test_behind_a_proxy_the_client_address_is_locked_not_the_proxys(client, behind_one_proxy, caplog):
    user = f.user(Role.STREET_STAFF, f.street())
    proxy = "10.0.0.1"

    def login(client_ip, password):
        return client.post("/accounts/login/", {"username": user.username, "password": password},
                           REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{client_ip}, {proxy}")

    with caplog.at_level("WARNING", logger="governance.security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login("203.0.113.5", "wrong")
    locked = login("203.0.113.5", PASSWORD)
    colleague = login("203.0.113.6", PASSWORD)

    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    assert "ip=203.0.113.5 path=/accounts/login/" in _security_messages(caplog)[0]
    assert locked.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert colleague.status_code == 302  # the same account, through the same proxy, from another client


def test_without_proxy_settings_a_forwarded_header_is_not_believed(client, caplog):
    # Unset (the default), X-Forwarded-For is whatever a client wrote: only the peer address counts.
    with caplog.at_level("WARNING", logger="governance.security"):
        client.post("/accounts/login/", {"username": "nobody", "password": "x"},
                    REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert "ip=198.51.100.20 " in _security_messages(caplog)[0]
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"


def test_proxy_settings_come_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "AXES_IPWARE_PROXY_COUNT": "2",
           "AXES_IPWARE_META_PRECEDENCE_ORDER": "HTTP_X_REAL_IP, REMOTE_ADDR",
           "AXES_IPWARE_PROXY_TRUSTED_IPS": "10.0.0.1,10.0.0.2",
           "DJANGO_SETTINGS_MODULE": "governance.test_settings"}
    code = ("from django.conf import settings as s; print(s.AXES_IPWARE_PROXY_COUNT, "
            "s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_TRUSTED_IPS)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "2 ('HTTP_X_REAL_IP', 'REMOTE_ADDR') ('10.0.0.1', '10.0.0.2')", out.stderr


def test_every_endpoint_is_throttled_per_user(monkeypatch):
    from governance.throttling import ApiRateThrottle
    from tests.conftest import api_as

    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"api": "3/min"})
    street = f.street()
    clerk, colleague = api_as(f.user(Role.STREET_STAFF, street)), api_as(f.user(Role.STREET_STAFF, street))

    statuses = [clerk.get("/api/v1/streets/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert colleague.get("/api/v1/streets/").status_code == 200  # counted per user, not for everyone

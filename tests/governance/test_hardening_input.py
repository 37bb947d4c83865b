"""No 500 for any input (issue 7): long usernames, deep or huge JSON, NUL bytes, full-width ids, unknown
API paths and invalid filter values each get a 400/404 with a message, as JSON under /api/.

Several of these were 500s only on PostgreSQL (a 300-character username overflowed django-axes' column,
NUL bytes are refused by PostgreSQL): run this file with DATABASE_URL=postgres://... too.
"""

import json
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from governance.parsers import MAX_DEPTH, nesting_depth
from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

LONG_NAME = "x" * 300  # django-axes stores usernames in a varchar(255)
NUL_MESSAGE = "请求中含有不允许的空字符（NUL）。"


@pytest.fixture
def quiet_client(settings):
    """Clients that answer a server error as a 500 response, as production does, instead of raising it."""
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def clerk_api(settings):
    settings.DEBUG = False
    street = f.street()
    f.community(street)
    api = api_as(f.user(Role.STREET_STAFF, street))
    api.raise_request_exception = False
    return api, street


# Usernames longer than the lock table's column.

def test_login_page_answers_a_form_error_for_an_overlong_username(quiet_client):
    response = quiet_client.post("/accounts/login/", {"username": LONG_NAME, "password": "whatever"})

    assert response.status_code == 200
    assert "用户名不能超过 150 个字符。" in response.content.decode()
    assert "_auth_user_id" not in quiet_client.session
    assert not AccessAttempt.objects.exists()  # refused before authenticate(), so nothing for axes to store


def test_admin_login_answers_a_form_error_for_an_overlong_username(quiet_client):
    response = quiet_client.post("/admin/login/", {"username": LONG_NAME, "password": "whatever", "next": "/admin/"})

    assert response.status_code == 200
    assert "用户名不能超过 150 个字符。" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_token_endpoint_answers_400_for_an_overlong_username():
    api = APIClient(raise_request_exception=False)

    response = api.post("/api/v1/auth/token/", {"username": LONG_NAME, "password": "whatever"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["请确保这个字段不能超过 150 个字符。"]}
    assert not AccessAttempt.objects.exists()


def test_a_username_of_exactly_the_limit_is_an_ordinary_failed_login(quiet_client):
    # The boundary: 150 characters is a valid name that does not exist, recorded by axes like any other.
    response = quiet_client.post("/accounts/login/", {"username": "y" * 150, "password": "whatever"})

    assert response.status_code == 200
    assert "用户名不能超过" not in response.content.decode()
    assert AccessAttempt.objects.get().username == "y" * 150


# Deep and huge JSON bodies.

def test_deeply_nested_json_is_a_400_naming_the_limit(clerk_api):
    api, _street = clerk_api
    body = "[" * 5000 + "]" * 5000

    response = api.post("/api/v1/people/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON 嵌套过深：不能超过 {MAX_DEPTH} 层。"}


def test_json_nested_to_the_limit_is_parsed(clerk_api):
    api, street = clerk_api
    deep = {"name": "王五", "street": street.pk, "note": None}
    value = 1
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    deep["note"] = value  # an unknown field, ignored by the serializer once parsed

    response = api.post("/api/v1/people/", json.dumps(deep), content_type="application/json")

    assert response.status_code == 201, response.content


def test_a_body_over_the_size_limit_is_a_400(clerk_api, settings):
    api, street = clerk_api
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "王五", "street": street.pk, "padding": "a" * 20_000})

    response = api.post("/api/v1/people/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "请求体过大：不能超过 10000 字节。"}


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_the_api_takes_json_only(clerk_api, content_type):
    # Form encodings read an empty value as null, which the schema does not allow: 415, nothing written.
    api, street = clerk_api

    response = api.patch(f"/api/v1/streets/{street.pk}/", "address=", content_type=content_type)

    assert response.status_code == 415
    assert response.json()["detail"].startswith("不支持请求中的媒体类型")


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert nesting_depth("[]") == 1
    assert nesting_depth('"[["') == 0


# NUL bytes (PostgreSQL refuses them in text: a 500 there before).

@pytest.mark.parametrize("url", [
    "/api/v1/people/?search=a%00b",
    "/api/v1/policy-rules/?key=a%00b",
    "/api/v1/streets/?ordering=na%00me",
    "/api/v1/posts/?page=1%00",
    "/api/v1/quotas/summary/?year=2024%00",
    "/api/v1/streets/1%00/",
])
def test_a_nul_byte_in_an_api_query_or_path_is_a_json_400(clerk_api, url):
    api, _street = clerk_api

    response = api.get(url)

    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}


def test_a_nul_byte_in_the_token_header_is_a_400_not_a_database_error(quiet_client):
    response = quiet_client.get("/api/v1/streets/", HTTP_AUTHORIZATION="Token abc\x00def")

    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}


def test_a_nul_byte_in_the_session_cookie_is_a_400(quiet_client):
    quiet_client.cookies["sessionid"] = "abcdefgh\x00ijk"

    response = quiet_client.get("/")

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_byte_in_a_page_query_is_a_400_page_in_chinese(quiet_client):
    user = f.user(Role.DISTRICT_ADMIN)
    quiet_client.force_login(user)

    response = quiet_client.get("/audit/?q=%00")

    assert response.status_code == 400
    html = response.content.decode()
    assert "请求无效" in html and NUL_MESSAGE in html
    assert '<html lang="zh-hans"' in html


def test_a_nul_byte_in_an_api_text_field_is_a_field_error(clerk_api):
    api, street = clerk_api

    response = api.post("/api/v1/people/", {"name": "王\x00五", "street": street.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"name": ["不允许是用空字符串。"]}


def test_a_nul_byte_in_a_login_username_is_a_form_error(quiet_client):
    response = quiet_client.post("/accounts/login/", {"username": "ad\x00min", "password": "whatever"})

    assert response.status_code == 200
    assert "不允许是用空字符串" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_nul_byte_in_the_token_endpoints_username_is_a_400():
    api = APIClient(raise_request_exception=False)

    response = api.post("/api/v1/auth/token/", {"username": "ad\x00min", "password": "x"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["不允许是用空字符串。"]}


# Full-width digits are not ids.

def test_full_width_digits_in_an_api_id_are_a_404(clerk_api):
    api, street = clerk_api
    full_width = str(street.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    response = api.get(f"/api/v1/streets/{full_width}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    assert api.get(f"/api/v1/streets/{street.pk}/").status_code == 200  # the control


@pytest.mark.parametrize("prefix", ["streets", "communities", "people", "posts", "policy-rules", "street-offices",
                                    "departments", "stationed-units"])
def test_full_width_digits_are_not_ids_on_any_endpoint(clerk_api, prefix):
    api, _street = clerk_api

    response = api.get(f"/api/v1/{prefix}/１/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("value", ["１", "1.0", "-1", " 1"])
def test_full_width_or_decorated_digits_in_an_id_filter_are_a_400(clerk_api, value):
    api, street = clerk_api

    response = api.get("/api/v1/communities/", {"street": value})

    assert response.status_code == 400
    assert response.json() == {"street": [f"“{value}”不是有效的编号。"]}
    assert api.get("/api/v1/communities/", {"street": street.pk}).status_code == 200


# Unknown API paths and API errors answer JSON.

@pytest.mark.parametrize("url", ["/api/v1/no-such-thing/", "/api/v1/streets/1/no-such-action/", "/api/v2/",
                                 "/api/v1/streets/abc/"])
def test_unknown_api_paths_answer_json_404(clerk_api, url):
    api, _street = clerk_api

    response = api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_an_unhandled_api_error_answers_json_500(clerk_api, monkeypatch):
    api, _street = clerk_api
    from streets import api as streets_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(streets_api.StreetViewSet, "list", broken)

    response = api.get("/api/v1/streets/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务器内部错误，已记录在案。"}
    assert "boom" not in response.content.decode()


def test_unknown_page_paths_still_answer_the_html_page(quiet_client):
    response = quiet_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


# Invalid filter values are refused, not ignored.

@pytest.mark.parametrize(("url", "name", "value"), [
    ("/api/v1/streets/?is_pilot=-1", "is_pilot", "-1"),
    ("/api/v1/posts/?active=maybe", "active", "maybe"),
    ("/api/v1/people/?is_party_member=yes", "is_party_member", "yes"),
    ("/api/v1/communities/?is_complex=2", "is_complex", "2"),
])
def test_an_invalid_boolean_filter_is_a_400_naming_the_parameter(clerk_api, url, name, value):
    api, _street = clerk_api

    response = api.get(url)

    assert response.status_code == 400
    assert response.json() == {name: [f"“{value}”不是有效的布尔值：请用 true 或 false。"]}


@pytest.mark.parametrize("value", ["true", "false", "True", "0", "1"])
def test_valid_boolean_filters_still_filter(clerk_api, value):
    api, street = clerk_api

    response = api.get(f"/api/v1/streets/?is_pilot={value}")

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == ([] if value.lower() in ("true", "1") else [street.pk])


@pytest.mark.parametrize("url", ["/api/v1/street-offices/?kind=", "/api/v1/streets/?is_pilot=", "/api/v1/people/?street="])
def test_an_empty_filter_value_is_a_400_not_an_unfiltered_list(clerk_api, url):
    api, _street = clerk_api
    name = url.split("?")[1].rstrip("=")

    response = api.get(url)

    assert response.status_code == 400
    assert response.json() == {name: ["筛选值不能为空：不筛选时请省略该参数。"]}


def test_a_search_error_is_an_error_object_not_a_bare_list(clerk_api):
    # Errors the API documents are objects; a filter that raised a bare list is wrapped.
    from rest_framework.exceptions import ValidationError

    from governance.api import exception_handler

    response = exception_handler(ValidationError(["错"]), {})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["错"]}


def test_an_empty_page_number_is_a_400(clerk_api):
    api, _street = clerk_api

    response = api.get("/api/v1/streets/?page=")

    assert response.status_code == 400
    assert response.json() == {"page": ["页码不能为空：第一页请省略该参数。"]}
    assert api.get("/api/v1/streets/?page=1").status_code == 200


def test_a_nul_byte_in_a_rule_value_is_a_form_error_in_the_admin(quiet_client):
    # PostgreSQL's jsonb refuses \u0000: adding such a rule version in the admin was a 500 there.
    from governance.models import PolicyRule
    from governance.rules import rules_seed

    rules_seed()
    quiet_client.force_login(f.user(Role.DISTRICT_ADMIN))
    rule = PolicyRule.objects.filter(key="rollout.pilot_streets").first()
    before = PolicyRule.objects.count()
    value = {"streets": ["胜利\u0000街"], "pilot_from": "2018-10-01", "all_from": "2019-01-01"}

    response = quiet_client.post("/admin/governance/policyrule/add/", {
        "key": rule.key, "title": rule.title, "clause": rule.clause, "value": json.dumps(value),
        "effective_from": "2030-01-01", "note": "x"})

    assert response.status_code == 200
    assert "取值中不能含有空字符（NUL）。" in response.content.decode()
    assert PolicyRule.objects.count() == before


def test_the_new_api_errors_follow_the_requests_language(clerk_api):
    api, _street = clerk_api

    nul = api.get("/api/v1/people/?search=a%00b", HTTP_ACCEPT_LANGUAGE="en")
    flag = api.get("/api/v1/streets/?is_pilot=-1", HTTP_ACCEPT_LANGUAGE="en")

    assert nul.json() == {"detail": "The request contains a NUL character, which is not allowed."}
    assert flag.json() == {"is_pilot": ["“-1” is not a valid boolean: use true or false."]}


def test_an_empty_year_is_a_400_not_this_year(clerk_api):
    api, _street = clerk_api

    response = api.get("/api/v1/quotas/summary/?year=")

    assert response.status_code == 400
    assert response.json() == {"year": ["请填写年份，或省略该参数（默认今年）。"]}


# Ids in a page's query string: one reader (governance.filter_values.id_param) for every page.

@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999", "-1", " 3"])
@pytest.mark.parametrize("path", ["/admissions/honours/?street=", "/admissions/lists/?version=",
                                  "/meetings/four-lists/?community=", "/meetings/four-lists/?year=",
                                  "/meetings/agreements/?street=", "/assessments/results/?cycle=",
                                  "/assessments/review/?street="])
def test_a_malformed_id_in_a_page_query_is_no_filter_not_a_server_error(quiet_client, path, value):
    """`²` passes str.isdigit() but int() refuses it: the pages that read ids with isdigit() answered 500."""
    quiet_client.force_login(f.user(Role.DISTRICT_ADMIN))
    response = quiet_client.get(path + quote(value))
    assert response.status_code == 200, (path, value, response.status_code)


@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999", "-1"])
def test_a_malformed_street_on_the_quota_page_is_the_pages_own_400(quiet_client, value):
    """The quota page names a street it cannot show (400 with its message), malformed ids included."""
    quiet_client.force_login(f.user(Role.DISTRICT_ADMIN))
    response = quiet_client.get("/quotas/?street=" + quote(value))
    assert response.status_code == 400
    assert "所选街道不存在或不在您的管理范围内" in response.content.decode()


@pytest.mark.parametrize(("value", "expected"), [
    ("3", 3), ("00042", 42), ("", None), (None, None), ("²", None), ("１", None), ("-1", None), (" 3", None),
    ("3.0", None), ("9" * 11, 99999999999), ("9" * 12, None)])
def test_id_param_reads_ascii_digits_of_a_bounded_length_only(value, expected):
    from governance.filter_values import id_param

    assert id_param(value) == expected

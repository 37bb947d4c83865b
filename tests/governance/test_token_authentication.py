"""The API's token authentication (governance/authentication.py): DRF's answers, from one prepared query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from governance.authentication import TokenAuthentication
from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

STREETS = "/api/v1/streets/"


def with_key(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_and_its_user_as_the_orm_reads_them(admin_user):
    token = Token.objects.create(user=admin_user)
    request = APIRequestFactory().get(STREETS, HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        user, read = TokenAuthentication().authenticate(request)
    assert len(queries) == 1
    assert read.pk == token.pk and read.user_id == admin_user.pk
    assert isinstance(read.created, datetime.datetime) and read.created == token.created
    assert read.user is user
    expected = type(admin_user).objects.get(pk=admin_user.pk)
    for field in type(admin_user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert not user._state.adding and user._state.db == "default"


def test_a_valid_token_lists(two_streets):
    assert api_as(f.user(Role.STREET_STAFF, two_streets["a"])).get(STREETS).status_code == 200


@pytest.mark.parametrize("key", ["0" * 40, "x", "0" * 41])
def test_an_unknown_key_is_a_401(db, key):
    response = with_key(key).get(STREETS)
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("key", ["abc\x00def", "0" * 41])
def test_a_key_no_token_can_have_is_refused_without_a_query(db, key, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(key)


def test_a_deleted_token_is_refused_on_the_next_request(two_streets):
    user = f.user(Role.STREET_STAFF, two_streets["a"])
    client = api_as(user)
    assert client.get(STREETS).status_code == 200
    Token.objects.filter(user=user).delete()
    assert client.get(STREETS).status_code == 401


def test_an_inactive_user_is_refused_on_the_next_request(two_streets):
    user = f.user(Role.STREET_STAFF, two_streets["a"])
    client = api_as(user)
    assert client.get(STREETS).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(STREETS).status_code == 401


def test_the_token_read_is_one_compiled_query_of_the_orms_join(admin_user):
    from governance.authentication import TokenAuthentication as Auth

    tokens = [Token.objects.create(user=admin_user), Token.objects.create(user=f.user(Role.DISTRICT_ADMIN))]
    for token in tokens:
        user, read = Auth().authenticate_credentials(token.key)
        assert read.key == token.key and user.pk == token.user_id
    token_read = Auth._reads[(Token, "default")]
    assert len(token_read.query._cache) == 1  # compiled once, whatever the key
    sql, params = token_read.query.sql(key=tokens[0].key)
    assert params == [tokens[0].key] and "JOIN" in sql.upper()

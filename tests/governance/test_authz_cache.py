"""Permissions, scope and role kept across requests (governance/authz_cache.py, issue 14): read once, then
from the cache; every change of what they come from takes effect on the very next request; a user never
gets another user's entry."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from governance import authz_cache
from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

STREETS = "/api/v1/streets/"
AUTHZ_TABLES = ("auth_permission", "guardian_userobjectpermission", "guardian_groupobjectpermission",
                "auth_user_groups")


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def authz_queries(client, path=STREETS):
    """The response, and the queries of the request that read permissions, grants or groups."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries if any(table in q["sql"] for table in AUTHZ_TABLES)]


def warm(client, path=STREETS):
    """Two requests: the second is answered from the cache (it reads no permission, grant or group)."""
    response = client.get(path)
    _response, queries = authz_queries(client, path)
    assert queries == []
    return response


@pytest.fixture
def staff_a(two_streets):
    return f.user(Role.STREET_STAFF, two_streets["a"])


def test_the_second_request_reads_no_permission_grant_or_group(two_streets, staff_a):
    client = api_as(staff_a)
    response, first = authz_queries(client)
    assert names(response) == ["甲街"]
    assert first, "the first request reads the permissions and the grants"
    response, second = authz_queries(client)
    assert names(response) == ["甲街"]
    assert second == []


@override_settings(AUTHZ_CACHE=False)
def test_off_every_request_reads_them_again(two_streets, staff_a):
    client = api_as(staff_a)
    authz_queries(client)
    _response, second = authz_queries(client)
    assert second


def test_a_revoked_grant_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert names(warm(client)) == ["甲街"]
    remove_perm("streets.access_street", staff_a, two_streets["a"])
    assert names(client.get(STREETS)) == []


def test_a_grant_deleted_in_bulk_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert names(warm(client)) == ["甲街"]
    UserObjectPermission.objects.filter(user=staff_a).delete()
    assert names(client.get(STREETS)) == []


def test_a_new_grant_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert names(warm(client)) == ["甲街"]
    assign_perm("streets.access_street", staff_a, two_streets["b"])
    assert names(client.get(STREETS)) == ["乙街", "甲街"]


def test_a_group_losing_a_permission_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert warm(client).status_code == 200
    Group.objects.get(name=Role.STREET_STAFF.value).permissions.remove(
        Permission.objects.get(content_type__app_label="streets", codename="view_street"))
    assert client.get(STREETS).status_code == 403


def test_leaving_the_group_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert warm(client).status_code == 200
    staff_a.groups.clear()
    assert client.get(STREETS).status_code == 403


def test_the_group_removed_from_its_side_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert warm(client).status_code == 200
    Group.objects.get(name=Role.STREET_STAFF.value).user_set.remove(staff_a)
    assert client.get(STREETS).status_code == 403


def test_a_deleted_group_takes_effect_on_the_next_request(two_streets, staff_a):
    client = api_as(staff_a)
    assert warm(client).status_code == 200
    Group.objects.get(name=Role.STREET_STAFF.value).delete()
    assert client.get(STREETS).status_code == 403


def test_an_own_permission_removed_takes_effect_on_the_next_request(two_streets):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="streets", codename="view_street"))
    user.user_permissions.add(Permission.objects.get(codename="view_district_wide"))
    client = api_as(user)
    assert names(warm(client)) == ["乙街", "甲街"]
    user.user_permissions.remove(Permission.objects.get(codename="view_district_wide"))
    assert names(client.get(STREETS)) == []


def test_superuser_status_taken_away_takes_effect_on_the_next_request(two_streets):
    user = f.UserFactory(is_superuser=True)
    client = api_as(user)
    assert names(warm(client)) == ["乙街", "甲街"]
    user.is_superuser = False
    user.save()
    assert client.get(STREETS).status_code == 403


def test_an_entry_under_another_superuser_status_is_not_used(two_streets):
    """Even without a bump (an update() sends no signal), an entry read as a superuser is not a non-superuser's."""
    user = f.UserFactory(is_superuser=True)
    client = api_as(user)
    assert names(warm(client)) == ["乙街", "甲街"]
    type(user).objects.filter(pk=user.pk).update(is_superuser=False)
    assert client.get(STREETS).status_code == 403


def test_a_bulk_write_is_seen_after_bump_all(two_streets, staff_a):
    """bulk_create sends no signal: who writes grants in bulk (seed_demo) bumps every entry."""
    client = api_as(staff_a)
    assert names(warm(client)) == ["甲街"]
    permission = Permission.objects.get(content_type__app_label="streets", codename="access_street")
    UserObjectPermission.objects.bulk_create([UserObjectPermission(
        user=staff_a, permission=permission, content_type=permission.content_type, object_pk=str(two_streets["b"].pk))])
    authz_cache.bump_all()
    assert names(client.get(STREETS)) == ["乙街", "甲街"]


def test_users_of_two_streets_each_get_their_own(two_streets, staff_a):
    staff_b = f.user(Role.STREET_STAFF, two_streets["b"])
    client_a, client_b = api_as(staff_a), api_as(staff_b)
    for _ in range(3):
        assert names(client_a.get(STREETS)) == ["甲街"]
        assert names(client_b.get(STREETS)) == ["乙街"]
        assert [row["name"] for row in client_b.get("/api/v1/communities/").json()["results"]] == ["乙一社区"]


def test_an_entry_is_only_used_for_its_own_user_id(two_streets, staff_a):
    """Even a cache entry that ended up under another user's key (it cannot: the key is the id) is refused."""
    staff_b = f.user(Role.STREET_STAFF, two_streets["b"])
    client_a, client_b = api_as(staff_a), api_as(staff_b)
    assert names(warm(client_a)) == ["甲街"]
    assert names(warm(client_b)) == ["乙街"]
    from django.core.cache import cache

    cache.set(authz_cache._entry_key(staff_b.pk), cache.get(authz_cache._entry_key(staff_a.pk)))
    assert names(client_b.get(STREETS)) == ["乙街"]


def test_a_cleared_cache_reads_again(two_streets, staff_a):
    from django.core.cache import cache

    client = api_as(staff_a)
    assert names(warm(client)) == ["甲街"]
    cache.clear()
    _response, queries = authz_queries(client)
    assert queries
    assert names(client.get(STREETS)) == ["甲街"]


def test_a_change_bumps_again_when_its_transaction_commits(two_streets, staff_a, django_capture_on_commit_callbacks):
    """A request that read the old rows after the first bump but before the commit cannot keep them."""
    from django.core.cache import cache

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        remove_perm("streets.access_street", staff_a, two_streets["a"])
        after_change = cache.get(authz_cache.ALL_KEY)
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.get(authz_cache.ALL_KEY) not in (None, after_change)


def test_two_objects_of_one_user_keep_each_others_parts(two_streets, staff_a):
    """A request may hold two objects of the same user (request.user and one read again): each stores the part
    it computed; neither drops the other's."""
    from django.core.cache import cache

    one, two = type(staff_a).objects.get(pk=staff_a.pk), type(staff_a).objects.get(pk=staff_a.pk)
    authz_cache.get(one, "perms")
    authz_cache.get(two, "scope")
    authz_cache.put(one, "perms", frozenset({"x.y"}))
    authz_cache.put(two, "scope", "the scope")
    assert set(cache.get(authz_cache._entry_key(staff_a.pk))["parts"]) == {"perms", "scope"}

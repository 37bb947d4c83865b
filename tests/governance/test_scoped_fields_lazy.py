"""ScopedFieldsMixin scopes a relation field when it is first used (issue 14): until then the field has no
rows at all, then exactly the user's scoped rows; an unused relation filter has no rows either."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from governance.models import PostKind, StaffCategory
from governance.roles import Role
from governance.serializers import PostSerializer
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def test_a_relation_field_is_empty_until_used_then_scoped(two_streets):
    a, b = two_streets["a"], two_streets["b"]
    mine, other = f.person(street=a), f.person(street=b)
    user = f.user(Role.STREET_STAFF, a)
    django_request = APIRequestFactory().get("/")
    force_authenticate(django_request, user=user)
    request = Request(django_request)
    request.user = user
    field = PostSerializer(context={"request": request}).fields["person"]
    assert list(field.queryset) == []  # read directly before use: nothing, never every row
    rows = set(field.get_queryset())
    assert mine in rows and other not in rows
    assert list(field.queryset) == list(field.get_queryset())


def test_an_out_of_scope_id_in_a_used_filter_is_refused_and_an_in_scope_one_lists(two_streets):
    a, b = two_streets["a"], two_streets["b"]
    f.post(PostKind.STREET_STAFF, street=a, person=f.person(street=a), staff_category=StaffCategory.ADMINISTRATIVE)
    client = api_as(f.user(Role.STREET_STAFF, a))
    assert client.get(f"/api/v1/posts/?street={b.pk}").status_code == 400
    response = client.get(f"/api/v1/posts/?street={a.pk}")
    assert response.status_code == 200 and response.json()["count"] == 1

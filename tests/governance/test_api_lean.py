"""Lean API requests (issue 14): the lean read path answers what DRF's own would, field for field, and a full
first page is read once (the page's rows, then the count), not twice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from communities.api import CommunitySerializer
from governance.api import LeanReadMixin
from governance.models import PolicyRule, Post, PostKind, StaffCategory, StationedUnit
from governance.roles import Role
from governance.serializers import (
    DepartmentSerializer,
    PersonSerializer,
    PolicyRuleSerializer,
    PostSerializer,
    StationedUnitSerializer,
)
from streets.api import StreetOfficeEditSerializer, StreetSerializer
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def drf_representation(serializer, instance):
    """What DRF's ModelSerializer answers for `instance`, without the lean path."""
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.fixture
def rows(two_streets):
    a, ca = two_streets["a"], two_streets["ca"]
    station = f.station(a, ca)
    f.post(PostKind.COMMUNITY_SECRETARY, community=ca)  # a post with a community, no street
    f.post(PostKind.STREET_STAFF, street=a, staff_category=StaffCategory.PUBLIC_POST, approval_reference="批1",
           end_date=datetime.date(2030, 1, 1))  # an end date, a reference
    f.post(PostKind.STATION_HEAD, station=station, community=ca)
    f.department()
    StationedUnit.objects.create(street=a, name="银川市某局", level="city", contact="")
    f.person(street=a, community=ca, phone="13900000000", community_service_start=datetime.date(2010, 3, 1))
    return two_streets


@pytest.mark.parametrize("serializer_class, model_label", [
    (PostSerializer, "governance.Post"), (PersonSerializer, "governance.Person"),
    (DepartmentSerializer, "governance.Department"), (StationedUnitSerializer, "governance.StationedUnit"),
    (PolicyRuleSerializer, "governance.PolicyRule"), (StreetSerializer, "streets.Street"),
    (StreetOfficeEditSerializer, "streets.StreetOffice"), (CommunitySerializer, "communities.Community"),
])
def test_the_lean_read_path_answers_what_drf_answers(rows, serializer_class, model_label, rf):
    from django.apps import apps

    assert issubclass(serializer_class, LeanReadMixin)
    request = rf.get("/")
    request.user = f.user(Role.DISTRICT_ADMIN)
    instances = list(apps.get_model(model_label).objects.all())
    assert instances
    serializer = serializer_class(context={"request": request})
    for instance in instances:
        lean = serializer.to_representation(instance)
        assert lean == drf_representation(serializer, instance)
        assert list(lean) == list(drf_representation(serializer, instance))  # the same order of keys too


def test_kind_label_is_the_choice_label(rows):
    post = Post.objects.filter(kind=PostKind.STATION_HEAD).get()
    assert PostSerializer().to_representation(post)["kind_label"] == post.get_kind_display() == "服务站站长"


def test_a_deferred_column_is_still_answered(rows):
    rule = PolicyRule.objects.defer("note").first()
    assert PolicyRuleSerializer().to_representation(rule)["note"] == PolicyRule.objects.get(pk=rule.pk).note


def test_a_full_first_page_reads_its_rows_once(two_streets):
    a = two_streets["a"]
    for i in range(51):
        f.post(PostKind.STREET_STAFF, street=a, person=f.person(street=a), staff_category=StaffCategory.PUBLIC_POST,
               approval_reference=f"批{i}")
    client = api_as(f.user(Role.STREET_STAFF, a))
    client.get("/api/v1/posts/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/posts/")
    assert response.status_code == 200
    assert response.json()["count"] == 51 and len(response.json()["results"]) == 50
    reads = [q["sql"] for q in captured if 'FROM "governance_post"' in q["sql"]]
    assert len(reads) == 1  # the page (51 rows read, 50 answered) and its count in one query; before, the page
    # was read a second time, and then counted in a query of its own
    assert "COUNT(" in reads[0]
    # token, the page with its count (the user's permissions and scope come from the cache on a second request:
    # governance/authz_cache.py)
    assert len(captured) == 2


def test_the_permissions_read_in_one_query_are_djangos(two_streets):
    """governance.backends reads the user's own and their groups' permissions through two subqueries: the same
    set as Django's own backend, for a role's user, a user with a permission of their own, and a superuser."""
    from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
    from django.contrib.auth.models import Permission

    from governance.backends import ModelBackend

    street_user = f.user(Role.STREET_STAFF, two_streets["a"])
    own = f.user(Role.COMMUNITY_STAFF, two_streets["ca"])
    own.user_permissions.add(Permission.objects.get(codename="change_department"))
    nobody = f.UserFactory()
    superuser = f.UserFactory(is_superuser=True)
    for user in (street_user, own, nobody, superuser):
        user = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as captured:
            ours = ModelBackend().get_all_permissions(user)
        assert len(captured) == 1
        assert ours == DjangoModelBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
    assert "governance.change_department" in ModelBackend().get_all_permissions(type(own).objects.get(pk=own.pk))
    assert ModelBackend().get_all_permissions(type(nobody).objects.get(pk=nobody.pk)) == set()


def test_a_list_builds_its_scoped_queryset_once(two_streets, monkeypatch):
    """The permission check reads the model from the serializer; only the list itself asks the selector."""
    from governance.api import ServiceModelViewSet

    calls = []
    original = ServiceModelViewSet.get_queryset

    def counted(self):
        calls.append(self.action)
        return original(self)

    monkeypatch.setattr(ServiceModelViewSet, "get_queryset", counted)
    client = api_as(f.user(Role.STREET_STAFF, two_streets["a"]))
    # searched: the usual path (a plain or plainly filtered list reads compiled rows, governance/lean_list.py, and
    # asks no queryset)
    response = client.get("/api/v1/people/?search=人")
    assert response.status_code == 200
    assert calls == ["list"]
    # and a user of another street still cannot change a person here (the model came from the serializer)
    other = f.person(street=two_streets["b"])
    assert client.patch(f"/api/v1/people/{other.pk}/", {"name": "改名"}, format="json").status_code == 404


def test_the_filterset_class_is_made_once_and_still_scopes(two_streets):
    from governance.filters import ScopedFilterBackend

    client = api_as(f.user(Role.STREET_STAFF, two_streets["a"]))
    assert client.get(f"/api/v1/communities/?street={two_streets['a'].pk}").status_code == 200
    classes = dict(ScopedFilterBackend._filterset_classes)
    assert client.get(f"/api/v1/communities/?street={two_streets['b'].pk}").status_code == 400  # another street's id
    assert ScopedFilterBackend._filterset_classes == classes and classes


def test_a_request_naming_no_filter_builds_no_filterset_and_lists_the_same_rows(rows, monkeypatch):
    from django_filters.filterset import BaseFilterSet

    client = api_as(f.user(Role.DISTRICT_ADMIN))
    built = []
    original = BaseFilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(BaseFilterSet, "__init__", counting)
    from governance.filters import _PLAIN_FILTERSETS
    from governance.viewsets import PostFilter

    monkeypatch.setitem(_PLAIN_FILTERSETS, PostFilter, False)  # as if it were not plain: through the FilterSet
    through_filterset = client.get("/api/v1/posts/").json()
    assert built == ["PostFilter"] and through_filterset["count"] > 1
    monkeypatch.setitem(_PLAIN_FILTERSETS, PostFilter, True)
    assert client.get("/api/v1/posts/").json() == through_filterset and built == ["PostFilter"]  # none built
    # a filter named, empty or not, still goes through the FilterSet and the strict checks
    kind = Post.objects.first().kind
    assert {p["kind"] for p in client.get(f"/api/v1/posts/?kind={kind}").json()["results"]} == {kind}
    assert built == ["PostFilter", "PostFilter"]
    assert client.get("/api/v1/posts/?kind=").status_code == 400
    assert client.get("/api/v1/posts/?active=maybe").status_code == 400


def test_filters_unused_reads_only_plain_filtersets_with_no_filter_named():
    import django_filters

    from governance.filters import filters_unused
    from governance.viewsets import PostFilter

    assert filters_unused(PostFilter, {"page": "2", "search": "x", "ordering": "id"})
    assert not filters_unused(PostFilter, {"kind": ""})
    assert not filters_unused(PostFilter, {"active_after": "1"})  # could be a range's part: not skipped

    class Custom(PostFilter):
        def filter_queryset(self, queryset):
            return queryset.filter(end_date__isnull=True)

    class OwnFilter(django_filters.CharFilter):
        pass

    class WithOwnFilter(PostFilter):
        note = OwnFilter(field_name="approval_reference")

    assert not filters_unused(Custom, {}) and not filters_unused(WithOwnFilter, {})


def test_choice_labels_are_djangos_in_every_language(rows):
    from django.utils import translation

    from governance.api import ChoiceLabelField, _choice_labels

    post = Post.objects.filter(kind=PostKind.STATION_HEAD).get()
    assert _choice_labels(Post, "kind") is not None
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert ChoiceLabelField("kind").to_representation(post) == post.get_kind_display()
    post.kind = "not-a-kind"
    assert ChoiceLabelField("kind").to_representation(post) == "not-a-kind"


def test_a_model_with_its_own_display_method_is_asked():
    from django.db.models import Model

    from governance.api import ChoiceLabelField, _choice_labels

    class OwnDisplay:  # stands for a model that defines get_kind_display itself
        _get_FIELD_display = Model._get_FIELD_display

        def get_kind_display(self):
            return "own"

    assert _choice_labels(OwnDisplay, "kind") is None
    assert ChoiceLabelField("kind").to_representation(OwnDisplay()) == "own"

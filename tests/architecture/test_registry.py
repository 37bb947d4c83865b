"""What the registry guarantees: scope from one helper (group grants count), no list without a declared
scope, post kinds from one table, counts shared within a request, station and grid posts from the pages."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from guardian.shortcuts import assign_perm
from rest_framework import serializers

from governance.api import ServiceModelViewSet
from governance.models import POST_KINDS, Post, PostKind, kinds
from governance.registry import registry
from governance.roles import Role
from governance.rules import RuleBook
from governance.scope import scope_for, scope_reset
from streets.selectors import street_staffing, streets_for_user
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_grant_given_to_a_group_counts_like_one_given_to_the_user(two_streets):
    user = f.user(Role.STREET_STAFF, two_streets["a"])
    group = Group.objects.create(name="甲街联络组")
    assign_perm("streets.access_street", group, two_streets["b"])
    user.groups.add(group)
    scope_reset(user)
    assert scope_for(user).street_ids == {two_streets["a"].pk, two_streets["b"].pk}
    assert set(streets_for_user(user=user).values_list("pk", flat=True)) == {two_streets["a"].pk, two_streets["b"].pk}


def test_a_viewset_cannot_list_a_model_that_declared_no_scope(rf, admin_user):
    from django.contrib.auth.models import Permission

    class PermissionSerializer(serializers.ModelSerializer):
        class Meta:
            model = Permission
            fields = ["id"]

    class Undeclared(ServiceModelViewSet):
        serializer_class = PermissionSerializer

    view = Undeclared()
    view.request = type("R", (), {"user": admin_user})()
    view.format_kwarg = None
    with pytest.raises(ImproperlyConfigured, match="declares no scope"):
        view.get_queryset()


def test_every_model_an_api_lists_declared_its_scope():
    from governance.api_urls import router

    for _prefix, viewset, _basename in router.registry:
        model = viewset.serializer_class.Meta.model
        assert model in registry.scoped_models, model


def test_kind_sets_and_constraints_derive_from_the_table():
    assert kinds(unit="station") == {PostKind.STATION_HEAD, PostKind.STATION_STAFF}
    one_holder = {c.name for c in Post._meta.constraints if c.name.startswith("post_one_")}
    assert one_holder == {f"post_one_{k}" for k, spec in POST_KINDS.items() if spec.single_holder}


def test_street_staffing_is_counted_once_per_request(two_streets, django_assert_num_queries):
    rules = RuleBook()
    street = two_streets["a"]
    street_staffing(street_ids=[street.pk], rules=rules)
    with django_assert_num_queries(0):
        street_staffing(street_ids=[street.pk], rules=rules)


def test_station_posts_are_appointed_from_the_street_page_through_the_one_form(two_streets):
    street, community = two_streets["a"], two_streets["ca"]
    station = f.station(street, community)
    client = f.client_for(f.user(Role.STREET_STAFF, street))
    page = client.get(f"/streets/{street.pk}/").content.decode()
    assert f"/stations/{station.pk}/posts/new/" in page
    form = client.get(f"/stations/{station.pk}/posts/new/").content.decode()
    assert 'value="station_head"' in form and 'value="street_staff"' not in form
    r = client.post(f"/stations/{station.pk}/posts/new/", {"new_person_name": "站长甲", "kind": "station_head",
                                                           "start_date": "2024-03-01", "approval_reference": "",
                                                           "note": ""})
    assert r.status_code == 302 and r["Location"] == f"/streets/{street.pk}/"
    post = Post.objects.get(person__name="站长甲")
    assert (post.kind, post.station_id, post.street_id) == ("station_head", station.pk, street.pk)


def test_a_grid_worker_is_appointed_from_the_community_page(two_streets):
    community = two_streets["ca"]
    grid = f.grid(community)
    client = f.client_for(f.user(Role.COMMUNITY_STAFF, community))
    assert f"/grids/{grid.pk}/posts/new/" in client.get(f"/communities/{community.pk}/").content.decode()
    r = client.post(f"/grids/{grid.pk}/posts/new/", {"new_person_name": "网格员乙", "kind": "grid_worker",
                                                     "start_date": "2024-03-01", "approval_reference": "", "note": ""})
    assert r.status_code == 302
    post = Post.objects.get(person__name="网格员乙")
    assert (post.grid_id, post.community_id, post.person.community_id) == (grid.pk, community.pk, community.pk)


def test_another_streets_station_cannot_be_appointed_to(two_streets):
    station_b = f.station(two_streets["b"], two_streets["cb"])
    client = f.client_for(f.user(Role.STREET_STAFF, two_streets["a"]))
    assert client.get(f"/stations/{station_b.pk}/posts/new/").status_code == 404
    r = client.post(f"/stations/{station_b.pk}/posts/new/", {"new_person_name": "外人", "kind": "station_staff",
                                                             "start_date": "2024-03-01"})
    assert r.status_code == 404 and not Post.objects.filter(person__name="外人").exists()

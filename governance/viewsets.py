from django.db import transaction
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import services
from governance.api import ServiceModelViewSet, if_match_version
from governance.lean_list import LeanListMixin
from governance.models import District
from governance.selectors import (
    departments_for_user,
    people_for_user,
    policy_rules_list,
    posts_for_user,
    stationed_units_for_user,
)
from governance.serializers import (
    DepartmentSerializer,
    PersonSerializer,
    PolicyRuleSerializer,
    PostSerializer,
    StationedUnitSerializer,
)


def _department_create(*, acting_user, **fields):
    return services.department_create(acting_user=acting_user, district=District.objects.get(), **fields)


class DepartmentViewSet(LeanListMixin, ServiceModelViewSet):
    """职能部门. Read by every signed-in role; changed by the district administrator."""

    serializer_class = DepartmentSerializer
    selector = departments_for_user
    create_service = _department_create
    update_service = services.department_update
    instance_kwarg = "department"
    filterset_fields = ["kind"]
    search_fields = ["name", "code"]


class StationedUnitViewSet(LeanListMixin, ServiceModelViewSet):
    """驻区单位, scoped by street."""

    serializer_class = StationedUnitSerializer
    selector = stationed_units_for_user
    create_service = services.stationed_unit_create
    update_service = services.stationed_unit_update
    instance_kwarg = "unit"
    filterset_fields = ["street", "level"]
    search_fields = ["name"]


class PersonViewSet(LeanListMixin, ServiceModelViewSet):
    """人员, scoped by the street or community their record belongs to."""

    serializer_class = PersonSerializer
    selector = people_for_user
    create_service = services.person_create
    update_service = services.person_update
    instance_kwarg = "person"
    filterset_fields = ["street", "community", "is_party_member", "is_npc_deputy"]
    search_fields = ["name"]


class PostFilter(filters.FilterSet):
    active = filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label=gettext_lazy("在任"))

    class Meta:
        from governance.models import Post

        model = Post
        fields = ["person", "kind", "street", "community", "station", "grid", "is_secondment"]


class PostEndSerializer(drf_serializers.Serializer):
    end_date = drf_serializers.DateField(required=False)


class PostViewSet(LeanListMixin, ServiceModelViewSet):
    """职务. Creating one applies the caps and composition rules of 二(二) and 三(一)/(二)/(四)."""

    serializer_class = PostSerializer
    selector = posts_for_user
    create_service = services.post_appoint
    update_service = services.post_update
    instance_kwarg = "post"
    filterset_class = PostFilter
    change_actions = ("end",)

    @extend_schema(request=PostEndSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """离任: ends the post on `end_date` (today by default)."""
        post = self.get_object()
        body = PostEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            post = services.post_end(post=post, acting_user=request.user, end_date=body.validated_data.get("end_date"),
                                     expected_version=if_match_version(request))
        return self._tagged(Response(PostSerializer(post, context=self.get_serializer_context()).data))


class PolicyRuleViewSet(viewsets.ReadOnlyModelViewSet):
    """政策规则 (read-only here; versions are added in the admin, audited)."""

    serializer_class = PolicyRuleSerializer
    filterset_fields = ["key", "clause"]

    def get_queryset(self):
        return policy_rules_list()

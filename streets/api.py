from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from assessments.api import street_quotas_response, street_quotas_schema
from governance.api import ScopedFieldsMixin, ScopedObjectMixin, ServiceModelViewSet
from governance.models import District
from governance.rules import RuleBook
from governance.selectors import people_for_user
from streets import services
from streets.models import Street, StreetOffice
from streets.selectors import street_career_posts_total, street_detail_queryset, street_offices_for_user


class StreetOfficeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    # No default: with one, DRF drops the field from a PATCH answer (partial) when the office has no head.
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True)

    class Meta:
        model = StreetOffice
        fields = ["id", "kind", "kind_label", "duties", "head", "head_name"]
        read_only_fields = fields


class StreetSerializer(serializers.ModelSerializer):
    offices = StreetOfficeSerializer(many=True, read_only=True)
    career_posts_total = serializers.SerializerMethodField(help_text="事业编制总数，含改革增加的编制（二(二)1）")

    class Meta:
        model = Street
        fields = ["id", "code", "name", "is_pilot", "pilot_start", "party_committee_name", "office_name", "address",
                  "administrative_posts", "career_posts", "extra_career_post_granted", "career_posts_total", "offices"]

    def get_career_posts_total(self, street) -> int:
        # One RuleBook for the whole list (the context is shared by every row's serializer).
        rules = self.context.get("rules") or self.context.setdefault("rules", RuleBook())
        return street_career_posts_total(street=street, rules=rules)


def _street_create(*, acting_user, **fields):
    return services.street_create(acting_user=acting_user, district=District.objects.get(), **fields)


class StreetViewSet(ServiceModelViewSet):
    """街道. District administrators create streets; a street's staff see and change only their own."""

    serializer_class = StreetSerializer
    selector = street_detail_queryset
    create_service = _street_create
    update_service = services.street_update
    instance_kwarg = "street"
    filterset_fields = ["is_pilot"]
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]

    @street_quotas_schema
    @action(detail=True, methods=["get"])
    def quotas(self, request, pk=None):
        """二(二) quotas beside the street's actual staffing, with its communities' quotas and gaps."""
        return street_quotas_response(request, self.get_object())


class StreetOfficeEditSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A street adjusts its offices' duties and names each one's head (二(三))."""

    scoped_fields = {"head": people_for_user}
    street_name = serializers.CharField(source="street.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = StreetOffice
        fields = ["id", "street", "street_name", "kind", "kind_label", "duties", "head"]
        read_only_fields = ["street", "kind"]


class StreetOfficeViewSet(ScopedObjectMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                          viewsets.GenericViewSet):
    """四办一中心. Each street has all five (created with the street); its staff edit duties and heads."""

    serializer_class = StreetOfficeEditSerializer
    filterset_fields = ["street", "kind"]

    def get_queryset(self):
        return street_offices_for_user(user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.street_office_update(
            office=serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )

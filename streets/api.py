from rest_framework import serializers

from governance.api import ChoiceLabelField, LeanReadMixin, ScopedFieldsMixin, ServiceModelViewSet
from governance.lean_list import LeanListMixin, row_plan
from governance.models import District
from governance.rules import RuleBook
from streets import services
from streets.models import Street, StreetOffice
from streets.selectors import (
    STREET_CAREER_POSTS_RULES,
    street_career_posts_total,
    street_detail_queryset,
    street_offices_of,
)


class StreetOfficeSerializer(LeanReadMixin, serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")
    # No default: with one, DRF drops the field from a PATCH answer (partial) when the office has no head.
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True)

    class Meta:
        model = StreetOffice
        fields = ["id", "kind", "kind_label", "duties", "head", "head_name"]
        read_only_fields = fields


class StreetSerializer(LeanReadMixin, serializers.ModelSerializer):
    offices = StreetOfficeSerializer(many=True, read_only=True)
    career_posts_total = serializers.SerializerMethodField(help_text="事业编制总数，含改革增加的编制（二(二)1）")

    class Meta:
        model = Street
        fields = ["id", "version", "code", "name", "is_pilot", "pilot_start", "party_committee_name", "office_name", "address",
                  "administrative_posts", "career_posts", "extra_career_post_granted", "career_posts_total", "offices"]

    # A lean list (governance/lean_list.py) writes these two in lean_rows below, from these columns.
    lean_filled = {"career_posts_total": ("career_posts", "extra_career_post_granted"), "offices": ("id",)}

    def lean_rows(self, rows):
        answered = super().lean_rows(rows)
        office_plan = row_plan(StreetOfficeSerializer)
        offices = street_offices_of(street_ids={row["id"] for row in rows}, columns=office_plan.columns)
        for row, data in zip(rows, answered, strict=True):
            # an unsaved street of the two columns the total reads (no query)
            street = Street(career_posts=row["career_posts"], extra_career_post_granted=row["extra_career_post_granted"])
            data["career_posts_total"] = self.get_career_posts_total(street)
            data["offices"] = office_plan.represent(offices.get(row["id"], ()))
        return answered

    def get_career_posts_total(self, street) -> int:
        # One RuleBook for the whole list (the context is shared by every row's serializer), of the one rule
        # the total reads (every rule's versions cost the list ~5 ms; issue 14), read only if a row needs it.
        rules = self.context.get("street_rules") or self.context.setdefault(
            "street_rules", RuleBook(keys=STREET_CAREER_POSTS_RULES, lazy=True))
        return street_career_posts_total(street=street, rules=rules)


def _street_create(*, acting_user, **fields):
    return services.street_create(acting_user=acting_user, district=District.objects.get(), **fields)


class StreetViewSet(LeanListMixin, ServiceModelViewSet):
    """街道. District administrators create streets; a street's staff see and change only their own."""

    serializer_class = StreetSerializer
    selector = street_detail_queryset
    create_service = _street_create
    update_service = services.street_update
    instance_kwarg = "street"
    filterset_fields = ["is_pilot"]
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class StreetOfficeEditSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    """A street adjusts its offices' duties and names each one's head (二(三))."""

    street_name = serializers.CharField(source="street.name", read_only=True)
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = StreetOffice
        fields = ["id", "version", "street", "street_name", "kind", "kind_label", "duties", "head"]
        read_only_fields = ["street", "kind"]


class StreetOfficeViewSet(LeanListMixin, ServiceModelViewSet):
    """四办一中心. Each street has all five (created with the street); its staff edit duties and heads."""

    serializer_class = StreetOfficeEditSerializer
    update_service = services.street_office_update
    instance_kwarg = "office"
    http_method_names = ["get", "put", "patch", "head", "options"]  # created with the street, never alone
    filterset_fields = ["street", "kind"]

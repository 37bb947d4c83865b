"""/api/v1/ endpoints of grids: grids, grid units, grid-change requests, ledgers, event categories, events."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from governance.api import ScopedFieldsMixin, ServiceModelViewSet, if_match_version
from governance.filter_values import id_param
from governance.models import Department
from governance.parsers import BoundedJSONParser
from grids import selectors, services
from grids.models import (
    EventCategory,
    EventStep,
    Grid,
    GridChangeRequest,
    GridEvent,
    GridPartyOrganization,
    GridUnit,
    LedgerEntry,
    Level,
    PartyModelPost,
)

# ---------------------------------------------------------------- grids


class GridSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    worker_name = serializers.CharField(source="worker.name", read_only=True, default="")

    class Meta:
        model = Grid
        fields = ["id", "version", "code", "name", "community", "community_name", "households", "area", "worker",
                  "worker_name", "ended_on"]
        read_only_fields = ["ended_on"]


class GridViewSet(ServiceModelViewSet):
    """网格 (四(一)). Set up directly only by the district administrator or 民政局; a street proposes changes
    through `grid-changes`; a department cannot set up a grid (多网合一, 四(二)2)."""

    serializer_class = GridSerializer
    create_service = services.grid_create
    update_service = services.grid_update
    instance_kwarg = "grid"
    filterset_fields = ["community", "ended_on"]
    search_fields = ["name", "code"]


class GridUnitSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = GridUnit
        fields = ["id", "version", "grid", "kind", "name", "leader", "leader_phone"]


class GridUnitViewSet(ServiceModelViewSet):
    """网格小单元 (楼栋长、片区长, 四(一))."""

    serializer_class = GridUnitSerializer
    create_service = services.grid_unit_create
    update_service = services.grid_unit_update
    instance_kwarg = "unit"
    filterset_fields = ["grid", "kind"]


# ---------------------------------------------------------------- grid party organisations (四(二)1)


class GridPartyOrganizationSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = GridPartyOrganization
        fields = ["id", "version", "grid", "kind", "kind_label", "name", "leader", "leader_phone", "members",
                  "established_on", "ended_on", "note"]


class GridPartyOrganizationViewSet(ServiceModelViewSet):
    """网格党组织 (四(二)1): a 党支部, 党小组, 联合党支部 or 党建指导员 per grid, one in force at a time;
    dissolved by setting `ended_on`."""

    serializer_class = GridPartyOrganizationSerializer
    create_service = services.party_organization_create
    update_service = services.party_organization_update
    instance_kwarg = "organization"
    filterset_fields = ["grid", "kind"]
    search_fields = ["name", "leader"]


class PartyModelPostSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PartyModelPost
        fields = ["id", "version", "grid", "kind", "kind_label", "name", "member", "member_phone", "unit", "area",
                  "is_active"]


class PartyModelPostViewSet(ServiceModelViewSet):
    """党员示范岗、党员先锋岗、党员责任区 (四(二)1), set up per grid; stood down by `is_active` false."""

    serializer_class = PartyModelPostSerializer
    create_service = services.party_model_post_create
    update_service = services.party_model_post_update
    instance_kwarg = "post"
    filterset_fields = ["grid", "kind", "is_active"]
    search_fields = ["name", "member"]


# ---------------------------------------------------------------- grid-change requests


class GridChangeSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = GridChangeRequest
        fields = ["id", "version", "community", "street", "kind", "kind_label", "grid", "others", "worker", "parts",
                  "reason", "status", "status_label", "proposed_at", "decided_at", "decision_note"]
        read_only_fields = ["street", "status", "proposed_at", "decided_at", "decision_note"]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


def _propose(*, acting_user, **fields):
    return services.grid_change_propose(acting_user=acting_user, **fields)


class GridChangeViewSet(ServiceModelViewSet):
    """网格调整申请 (四(一)): proposed by a street, in effect once 民政局 approves (`approve`/`reject`)."""

    serializer_class = GridChangeSerializer
    create_service = _propose
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["status", "community", "street", "kind"]
    change_actions = ("approve", "reject")

    def _decide(self, request, service):
        change = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            change = service(change=change, acting_user=request.user, note=body.validated_data["note"],
                             expected_version=if_match_version(request))
        return self._tagged(Response(self.get_serializer(change).data))

    @extend_schema(request=DecisionSerializer, responses=GridChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """民政局审定通过：调整即日生效，网格历史记录写明日期和申请。"""
        return self._decide(request, services.grid_change_approve)

    @extend_schema(request=DecisionSerializer, responses=GridChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.grid_change_reject)


# ---------------------------------------------------------------- ledgers


class LedgerEntrySerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "version", "grid", "kind", "kind_label", "name", "group", "address", "contact", "phone",
                  "id_number", "stationed_unit", "is_open", "note"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not selectors.sees_personal_data(request.user):
            data["phone"] = selectors.mask(data["phone"])
            data["id_number"] = selectors.mask(data["id_number"])
        return data

    def validate(self, attrs):
        request = self.context.get("request")
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        if request is not None and kind == LedgerEntry.Kind.SPECIAL_GROUP and not selectors.sees_special_groups(request.user):
            raise serializers.ValidationError({"kind": ["您的角色不能登记特殊群体台账。"]})
        return attrs


class LedgerEntryViewSet(ServiceModelViewSet):
    """网格台账 (四(二)2). Special groups only for the roles that look after them; ID numbers and phones
    masked for roles that do not need them."""

    serializer_class = LedgerEntrySerializer
    create_service = services.ledger_entry_create
    update_service = services.ledger_entry_update
    instance_kwarg = "entry"
    filterset_fields = ["grid", "kind", "group", "is_open"]
    search_fields = ["name", "address"]


# ---------------------------------------------------------------- events


class EventCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=EventCategory.objects.all(), required=False,
                                          allow_null=True)

    class Meta:
        model = EventCategory
        fields = ["id", "version", "code", "name", "parent", "is_active"]


class EventCategoryViewSet(ServiceModelViewSet):
    """事件类别: two levels, edited by the district administrator."""

    serializer_class = EventCategorySerializer
    create_service = services.event_category_create
    update_service = services.event_category_update
    instance_kwarg = "category"
    filterset_fields = ["is_active"]
    search_fields = ["code", "name"]


class EventStepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default="")

    class Meta:
        model = EventStep
        fields = ["action", "from_level", "to_level", "actor", "at", "reason"]


class EventSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=EventCategory.objects.filter(is_active=True))
    photos = serializers.ListField(child=serializers.FileField(), write_only=True, required=False, max_length=9)
    photo_urls = serializers.SerializerMethodField()

    class Meta:
        model = GridEvent
        fields = ["id", "version", "grid", "community", "street", "department", "title", "description", "category",
                  "place", "level", "status", "reported_at", "level_since", "settled_level", "closed_at",
                  "external_id", "source", "photos", "photo_urls"]
        read_only_fields = ["community", "street", "department", "level", "status", "reported_at", "level_since",
                            "settled_level", "closed_at"]
        extra_kwargs = {"external_id": {"validators": []}}  # the same external_id twice gives back the event

    def get_photo_urls(self, event) -> list[str]:
        from django.urls import reverse

        return [reverse("grid-event-photo", args=[event.pk, p.pk]) for p in event.photos.all()]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EscalateSerializer(ReasonSerializer):
    to_level = serializers.ChoiceField(choices=Level.choices, required=False)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)


class EventViewSet(ServiceModelViewSet):
    """网格事件 (四(二)2): reported by a grid worker for their grid, or pushed by another system with an
    `external_id` (the same `external_id` again gives back the same event, 200); escalated level by level
    grid → community → street → department, each step by the level that holds the event."""

    serializer_class = EventSerializer
    selector = None
    http_method_names = ["get", "post", "head", "options"]
    # JSON everywhere else; a report with photos comes as multipart (images checked and size-limited by the
    # service; the body limit of governance.parsers still applies to the JSON part).
    parser_classes = [BoundedJSONParser, MultiPartParser]
    filterset_fields = ["grid", "community", "street", "level", "status", "category"]
    search_fields = ["title"]
    change_actions = ("accept", "resolve", "escalate", "send_back")

    def get_queryset(self):
        return selectors.events_for_api(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        external_id = data.get("external_id") or None
        if external_id:
            existing = self.get_queryset().filter(external_id=external_id).first()
            if existing is not None:
                return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
            if GridEvent.objects.filter(external_id=external_id).exists():
                raise serializers.ValidationError({"external_id": ["该外部编号已被其他单位使用。"]})
        with transaction.atomic():
            event = services.event_report(
                acting_user=request.user, grid=data["grid"], title=data["title"], description=data["description"],
                category=data["category"], place=data.get("place", ""), photos=data.get("photos", []),
                external_id=external_id, source=data.get("source") or ("external" if external_id else "grid"))
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)

    def _act(self, request, service, body_class=None, **extra):
        event = self.get_object()
        kwargs = {}
        if body_class is not None:
            body = body_class(data=request.data)
            body.is_valid(raise_exception=True)
            kwargs = dict(body.validated_data)
        expected = if_match_version(request)
        if expected is None and isinstance(request.data, dict):
            expected = id_param(str(request.data.get("version", "")))
        with transaction.atomic():
            event = service(event=event, acting_user=request.user, expected_version=expected, **kwargs, **extra)
        return self._tagged(Response(self.get_serializer(event).data))

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理: the level holding a submitted event takes it up."""
        return self._act(request, services.event_accept)

    @extend_schema(request=ReasonSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """办结 at the level holding the event, with how it was settled (`reason`)."""
        return self._act(request, services.event_resolve, ReasonSerializer)

    @extend_schema(request=EscalateSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """上报上一级 with a `reason`; from the street, name the district `department`. No skipping levels."""
        return self._act(request, services.event_escalate, EscalateSerializer)

    @extend_schema(request=ReasonSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """退回下一级 with a `reason`."""
        return self._act(request, services.event_send_back, ReasonSerializer)

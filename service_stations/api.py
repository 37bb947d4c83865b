"""/api/v1/ endpoints of the service stations: service-items, service-stations, cases (and their transitions),
appointments (预约、上门) and shifts (错时工作、周末倒班, with who is on duty now)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api import ScopedFieldsMixin, ServiceModelViewSet, if_match_version
from governance.models import Department
from service_stations import services
from service_stations.models import Appointment, CaseStatus, ServiceCase, ServiceItem, ServiceStation, Shift
from service_stations.selectors import (
    appointments_for_user,
    can_see_identity,
    cases_for_user,
    on_duty,
    service_items_for_user,
    shifts_for_user,
    stations_for_user,
)
from service_stations.validators import mask_id_number, mask_phone


class ServiceItemSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    required_materials = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=True,
                                               help_text="所需材料名称列表")
    confirmed = serializers.SerializerMethodField(help_text="区级管理员已确认（默认事项须确认）")

    class Meta:
        model = ServiceItem
        fields = ["id", "version", "code", "ordinal", "name", "pinyin_initials", "department", "required_materials",
                  "time_limit_days", "appointment_possible", "door_to_door_possible", "online_possible", "how_to_ask",
                  "is_active", "is_default", "confirmed"]
        read_only_fields = ["code", "pinyin_initials", "is_default"]

    def get_confirmed(self, item) -> bool:
        return item.confirmed_at is not None


class ServiceItemViewSet(ServiceModelViewSet):
    """服务事项清单 (附件2): read by every role, edited by the district administrator; an edit is a new version."""

    serializer_class = ServiceItemSerializer
    selector = service_items_for_user
    create_service = services.service_item_create
    update_service = services.service_item_update
    instance_kwarg = "item"
    filterset_fields = ["department", "is_active"]
    search_fields = ["name", "pinyin_initials"]


class ServiceStationSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = ServiceStation
        fields = ["id", "version", "code", "name", "street", "street_name", "communities"]


class ServiceStationViewSet(ServiceModelViewSet):
    """社区服务站 with the communities each serves (三(二): one per community, two adjacent may share one)."""

    serializer_class = ServiceStationSerializer
    selector = stations_for_user
    create_service = services.station_create
    update_service = services.station_update
    instance_kwarg = "station"
    filterset_fields = ["street"]
    search_fields = ["name", "code"]


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its offset: a time without one is refused rather than guessed."""

    def to_internal_value(self, value):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None and timezone.is_naive(parsed):
            raise serializers.ValidationError(_("受理时间须带时区，例如 2026-10-09T09:30:00+08:00。"))
        return super().to_internal_value(value)


class CaseSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    received_at = AwareDateTimeField(required=False, help_text="ISO 8601，带时区")
    materials_received = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                               allow_empty=True)
    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True,
                                        validators=[], help_text="其他系统的编号：同一编号再次提交返回同一办件")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    service_item_version = serializers.IntegerField(source="item_revision.version", read_only=True)
    time_limit_days = serializers.IntegerField(source="item_revision.time_limit_days", read_only=True)

    class Meta:
        model = ServiceCase
        fields = ["id", "version", "number", "external_id", "station", "service_item", "service_item_version",
                  "time_limit_days", "received_at", "applicant_name", "applicant_phone", "applicant_id_number",
                  "channel", "materials_received", "materials_missing", "notice_given_at", "due_date",
                  "calendar_provisional", "status", "status_label", "first_owner", "handler", "forwarded_to",
                  "status_note", "closed_at"]
        read_only_fields = ["number", "materials_missing", "notice_given_at", "due_date", "calendar_provisional",
                            "status", "first_owner", "handler", "forwarded_to", "status_note", "closed_at"]

    def to_representation(self, case):
        data = super().to_representation(case)
        request = self.context.get("request")
        cache = self.context.setdefault("identity", {})
        if case.station_id not in cache:
            cache[case.station_id] = request is not None and can_see_identity(user=request.user,
                                                                              station_id=case.station_id)
        if not cache[case.station_id]:
            data["applicant_id_number"] = mask_id_number(case.applicant_id_number) if case.applicant_id_number else ""
            data["applicant_phone"] = mask_phone(case.applicant_phone)
        return data


class CaseTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[s for s in CaseStatus.choices if s[0] != CaseStatus.RECEIVED])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    forwarded_to = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="所依据的办件版本；也可用 If-Match 头")


class CaseViewSet(ServiceModelViewSet):
    """服务事项办件. A station worker sees their station's cases; street staff their street's; a POST with an
    `external_id` already taken in answers 200 with that case instead of creating another."""

    serializer_class = CaseSerializer
    selector = cases_for_user
    create_service = services.case_receive
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["station", "status", "service_item", "channel"]
    search_fields = ["=number", "=applicant_name"]
    change_actions = ("transition",)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        case = serializer.instance
        code = status.HTTP_201_CREATED if getattr(case, "created_now", True) else status.HTTP_200_OK
        return self._tagged(Response(self.get_serializer(case).data, status=code))

    @extend_schema(request=CaseTransitionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the case to `status`; refused with 409 (412 with If-Match) when the case changed since the
        version given (the version read now, when none is given)."""
        case = self.get_object()
        body = CaseTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expected = if_match_version(request)
        if expected is None:
            expected = body.validated_data.get("version", case.version)
        with transaction.atomic():
            case = services.case_transition(case=case, acting_user=request.user, status=body.validated_data["status"],
                                            note=body.validated_data.get("note", ""),
                                            forwarded_to=body.validated_data.get("forwarded_to"),
                                            expected_version=expected)
        return self._tagged(Response(CaseSerializer(case, context=self.get_serializer_context()).data))


# --- appointments and door-to-door visits; shifts and who is on duty (三(二)3) ----------------------------

class StationWorkerField(serializers.PrimaryKeyRelatedField):
    """A login by id; whether it is one of the station's workers the service decides (services._station_worker_check),
    so an id that is not a station worker answers like one of another station."""

    default_error_messages = {"does_not_exist": gettext_lazy("只能安排本服务站的工作人员。")}

    def get_queryset(self):
        return get_user_model()._default_manager.filter(is_active=True)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not (data.isascii() and data.strip().isdigit())):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    def to_representation(self, value):
        return value.pk


class _TaggedCreate:
    """A created record answers with its ETag, so the next edit can send If-Match without reading it again."""

    def create(self, request, *args, **kwargs):
        return self._tagged(super().create(request, *args, **kwargs))


class AppointmentSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    worker = StationWorkerField(help_text="本服务站工作人员的用户 id")
    worker_name = serializers.SerializerMethodField(help_text="工作人员姓名")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    slot_label = serializers.CharField(source="get_slot_display", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "version", "station", "case", "kind", "kind_label", "date", "slot", "slot_label", "worker",
                  "worker_name", "applicant_name", "address"]

    def get_worker_name(self, appointment) -> str:
        return appointment.worker.get_full_name() or appointment.worker.get_username()


class AppointmentViewSet(_TaggedCreate, ServiceModelViewSet):
    """预约服务、上门办理 (三(二)3): a date, a slot and a worker of the station. A station worker books at their
    station; the street's staff read their street's. A door-to-door visit needs an address."""

    serializer_class = AppointmentSerializer
    selector = appointments_for_user
    create_service = services.appointment_create
    update_service = services.appointment_update
    instance_kwarg = "appointment"
    filterset_fields = ["station", "kind", "date", "slot", "worker"]


class ShiftSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    worker = StationWorkerField(help_text="本服务站工作人员的用户 id")
    worker_name = serializers.SerializerMethodField(help_text="值班人员姓名")

    class Meta:
        model = Shift
        fields = ["id", "version", "station", "worker", "worker_name", "date", "start", "end", "is_weekend_rota"]

    def get_worker_name(self, shift) -> str:
        return shift.worker.get_full_name() or shift.worker.get_username()


class ShiftViewSet(_TaggedCreate, ServiceModelViewSet):
    """错时工作、周末倒班 (三(二)3): the street arranges its stations' shifts; `on-duty/` says who is on duty now."""

    serializer_class = ShiftSerializer
    selector = shifts_for_user
    create_service = services.shift_create
    update_service = services.shift_update
    instance_kwarg = "shift"
    filterset_fields = ["station", "date", "worker", "is_weekend_rota"]

    @extend_schema(responses=ShiftSerializer(many=True), parameters=[
        OpenApiParameter("station", int, description="只看该服务站（默认：管辖范围内所有服务站）")])
    @action(detail=False, methods=["get"], url_path="on-duty", pagination_class=None)
    def on_duty(self, request):
        """Who is on duty now: the shifts covering this moment, at the stations in the caller's scope."""
        shifts = self.filter_queryset(on_duty(user=request.user).order_by("station", "start", "pk"))
        return Response(ShiftSerializer(shifts, many=True, context=self.get_serializer_context()).data)

"""/api/v1/admission-lists/, task-assignments/, honours-consultations/ (二(一), 二(四)2, 三(五))."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from admissions import services
from admissions.models import AdmissionItem, AdmissionList, HonoursConsultation, HonoursOpinion, TaskAssignment
from admissions.selectors import admission_lists_for_user, departments_filing_for_user, honours_for_user, tasks_for_user
from governance.api import ChoiceLabelField, LeanReadMixin, ScopedFieldsMixin, ServiceModelViewSet, if_match_version
from governance.models import Department
from governance.scope import scope_for


class AdmissionItemSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = AdmissionItem
        fields = ["id", "version", "number", "name", "department", "department_name", "basis", "staff", "funds", "note"]
        read_only_fields = fields


class AdmissionListSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    items = AdmissionItemSerializer(many=True, read_only=True)
    confirmed = serializers.SerializerMethodField()

    class Meta:
        model = AdmissionList
        fields = ["id", "version", "level", "level_label", "title", "effective_from", "document", "is_default",
                  "confirmed", "confirmed_at", "items"]
        read_only_fields = fields

    def get_confirmed(self, obj) -> bool:
        return obj.confirmed_at is not None


class AdmissionListViewSet(viewsets.ReadOnlyModelViewSet):
    """准入清单: the street administrative-affairs list (二(一)) and the community work-affairs list (三(五),
    附件3), each version with its items. `?level=street|community`. Items are edited in the admin (audited)."""

    serializer_class = AdmissionListSerializer
    filterset_fields = ["level"]
    change_actions = ("confirm",)

    def get_queryset(self):
        return admission_lists_for_user(user=self.request.user)

    @extend_schema(request=None, responses=AdmissionListSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The district administrator confirms a list (a shipped default stays marked until then)."""
        admission_list = self.get_object()
        with transaction.atomic():
            admission_list = services.admission_list_confirm(admission_list=admission_list, acting_user=request.user,
                                                             expected_version=if_match_version(request))
        return Response(AdmissionListSerializer(admission_list, context=self.get_serializer_context()).data)


class TaskAssignmentSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    department_name = serializers.CharField(source="department.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    status_label = ChoiceLabelField("status")
    admission_item_name = serializers.CharField(source="admission_item.name", read_only=True, default=None)

    class Meta:
        model = TaskAssignment
        fields = ["id", "version", "title", "kind", "department", "department_name", "target_street",
                  "target_community", "target_name", "deadline", "description", "admission_item",
                  "admission_item_name", "status", "status_label", "approval_document", "transferred_powers",
                  "transferred_staff", "transferred_funds", "higher_level_reference", "rule", "clause", "filed_at"]
        read_only_fields = ["status", "rule", "clause", "filed_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "department" in fields:
            # A department user files for their own department only: another id answers like an unknown one.
            fields["department"].queryset = departments_filing_for_user(user=request.user)
        return fields


class TaskAssignmentViewSet(ServiceModelViewSet):
    """下沉工作事项. A department files a task for one street or community; on the admission list in force it is
    accepted, outside it refused with a 400 naming 二(一) or 三(五) (`rule`, `clause`), unless a 编委会 document
    approved it with the powers, staff and funds transferred. Each street and community sees what reached it."""

    serializer_class = TaskAssignmentSerializer
    selector = tasks_for_user
    create_service = services.task_file
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["department", "target_street", "target_community", "status", "kind"]
    search_fields = ["title"]

    def perform_create(self, serializer):
        # Not in one transaction with the refusal: task_file records a refusal after the refused write rolled back.
        serializer.instance = services.task_file(acting_user=self.request.user, **serializer.validated_data)
        self._stays_in_scope(serializer.instance)


class HonoursOpinionSerializer(LeanReadMixin, serializers.ModelSerializer):
    class Meta:
        model = HonoursOpinion
        fields = ["id", "street", "community", "opinion", "recommends_veto", "recorded_at"]
        read_only_fields = fields


class HonoursConsultationSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    opinions = HonoursOpinionSerializer(many=True, read_only=True)
    vetoes = serializers.SerializerMethodField()

    class Meta:
        model = HonoursConsultation
        fields = ["id", "version", "department", "title", "candidates", "street", "community", "opened_on",
                  "decision_date", "opinions", "vetoes"]
        read_only_fields = ["opened_on"]

    def get_vetoes(self, obj) -> int:
        return sum(1 for o in obj.opinions.all() if o.recommends_veto)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["department"].queryset = departments_filing_for_user(user=request.user)
        return fields


class HonoursOpinionCreateSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """The street speaks without `community`; a community names itself (only its own is a valid choice)."""

    class Meta:
        model = HonoursOpinion
        fields = ["community", "opinion", "recommends_veto"]


class CanRecordOpinion(BasePermission):
    """A street or community records its opinion on a consultation it can see (the scoped queryset)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm("admissions.add_honoursopinion"))


class HonoursConsultationViewSet(ServiceModelViewSet):
    """评选表彰征求意见 (二(四)2): opened to the street and community at least 10 working days before the
    decision; they record opinions, a veto recommendation included (`POST .../{id}/opinions/`)."""

    serializer_class = HonoursConsultationSerializer
    selector = honours_for_user
    create_service = services.honours_consultation_open
    update_service = services.honours_consultation_update
    instance_kwarg = "consultation"
    filterset_fields = ["department", "street", "community"]

    def get_permissions(self):
        if self.action == "opinions":
            return [CanRecordOpinion()]
        return super().get_permissions()

    @extend_schema(request=HonoursOpinionCreateSerializer, responses=HonoursOpinionSerializer)
    @action(detail=True, methods=["post"])
    def opinions(self, request, pk=None):
        consultation = self.get_object()
        body = HonoursOpinionCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        community = body.validated_data.get("community")
        scope = scope_for(request.user)
        if community is None and not (scope.district_wide or consultation.street_id in scope.street_ids):
            raise serializers.ValidationError({"community": [_("请选择提出意见的社区。")]})
        with transaction.atomic():
            opinion = services.honours_opinion_record(acting_user=request.user, consultation=consultation,
                                                      street=consultation.street, **body.validated_data)
        return Response(HonoursOpinionSerializer(opinion).data, status=201)

"""/api/v1/meetings/, meeting-decisions/, four-lists/, co-building-agreements/ and meetings/compliance/."""

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from governance.api import ChoiceLabelField, LeanReadMixin, ScopedFieldsMixin, ServiceModelViewSet
from governance.rules import RuleBook
from meetings import services
from meetings.models import CoBuildingAgreement, JointCommitteeList, Meeting, MeetingDecision
from meetings.selectors import (
    agreements_for_user,
    four_lists_for_user,
    meeting_compliance_units,
    meeting_decisions_for_user,
    meetings_for_user,
)


class MeetingDecisionSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")

    class Meta:
        model = MeetingDecision
        fields = ["id", "version", "meeting", "text", "responsible", "due_date", "status", "status_label",
                  "completed_on", "outcome"]


class DecisionInlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingDecision
        fields = ["id", "text", "responsible", "due_date", "status", "completed_on", "outcome"]
        read_only_fields = ["id", "status", "completed_on", "outcome"]


class MeetingSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    decisions = DecisionInlineSerializer(many=True, required=False)

    class Meta:
        model = Meeting
        fields = ["id", "version", "kind", "kind_label", "street", "community", "held_on", "attendees", "agenda",
                  "minutes", "secretary_reported", "station_head_reported", "rc_director_reported", "assessment",
                  "decisions"]
        extra_kwargs = {"street": {"required": False}}

    def validate(self, attrs):
        if self.instance is not None and "decisions" in attrs:
            raise serializers.ValidationError({"decisions": ["决定事项请通过 meeting-decisions 逐项维护。"]})
        return attrs


class MeetingViewSet(ServiceModelViewSet):
    """会议: the big working committee (二(四)1), the joint party committee (三(一)3), the residents'
    deliberation (三(三)1) and the representatives' meeting with its three reports and assessment (三(三)2).
    A community meeting names its community (its street follows); decisions come with it."""

    serializer_class = MeetingSerializer
    selector = meetings_for_user
    create_service = services.meeting_record
    update_service = services.meeting_update
    instance_kwarg = "meeting"
    filterset_fields = ["kind", "street", "community"]
    ordering_fields = ["held_on"]


class MeetingDecisionViewSet(ServiceModelViewSet):
    """会议决定, followed to completion: `PATCH {"status": "done"}` marks one done (today unless `completed_on`)."""

    serializer_class = MeetingDecisionSerializer
    selector = meeting_decisions_for_user
    create_service = services.meeting_decision_add
    update_service = services.meeting_decision_update
    instance_kwarg = "decision"
    filterset_fields = ["meeting", "status"]


class FourListSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = JointCommitteeList
        fields = ["id", "version", "community", "year", "kind", "kind_label", "content", "agreed_on"]


class FourListViewSet(ServiceModelViewSet):
    """联合党委四项清单 (需求/资源/项目/责任清单), agreed at the start of each year (三(一)3)."""

    serializer_class = FourListSerializer
    selector = four_lists_for_user
    create_service = services.four_list_create
    update_service = services.four_list_update
    instance_kwarg = "four_list"
    filterset_fields = ["community", "year", "kind"]


class AgreementSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    stationed_unit_name = serializers.CharField(source="stationed_unit.name", read_only=True)

    class Meta:
        model = CoBuildingAgreement
        fields = ["id", "version", "street", "community", "stationed_unit", "stationed_unit_name", "signed_on",
                  "valid_until", "content"]


class AgreementViewSet(ServiceModelViewSet):
    """共驻共建协议 with stationed units (二(四)1)."""

    serializer_class = AgreementSerializer
    selector = agreements_for_user
    create_service = services.agreement_create
    update_service = services.agreement_update
    instance_kwarg = "agreement"
    filterset_fields = ["street", "community", "stationed_unit"]


class RequirementSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    rule = serializers.CharField(source="rule.key")
    clause = serializers.CharField(source="rule.clause")
    period = serializers.CharField(help_text="year, quarter or month")
    period_start = serializers.DateField(source="start")
    period_end = serializers.DateField(source="end")
    held = serializers.IntegerField()
    required = serializers.IntegerField()
    missing = serializers.BooleanField(help_text="fewer held than required so far in the current period")
    previous_period_start = serializers.DateField(source="previous_start")
    previous_period_end = serializers.DateField(source="previous_end")
    previous_held = serializers.IntegerField()
    overdue = serializers.BooleanField(help_text="the previous period ended with fewer held than required")


class ComplianceRowSerializer(serializers.Serializer):
    street = serializers.IntegerField(source="street.pk")
    street_name = serializers.CharField(source="street.name")
    community = serializers.IntegerField(source="community.pk", allow_null=True, default=None)
    community_name = serializers.CharField(source="community.name", allow_null=True, default=None)
    last_representatives_meeting = serializers.DateField(source="last_representatives", allow_null=True)
    requirements = RequirementSerializer(many=True)


class RequirementTotalSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    missing = serializers.IntegerField(help_text="units in scope short of this meeting in the current period")
    overdue = serializers.IntegerField(help_text="units in scope whose previous period ended short of it")


class ComplianceTotalsSerializer(serializers.Serializer):
    units = serializers.IntegerField(help_text="streets and communities in scope")
    with_gaps = serializers.IntegerField(help_text="of them, those with a meeting missing or overdue")
    requirements = RequirementTotalSerializer(many=True)


class CompliancePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    totals = ComplianceTotalsSerializer(help_text="over every unit in scope, not only this page")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ComplianceRowSerializer(many=True)


class ComplianceQuerySerializer(serializers.Serializer):
    gaps = serializers.BooleanField(required=False, help_text="1：只列有缺项的单位")
    page = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)


class ComplianceView(APIView):
    """For each street and community in the caller's scope, the required meetings held in the current period
    (year for the big working committee, quarter for the joint party committee, month for the residents'
    deliberation), whether one is missing, and whether the previous period ended short (overdue).
    `?gaps=1` lists only units with something missing; 50 units a page (streets first, then communities by
    street and code), with `totals` over every unit in scope (how many miss or are overdue on each meeting)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ComplianceQuerySerializer],
                   responses=CompliancePageSerializer)
    def get(self, request):
        if not request.user.has_perm("meetings.view_meeting"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied()
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)  # a value that is not a boolean or a page number is a 400
        units = meeting_compliance_units(user=request.user, rules=RuleBook(),
                                         gaps=bool(query.validated_data.get("gaps")))
        paginator = Paginator(units, 50)
        number = query.validated_data.get("page", 1)
        if number > max(paginator.num_pages, 1):
            raise NotFound(_("页码超出范围。"))
        page = paginator.get_page(number)
        url = request.build_absolute_uri()
        return Response({"count": page.paginator.count,
                         "totals": {**units.totals, "requirements": list(units.requirements.values())},
                         "next": replace_query_param(url, "page", page.next_page_number()) if page.has_next() else None,
                         "previous": (replace_query_param(url, "page", page.previous_page_number())
                                      if page.has_previous() else None),
                         "results": ComplianceRowSerializer(page.object_list, many=True).data})

"""The assessments API: `assessment-schemes`, `assessment-cycles` (with `totals`, `progress`, `publish`),
`scores` (a rater's score sheets: entry, submission; review by the organisation department) and
`stationed-units/{id}/party-building-weight/`. Thin: shapes in, one service, shapes out."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from assessments import checks, services
from assessments.models import (
    AssessmentCycle,
    AssessmentScheme,
    Criterion,
    SchemeComponent,
    ScoreSheet,
)
from assessments.score_selectors import (
    REVIEW,
    assessments_for_user,
    cycle_progress,
    cycle_totals,
    cycles_for_user,
    is_late,
    rater_sheets_for_user,
    schemes_for_user,
    sheets_for_user,
)
from governance.api import ScopedFieldsMixin, ScopedObjectMixin, ServiceModelViewSet, if_match_version
from governance.permissions import ScopedModelPermissions
from governance.rules import RuleBook
from governance.scope import scope_for
from governance.selectors import stationed_units_for_user


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "max_score", "order"]
        read_only_fields = ["id"]


class ComponentSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, required=False)

    class Meta:
        model = SchemeComponent
        fields = ["id", "rater_kind", "weight", "department", "criteria"]
        extra_kwargs = {"department": {"help_text": "职能部门评分主体的评分部门；留空则按派驻人员的原单位确定。"}}
        read_only_fields = ["id"]
        validators = []  # (scheme, rater_kind) is checked by the service, with its message

    def validate_weight(self, value):
        if not 1 <= value <= 100:
            raise serializers.ValidationError(_("权重须在1至100之间。"))
        return value


class SchemeSerializer(serializers.ModelSerializer):
    components = ComponentSerializer(many=True)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "version", "name", "subject_kind", "period", "is_active", "note", "components"]
        read_only_fields = ["id", "version"]


class SchemeViewSet(ServiceModelViewSet):
    """考核方案. Components' weights sum to 100; the floors of 五(三) are refused with the clause."""

    serializer_class = SchemeSerializer
    selector = schemes_for_user
    create_service = services.scheme_create
    update_service = services.scheme_update
    instance_kwarg = "scheme"
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["subject_kind", "period", "is_active"]


class CycleSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    deadline = serializers.DateField(required=False, help_text="默认：驻区单位为当年12月20日（二(四)2），其他为期末。")

    class Meta:
        model = AssessmentCycle
        fields = ["id", "version", "scheme", "year", "part", "label", "street", "community", "deadline", "status",
                  "excellent_share", "community_tilt", "excellent_threshold", "published_at"]
        read_only_fields = ["id", "version", "status", "published_at"]
        validators = []

    def validate_year(self, value):
        if not 2018 <= value <= 2100:
            raise serializers.ValidationError(_("年度须在2018至2100之间。"))
        return value


class PartSerializer(serializers.Serializer):
    rater_kind = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    sheets = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class TotalSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment_id")
    subject_name = serializers.CharField()
    street = serializers.CharField()
    community = serializers.CharField()
    rank = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    full_weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    complete = serializers.BooleanField()
    excellent = serializers.BooleanField()
    formula = serializers.CharField()
    parts = PartSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    street_id = serializers.IntegerField()
    street = serializers.CharField()
    sheets = serializers.IntegerField()
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    approved = serializers.IntegerField()
    late = serializers.IntegerField()
    done_percent = serializers.IntegerField()


def require_review(request) -> None:
    if not request.user.has_perm(REVIEW):
        raise exceptions.PermissionDenied(_("仅区委组织部可审核考核结果。"))


class CycleViewSet(ServiceModelViewSet):
    """考核周期: opening one creates a sheet for every subject in scope and every rater. The organisation
    department opens district-wide cycles; a street's staff cycles of their street (`street`), a
    community's staff cycles of their community (`community`); anything else answers 403."""

    serializer_class = CycleSerializer
    selector = cycles_for_user
    create_service = services.cycle_open
    update_service = services.cycle_update
    instance_kwarg = "cycle"
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["scheme", "year", "status", "street", "community"]
    change_actions = ("publish",)

    @extend_schema(responses=TotalSerializer(many=True), summary="加权总分与排名（含计算过程）")
    @action(detail=True, methods=["get"])
    def totals(self, request, pk=None):
        """Each subject's weighted total, with its rater parts and weights; a street or community sees its
        own subjects, ranked among the whole cycle."""
        cycle = self.get_object()
        ranked = cycle_totals(cycle=cycle)
        if not scope_for(request.user).district_wide:
            mine = set(assessments_for_user(user=request.user).filter(cycle=cycle).values_list("pk", flat=True))
            ranked = [t for t in ranked if t.assessment_id in mine]
        page = self.paginate_queryset(ranked)
        return self.get_paginated_response(TotalSerializer(page, many=True).data)

    @extend_schema(responses=ProgressSerializer(many=True), summary="各街道评分进度")
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        require_review(request)
        return Response(ProgressSerializer(cycle_progress(cycle=self.get_object()), many=True).data)

    @extend_schema(request=None, responses=CycleSerializer, summary="公布考核结果")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        require_review(request)
        cycle = self.get_object()
        with transaction.atomic():
            cycle = services.cycle_publish(cycle=cycle, acting_user=request.user,
                                           expected_version=if_match_version(request))
        return self._tagged(Response(CycleSerializer(cycle, context=self.get_serializer_context()).data))


class SheetSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="assessment.subject_name", read_only=True)
    rater = serializers.CharField(source="rater_name", read_only=True)
    criteria = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2), write_only=True,
                                   required=False, help_text="考核指标id → 得分")

    class Meta:
        model = ScoreSheet
        fields = ["id", "version", "cycle", "assessment", "subject_name", "rater_kind", "rater", "weight", "status",
                  "raw_score", "max_score", "submitted_at", "review_comment", "reviewed_at", "late", "criteria",
                  "scores"]
        read_only_fields = [f for f in fields if f != "scores"]

    def get_criteria(self, sheet) -> list[dict]:
        entered = {s.criterion_id: s.value for s in sheet.scores.all()}
        return [{"id": c.pk, "name": c.name, "max_score": c.max_score,
                 "value": str(entered[c.pk]) if c.pk in entered else None} for c in sheet.component.criteria.all()]

    def get_late(self, sheet) -> bool:
        return is_late(sheet)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _sheet_update(*, sheet, acting_user, expected_version=None, scores=None):
    return services.sheet_save(sheet=sheet, acting_user=acting_user, scores=scores or {},
                               expected_version=expected_version)


class SheetViewSet(ServiceModelViewSet):
    """评分 (scores): a rater's sheets. PATCH `scores` saves a draft; `submit` submits; the organisation
    department `return`s with comments or `approve`s. A stale version answers 409/412."""

    serializer_class = SheetSerializer
    update_service = _sheet_update
    instance_kwarg = "sheet"
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["cycle", "status", "rater_kind", "street"]
    http_method_names = ["get", "patch", "post", "head", "options"]
    change_actions = ("submit", "return_sheet", "approve")

    def get_queryset(self):
        if self.action in ("partial_update", "update", "submit"):
            return rater_sheets_for_user(user=self.request.user)
        return sheets_for_user(user=self.request.user).prefetch_related("component__criteria", "scores")

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST", detail=_("评分表由考核周期生成，不能直接新建。"))

    def _done(self, sheet):
        sheet = self.get_queryset().get(pk=sheet.pk)
        return self._tagged(Response(SheetSerializer(sheet, context=self.get_serializer_context()).data))

    @extend_schema(request=None, responses=SheetSerializer, summary="提交评分")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        sheet = self.get_object()
        with transaction.atomic():
            sheet = services.sheet_submit(sheet=sheet, acting_user=request.user,
                                          expected_version=if_match_version(request))
        return self._done(sheet)

    @extend_schema(request=CommentSerializer, responses=SheetSerializer, summary="退回（须填写审核意见）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_sheet(self, request, pk=None):
        require_review(request)
        sheet = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            sheet = services.sheet_return(sheet=sheet, acting_user=request.user,
                                          comment=body.validated_data.get("comment", ""),
                                          expected_version=if_match_version(request))
        return self._done(sheet)

    @extend_schema(request=CommentSerializer, responses=SheetSerializer, summary="审核通过")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        require_review(request)
        sheet = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            sheet = services.sheet_approve(sheet=sheet, acting_user=request.user,
                                           comment=body.validated_data.get("comment", ""),
                                           expected_version=if_match_version(request))
        return self._done(sheet)


class PartyBuildingWeightSerializer(serializers.Serializer):
    stationed_unit = serializers.IntegerField()
    level = serializers.CharField()
    total = serializers.IntegerField()
    street = serializers.IntegerField()
    community = serializers.IntegerField()
    rule = serializers.CharField()
    clause = serializers.CharField()
    effective_from = serializers.DateField()


class PartyBuildingWeightView(ScopedObjectMixin, GenericAPIView):
    """二(四)2: a stationed unit's party-building score weight in percent, split between street and community."""

    permission_classes = [ScopedModelPermissions]
    serializer_class = PartyBuildingWeightSerializer

    def get_queryset(self):
        return stationed_units_for_user(user=self.request.user)

    @extend_schema(responses=PartyBuildingWeightSerializer, summary="驻区单位党建考核赋分权重（二(四)2）")
    def get(self, request, pk=None):
        unit = self.get_object()
        weight = checks.party_building_weight(unit.level, RuleBook())
        rule = weight["rule"]
        return Response(PartyBuildingWeightSerializer({
            "stationed_unit": unit.pk, "level": unit.level, "total": weight["total"], "street": weight["street"],
            "community": weight["community"], "rule": rule.key, "clause": rule.clause,
            "effective_from": rule.effective_from}).data)


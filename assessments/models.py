"""Assessments (考核): schemes, cycles, the subjects of a cycle, each rater's score sheet and its scores.

- A scheme (考核方案) says who is assessed, how often, and which kind of rater gives which part of the
  total (components, weights in percent summing to 100), with the criteria each rater scores. The
  floors of 五(三) are rule checks (assessments/checks.py) run by the scheme service.
- A cycle (考核周期) opens a scheme for one year, half or quarter: one `Assessment` per subject in scope
  and one `ScoreSheet` per subject and rater. A sheet is saved as a draft, submitted, and changed after
  submission only once the organisation department returns it (二(四)2: 审核、反馈).
- Stationed units' party-building scores (二(四)2) are a scheme whose sheets carry the weight the rule
  gives the unit's level (自治区级 street 4% + community 6%; 市、区级 8% + 12%).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class SubjectKind(models.TextChoices):
    STATIONED_UNIT = "stationed_unit", "驻区单位"
    AGENCY_HEAD = "agency_head", "职能部门派驻街道机构负责人"
    STREET_STAFF = "street_staff", "街道工作人员"
    COMMUNITY_WORKER = "community_worker", "社区工作者"
    GRID_WORKER = "grid_worker", "专职网格员"
    STATION_STAFF = "station_staff", "社区服务站工作人员"


class RaterKind(models.TextChoices):
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"
    COMMUNITY_PARTY_ORGANIZATION = "community_party_organization", "社区党委（党总支）"
    RESIDENTS_COMMITTEE = "residents_committee", "社区居委会"
    DEPARTMENT = "department", "职能部门"
    ORG_DEPARTMENT = "org_department", "区委组织部"


# Rater kinds whose sheets a community's staff fill; the street's staff fill `street`; the district's
# reviewers (organisation department) fill `department` and `org_department`.
COMMUNITY_RATERS = frozenset({RaterKind.COMMUNITY, RaterKind.COMMUNITY_PARTY_ORGANIZATION,
                              RaterKind.RESIDENTS_COMMITTEE})
DISTRICT_RATERS = frozenset({RaterKind.DEPARTMENT, RaterKind.ORG_DEPARTMENT})


# Subjects who sit at community level: a community may open their cycle (三(四)3: grid workers by the
# community each quarter) and the excellent share tilts toward them (五(三)).
COMMUNITY_LEVEL_SUBJECTS = frozenset({SubjectKind.COMMUNITY_WORKER, SubjectKind.GRID_WORKER, SubjectKind.STATION_STAFF})


class Period(models.TextChoices):
    ANNUAL = "annual", "年度"
    HALF_YEARLY = "half_yearly", "半年"
    QUARTERLY = "quarterly", "季度"


PARTS_PER_YEAR = {Period.ANNUAL: 1, Period.HALF_YEARLY: 2, Period.QUARTERLY: 4}
# community.worker_review_months (三(四)3) gives months; the period that many months make.
PERIOD_OF_MONTHS = {12: Period.ANNUAL, 6: Period.HALF_YEARLY, 3: Period.QUARTERLY}


def period_label(period: str, year: int, part: int) -> str:
    """A cycle's period in words: 2024年度, 2024年上半年, 2024年第3季度."""
    if period == Period.ANNUAL:
        return f"{year}年度"
    if period == Period.HALF_YEARLY:
        return f"{year}年{'上' if part == 1 else '下'}半年"
    return f"{year}年第{part}季度"


class AssessmentScheme(Versioned):
    name = models.CharField("名称", max_length=100, unique=True)
    subject_kind = models.CharField("考核对象", max_length=20, choices=SubjectKind.choices)
    period = models.CharField("考核周期", max_length=12, choices=Period.choices)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["subject_kind", "name"]

    def __str__(self):
        return self.name


class SchemeComponent(models.Model):
    """One rater's part of a scheme: who scores (`rater_kind`) and the weight of their part, in percent."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="components", verbose_name="考核方案")
    rater_kind = models.CharField("评分主体", max_length=30, choices=RaterKind.choices)
    weight = models.PositiveSmallIntegerField("权重（%）")
    # The department that fills a `department` part (e.g. 公安分局 for police-station heads); left empty,
    # each agency head's department is read from their post's "原单位及职务" when a cycle opens.
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="评分部门")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评分主体及权重"
        verbose_name_plural = "评分主体及权重"
        ordering = ["scheme", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "rater_kind"], name="scheme_component_unique_rater"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="scheme_component_weight_1_100",
                                   violation_error_message="权重须在1至100之间。"),
            models.CheckConstraint(condition=Q(department__isnull=True) | Q(rater_kind="department"),
                                   name="scheme_component_department_only_for_department"),
        ]

    def __str__(self):
        return f"{self.get_rater_kind_display()} {self.weight}%"


class Criterion(models.Model):
    """A criterion one rater scores, out of `max_score` points."""

    component = models.ForeignKey(SchemeComponent, on_delete=models.CASCADE, related_name="criteria", verbose_name="评分主体")
    name = models.CharField("考核内容", max_length=200)
    max_score = models.PositiveSmallIntegerField("满分", default=100)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["component", "order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_score_positive",
                                              violation_error_message="满分须大于0。")]

    def __str__(self):
        return self.name


class AssessmentCycle(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "评分中"
        PUBLISHED = "published", "已公布"

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="cycles", verbose_name="考核方案")
    year = models.PositiveSmallIntegerField("年度")
    part = models.PositiveSmallIntegerField("期次", default=1, help_text="年度为1；半年为1-2；季度为1-4。")
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="范围（街道）", help_text="留空为全区。")
    # A community's own cycle (e.g. its grid workers each quarter, 三(四)3): `street` is then its street.
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="范围（社区）", help_text="留空为街道或全区。")
    deadline = models.DateField("报送截止日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    excellent_share = models.PositiveSmallIntegerField(
        "优秀比例上限（%）", null=True, blank=True, help_text="留空不设上限；考核优秀指标适度向社区倾斜（五(三)）。")
    community_tilt = models.PositiveSmallIntegerField(
        "向社区倾斜（百分点）", default=0, help_text="社区一级考核对象的优秀比例上限在此基础上增加的百分点（五(三)）。")
    excellent_threshold = models.PositiveSmallIntegerField("优秀最低得分（百分制）", default=90)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核周期"
        verbose_name_plural = "考核周期"
        ordering = ["-year", "-part", "scheme__name"]
        permissions = [("review_assessmentcycle", "可审核、退回、公布考核结果")]
        constraints = [
            # One cycle per scheme and period, district-wide or per street (partial: SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(fields=["scheme", "year", "part"], condition=Q(street__isnull=True),
                                    name="cycle_unique_period_district"),
            models.UniqueConstraint(fields=["scheme", "year", "part", "street"],
                                    condition=Q(street__isnull=False, community__isnull=True),
                                    name="cycle_unique_period_street"),
            models.UniqueConstraint(fields=["scheme", "year", "part", "community"], condition=Q(community__isnull=False),
                                    name="cycle_unique_period_community"),
            models.CheckConstraint(condition=Q(community__isnull=True) | Q(street__isnull=False),
                                   name="cycle_community_has_street"),
            models.CheckConstraint(condition=Q(part__gte=1) & Q(part__lte=4), name="cycle_part_1_4",
                                   violation_error_message="期次须在1至4之间。"),
            models.CheckConstraint(condition=Q(excellent_share__isnull=True) | Q(excellent_share__lte=100),
                                   name="cycle_excellent_share_le_100", violation_error_message="优秀比例不能超过100%%。"),
        ]

    def __str__(self):
        return f"{self.scheme} · {self.label}"

    @property
    def label(self) -> str:
        return period_label(self.scheme.period, self.year, self.part)


class Assessment(models.Model):
    """One subject in one cycle: a stationed unit or a person, with the street and community it belongs to
    (the subject's side of scope: a street sees how its people and units were scored)."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="assessments", verbose_name="考核周期")
    stationed_unit = models.ForeignKey("governance.StationedUnit", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="assessments", verbose_name="驻区单位")
    person = models.ForeignKey("governance.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="assessments", verbose_name="人员")
    subject_name = models.CharField("考核对象", max_length=100)
    unit_level = models.CharField("单位层级", max_length=10, blank=True)
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="+", verbose_name="所属街道")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="所属社区")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核对象"
        verbose_name_plural = "考核对象"
        ordering = ["cycle", "street_id", "community_id", "subject_name", "pk"]
        indexes = [models.Index(fields=["cycle", "street"]), models.Index(fields=["cycle", "community"])]
        constraints = [
            models.CheckConstraint(condition=Q(stationed_unit__isnull=True) ^ Q(person__isnull=True),
                                   name="assessment_one_subject"),
            models.UniqueConstraint(fields=["cycle", "stationed_unit"], name="assessment_unique_unit",
                                    condition=Q(stationed_unit__isnull=False)),
            models.UniqueConstraint(fields=["cycle", "person"], name="assessment_unique_person",
                                    condition=Q(person__isnull=False)),
        ]

    def __str__(self):
        return self.subject_name


class ScoreSheet(Versioned):
    """One rater's scores of one subject in a cycle. Draft → submitted → approved; a returned sheet is
    edited and submitted again. `weight` is the rater's part of the total in percent, fixed when the
    cycle opened (the component's weight; for a stationed unit, the rule's split by its level)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待评分"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sheets", verbose_name="考核对象")
    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="sheets", verbose_name="考核周期")
    component = models.ForeignKey(SchemeComponent, on_delete=models.PROTECT, related_name="sheets", verbose_name="评分主体")
    rater_kind = models.CharField("评分主体", max_length=30, choices=RaterKind.choices)
    # The rater: a street (rater_street), a community (rater_community), a department (rater_department)
    # or the district's organisation department (all three empty).
    rater_street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="评分街道")
    rater_community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name="评分社区")
    rater_department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name="评分部门")
    # The street the sheet is counted under in the review's progress (the rater's, or the subject's).
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="+", verbose_name="街道")
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    raw_score = models.DecimalField("得分", max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.PositiveIntegerField("满分", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="提交人")
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reminded_on = models.DateField("最近提醒日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["cycle", "street_id", "assessment_id", "pk"]
        indexes = [
            models.Index(fields=["rater_street", "status"]),
            models.Index(fields=["rater_community", "status"]),
            models.Index(fields=["rater_department", "status"]),
            models.Index(fields=["cycle", "street", "status"]),
            models.Index(fields=["cycle", "status"]),
        ]
        constraints = [
            # One sheet per subject, part and rater: a street, a community, or the district.
            models.UniqueConstraint(fields=["assessment", "component", "rater_street"],
                                    condition=Q(rater_street__isnull=False), name="sheet_unique_street_rater"),
            models.UniqueConstraint(fields=["assessment", "component", "rater_community"],
                                    condition=Q(rater_community__isnull=False), name="sheet_unique_community_rater"),
            models.UniqueConstraint(fields=["assessment", "component"],
                                    condition=Q(rater_street__isnull=True, rater_community__isnull=True),
                                    name="sheet_unique_district_rater"),
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=100), name="sheet_weight_0_100"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"]) | (Q(raw_score__isnull=False) & Q(max_score__isnull=False)),
                name="sheet_submitted_has_score"),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.get_rater_kind_display()}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def rater_name(self) -> str:
        if self.rater_community_id:
            return self.rater_community.name
        if self.rater_street_id:
            return self.rater_street.name
        if self.rater_department_id:
            return self.rater_department.name
        return self.get_rater_kind_display()


class Score(models.Model):
    """The score of one criterion on one sheet; every change is kept (history)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name="评分表")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name="考核指标")
    value = models.DecimalField("得分", max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["sheet", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative",
                                   violation_error_message="得分不能为负数。"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class AssessmentReminder(models.Model):
    """That a rater's user was reminded of a cycle's missing sheets, once per cycle and kind (before the
    deadline, after it): its unique key makes the reminder job idempotent, and `notification` is the
    in-app notification it sent (the service stations' `Notification`, e-mailed when e-mail is set)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "即将截止"
        OVERDUE = "overdue", "已逾期"

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="reminders", verbose_name="考核周期")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name="接收人")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    sheets = models.PositiveIntegerField("未提交评分表数", default=0)
    notification = models.OneToOneField("service_stations.Notification", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="assessment_reminder", verbose_name="站内通知")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核评分提醒"
        verbose_name_plural = "考核评分提醒"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["cycle", "recipient", "kind"], name="assessment_reminder_once")]

    def __str__(self):
        return f"{self.cycle} · {self.get_kind_display()}"

"""Admission lists (准入清单), tasks pushed down to streets and communities, and honours consultations
(二(一), 二(四)2, 三(五))."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class Level(models.TextChoices):
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"


class AdmissionList(Versioned):
    """One version of a list: the street administrative-affairs list (二(一)) or the community work-affairs
    list (三(五), 附件3). The version in force on a date is the one with the latest `effective_from` on or
    before it; an older version stays for the tasks filed under it."""

    level = models.CharField("层级", max_length=10, choices=Level.choices)
    title = models.CharField("名称", max_length=100)
    effective_from = models.DateField("生效日期")
    document = models.CharField("发文文号", max_length=100, blank=True)
    is_default = models.BooleanField(
        "系统默认内容", default=False,
        help_text="附件未随文公布：系统预置的默认清单，须经区级管理员确认。",
    )
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="确认人")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "准入清单"
        verbose_name_plural = "准入清单"
        ordering = ["level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "effective_from"], name="admission_list_one_version_a_day"),
        ]

    def __str__(self):
        return f"{self.title}（{self.effective_from} 起）"


class AdmissionItem(Versioned):
    """One item of a list, with the department behind it, its basis and the resources that come with it."""

    admission_list = models.ForeignKey(AdmissionList, on_delete=models.CASCADE, related_name="items",
                                       verbose_name="准入清单")
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("事项名称", max_length=200)
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="admission_items",
                                   verbose_name="责任部门")
    basis = models.CharField("法律政策依据", max_length=300)
    staff = models.PositiveSmallIntegerField("随事转移人员（名）", default=0)
    funds = models.PositiveIntegerField("随事转移经费（元/年）", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "准入事项"
        verbose_name_plural = "准入事项"
        ordering = ["admission_list", "number"]
        constraints = [
            models.UniqueConstraint(fields=["admission_list", "number"], name="admission_item_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class TaskKind(models.TextChoices):
    TASK = "task", "工作事项"
    OFFICE = "office", "设立工作机构"
    PLAQUE = "plaque", "加挂牌子"
    EVALUATION = "evaluation", "考核评比"


class TaskAssignment(Versioned):
    """A task a department pushed down to one street or one community, accepted because it is on the list
    in force, or approved as an exception by a 编委会 document with what was transferred with it (二(一)).
    Refused requests are not tasks: they are kept as `TaskRefusal`."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "准入清单内事项"
        APPROVED_EXCEPTION = "approved_exception", "编委会批准下放"

    title = models.CharField("事项名称", max_length=200)
    kind = models.CharField("类型", max_length=12, choices=TaskKind.choices, default=TaskKind.TASK)
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="tasks_assigned",
                                   verbose_name="交办部门")
    target_street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="tasks_assigned", verbose_name="承接街道")
    target_community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="tasks_assigned", verbose_name="承接社区")
    # The street the task lands in: its target street, or its target community's (set by services.task_assign),
    # so that a street's scope is one indexed column, as a post carries its street (issue 14).
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="+", verbose_name="所在街道",
                               editable=False, db_index=False)  # indexed by task_street_newest_first
    deadline = models.DateField("完成期限")
    description = models.TextField("内容", blank=True)
    admission_item = models.ForeignKey(AdmissionItem, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="tasks", verbose_name="所属准入事项")
    status = models.CharField("准入结论", max_length=20, choices=Status.choices)
    approval_document = models.CharField("编委会批准文号", max_length=100, blank=True)
    transferred_powers = models.CharField("随事转移的权限", max_length=300, blank=True)
    transferred_staff = models.PositiveSmallIntegerField("随事转移人员（名）", null=True, blank=True)
    transferred_funds = models.PositiveIntegerField("随事转移经费（元）", null=True, blank=True)
    higher_level_reference = models.CharField(
        "上级保留依据", max_length=200, blank=True,
        help_text="考核评比须为中央、自治区或银川市同意保留的项目，填写其文件（三(五)）。",
    )
    rule = models.CharField("依据规则", max_length=80)
    clause = models.CharField("依据条款", max_length=30)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="填报人")
    filed_at = models.DateTimeField("填报时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "下沉工作事项"
        verbose_name_plural = "下沉工作事项"
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["-filed_at", "-id"], name="task_newest_first"),  # the district's list
            models.Index(fields=["target_street", "-filed_at"]),
            models.Index(fields=["street", "-filed_at", "-id"], name="task_street_newest_first"),  # a street's list
            models.Index(fields=["target_community", "-filed_at"]),
            models.Index(fields=["department", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_street__isnull=False) & Q(target_community__isnull=True))
                | (Q(target_street__isnull=True) & Q(target_community__isnull=False)),
                name="task_one_target", violation_error_message="请选择一个承接街道或一个承接社区。",
            ),
            models.CheckConstraint(condition=Q(target_street__isnull=True) | Q(street=models.F("target_street")),
                                   name="task_street_is_target", violation_error_message="街道须为承接街道。"),
            models.CheckConstraint(
                condition=Q(status="accepted", admission_item__isnull=False)
                | (Q(status="approved_exception") & ~Q(approval_document="")),
                name="task_has_basis", violation_error_message="事项须属于准入清单，或经编委会行文批准。",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def target(self):
        """The street or community the task was pushed to. A street's task lands in that street
        (`task_street_is_target`): its `street`, which the lists read with the task, names it."""
        if self.target_street_id is None:
            return self.target_community
        if self.target_street_id == self.street_id and not TaskAssignment.target_street.is_cached(self):
            return self.street
        return self.target_street


class TaskRefusal(models.Model):
    """A request refused because it was not admissible: kept so that the district sees per department what
    was refused, and on which clause. Never changed once written."""

    title = models.CharField("事项名称", max_length=200)
    kind = models.CharField("类型", max_length=12, choices=TaskKind.choices, default=TaskKind.TASK)
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="task_refusals",
                                   verbose_name="交办部门")
    target_street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="task_refusals", verbose_name="街道")
    target_community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="task_refusals", verbose_name="社区")
    rule = models.CharField("规则", max_length=80)
    clause = models.CharField("条款", max_length=30)
    message = models.TextField("拒绝理由")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="填报人")
    refused_at = models.DateTimeField("拒绝时间", auto_now_add=True)

    class Meta:
        verbose_name = "不予准入记录"
        verbose_name_plural = "不予准入记录"
        ordering = ["-refused_at", "-pk"]
        indexes = [models.Index(fields=["department"])]

    def __str__(self):
        return self.title


class HonoursConsultation(Versioned):
    """A department's honours evaluation in a street's area, opened to the street and its communities at
    least 10 working days before it is decided (二(四)2)."""

    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="honours",
                                   verbose_name="评选部门")
    title = models.CharField("评选表彰名称", max_length=200)
    candidates = models.TextField("拟评选对象")
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="honours",
                               verbose_name="征求意见街道")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="honours", verbose_name="征求意见社区")
    opened_on = models.DateField("征求意见日期")
    decision_date = models.DateField("研究评选日期")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="填报人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评选表彰征求意见"
        verbose_name_plural = "评选表彰征求意见"
        ordering = ["-opened_on", "-pk"]
        indexes = [  # behind the list's order, district-wide and a street's: the page's joins come after its limit
            models.Index(fields=["-opened_on", "-id"], name="honours_newest_first"),
            models.Index(fields=["street", "-opened_on", "-id"], name="honours_street_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(decision_date__gt=models.F("opened_on")),
                                   name="honours_decided_after_opening",
                                   violation_error_message="研究评选日期须晚于征求意见日期。"),
        ]

    def __str__(self):
        return self.title


class HonoursOpinion(models.Model):
    """A street's or community's opinion on a consultation; a veto recommendation (一票否决建议) is recorded."""

    consultation = models.ForeignKey(HonoursConsultation, on_delete=models.CASCADE, related_name="opinions",
                                     verbose_name="评选表彰")
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="+", verbose_name="街道")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="社区")
    opinion = models.TextField("意见")
    recommends_veto = models.BooleanField("建议一票否决", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="填报人")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评选表彰意见"
        verbose_name_plural = "评选表彰意见"
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return self.opinion[:30]

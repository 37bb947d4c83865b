"""Meetings the reform requires and what they decide (二(四)1, 三(一)3, 三(三)1, 三(三)2), the joint party
committee's four lists (三(一)3), co-building agreements with stationed units (二(四)1), and the reminders
sent before a period ends without its meeting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class MeetingKind(models.TextChoices):
    BIG_COMMITTEE = "big_committee", "街道“大工委”联席会议"
    JOINT_COMMITTEE = "joint_committee", "社区联合党委联商联席会议"
    DELIBERATION = "deliberation", "社区议事园"
    REPRESENTATIVES = "representatives", "社区居民代表会议（三报告一评议）"


# The unit each kind of meeting belongs to.
STREET_MEETINGS = frozenset({MeetingKind.BIG_COMMITTEE})
COMMUNITY_MEETINGS = frozenset({MeetingKind.JOINT_COMMITTEE, MeetingKind.DELIBERATION, MeetingKind.REPRESENTATIVES})


class Meeting(Versioned):
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="meetings", verbose_name="街道")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="meetings", verbose_name="社区")
    held_on = models.DateField("会议日期")
    attendees = models.TextField("参会人员")
    agenda = models.TextField("议题")
    minutes = models.TextField("会议纪要", blank=True)
    # 三(三)2 "三报告一评议一监督": the secretary, the station head and the residents' committee chair report
    # to the representatives' meeting, and the representatives assess their work.
    secretary_reported = models.BooleanField("社区党委书记报告工作", default=False)
    station_head_reported = models.BooleanField("服务站站长报告工作", default=False)
    rc_director_reported = models.BooleanField("居委会主任报告工作", default=False)
    assessment = models.TextField("居民代表评议结果", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="记录人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["street", "kind", "held_on"]),
            models.Index(fields=["community", "kind", "held_on"]),
            # the lists' order (newest first), district-wide and in a street's or a community's scope (issue 14)
            models.Index(fields=["-held_on", "-id"], name="meeting_list_order"),
            models.Index(fields=["street", "-held_on", "-id"], name="meeting_street_list_order"),
            models.Index(fields=["community", "-held_on", "-id"], name="meeting_community_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=sorted(STREET_MEETINGS)) & Q(community__isnull=True))
                | (Q(kind__in=sorted(COMMUNITY_MEETINGS)) & Q(community__isnull=False)),
                name="meeting_kind_matches_unit",
                violation_error_message="大工委联席会议属于街道；联合党委、议事园和居民代表会议属于社区。",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def unit(self):
        return self.community or self.street


class MeetingDecision(Versioned):
    """A decision of a meeting, followed until it is done."""

    class Status(models.TextChoices):
        OPEN = "open", "落实中"
        DONE = "done", "已完成"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name="会议")
    text = models.TextField("决定事项")
    responsible = models.CharField("责任人/单位", max_length=100)
    due_date = models.DateField("完成期限", null=True, blank=True)
    status = models.CharField("落实情况", max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    outcome = models.TextField("落实结果", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "会议决定"
        verbose_name_plural = "会议决定"
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_on__isnull=True) | Q(status="done", completed_on__isnull=False),
                name="decision_done_has_date", violation_error_message="已完成的决定须填写完成日期。",
            ),
        ]

    def __str__(self):
        return self.text[:40]


class FourListKind(models.TextChoices):
    NEEDS = "needs", "需求清单"
    RESOURCES = "resources", "资源清单"
    PROJECTS = "projects", "项目清单"
    RESPONSIBILITIES = "responsibilities", "责任清单"


class JointCommitteeList(Versioned):
    """One of the joint party committee's four lists, agreed at the start of each year (三(一)3)."""

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="four_lists",
                                  verbose_name="社区")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("清单", max_length=20, choices=FourListKind.choices)
    content = models.TextField("内容")
    agreed_on = models.DateField("协商确定日期")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "联合党委四项清单"
        verbose_name_plural = "联合党委四项清单"
        ordering = ["community", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "kind"], name="four_lists_one_per_year"),
        ]

    def __str__(self):
        return f"{self.community} {self.year} {self.get_kind_display()}"


class CoBuildingAgreement(Versioned):
    """共驻共建协议 between a street (or one of its communities) and a stationed unit (二(四)1)."""

    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="co_building_agreements",
                               verbose_name="街道")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="co_building_agreements", verbose_name="社区")
    stationed_unit = models.ForeignKey("governance.StationedUnit", on_delete=models.PROTECT,
                                       related_name="co_building_agreements", verbose_name="驻区单位")
    signed_on = models.DateField("签订日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    content = models.TextField("共建内容")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "共驻共建协议"
        verbose_name_plural = "共驻共建协议"
        ordering = ["street", "-signed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("signed_on")),
                                   name="agreement_valid_after_signing",
                                   violation_error_message="有效期须晚于签订日期。"),
        ]

    def __str__(self):
        return f"{self.stationed_unit} · {self.signed_on}"


class MeetingReminder(models.Model):
    """A reminder that a required meeting is still missing as its period ends: one per unit, kind and
    period, so the daily beat run can repeat without sending twice."""

    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    street = models.ForeignKey("streets.Street", on_delete=models.CASCADE, related_name="+", verbose_name="街道")
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+", verbose_name="社区")
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    held = models.PositiveSmallIntegerField("已召开次数")
    required = models.PositiveSmallIntegerField("应召开次数")
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    recipients = models.TextField("提醒对象", blank=True)

    class Meta:
        verbose_name = "会议提醒"
        verbose_name_plural = "会议提醒"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "street", "period_start"], condition=Q(community__isnull=True),
                                    name="one_street_reminder_per_period"),
            models.UniqueConstraint(fields=["kind", "community", "period_start"], condition=Q(community__isnull=False),
                                    name="one_community_reminder_per_period"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}"

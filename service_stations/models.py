"""Community service stations (社区服务站, 三(二)): the stations, the working-day calendar their time limits
count in (DESIGN.md section 6), the 33-item service catalogue (附件2), residents' cases, appointments,
reminders, shifts and the standardisation checklist (五统一, 十个一)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from governance.models import Versioned
from service_stations.validators import validate_id_number, validate_phone


class ServiceStation(Versioned):
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="service_stations", verbose_name="街道")
    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    # One per community; two adjacent communities may share one (三(二)).
    communities = models.ManyToManyField("communities.Community", related_name="service_stations", verbose_name="服务社区")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "社区服务站"
        verbose_name_plural = "社区服务站"
        ordering = ["code"]
        permissions = [("access_station", "可访问本服务站")]
        # A street's stations by code (its API list, the overdue and checklist overviews by street and code).
        indexes = [models.Index(fields=["street", "code"], name="station_street_code")]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------------
# The working-day calendar (DESIGN.md section 6)


class CalendarYear(models.Model):
    """A year whose statutory holidays and make-up workdays (调休) are entered. A year without a row is
    provisional: only weekends and the fixed-date holidays count (service_stations.calendar)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=100, help_text="如：chinese-calendar 1.11.0；国务院办公厅通知文号。")
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2200), name="calendar_year_range")]

    def __str__(self):
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a statutory holiday on a weekday (is_working false) or a
    make-up workday on a weekend (调休, is_working true)."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度")
    date = models.DateField("日期", unique=True)
    is_working = models.BooleanField("上班", help_text="勾选：周末调休上班；不勾选：法定节假日休息。")
    name = models.CharField("名称", max_length=30, blank=True, help_text="如：国庆节、春节调休")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日或调休日"
        verbose_name_plural = "节假日和调休日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_working else '休息'} {self.name}".strip()


# ---------------------------------------------------------------------------------------------------
# The catalogue (附件2)


class ServiceItem(Versioned):
    """One of the service items a station takes in (附件2, 33 by default). Editing it makes a new version;
    the revision a case was taken in under stays with the case (ServiceItemRevision)."""

    code = models.CharField("代码", max_length=30, unique=True)
    ordinal = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("事项名称", max_length=100)
    pinyin_initials = models.CharField("拼音首字母", max_length=100, blank=True, editable=False, db_index=True)
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="service_items",
                                   verbose_name="主管部门")
    required_materials = models.JSONField("所需材料", default=list, help_text="材料名称列表。")
    time_limit_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    appointment_possible = models.BooleanField("可预约", default=True)
    door_to_door_possible = models.BooleanField("可上门办理", default=False)
    online_possible = models.BooleanField("可网上办理", default=False)
    how_to_ask = models.CharField("咨询方式", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    is_default = models.BooleanField("系统默认内容", default=False, editable=False,
                                     help_text="随系统提供的默认事项，须由区级管理员确认（附件2未公开发布）。")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", editable=False, verbose_name="确认人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项清单"
        ordering = ["ordinal", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit_days__gte=1), name="service_item_time_limit_positive",
                                   violation_error_message=gettext_lazy("办理时限至少为1个工作日。")),
        ]

    def __str__(self):
        return self.name


class ServiceItemRevision(models.Model):
    """What an item said at one version: a case keeps the revision it was taken in under."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="revisions", verbose_name="服务事项")
    version = models.PositiveIntegerField("版本")
    name = models.CharField("事项名称", max_length=100)
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="主管部门")
    required_materials = models.JSONField("所需材料", default=list)
    time_limit_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    appointment_possible = models.BooleanField("可预约")
    door_to_door_possible = models.BooleanField("可上门办理")
    online_possible = models.BooleanField("可网上办理")
    how_to_ask = models.CharField("咨询方式", max_length=200, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务事项版本"
        verbose_name_plural = "服务事项版本"
        ordering = ["item", "-version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="service_item_revision_unique")]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"


# ---------------------------------------------------------------------------------------------------
# Cases


class Channel(models.TextChoices):
    COUNTER = "counter", "窗口"
    APPOINTMENT = "appointment", "预约"
    DOOR_TO_DOOR = "door_to_door", "上门"
    ONLINE = "online", "网上"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    HANDLING = "handling", "办理中"
    COMPLETED = "completed", "已办结"
    RETURNED = "returned", "已退回"
    FORWARDED = "forwarded", "已转办部门"


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.HANDLING)
# What may follow what; the terminal statuses end a case.
TRANSITIONS = {
    CaseStatus.RECEIVED: (CaseStatus.HANDLING, CaseStatus.RETURNED, CaseStatus.FORWARDED),
    CaseStatus.HANDLING: (CaseStatus.COMPLETED, CaseStatus.RETURNED, CaseStatus.FORWARDED),
}


class ServiceCase(Versioned):
    """A resident's case taken in at a station (全职代办、综合受理, 三(二)3)."""

    number = models.CharField("受理编号", max_length=30, unique=True, editable=False)
    external_id = models.CharField("外部系统编号", max_length=64, blank=True, default="",
                                   help_text="其他系统报送时的编号；同一编号只生成一件。")
    station = models.ForeignKey(ServiceStation, on_delete=models.PROTECT, related_name="cases", verbose_name="服务站")
    # Denormalised from the station (set by the service) so that a street's lists filter on one column.
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="+", verbose_name="街道",
                               editable=False)
    service_item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="cases", verbose_name="服务事项")
    item_revision = models.ForeignKey(ServiceItemRevision, on_delete=models.PROTECT, related_name="cases",
                                      verbose_name="受理时事项版本", editable=False)
    applicant_name = models.CharField("申请人姓名", max_length=50)
    applicant_id_number = models.CharField("身份证号码", max_length=18, blank=True, validators=[validate_id_number])
    applicant_phone = models.CharField("联系电话", max_length=20, validators=[validate_phone])
    channel = models.CharField("受理渠道", max_length=20, choices=Channel.choices, default=Channel.COUNTER)
    materials_received = models.JSONField("已收材料", default=list, blank=True)
    materials_missing = models.JSONField("缺少材料", default=list, blank=True, editable=False)
    notice_given_at = models.DateTimeField("一次性告知时间", null=True, blank=True, editable=False)
    received_at = models.DateTimeField("受理时间")
    due_date = models.DateField("办结期限", editable=False)
    calendar_provisional = models.BooleanField("期限按暂定日历计算", default=False, editable=False)
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    first_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name="首问负责人", editable=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="经办人")
    forwarded_to = models.ForeignKey("governance.Department", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="转办部门")
    status_note = models.CharField("办理说明", max_length=200, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务事项办件"
        verbose_name_plural = "服务事项办件"
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The station queue and the overdue counts read open cases by due date.
            models.Index(fields=["station", "due_date"], condition=Q(status__in=["received", "handling"]),
                         name="case_open_station_due"),
            models.Index(fields=["due_date"], condition=Q(status__in=["received", "handling"]), name="case_open_due"),
            # A street's open cases by station, read off the index alone (the overdue overview's totals).
            models.Index(fields=["street", "station", "due_date"], condition=Q(status__in=["received", "handling"]),
                         name="case_open_street_station_due"),
            # The case lists, newest first (the order with its tie-break): the district's, a station's, a street's.
            models.Index(fields=["-received_at", "-id"], name="case_received"),
            models.Index(fields=["station", "-received_at", "-id"], name="case_station_received"),
            models.Index(fields=["street", "-received_at", "-id"], name="case_street_received"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""),
                                    name="case_unique_external_id"),
            models.CheckConstraint(condition=Q(status="forwarded", forwarded_to__isnull=False) | ~Q(status="forwarded"),
                                   name="case_forwarded_names_department",
                                   violation_error_message=gettext_lazy("转办须指定部门。")),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Appointment(Versioned):
    """An appointment at the station or a door-to-door visit (预约服务、上门办理, 三(二)3)."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", "预约到站"
        DOOR_TO_DOOR = "door_to_door", "上门办理"

    class Slot(models.TextChoices):
        MORNING = "am", "上午 9:00-12:00"
        AFTERNOON = "pm", "下午 14:30-17:30"
        EVENING = "evening", "错时 17:30-19:30"
        WEEKEND = "weekend", "周末 9:00-12:00"

    station = models.ForeignKey(ServiceStation, on_delete=models.PROTECT, related_name="appointments", verbose_name="服务站")
    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, null=True, blank=True, related_name="appointments",
                             verbose_name="办件")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    date = models.DateField("日期")
    slot = models.CharField("时段", max_length=10, choices=Slot.choices)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="工作人员")
    applicant_name = models.CharField("居民姓名", max_length=50)
    address = models.CharField("上门地址", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "预约与上门"
        verbose_name_plural = "预约与上门"
        ordering = ["date", "slot"]
        indexes = [models.Index(fields=["station", "date"])]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="door_to_door") | ~Q(address=""), name="appointment_door_has_address",
                                   violation_error_message=gettext_lazy("上门办理须填写地址。")),
        ]


class CaseReminder(models.Model):
    """One reminder of a case on a day (due tomorrow, overdue): the unique key makes the job idempotent."""

    class Kind(models.TextChoices):
        DUE_TOMORROW = "due_tomorrow", "明日到期"
        OVERDUE = "overdue", "已超期"

    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="reminders", verbose_name="办件")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    day = models.DateField("日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "办件提醒"
        verbose_name_plural = "办件提醒"
        constraints = [models.UniqueConstraint(fields=["case", "kind", "day"], name="case_reminder_once_a_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.day}"


class Notification(models.Model):
    """An in-app notification to a user (站内通知)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name="接收人")
    reminder = models.ForeignKey(CaseReminder, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="notifications", verbose_name="提醒")
    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed = models.BooleanField("已发邮件", default=False)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]
        constraints = [models.UniqueConstraint(fields=["reminder", "recipient"], name="notification_once_per_reminder")]

    def __str__(self):
        return self.message


# ---------------------------------------------------------------------------------------------------
# Shifts (错时工作、周末倒班, 三(二)3) and the standardisation checklist (五统一、十个一, 三(二))


class Shift(Versioned):
    station = models.ForeignKey(ServiceStation, on_delete=models.CASCADE, related_name="shifts", verbose_name="服务站")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="值班人员")
    date = models.DateField("日期")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    is_weekend_rota = models.BooleanField("周末倒班", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        ordering = ["date", "start"]
        # The district's list in its order; a station's rota by date.
        indexes = [models.Index(fields=["date", "start"], name="shift_date_start"), models.Index(fields=["station", "date"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_end_after_start",
                                              violation_error_message=gettext_lazy("结束时间须晚于开始时间。"))]


class ChecklistItem(models.TextChoices):
    """三(二): "五统一" and "十个一"."""

    TRAINING = "training", "统一培训工作人员"
    DRESS = "dress", "统一着装要求"
    EQUIPMENT = "equipment", "统一配置设施设备"
    RULES = "rules", "统一制定工作制度"
    ITEM_LIST = "item_list", "统一明确政务服务受理事项清单"
    PREMISES = "premises", "有一个阵地"
    SIGN = "sign", "有一块标牌"
    COMPUTER = "computer", "有一台电脑"
    NETWORK = "network", "有一个专网"
    LEDGER = "ledger", "有一本台账"
    PHONE = "phone", "有一部电话"
    NOTICE_BOARD = "notice_board", "有一个公告栏"
    WORKER = "worker", "有一名工作人员"
    GUIDE = "guide", "有一套办事指南"
    CARD = "card", "有一张便民服务卡"


class StationChecklistEntry(Versioned):
    station = models.ForeignKey(ServiceStation, on_delete=models.CASCADE, related_name="checklist",
                                verbose_name="服务站")
    item = models.CharField("标准项", max_length=20, choices=ChecklistItem.choices)
    met = models.BooleanField("已达标", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "规范化建设标准项"
        verbose_name_plural = "规范化建设标准项"
        ordering = ["station", "item"]
        constraints = [models.UniqueConstraint(fields=["station", "item"], name="station_checklist_item_once")]


class ChecklistTally(models.Model):
    """How many of a street's stations meet each standard (五统一、十个一): kept by the services as the entries
    change (services.checklist_set, station_update, station_delete; `checklist_tally_rebuild` after bulk writes),
    so that the checklist overview counts from 15 rows a street, not from every station's entries (issue 14)."""

    # The unique (street, item) index serves the street's lookups: no index of its own.
    street = models.ForeignKey("streets.Street", on_delete=models.CASCADE, related_name="+", verbose_name="街道",
                               db_index=False)
    item = models.CharField("标准项", max_length=20, choices=ChecklistItem.choices)
    met = models.IntegerField("已达标服务站数", default=0)

    class Meta:
        verbose_name = "规范化建设达标统计"
        verbose_name_plural = "规范化建设达标统计"
        constraints = [models.UniqueConstraint(fields=["street", "item"], name="checklist_tally_once")]

    def __str__(self):
        return f"{self.street_id} {self.item} {self.met}"

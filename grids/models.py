"""Grids (网格, 四): "社区有网、网中有格、人在格中、事在格办".

- `Grid`: a community's grid, its households, the buildings or area it covers and its grid worker (三(四)2);
  a grid split or merged away is ended (`ended_on`), never deleted, so a past date's grids can be shown.
- `GridUnit`: a smaller unit of a grid led by a 楼栋长 or 片区长 (四(一)).
- `GridPartyOrganization`, `PartyModelPost`: the grid's party organisation (党支部, 党小组, 联合党支部 or a
  党建指导员) and the party members' model posts, vanguard posts and responsibility areas (四(二)1).
- `GridChangeRequest`: a street's proposed change; it takes effect only when 民政局 approves it (四(一)).
- `LedgerEntry`: the grid worker's ledger (台账, 四(二)2): compounds, shops, stationed units, organisations,
  special groups and open problems; a stationed unit is placed in exactly one grid (四(一)).
- `EventCategory`, `GridEvent`, `EventStep`, `EventPhoto`, `EventReminder`: events reported in a grid and
  escalated grid → community → street → department ("小事不出网格、大事不出社区", 四(二)2).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class Grid(Versioned):
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="grids", verbose_name="社区")
    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    households = models.PositiveIntegerField("户数", default=0)
    area = models.TextField("覆盖楼栋或区域", blank=True)
    worker = models.ForeignKey("governance.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="worked_grids", verbose_name="网格员",
                               help_text="由社区“两委”成员兼任或专职网格员担任（三(四)2）。")
    ended_on = models.DateField("撤销日期", null=True, blank=True, help_text="经民政局审定拆分、合并后撤销的网格。")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["code"]
        permissions = [("access_grid", "可访问本网格")]
        indexes = [models.Index(fields=["community", "code"])]

    def __str__(self):
        return self.name


class GridUnit(Versioned):
    class Kind(models.TextChoices):
        BUILDING = "building", "楼栋（楼栋长）"
        AREA = "area", "片区（片区长）"

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="units", verbose_name="网格")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50)
    leader = models.CharField("楼栋长/片区长", max_length=50, blank=True)
    leader_phone = models.CharField("联系电话", max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格小单元"
        verbose_name_plural = "网格小单元"
        ordering = ["grid", "name"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="grid_unit_unique_name")]

    def __str__(self):
        return self.name


class GridPartyOrganization(Versioned):
    """四(二)1: 以党支部、党小组、联合党支部或党建指导员等多种方式设置网格党组织 ... 逐步实现全覆盖.
    A grid has one party organisation in force at a time (of whichever form); one dissolved is ended
    (`ended_on`), never deleted."""

    class Kind(models.TextChoices):
        BRANCH = "branch", "党支部"
        GROUP = "group", "党小组"
        JOINT_BRANCH = "joint_branch", "联合党支部"
        INSTRUCTOR = "instructor", "党建指导员"

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="party_organizations", verbose_name="网格")
    kind = models.CharField("设置方式", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    leader = models.CharField("书记/组长/党建指导员", max_length=50, blank=True)
    leader_phone = models.CharField("联系电话", max_length=20, blank=True)
    members = models.PositiveIntegerField("党员人数", default=0)
    established_on = models.DateField("成立日期", null=True, blank=True)
    ended_on = models.DateField("撤销日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格党组织"
        verbose_name_plural = "网格党组织"
        ordering = ["grid", "kind", "name", "pk"]
        indexes = [models.Index(fields=["grid", "kind", "name"])]
        constraints = [
            models.UniqueConstraint(fields=["grid"], condition=Q(ended_on__isnull=True),
                                    name="grid_party_org_one_in_force",
                                    violation_error_message=gettext_lazy("该网格已设置网格党组织，请先撤销原党组织。")),
            models.CheckConstraint(condition=~Q(kind="instructor") | ~Q(leader=""),
                                   name="grid_party_instructor_named",
                                   violation_error_message=gettext_lazy("以党建指导员方式设置的，须填写党建指导员姓名。")),
        ]

    def __str__(self):
        return self.name


class PartyModelPost(Versioned):
    """四(二)1: 以网格为单位设立党员示范岗、党员先锋岗、党员责任区等，发挥党员引领示范作用."""

    class Kind(models.TextChoices):
        MODEL_POST = "model_post", "党员示范岗"
        VANGUARD_POST = "vanguard_post", "党员先锋岗"
        RESPONSIBILITY_AREA = "responsibility_area", "党员责任区"

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="party_posts", verbose_name="网格")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    member = models.CharField("党员", max_length=50)
    member_phone = models.CharField("联系电话", max_length=20, blank=True)
    unit = models.ForeignKey(GridUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="party_posts",
                             verbose_name="所在小单元", help_text="责任区所在的楼栋或片区（可选）。")
    area = models.TextField("责任范围", blank=True)
    is_active = models.BooleanField("在设", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党员示范岗/责任区"
        verbose_name_plural = "党员示范岗/责任区"
        ordering = ["grid", "kind", "name", "pk"]
        indexes = [models.Index(fields=["grid", "kind", "name"])]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="party_post_unique_name",
                                               violation_error_message=gettext_lazy("本网格已有同名的党员示范岗或责任区。"))]

    def __str__(self):
        return self.name


class GridChangeRequest(Versioned):
    """四(一): 街道对现有网格调整完善，须提前报民政局审定后组织实施."""

    class Kind(models.TextChoices):
        CREATE = "create", "新设网格"
        SPLIT = "split", "拆分"
        MERGE = "merge", "合并"
        REDRAW = "redraw", "调整范围"
        REASSIGN = "reassign", "调整网格员"

    class Status(models.TextChoices):
        PENDING = "pending", "待审定"
        APPROVED = "approved", "已审定"
        REJECTED = "rejected", "未通过"

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="grid_changes",
                                  verbose_name="社区")
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="grid_changes", verbose_name="街道")
    kind = models.CharField("调整类型", max_length=10, choices=Kind.choices)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="change_requests",
                             verbose_name="网格")
    others = models.ManyToManyField(Grid, blank=True, related_name="merged_by_requests", verbose_name="并入的网格")
    worker = models.ForeignKey("governance.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="新网格员")
    parts = models.JSONField("调整后网格", default=list, blank=True,
                             help_text="新设、拆分或调整范围后的网格：代码、名称、户数、覆盖范围。")
    reason = models.TextField("调整理由")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="申报人")
    proposed_at = models.DateTimeField("申报时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审定人")
    decided_at = models.DateTimeField("审定时间", null=True, blank=True)
    decision_note = models.CharField("审定意见", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格调整申请"
        verbose_name_plural = "网格调整申请"
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "proposed_at"]), models.Index(fields=["street", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False), name="grid_change_decided_has_date"),
        ]

    def __str__(self):
        return f"{self.community} · {self.get_kind_display()}"


class LedgerEntry(Versioned):
    """台账 (四(二)2): 熟悉网格内居民小区、商业网点、辖区单位、特殊群体、困难问题等各方面情况，并建立相应台账底册."""

    class Kind(models.TextChoices):
        COMPOUND = "compound", "居民小区"
        SHOP = "shop", "商业网点"
        STATIONED_UNIT = "stationed_unit", "驻区单位"
        ORGANISATION = "organisation", "非公经济组织和社会组织"
        SPECIAL_GROUP = "special_group", "特殊群体"
        PROBLEM = "problem", "困难问题"

    class Group(models.TextChoices):
        NONE = "", "—"
        ELDERLY_ALONE = "elderly_alone", "独居老人"
        DISABLED = "disabled", "残疾人"
        SUBSISTENCE = "subsistence", "低保家庭"
        EXTREME_POVERTY = "extreme_poverty", "特困供养人员"
        LEFT_BEHIND = "left_behind", "留守儿童"
        OTHER = "other", "其他"

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="ledger", verbose_name="网格")
    kind = models.CharField("台账类别", max_length=20, choices=Kind.choices)
    name = models.CharField("名称/姓名", max_length=100)
    group = models.CharField("特殊群体类别", max_length=20, choices=Group.choices, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    stationed_unit = models.OneToOneField("governance.StationedUnit", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="ledger_entry", verbose_name="驻区单位",
                                          help_text="驻区单位纳入所在网格（四(一)），一个单位只在一个网格。")
    is_open = models.BooleanField("问题未解决", default=False)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格台账"
        verbose_name_plural = "网格台账"
        ordering = ["grid", "kind", "name", "pk"]
        indexes = [models.Index(fields=["grid", "kind", "name"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind="special_group") | Q(group=""), name="ledger_group_only_special"),
            models.CheckConstraint(condition=~Q(kind="special_group") | ~Q(group=""), name="ledger_special_has_group"),
            models.CheckConstraint(condition=Q(kind="stationed_unit") | Q(stationed_unit__isnull=True),
                                   name="ledger_unit_only_stationed"),
        ]

    def __str__(self):
        return self.name


class EventCategory(Versioned):
    """A two-level catalogue the district edits: city-management classes (after GB/T 30428.2) and
    social-governance ones (矛盾纠纷, 安全隐患, 民生诉求 ...)."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name="大类")
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "事件类别"
        verbose_name_plural = "事件类别"
        ordering = ["code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Level(models.TextChoices):
    GRID = "grid", "网格"
    COMMUNITY = "community", "社区"
    STREET = "street", "街道"
    DEPARTMENT = "department", "职能部门"


LEVEL_ORDER = [Level.GRID, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT]
OPEN = ["submitted", "accepted"]  # GridEvent.Status values of an event not yet settled


class GridEvent(Versioned):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        ACCEPTED = "accepted", "处理中"
        RESOLVED = "resolved", "已办结"

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="events", verbose_name="网格")
    # The grid's community and street, kept on the event for scope and the settlement-rate aggregates.
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+", verbose_name="社区")
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="+", verbose_name="街道")
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="grid_events", verbose_name="承办部门")
    category = models.ForeignKey(EventCategory, on_delete=models.PROTECT, related_name="events", verbose_name="类别")
    title = models.CharField("标题", max_length=100)
    description = models.TextField("描述")
    place = models.CharField("地点", max_length=200, blank=True)
    level = models.CharField("当前层级", max_length=12, choices=Level.choices, default=Level.GRID)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    level_since = models.DateTimeField("到达当前层级时间")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="上报人", help_text="外部系统推送的事件为空。")
    reported_at = models.DateTimeField("上报时间")
    settled_level = models.CharField("办结层级", max_length=12, choices=Level.choices, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    source = models.CharField("来源", max_length=30, default="grid", help_text="grid：网格员上报；其他：外部系统（如12345热线）。")
    external_id = models.CharField("外部编号", max_length=64, null=True, blank=True, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格事件"
        verbose_name_plural = "网格事件"
        ordering = ["-reported_at", "-pk"]
        indexes = [
            # The lists of a grid, a community, a street and the district, newest first.
            models.Index(fields=["grid", "-reported_at", "-id"], name="grid_event_grid_recent"),
            models.Index(fields=["community", "-reported_at", "-id"], name="grid_event_comm_recent"),
            models.Index(fields=["street", "-reported_at", "-id"], name="grid_event_street_recent"),
            models.Index(fields=["-reported_at", "-id"], name="grid_event_recent"),
            # Each level's queue holds the open events only: partial indexes stay small over the years.
            models.Index(fields=["community", "level", "-reported_at", "-id"], condition=Q(status__in=OPEN),
                         name="grid_event_comm_queue"),
            models.Index(fields=["street", "level", "-reported_at", "-id"], condition=Q(status__in=OPEN),
                         name="grid_event_street_queue"),
            models.Index(fields=["department", "-reported_at", "-id"], condition=Q(status__in=OPEN, level="department"),
                         name="grid_event_dept_queue"),
            models.Index(fields=["level", "level_since"], condition=Q(status__in=OPEN), name="grid_event_reminder"),
            # The settlement-rate dashboard reads these three columns only (index-only scans).
            models.Index(fields=["street", "closed_at", "settled_level"], name="grid_event_settled_street"),
            models.Index(fields=["community", "closed_at", "settled_level"], name="grid_event_settled_comm"),
            models.Index(fields=["grid", "closed_at", "settled_level"], name="grid_event_settled_grid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="resolved") & ~Q(settled_level="") & Q(closed_at__isnull=False))
                | (~Q(status="resolved") & Q(settled_level="") & Q(closed_at__isnull=True)),
                name="grid_event_closed_consistent"),
            models.CheckConstraint(condition=~Q(level="department") | Q(department__isnull=False),
                                   name="grid_event_department_level_has_department"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.RESOLVED


class EventStep(models.Model):
    class Action(models.TextChoices):
        REPORT = "report", "上报"
        ACCEPT = "accept", "受理"
        RESOLVE = "resolve", "办结"
        ESCALATE = "escalate", "上报上一级"
        SEND_BACK = "send_back", "退回下一级"

    event = models.ForeignKey(GridEvent, on_delete=models.CASCADE, related_name="steps", verbose_name="事件")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_level = models.CharField("原层级", max_length=12, choices=Level.choices)
    to_level = models.CharField("新层级", max_length=12, choices=Level.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间")
    reason = models.TextField("理由/办理情况", blank=True)

    class Meta:
        verbose_name = "事件流转记录"
        verbose_name_plural = "事件流转记录"
        ordering = ["event", "at", "pk"]

    def __str__(self):
        return f"{self.event} · {self.get_action_display()}"


def _photo_path(instance, filename):
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"events/{instance.event_id}/{uuid.uuid4().hex}.{ext[:5]}"


class EventPhoto(models.Model):
    event = models.ForeignKey(GridEvent, on_delete=models.CASCADE, related_name="photos", verbose_name="事件")
    image = models.ImageField("照片", upload_to=_photo_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "事件照片"
        verbose_name_plural = "事件照片"
        ordering = ["event", "pk"]

    def __str__(self):
        return self.image.name


class EventReminder(models.Model):
    """One reminder per event, level and arrival at that level: the beat task may run twice, the reminder
    is written once (unique constraint)."""

    event = models.ForeignKey(GridEvent, on_delete=models.CASCADE, related_name="reminders", verbose_name="事件")
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    level_since = models.DateTimeField("到达层级时间")
    sent_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        verbose_name = "事件催办提醒"
        verbose_name_plural = "事件催办提醒"
        constraints = [models.UniqueConstraint(fields=["event", "level", "level_since"], name="event_reminder_once")]

    def __str__(self):
        return f"{self.event} · {self.get_level_display()}"

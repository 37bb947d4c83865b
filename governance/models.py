"""The district-wide domain: the district, departments, stationed units, people and their posts,
and the policy rules stored as data."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from governance.identity import birth_year_from_id_number, validate_id_number


class Versioned(models.Model):
    """A record two clerks may edit at once. The version it was read at travels with the edit (the page
    form's hidden field, the API's ETag / If-Match), and an edit of a version someone else has changed
    since is refused, never silently applied (governance.services.model_update)."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class District(models.Model):
    code = models.CharField("代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "区"
        verbose_name_plural = "区"
        permissions = [("view_district_wide", "可查看全区数据")]

    def __str__(self):
        return self.name


class Department(Versioned):
    """A district functional department (职能部门), e.g. 区委组织部, 民政局, 编办, 财政局."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "区委组织部"
        CIVIL_AFFAIRS = "civil_affairs", "民政局"
        ESTABLISHMENT = "establishment", "编办"
        FINANCE = "finance", "财政局"
        ADMIN_APPROVAL = "admin_approval", "行政审批服务中心"
        HUMAN_RESOURCES = "human_resources", "人社局"
        OTHER = "other", "其他职能部门"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="departments", verbose_name="区")
    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "职能部门"
        verbose_name_plural = "职能部门"
        ordering = ["code"]
        permissions = [("access_department", "可访问本部门")]

    def __str__(self):
        return self.name


class StationedUnit(Versioned):
    """A unit stationed in a street's area (驻区单位); its level sets its party-building score weight (二(四)2)."""

    class Level(models.TextChoices):
        REGION = "region", "自治区级"
        CITY = "city", "银川市级"
        DISTRICT = "district", "兴庆区级"

    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="stationed_units", verbose_name="所在街道",
                               db_index=False)  # indexed by the unique (street, name)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    party_organization = models.CharField("党组织名称", max_length=100, blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "驻区单位"
        verbose_name_plural = "驻区单位"
        ordering = ["street_id", "name"]  # (street, name) is unique: its index serves the order and the scope
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="stationed_unit_unique_name_per_street"),
        ]

    def __str__(self):
        return self.name


class Person(Versioned):
    """Anyone who holds a post. A person may hold several posts at once (交叉任职, 二(二)2)."""

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    id_number = models.CharField(
        "身份证号码", max_length=18, blank=True, validators=[validate_id_number],
        help_text="18位居民身份证号码（GB 11643），选填；用于区分同名人员，出生年份由此得出。",
    )
    street = models.ForeignKey(  # indexed by person_street_order
        "streets.Street", on_delete=models.PROTECT, null=True, blank=True, related_name="people",
        verbose_name="所属街道", help_text="人员档案归属的街道；区级人员留空。", db_index=False,
    )
    community = models.ForeignKey(  # indexed by person_community_order
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="people",
        verbose_name="所属社区", db_index=False,
    )
    is_party_member = models.BooleanField("中共党员", default=False)
    is_npc_deputy = models.BooleanField(
        "现任兴庆区人大代表", default=False, help_text="人大街道工委委员须为辖区当届兴庆区级人大代表（二(二)2）。"
    )
    community_service_start = models.DateField(
        "连续从事社区工作起始日期", null=True, blank=True, help_text="用于社区工作者特殊荣誉奖励（五(四)）。"
    )
    has_violation_record = models.BooleanField("有违纪违法记录", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person",
        verbose_name="登录账号",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["name", "id"], name="person_order"),
            models.Index(fields=["street", "name", "id"], name="person_street_order"),
            models.Index(fields=["community", "name", "id"], name="person_community_order"),
            # the long-service award's candidates (五(四)): a service start within a year's range (issue 14)
            models.Index(fields=["community_service_start"], name="person_service_start"),
        ]
        constraints = [
            # One record per resident: an ID number given twice is the same person entered twice.
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""), name="person_unique_id_number",
                                    violation_error_message=gettext_lazy("该身份证号码已有人员档案。")),
        ]

    def __str__(self):
        return self.name

    @property
    def birth_year(self) -> int | None:
        """From the ID number (GB 11643 digits 7-10); None without one."""
        return birth_year_from_id_number(self.id_number)


class PostKind(models.TextChoices):
    # Street (二(二)2)
    STREET_PARTY_SECRETARY = "street_party_secretary", "街道党工委书记"
    STREET_DIRECTOR = "street_director", "街道办事处主任"
    STREET_DEPUTY_SECRETARY = "street_deputy_secretary", "街道党工委副书记"
    STREET_DEPUTY_DIRECTOR = "street_deputy_director", "街道办事处副主任"
    STREET_COMMITTEE_MEMBER = "street_committee_member", "街道党工委委员"
    ORGANISATION_MEMBER = "organisation_member", "专职组织委员"
    NPC_DIRECTOR = "npc_director", "人大街道工委主任"
    NPC_DEPUTY_DIRECTOR = "npc_deputy_director", "人大街道工委副主任"
    NPC_MEMBER = "npc_member", "人大街道工委委员"
    STREET_STAFF = "street_staff", "街道工作人员"
    # Community party organisation (三(一)2)
    COMMUNITY_SECRETARY = "community_secretary", "社区党组织书记"
    COMMUNITY_FULLTIME_DEPUTY = "community_fulltime_deputy", "社区党组织专职副书记"
    COMMUNITY_DEPUTY_SECRETARY = "community_deputy_secretary", "社区党组织副书记"
    COMMUNITY_PARTY_MEMBER = "community_party_member", "社区党组织委员"
    # Residents' committee (三(三))
    RC_DIRECTOR = "rc_director", "居委会主任"
    RC_DEPUTY_DIRECTOR = "rc_deputy_director", "居委会副主任"
    RC_MEMBER = "rc_member", "居委会委员"
    # Community workers (三(四)): full-time grid workers; "两委" members are the posts above.
    GRID_WORKER = "grid_worker", "专职网格员"
    # Service station (三(二)2)
    STATION_HEAD = "station_head", "服务站站长"
    STATION_STAFF = "station_staff", "服务站工作人员"


@dataclass(frozen=True)
class KindSpec:
    """What a post kind needs, declared once: the kind sets, the database constraints, the form choices
    and the rule checks all derive from `POST_KINDS`."""

    unit: str  # the unit a post of this kind belongs to: "street", "community" or "station"
    groups: frozenset = frozenset()  # the counts it joins (see KIND_GROUPS)
    single_holder: str = ""  # key of the policy rule that allows one holder at a time in its unit
    party_member: bool = False  # the holder must be a party member (三(一)2)
    npc_deputy: bool = False  # the holder must be a sitting district NPC deputy (二(二)2)
    grid: bool = False  # may name a grid (appointed from a grid's page too)


KIND_GROUPS = {
    "principal": "街道正职领导（二(二)2）",
    "deputy": "街道副职领导（二(二)2）",
    "npc": "人大街道工委（二(二)2）",
    "party": "社区党组织班子（三(一)2）",
    "residents_committee": "社区居委会（三(三)）",
    "community_worker": "职业化社区工作者：“两委”成员和专职网格员（三(四)1）",
}

_S, _C, _ST = "street", "community", "station"
POST_KINDS: dict[str, KindSpec] = {
    PostKind.STREET_PARTY_SECRETARY: KindSpec(_S, frozenset({"principal"}), single_holder="street.leadership_posts"),
    PostKind.STREET_DIRECTOR: KindSpec(_S, frozenset({"principal"}), single_holder="street.leadership_posts"),
    PostKind.STREET_DEPUTY_SECRETARY: KindSpec(_S, frozenset({"deputy"})),
    PostKind.STREET_DEPUTY_DIRECTOR: KindSpec(_S, frozenset({"deputy"})),
    PostKind.STREET_COMMITTEE_MEMBER: KindSpec(_S),
    PostKind.ORGANISATION_MEMBER: KindSpec(_S),
    PostKind.NPC_DIRECTOR: KindSpec(_S, frozenset({"npc"}), single_holder="street.npc_committee"),
    PostKind.NPC_DEPUTY_DIRECTOR: KindSpec(_S, frozenset({"npc"}), single_holder="street.npc_committee"),
    PostKind.NPC_MEMBER: KindSpec(_S, frozenset({"npc"}), npc_deputy=True),
    PostKind.STREET_STAFF: KindSpec(_S),
    PostKind.COMMUNITY_SECRETARY: KindSpec(_C, frozenset({"party", "community_worker"}), party_member=True,
                                           single_holder="community.party_committee_size"),
    PostKind.COMMUNITY_FULLTIME_DEPUTY: KindSpec(_C, frozenset({"party", "community_worker"}), party_member=True,
                                                 single_holder="community.party_committee_size"),
    PostKind.COMMUNITY_DEPUTY_SECRETARY: KindSpec(_C, frozenset({"party", "community_worker"}), party_member=True),
    PostKind.COMMUNITY_PARTY_MEMBER: KindSpec(_C, frozenset({"party", "community_worker"}), party_member=True),
    PostKind.RC_DIRECTOR: KindSpec(_C, frozenset({"residents_committee", "community_worker"}),
                                   single_holder="community.residents_committee"),
    PostKind.RC_DEPUTY_DIRECTOR: KindSpec(_C, frozenset({"residents_committee", "community_worker"})),
    PostKind.RC_MEMBER: KindSpec(_C, frozenset({"residents_committee", "community_worker"})),
    PostKind.GRID_WORKER: KindSpec(_C, frozenset({"community_worker"}), grid=True),
    PostKind.STATION_HEAD: KindSpec(_ST, single_holder="service_station.staff_cap"),
    PostKind.STATION_STAFF: KindSpec(_ST),
}
assert set(POST_KINDS) == set(PostKind), "every post kind is declared in POST_KINDS"


def kinds(*, unit: str | None = None, group: str | None = None) -> frozenset:
    """The post kinds of a unit and/or in a group, from POST_KINDS."""
    return frozenset(
        k for k, spec in POST_KINDS.items()
        if (unit is None or spec.unit == unit) and (group is None or group in spec.groups)
    )


STREET_PRINCIPAL_KINDS = kinds(group="principal")
STREET_DEPUTY_KINDS = kinds(group="deputy")
STREET_LEADERSHIP_KINDS = STREET_PRINCIPAL_KINDS | STREET_DEPUTY_KINDS
NPC_KINDS = kinds(group="npc")
STREET_KINDS = kinds(unit="street")
PARTY_KINDS = kinds(group="party")
RESIDENTS_COMMITTEE_KINDS = kinds(group="residents_committee")
# "两委" = the community party organisation's committee and the residents' committee (三(四)1).
TWO_COMMITTEES_KINDS = PARTY_KINDS | RESIDENTS_COMMITTEE_KINDS
# Community workers (三(四)1): the "两委" members and the full-time grid workers.
COMMUNITY_WORKER_KINDS = kinds(group="community_worker")
COMMUNITY_KINDS = kinds(unit="community")
STATION_KINDS = kinds(unit="station")
# Posts listed in the order of the document: leaders first.
POST_ORDER = {kind: index for index, kind in enumerate(PostKind)}
# The unit each single-holder kind is unique in (its own unit).
SINGLE_HOLDER_KINDS = {k: spec.unit for k, spec in POST_KINDS.items() if spec.single_holder}


class SecondmentRole(models.TextChoices):
    """Whom 二(二)2 seconds to a street's leadership (挂职): the heads of the stationed police station, the
    comprehensive law-enforcement squad and the judicial office."""

    POLICE_STATION_HEAD = "police_station_head", "辖区派出所所长"
    LAW_ENFORCEMENT_HEAD = "law_enforcement_head", "综合执法中队队长"
    JUDICIAL_OFFICE_HEAD = "judicial_office_head", "司法所所长"
    OTHER = "other", "其他"


class StaffCategory(models.TextChoices):
    """How a street post is staffed; decides whether it counts toward the 30-person cap (二(二)1)."""

    ADMINISTRATIVE = "administrative", "行政编制"
    CAREER = "career", "事业编制"
    PUBLIC_POST = "public_post", "公岗"
    SANZHI_YIFU = "sanzhi_yifu", "三支一扶"
    POLICY_PLACEMENT = "policy_placement", "政策性安置"
    CONTRACT = "contract", "政府长聘/购买服务"
    LAW_ENFORCEMENT = "law_enforcement", "综合执法中队"
    STATION = "station", "社区服务站人员"


def _today():
    return timezone.localdate()


# One holder at a time: the database holds the open-ended case (a partial unique constraint on
# end_date IS NULL); services refuse overlapping dated terms.
def _one_holder_message(label: str) -> str:
    return gettext("%(kind)s只能有一名在任人员。") % {"kind": label}


def _active_unique(kind, field, name):
    return models.UniqueConstraint(
        fields=[field], condition=Q(kind=kind, end_date__isnull=True), name=name,
        # Translated when the constraint reports, in the request's language.
        violation_error_message=lazy(_one_holder_message, str)(PostKind(kind).label),
    )


class Post(Versioned):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="posts", verbose_name="人员")
    kind = models.CharField("职务", max_length=40, choices=PostKind.choices)
    # Indexed by the (unit, kind, start_date, id) indexes below, which lead with the unit.
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, null=True, blank=True, related_name="posts", verbose_name="街道", db_index=False)
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="posts", verbose_name="社区", db_index=False)
    station = models.ForeignKey("service_stations.ServiceStation", on_delete=models.PROTECT, null=True, blank=True, related_name="posts", verbose_name="服务站", db_index=False)
    grid = models.ForeignKey("grids.Grid", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts", verbose_name="网格")
    staff_category = models.CharField("人员类别", max_length=20, choices=StaffCategory.choices, blank=True)
    is_secondment = models.BooleanField("挂职", default=False, help_text="挂职领导不计入领导职数（二(二)2）；社区党委的挂职副书记、委员不计入班子职数（三(一)2）。")
    is_concurrent = models.BooleanField(
        "兼职", default=False,
        help_text="社区党委的兼职副书记、委员（如社区民警、物业公司党组织负责人），不计入7—11人班子，须报街道党工委审批（三(一)2）。",
    )
    seconded_from = models.CharField("原单位及职务", max_length=100, blank=True)
    secondment_role = models.CharField(
        "挂职人员身份", max_length=30, choices=SecondmentRole.choices, blank=True,
        help_text="二(二)2：派出所所长挂职党工委副书记或办事处副主任；综合执法中队队长、司法所所长挂职党工委委员、办事处副主任。",
    )
    start_date = models.DateField("任职日期", default=_today)
    end_date = models.DateField("离任日期", null=True, blank=True)
    approval_reference = models.CharField(
        "超额批准文号", max_length=100, blank=True,
        help_text="超出职数或人数上限时须填写批准文号，记入审计记录。",
    )
    approval_covers = models.CharField(
        "批准文号所批准的超额", max_length=300, blank=True, editable=False,
        help_text="批准文号只批准本职务造成的那一项超额（规则、项目、规则版本），由系统记录。",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["kind", "start_date", "pk"]
        # An index behind the default ordering, and behind it within each scope level (one column per level:
        # a post carries its unit's street); active posts (end_date IS NULL) through partial indexes.
        indexes = [
            models.Index(fields=["kind", "start_date", "id"], name="post_order"),
            models.Index(fields=["street", "kind", "start_date", "id"], name="post_street_order"),
            models.Index(fields=["community", "kind", "start_date", "id"], name="post_community_order"),
            models.Index(fields=["station", "kind", "start_date", "id"], name="post_station_order"),
            models.Index(fields=["end_date"], name="post_end_date"),
            models.Index(fields=["street", "kind"], condition=Q(end_date__isnull=True), name="post_street_active"),
            models.Index(fields=["community", "kind"], condition=Q(end_date__isnull=True), name="post_community_active"),
            models.Index(fields=["station", "kind"], condition=Q(end_date__isnull=True), name="post_station_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_end_after_start",
                violation_error_message=gettext_lazy("离任日期不能早于任职日期。"),
            ),
            *[
                models.CheckConstraint(
                    condition=~Q(kind__in=sorted(kinds(unit=unit))) | Q(**{f"{unit}__isnull": False}),
                    name=f"post_{unit}_kind_has_{unit}", violation_error_message=message,
                )
                for unit, message in (
                    ("street", gettext_lazy("街道职务必须指定街道。")),
                    ("community", gettext_lazy("社区职务必须指定社区。")),
                    ("station", gettext_lazy("服务站职务必须指定服务站。")),
                )
            ],
            # One sitting holder (三(一)2: 书记1名, 专职副书记1名; 二(二)2: 人大街道工委主任1名, 副主任1名; ...).
            *[_active_unique(kind, unit, f"post_one_{kind}") for kind, unit in SINGLE_HOLDER_KINDS.items()],
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None or self.end_date >= _today()

    def active_on(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class PolicyRule(models.Model):
    """One version of a policy rule: value, effective-from date, clause (DESIGN.md section 2).

    A rule is looked up by key and date (governance.rules.rule_value); a new version with a later
    effective_from replaces the old one from that date on, and every computed figure cites the version
    it used.
    """

    key = models.CharField("规则键", max_length=80)
    title = models.CharField("名称", max_length=100)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    clause = models.CharField("条款", max_length=30)
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "政策规则"
        verbose_name_plural = "政策规则"
        ordering = ["key", "-effective_from"]
        indexes = [models.Index(fields=["key", "-effective_from"], name="policy_rule_order")]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="policy_rule_unique_version"),
        ]

    def __str__(self):
        return f"{self.title}（{self.clause}，{self.effective_from} 起）"

    def clean(self):
        from governance.rules import rule_value_errors

        errors = rule_value_errors(self.key, self.value)
        if errors:
            raise ValidationError({"value": errors})

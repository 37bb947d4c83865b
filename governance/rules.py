"""Policy rules as data (DESIGN.md section 2).

`rule_value(key, on=date)` returns the version of a rule in force on a date, with its clause, so that
every computed figure can cite its basis. The seed below is what the 2018 document fixes; a district
administrator changes a rule by adding a version with a later effective date (admin, audited).
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.compiled_query import CompiledQuery
from governance.exceptions import RuleViolation
from governance.models import PolicyRule

# The document (银兴党办发〔2018〕200号) is dated 2018-11-05, but 六(二) starts the pilot streets on it from
# October 2018: the seeded versions are in force from 2018-10-01 so that pilot-period figures have a basis.
SEED_EFFECTIVE_FROM = datetime.date(2018, 10, 1)


@dataclass(frozen=True)
class RuleValue:
    key: str
    title: str
    value: Any
    effective_from: datetime.date
    clause: str

    def as_basis(self, used: Any = None) -> dict:
        """The citation a computed figure carries (DESIGN.md section 2: its "basis")."""
        return {
            "rule": self.key,
            "title": self.title,
            "value": self.value if used is None else used,
            "effective_from": self.effective_from.isoformat(),
            "clause": self.clause,
        }


@dataclass(frozen=True)
class RuleRef:
    """A rule named by a check or a message when no version of it is in force (key, title, clause from the seed)."""

    key: str
    title: str
    clause: str


def rule_ref(key: str) -> RuleRef:
    row = next((r for r in SEED if r["key"] == key), None)
    return RuleRef(key=key, title=row["title"] if row else key, clause=row["clause"] if row else "")


class RuleMissing(RuleViolation):
    """No version of a rule is in force on the date asked: a write or a figure dated before the rule's
    first version. Answered like any refusal (400 / a form error naming the rule), never a 500."""

    def __init__(self, key: str, on: datetime.date, *, field: str | None = None):
        self.key, self.on = key, on
        ref = rule_ref(key)
        first = PolicyRule.objects.filter(key=key).order_by("effective_from").values_list("effective_from", flat=True).first()
        super().__init__(
            _("%(date)s 没有生效的政策规则“%(title)s”：该规则自 %(first)s 起施行，请检查日期")
            % {"date": on.isoformat(), "title": ref.title, "first": first.isoformat() if first else "—"},
            rule=ref, field=field,
        )


def _row_to_value(row: PolicyRule) -> RuleValue:
    return RuleValue(key=row.key, title=row.title, value=row.value, effective_from=row.effective_from, clause=row.clause)


def rule_value(key: str, *, on: datetime.date | None = None) -> RuleValue:
    on = on or timezone.localdate()
    row = PolicyRule.objects.filter(key=key, effective_from__lte=on).order_by("-effective_from").first()
    if row is None:
        raise RuleMissing(key, on)
    return _row_to_value(row)


def _rule_rows(*, every: bool, on: datetime.date, keys=()):
    rows = PolicyRule.objects.filter(effective_from__lte=on).order_by("key", "-effective_from")
    if not every:
        rows = rows.filter(key__in=keys)
    return rows.values_list("key", "title", "value", "effective_from", "clause")


# The versions in force on a date, of every rule or of some: a read of fixed shape, compiled once per process
# (governance/compiled_query.py; building and compiling it cost a lean street list ~1 ms, issue 14).
_RULE_ROWS = CompiledQuery(_rule_rows)


class RuleBook:
    """All rules in force on one date, read in one query, for calculators and checks that need many of them.

    One RuleBook serves one request: counts computed from it (a street's staffing...) are kept in
    `cache`, so the page, the findings and the gap table share them.
    """

    def __init__(self, *, on: datetime.date | None = None, overrides: dict[str, RuleValue] | None = None,
                 keys: Iterable[str] | None = None, lazy: bool = False):
        # `keys`: only these rules (a list that needs one rule reads its versions, not every rule's).
        # `lazy`: read them when one is first asked for (a list whose rows may need none reads none).
        self.on = on or timezone.localdate()
        self._keys = None if keys is None else list(keys)
        self._overrides = overrides
        self._loaded: dict[str, RuleValue] | None = None
        self.cache: dict = {}
        if not lazy:
            self._load()

    def _load(self) -> dict[str, RuleValue]:
        if self._keys is None:
            rows = _RULE_ROWS.rows(shape={"every": True}, on=self.on)
        else:
            rows = _RULE_ROWS.rows(shape={"every": False}, on=self.on, keys=tuple(sorted(set(self._keys))))
        rules: dict[str, RuleValue] = {}
        for key, title, value, effective_from, clause in rows:
            if key not in rules:
                rules[key] = RuleValue(key=key, title=title, value=value, effective_from=effective_from, clause=clause)
        if self._overrides:
            rules.update(self._overrides)
        self._loaded = rules
        return rules

    @property
    def figure_key(self) -> tuple | None:
        """What a figure computed from this book depends on of it (governance/derived.py): the date and the keys
        it reads (the rule versions are data, which moves the data generation); None with overrides (a what-if:
        never cached)."""
        if self._overrides:
            return None
        return (self.on.isoformat(), None if self._keys is None else tuple(sorted(self._keys)))

    @property
    def _rules(self) -> dict[str, RuleValue]:
        return self._loaded if self._loaded is not None else self._load()

    def __getitem__(self, key: str) -> RuleValue:
        try:
            return self._rules[key]
        except KeyError:
            raise RuleMissing(key, self.on) from None

    def __contains__(self, key: str) -> bool:
        return key in self._rules

    def require(self, keys, *, field: str | None = None) -> "RuleBook":
        """This book, once every rule in `keys` is in force; else a RuleMissing naming the first missing."""
        for key in keys:
            if key not in self._rules:
                raise RuleMissing(key, self.on, field=field)
        return self


def bracket(brackets: list[dict], amount: int) -> int:
    """The value of the half-open bracket [min, next min) that holds `amount` (DESIGN.md section 2)."""
    chosen = None
    for row in sorted(brackets, key=lambda r: r["min"]):
        if amount >= row["min"]:
            chosen = row["value"]
    if chosen is None:
        raise ValueError(f"No bracket holds {amount}.")
    return chosen


HALF_OPEN = "住户数区间按左闭右开划分：[0,3000)、[3000,5000)、[5000,∞)。"

SEED: list[dict] = [
    {
        "key": "street.staff_cap", "title": "街道工作人员上限", "clause": "二(二)1",
        "value": {
            "cap": 30,
            "counted_categories": ["administrative", "career", "public_post", "sanzhi_yifu", "policy_placement", "contract"],
            "excluded_categories": ["law_enforcement", "station"],
        },
        "note": "一般不超过30人，含公岗、三支一扶及政策性安置人员，不包括综合执法中队和各社区服务站人员。"
        "按在任且非挂职的街道职务人数计，一人多岗只计一次；人大街道工委委员（人大代表）不计。",
    },
    {"key": "street.extra_career_posts", "title": "街道增加事业编制", "clause": "二(二)1", "value": 1,
     "note": "在保持现有行政、事业编制不变的基础上，为每个街道增加1名事业编制。"},
    {"key": "street.leadership_posts", "title": "街道党政领导职数", "clause": "二(二)2",
     "value": {"principal": 2, "deputy": 4},
     "note": "2正4副，不包括挂职领导；交叉任职的同一人只计一次，兼任正职者计为正职。"},
    {"key": "street.seconded_leaders", "title": "挂职领导", "clause": "二(二)2",
     "value": {"police_station_head": ["street_deputy_secretary", "street_deputy_director"],
               "law_enforcement_head": ["street_committee_member", "street_deputy_director"],
               "judicial_office_head": ["street_committee_member", "street_deputy_director"]},
     "note": "辖区派出所所长挂职任街道党工委副书记或办事处副主任；综合执法中队队长、司法所所长挂职任党工委委员、办事处副主任。"
     "挂职领导不计入2正4副；其他挂职须经批准（填写批准文号）。"},
    {"key": "street.organisation_members", "title": "专职组织委员", "clause": "二(二)2", "value": 1,
     "note": "每个街道设专职组织委员1名，任党工委委员。"},
    {"key": "street.npc_committee", "title": "人大街道工委组成", "clause": "二(二)2",
     "value": {"directors": 1, "deputy_directors": 1, "members_min": 1, "members_max": 3},
     "note": "主任由街道党工委书记兼任；副主任1名由街道副书记或副主任兼任；委员1-3名，须为辖区当届兴庆区级人大代表。"},
    {"key": "street.offices_and_centre", "title": "四办一中心", "clause": "二(三)",
     "value": {"offices": ["party_building", "coordination", "public_service", "governance", "livelihood_centre"],
               "head": "deputy"},
     "note": "设基层党建、综合协调、公共服务、基层治理4个办公室和民生服务管理中心；主管人员由班子成员副职兼任；"
     "各街道可调整优化岗位职责。"},
    {"key": "big_committee.meetings_per_year", "title": "大工委联席会议次数", "clause": "二(四)1", "value": 2,
     "note": "每年召开不少于2次。"},
    {"key": "stationed_unit.score_weights", "title": "驻区单位党建考核赋分权重", "clause": "二(四)2",
     "value": {"region": {"total": 10, "street": 4, "community": 6},
               "city": {"total": 20, "street": 8, "community": 12},
               "district": {"total": 20, "street": 8, "community": 12}},
     "note": "百分比。自治区级10%（街道4%、社区6%）；银川市及兴庆区20%（街道8%、社区12%）。"},
    {"key": "stationed_unit.score_deadline", "title": "赋分结果报送期限", "clause": "二(四)2",
     "value": {"month": 12, "day": 20}, "note": "每年12月20日前报兴庆区委组织部审核。"},
    {"key": "honours.consultation_working_days", "title": "评选表彰征求意见提前工作日", "clause": "二(四)2", "value": 10,
     "note": "评选前10个工作日必须征求街道、社区意见。"},
    {"key": "community.party_committee_threshold", "title": "设立社区党委的直管党员人数", "clause": "三(一)", "value": 100,
     "note": "直管党员超过100人设社区党委，否则设党总支；恰为100人不属于“超过”，设党总支。"},
    {"key": "community.party_committee_size", "title": "社区党委班子人数", "clause": "三(一)2",
     "value": {"min": 7, "max": 11, "odd": True, "secretary": 1, "fulltime_deputy": 1, "deputy": 2,
               "members_min": 3, "members_max": 7},
     "note": "一般由7—11人的单数组成：书记1名，专职副书记1名，副书记2名，委员3-7名。"},
    {"key": "street.deputies_as_community_secretaries", "title": "街道党员副职兼任社区党委书记", "clause": "三(一)2",
     "value": 1,
     "note": "街道领导班子中的党员副职，每人至少兼任一个社区的党委书记（挂职领导不在此列）；专职组织委员可不兼任。"},
    {"key": "joint_committee.meetings_per_quarter", "title": "联合党委联席会议", "clause": "三(一)3", "value": 1,
     "note": "每季度召开1次；四项清单每年初协商建立。"},
    {"key": "service_station.staff_cap", "title": "社区服务站工作人员上限", "clause": "三(二)2", "value": 4,
     "note": "一般不超过4名，含站长1名；社区工作者兼任须经区委组织部审批。"},
    {"key": "service_station.communities_per_station", "title": "服务站设置", "clause": "三(二)",
     "value": {"communities_max": 2, "stations_per_community": 1},
     "note": "原则上1个社区设立1个服务站，距离较近、服务半径较小的相邻2个社区可合并设立1个服务站；一个社区只属于一个服务站。"
     "系统无法判断“相邻”，至少要求合并的社区属于服务站所在街道。"},
    {"key": "residents.deliberation_per_month", "title": "社区议事园频次", "clause": "三(三)1", "value": 1,
     "note": "每月至少组织一次。"},
    {"key": "community.residents_committee", "title": "社区居委会主任", "clause": "三(三)2",
     "value": {"director": 1},
     "note": "居委会主任1名，与社区党委书记、服务站站长定期向居民代表会议报告工作（三报告一评议一监督）。"},
    {"key": "community.committee_members", "title": "社区“两委”成员职数", "clause": "三(四)2",
     "value": [{"min": 0, "value": 5}, {"min": 3000, "value": 7}, {"min": 5000, "value": 9}],
     "note": "3000户以下5名，3000-5000户7名，5000户以上9名。" + HALF_OPEN},
    {"key": "community.households_per_grid_worker", "title": "网格员配备标准", "clause": "三(四)2",
     "value": {"standard": 500, "complex": 300},
     "note": "每500户配备1名网格员（向上取整）；老旧小区多、无物业小区多、老龄人群多、商圈商户多的社区按300户1名。"
     "网格员由“两委”成员兼任，不足部分招聘专职网格员。"},
    {"key": "community.worker_review_months", "title": "社区工作者考核周期（月）", "clause": "三(四)3",
     "value": {"community_workers_by_street": 6, "grid_workers_by_community": 3},
     "note": "街道每半年考核社区工作者一次；社区每季度考核专职网格员一次。"},
    {"key": "grids.change_approval", "title": "网格调整审定", "clause": "四(一)", "value": "civil_affairs",
     "note": "街道对现有网格调整完善，须提前报民政局审定后组织实施。"},
    {"key": "grids.coverage", "title": "网格划分全覆盖", "clause": "四(一)", "value": {"households_tolerance": 0},
     "note": "以社区为单位完善网格划分，做到全覆盖管理：各网格户数之和等于社区登记户数（允许差额，户）。"},
    {"key": "grids.single_network", "title": "多网合一", "clause": "四(二)2", "value": {"departments_may_create": False},
     "note": "实行网格管理“多网合一”，现有网格确定后，各职能部门不得另行要求设立网格。"},
    {"key": "grids.party_coverage", "title": "网格党组织全覆盖", "clause": "四(二)1",
     "value": {"model_posts_per_grid": 1},
     "note": "以党支部、党小组、联合党支部或党建指导员等多种方式设置网格党组织，逐步实现全覆盖；以网格为单位设立"
     "党员示范岗、党员先锋岗、党员责任区等（每个网格至少设立的个数）。"},
    {"key": "grids.event_escalation", "title": "网格事件逐级处理", "clause": "四(二)2",
     "value": {"levels": ["grid", "community", "street", "department"]},
     "note": "网格员无法协调解决的问题，社区和街道协调处理，实现“大事不出社区、小事不出网格”；逐级上报，不得越级，"
     "由事件所在层级办理。"},
    {"key": "community.work_funds", "title": "社区工作经费（元/年）", "clause": "五(二)",
     "value": [{"min": 0, "value": 100000}, {"min": 3000, "value": 130000}, {"min": 5000, "value": 150000}],
     "note": "3000户以下10万元，3000-5000户13万元，5000户（含5000户）以上15万元。" + HALF_OPEN},
    {"key": "community.party_building_funds", "title": "社区党建经费（元/年）", "clause": "五(二)",
     "value": {"base": {"party_committee": 50000, "general_branch": 30000, "branch": 20000},
               "members_above": 100, "per_member": 200},
     "note": "党委5万元、党总支3万元、党支部2万元；直管党员超过100人的，按超出人数每人200元增加。"},
    {"key": "party_dues.full_return_from_year", "title": "党费全额返还起始年", "clause": "五(二)", "value": 2019,
     "note": "自2019年始，社区党组织直管党员交纳的党费全额返还。"},
    {"key": "assessment.street_weight_on_agency_heads", "title": "街道对派驻机构负责人考核权重下限（%）",
     "clause": "五(三)", "value": 50, "note": "考核权重不低于50%。"},
    {"key": "assessment.residents_weight_on_street_staff", "title": "居委会对街道工作人员考核权重下限（%）",
     "clause": "五(三)", "value": 30, "note": "考核权重不低于30%。"},
    {"key": "assessment.party_weight_on_station_staff", "title": "社区党组织对服务站人员考核权重下限（%）",
     "clause": "五(三)", "value": 50, "note": "考核权重不低于50%。"},
    {"key": "awards.long_service", "title": "社区工作者特殊荣誉奖励", "clause": "五(四)",
     "value": [{"years": 20, "amount": 5000, "honours": "荣誉证书"},
               {"years": 30, "amount": 10000, "honours": "荣誉证书、奖章"}],
     "note": "在社区连续工作年满20年且无违纪违法情形的，一次性奖励5000元；满30年的，一次性奖励10000元。"},
    {"key": "rollout.pilot_streets", "title": "试点街道", "clause": "六(二)",
     "value": {"streets": ["胜利街", "新华街", "中山南街", "解放西街", "文化街", "玉皇阁北街", "前进街"],
               "pilot_from": "2018-10-01", "all_from": "2019-01-01"},
     "note": "2018年10月起在7个街道试点；2019年起在11个街道全面推行。"},
    # Admission lists and tasks pushed down (二(一), 三(五)); read by admissions/checks.py.
    {"key": "admission.street_list", "title": "街道行政事务准入清单", "clause": "二(一)",
     "value": {"exception_by": "编委会", "transfer": ["权", "人", "费"]},
     "note": "凡没有明确列入准入清单的行政事务，街道不作为责任主体；确需街道承担的新增事项，须经区委、政府研究同意后，"
     "由兴庆区编委会行文下放，并做到权随事转、人随事转、费随事转。"},
    {"key": "admission.community_list", "title": "社区工作事项准入清单", "clause": "三(五)",
     "value": {"exception_by": "编委会", "transfer": ["权", "人", "费"]},
     "note": "凡没有列入社区准入事项的工作，社区一律不作为责任主体（附件3）；确需下放的，比照二(一)经编委会行文并随事转移权、人、费。"},
    {"key": "admission.community_offices", "title": "不得在社区设立工作机构、加挂牌子", "clause": "三(五)",
     "value": {"allowed": False},
     "note": "职能部门不得在社区设立工作机构，加挂牌子，或提出相关设立机构、挂牌的要求。"},
    {"key": "admission.community_evaluations", "title": "职能部门不得单独对社区考核评比", "clause": "三(五)",
     "value": {"kept_by": ["中央", "自治区", "银川市"]},
     "note": "职能部门不得单独对社区组织考核评比活动（中央、自治区和银川市同意保留的除外）。"},
    {"key": "meetings.reminder_days_before_period_end", "title": "法定会议到期提醒提前天数", "clause": "二(四)1、三(一)3、三(三)1",
     "value": {"year": 30, "quarter": 14, "month": 7},
     "note": "大工委（每年）、联合党委（每季度）、社区议事园（每月）在本期结束前若干天仍未召开的，提醒责任人。"
     "提前天数为工作安排，不是政策条文。"},
]


def rules_seed(apps=None) -> int:
    """Create the seed versions that are missing; return how many were created. Idempotent."""
    model = apps.get_model("governance", "PolicyRule") if apps else PolicyRule
    created = 0
    for row in SEED:
        _, was_created = model.objects.get_or_create(
            key=row["key"], effective_from=SEED_EFFECTIVE_FROM,
            defaults={"title": row["title"], "value": row["value"], "clause": row["clause"], "note": row["note"]},
        )
        created += was_created
    return created


def _shape(value):
    """The JSON shape of a rule value: types, dict keys and list element shapes, not the numbers."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return ["list", _shape(value[0]) if value else None]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items())}
    return type(value).__name__


def _numbers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def rule_value_errors(key: str, value) -> list[str]:
    """Why a new value cannot stand for rule `key` (empty when it can): it must keep the seeded shape,
    with no negative numbers, and brackets must start at 0 and rise. Keeps a typo in the admin from
    breaking every calculator that reads the rule."""
    if _has_nul(value):  # PostgreSQL's jsonb refuses it: a 500 in the admin before
        return ["取值中不能含有空字符（NUL）。"]
    seeded = next((row["value"] for row in SEED if row["key"] == key), None)
    if seeded is None:
        return []
    errors = []
    expected = _shape(seeded)
    if isinstance(value, list) and value and isinstance(seeded, list):
        shapes_ok = all(_shape(item) == expected[1] for item in value)
    else:
        shapes_ok = _shape(value) == expected
    if not shapes_ok:
        errors.append(f"取值结构须与原规则一致，例如：{json.dumps(seeded, ensure_ascii=False)}")
    if any(n < 0 for n in _numbers(value)):
        errors.append("取值不能为负数。")
    if shapes_ok and isinstance(value, list) and value and isinstance(value[0], dict) and "min" in value[0]:
        mins = [row["min"] for row in value]
        if mins[0] != 0 or any(b <= a for a, b in zip(mins, mins[1:], strict=False)):
            errors.append("区间下限须从0开始并逐级递增。")
    return errors

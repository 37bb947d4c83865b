"""Policy rule values as a clerk reads them: words and numbers, never JSON or keys.

`rule_in_words(key, value)` says a rule's value in a sentence ("上限 30 人，计入：行政编制、事业编制…").
`rule_numbers(key, value)` lists every number in a value with its label and its path, so that the
what-if can offer one field per number; `rule_with_numbers` puts changed numbers back into the value.
"""

from typing import Any

from django.utils.translation import gettext as _

from governance.models import StaffCategory


def n(number) -> str:
    """A number with thousands separators: 100000 → 100,000."""
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return str(number)
    return f"{number:,}"


def _brackets(rows: list[dict], unit: str) -> str:
    rows = sorted(rows, key=lambda r: r["min"])
    parts = []
    for i, row in enumerate(rows):
        upper = rows[i + 1]["min"] if i + 1 < len(rows) else None
        if row["min"] == 0 and upper is not None:
            span = _("不足 %(upper)s 户") % {"upper": n(upper)}
        elif upper is None:
            span = _("%(lower)s 户及以上") % {"lower": n(row["min"])}
        else:
            span = _("%(lower)s—%(last)s 户") % {"lower": n(row["min"]), "last": n(upper - 1)}
        parts.append(f"{span}：{n(row['value'])} {unit}")
    return "；".join(parts)


def _categories(codes) -> str:
    labels = dict(StaffCategory.choices)
    return "、".join(str(labels.get(c, c)) for c in codes)


_PARTY_KINDS = {"party_committee": "党委", "general_branch": "党总支", "branch": "党支部"}
_LEVELS = {"region": "自治区级单位", "city": "银川市级单位", "district": "兴庆区级单位"}


def _words(key: str, v: Any) -> str | None:  # noqa: C901 - one branch per rule, read as a table
    if key == "street.staff_cap":
        return _("上限 %(cap)s 人，计入：%(inc)s；不计入：%(exc)s") % {
            "cap": n(v["cap"]), "inc": _categories(v["counted_categories"]), "exc": _categories(v["excluded_categories"])}
    if key == "street.extra_career_posts":
        return _("每个街道增加 %(n)s 名事业编制") % {"n": n(v)}
    if key == "street.leadership_posts":
        return _("正职 %(p)s 名，副职 %(d)s 名（不含挂职领导）") % {"p": n(v["principal"]), "d": n(v["deputy"])}
    if key == "street.organisation_members":
        return _("每个街道 %(n)s 名") % {"n": n(v)}
    if key == "street.npc_committee":
        return _("主任 %(a)s 名，副主任 %(b)s 名，委员 %(lo)s—%(hi)s 名") % {
            "a": n(v["directors"]), "b": n(v["deputy_directors"]), "lo": n(v["members_min"]), "hi": n(v["members_max"])}
    if key == "community.party_committee_threshold":
        return _("直管党员超过 %(n)s 人设社区党委，否则设党总支") % {"n": n(v)}
    if key == "community.party_committee_size":
        return _("%(lo)s—%(hi)s 人%(odd)s：书记 %(s)s 名，专职副书记 %(f)s 名，副书记 %(d)s 名，委员 %(mlo)s—%(mhi)s 名") % {
            "lo": n(v["min"]), "hi": n(v["max"]), "odd": _("的单数") if v.get("odd") else "", "s": n(v["secretary"]),
            "f": n(v["fulltime_deputy"]), "d": n(v["deputy"]), "mlo": n(v["members_min"]), "mhi": n(v["members_max"])}
    if key == "service_station.staff_cap":
        return _("上限 %(n)s 名（含站长 1 名）") % {"n": n(v)}
    if key == "community.committee_members":
        return _brackets(v, _("名"))
    if key == "community.work_funds":
        return _brackets(v, _("元/年"))
    if key == "community.households_per_grid_worker":
        return _("每 %(s)s 户 1 名；情况复杂社区每 %(c)s 户 1 名") % {"s": n(v["standard"]), "c": n(v["complex"])}
    if key == "community.party_building_funds":
        base = "，".join(f"{_PARTY_KINDS.get(k, k)} {n(x)} 元" for k, x in v["base"].items())
        return _("%(base)s；直管党员超过 %(above)s 人的，超出部分每人 %(per)s 元") % {
            "base": base, "above": n(v["members_above"]), "per": n(v["per_member"])}
    if key == "awards.long_service":
        return "；".join(_("连续工作满 %(y)s 年：%(h)s，一次性奖励 %(a)s 元") % {
            "y": n(r["years"]), "h": r["honours"], "a": n(r["amount"])} for r in sorted(v, key=lambda r: r["years"]))
    if key == "community.worker_review_months":
        return _("街道每 %(a)s 个月考核社区工作者一次；社区每 %(b)s 个月考核专职网格员一次") % {
            "a": n(v["community_workers_by_street"]), "b": n(v["grid_workers_by_community"])}
    if key == "stationed_unit.score_weights":
        return "；".join(_("%(level)s %(t)s%%（街道 %(s)s%%，社区 %(c)s%%）") % {
            "level": _LEVELS.get(k, k), "t": n(w["total"]), "s": n(w["street"]), "c": n(w["community"])} for k, w in v.items())
    if key == "stationed_unit.score_deadline":
        return _("每年 %(m)s 月 %(d)s 日前") % {"m": v["month"], "d": v["day"]}
    if key == "rollout.pilot_streets":
        return _("试点街道：%(s)s（%(p)s 起）；全面推行：%(a)s 起") % {
            "s": "、".join(v["streets"]), "p": v["pilot_from"], "a": v["all_from"]}
    if key == "big_committee.meetings_per_year":
        return _("每年不少于 %(n)s 次") % {"n": n(v)}
    if key == "honours.consultation_working_days":
        return _("评选表彰前 %(n)s 个工作日征求街道、社区意见") % {"n": n(v)}
    if key == "joint_committee.meetings_per_quarter":
        return _("每季度 %(n)s 次") % {"n": n(v)}
    if key == "residents.deliberation_per_month":
        return _("每月至少 %(n)s 次") % {"n": n(v)}
    if key == "party_dues.full_return_from_year":
        return _("自 %(y)s 年起全额返还") % {"y": v}
    if key.startswith("assessment.") and key.endswith(("_heads", "_staff")):
        return _("不低于 %(n)s%%") % {"n": n(v)}
    if key == "grids.change_approval":
        return _("报民政局审定后实施")
    return None


def _generic(value: Any) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (int, float)):
        return n(value)
    if isinstance(value, list):
        return "；".join(_generic(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{_LABELS.get(k, k)} {_generic(v)}" for k, v in value.items())
    return str(value)


def rule_in_words(key: str, value: Any) -> str:
    try:
        words = _words(key, value)
    except (KeyError, TypeError, AttributeError, ValueError):
        words = None  # a value edited into another shape: still readable, just plainer
    return words if words is not None else _generic(value)


# Labels of the numbers inside rule values, for the what-if's fields and the generic wording.
_LABELS = {
    "cap": "上限（人）", "principal": "正职（名）", "deputy": "副职（名）", "directors": "主任（名）",
    "deputy_directors": "副主任（名）", "members_min": "委员下限（名）", "members_max": "委员上限（名）",
    "min": "下限", "max": "上限", "secretary": "书记（名）", "fulltime_deputy": "专职副书记（名）",
    "standard": "一般社区每名网格员对应户数", "complex": "情况复杂社区每名网格员对应户数",
    "party_committee": "社区党委基数（元）", "general_branch": "社区党总支基数（元）", "branch": "社区党支部基数（元）",
    "members_above": "加计起点：直管党员超过（人）", "per_member": "超出部分每人（元）",
    "years": "年限（年）", "amount": "金额（元）", "total": "合计（%）", "street": "街道（%）", "community": "社区（%）",
    "month": "月", "day": "日", "base": "",
}
_BRACKET_UNITS = {"community.committee_members": "职数（名）", "community.work_funds": "金额（元/年）"}
_SCALAR_LABELS = {
    "community.party_committee_threshold": "直管党员超过多少人设党委（人）",
    "service_station.staff_cap": "服务站工作人员上限（名）",
    "street.extra_career_posts": "增加事业编制（名）", "street.organisation_members": "专职组织委员（名）",
}


def rule_numbers(key: str, value: Any) -> list[tuple[str, str, int | float]]:
    """(path, label, number) for every number in a rule value, in reading order."""
    out: list[tuple[str, str, int | float]] = []

    def walk(v, path: list, label: str):
        if isinstance(v, bool):
            return
        if isinstance(v, (int, float)):
            out.append((".".join(str(p) for p in path), label, v))
        elif isinstance(v, list):
            for i, item in enumerate(v):
                walk(item, [*path, i], _("第%(i)s档") % {"i": i + 1} + " ")
        elif isinstance(v, dict):
            for k, item in v.items():
                if key in _BRACKET_UNITS and k == "min":
                    part = _("住户数下限（户）")
                elif key in _BRACKET_UNITS and k == "value":
                    part = _BRACKET_UNITS[key]
                else:
                    part = _LABELS.get(k, k)
                walk(item, [*path, k], f"{label}{part}" if label else part)

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [("", _SCALAR_LABELS.get(key, _("取值")), value)]
    walk(value, [], "")
    return out


def rule_with_numbers(value: Any, numbers: dict[str, int | float]) -> Any:
    """A copy of `value` with the numbers at the given paths replaced."""
    if "" in numbers:
        return numbers[""]

    def rebuild(v, path: str):
        if isinstance(v, list):
            return [rebuild(item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(v)]
        if isinstance(v, dict):
            return {k: rebuild(item, f"{path}.{k}" if path else k) for k, item in v.items()}
        return numbers.get(path, v)

    return rebuild(value, "")

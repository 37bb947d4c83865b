"""The assessment rules, one function each (CONTRIBUTING.md 3).

- 五(三): the floors of a rater's weight in three schemes (street ≥ 50% of agency heads' assessment,
  residents' committees ≥ 30% of street staff's, community party organisation ≥ 50% of station staff's);
- 二(四)2: a stationed unit's party-building weight by its level, split between street and community;
- 二(四)2: results due by 20 December.

Each reads its rule from a `RuleBook` and returns `Breach`es citing the rule object; the scheme service
refuses what a scheme would break (`refuse_new_breaches`).
"""

import datetime

from django.utils.translation import gettext as _

from assessments.models import RaterKind, SubjectKind
from governance.findings import Breach
from governance.registry import rule_check
from governance.rules import RuleBook

APP = "assessments"


def _floor(rule_key: str, subject_kind: str, rater_kind: str, label: str):
    def check(*, subject_kind_: str, weights: dict[str, int], rules: RuleBook) -> list[Breach]:
        if subject_kind_ != subject_kind:
            return []
        rule = rules[rule_key]
        weight = weights.get(rater_kind, 0)
        if weight >= rule.value:
            return []
        return [Breach(rule, rater_kind, _("%(label)s的考核权重为 %(weight)s%%，不得低于 %(floor)s%%")
                       % {"label": label, "weight": weight, "floor": rule.value},
                       excess=rule.value - weight, field="components")]
    return check


@rule_check("assessment.street_weight_on_agency_heads", app_label=APP)
def street_weight_on_agency_heads(*, subject_kind: str, weights: dict[str, int], rules: RuleBook) -> list[Breach]:
    """五(三): the street's part in assessing departments' stationed-agency heads is at least 50%."""
    return _floor("assessment.street_weight_on_agency_heads", SubjectKind.AGENCY_HEAD, RaterKind.STREET,
                  _("街道对派驻机构负责人"))(subject_kind_=subject_kind, weights=weights, rules=rules)


@rule_check("assessment.residents_weight_on_street_staff", app_label=APP)
def residents_weight_on_street_staff(*, subject_kind: str, weights: dict[str, int], rules: RuleBook) -> list[Breach]:
    """五(三): the residents' committees' part in assessing street staff is at least 30%."""
    return _floor("assessment.residents_weight_on_street_staff", SubjectKind.STREET_STAFF,
                  RaterKind.RESIDENTS_COMMITTEE, _("社区居委会对街道工作人员"))(
        subject_kind_=subject_kind, weights=weights, rules=rules)


@rule_check("assessment.party_weight_on_station_staff", app_label=APP)
def party_weight_on_station_staff(*, subject_kind: str, weights: dict[str, int], rules: RuleBook) -> list[Breach]:
    """五(三): the community party organisation's part in assessing station staff is at least 50%."""
    return _floor("assessment.party_weight_on_station_staff", SubjectKind.STATION_STAFF,
                  RaterKind.COMMUNITY_PARTY_ORGANIZATION, _("社区党委（党总支）对服务站工作人员"))(
        subject_kind_=subject_kind, weights=weights, rules=rules)


def scheme_breaches(*, subject_kind: str, weights: dict[str, int], rules: RuleBook) -> list[Breach]:
    """Every floor of 五(三) a scheme's weights break."""
    found = []
    for check in (street_weight_on_agency_heads, residents_weight_on_street_staff, party_weight_on_station_staff):
        found.extend(check(subject_kind=subject_kind, weights=weights, rules=rules) or [])
    return found


@rule_check("stationed_unit.score_weights", app_label=APP)
def party_building_weight(level: str, rules: RuleBook) -> dict:
    """二(四)2: a stationed unit's party-building weight by level, in percent: total, street and community
    (自治区级 10 = 4 + 6; 银川市及兴庆区 20 = 8 + 12)."""
    rule = rules["stationed_unit.score_weights"]
    split = rule.value[level]
    return {"total": split["total"], "street": split["street"], "community": split["community"], "rule": rule}


@rule_check("stationed_unit.score_deadline", app_label=APP)
def score_deadline(year: int, rules: RuleBook) -> datetime.date:
    """二(四)2: the year's results go to the organisation department by 20 December."""
    rule = rules["stationed_unit.score_deadline"]
    return datetime.date(year, rule.value["month"], rule.value["day"])


def is_late(*, submitted_on: datetime.date | None, deadline: datetime.date, today: datetime.date) -> bool:
    """A sheet is late when it was submitted after the deadline, or is still missing after it."""
    if submitted_on is not None:
        return submitted_on > deadline
    return today > deadline


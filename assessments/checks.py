"""The assessment rules, one function each (CONTRIBUTING.md 3).

- 五(三): the floors of a rater's weight in three schemes (street ≥ 50% of agency heads' assessment,
  residents' committees ≥ 30% of street staff's, community party organisation ≥ 50% of station staff's);
- 二(四)2: a stationed unit's party-building weight by its level, split between street and community;
- 二(四)2: results due by 20 December;
- a subject's weighted total (each rater's part × its weight, rounded to cents) and the excellent share
  tilted toward communities (五(三)), each in two forms side by side: Python for one subject, SQL for a
  whole cycle in one aggregate query (the ranking). A test holds both to the same figures.

Each reads its rule from a `RuleBook` and returns `Breach`es citing the rule object; the scheme service
refuses what a scheme would break (`refuse_new_breaches`).
"""

import datetime
import math
import string
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, FloatField, Max, Q, Sum
from django.db.models.expressions import Expression
from django.utils.translation import gettext as _

from assessments.models import RaterKind, ScoreSheet, SubjectKind
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



# --- the weighted total -------------------------------------------------------------------------------

# The sheets a total counts: submitted and approved. A draft or a returned sheet counts only once (again)
# submitted.
COUNTED = (ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.APPROVED)
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def weighted_total(sheets: Iterable[tuple[str, str, Decimal | None, int | None, Decimal]]) -> dict:
    """A subject's weighted total from its sheets, given as (rater_kind, status, raw_score, max_score, weight).

    A rater kind's part is its counted sheets' points × 100 / their full marks, at cents (none while no
    sheet counts); its points are that part × its weight / 100, at cents. The total is the sum of the
    points, out of the sum of the weights (`full_weight`: 100, or 10/20 for a stationed unit's
    party-building part), and `percent` the total on a scale of 100, at cents. The SQL form,
    `weighted_total_sql`, computes the same figures for every subject of a cycle at once.
    """
    parts: dict[str, dict] = {}
    for rater_kind, status, raw, full, weight in sheets:
        part = parts.setdefault(rater_kind, {"weight": Decimal(weight), "sheets": 0, "done": 0, "raw": Decimal(0),
                                             "full": 0})
        part["sheets"] += 1
        if status in COUNTED:
            part["done"] += 1
            part["raw"] += Decimal(raw)
            part["full"] += full
    total = full_weight = Decimal(0)
    for part in parts.values():
        part["percent"] = cents(part["raw"] * 100 / part["full"]) if part["done"] and part["full"] else None
        part["points"] = cents(part["percent"] * part["weight"] / 100) if part["percent"] is not None else None
        total += part["points"] or 0
        full_weight += part["weight"]
    percent = cents(total * 100 / full_weight) if full_weight else Decimal(0)
    return {"parts": parts, "total": total, "full_weight": full_weight, "percent": percent,
            "complete": all(p["done"] == p["sheets"] for p in parts.values())}


class _Formula(Expression):
    """Arithmetic over aggregates, written once as a template: exact (numeric) on PostgreSQL; reals on
    SQLite, whose integer division would truncate. `{num}` in the template names the exact type there."""

    def __init__(self, template: str, *expressions, output_field=None):
        super().__init__(output_field=output_field or FloatField())
        self.template, self.expressions = template, list(expressions)

    def get_source_expressions(self):
        return self.expressions

    def set_source_expressions(self, exprs):
        self.expressions = list(exprs)

    def as_sql(self, compiler, connection):
        compiled = [compiler.compile(expression) for expression in self.expressions]
        number = "REAL" if connection.vendor == "sqlite" else "numeric"
        # an expression written twice in the template passes its parameters twice, in the template's order
        params = [param for _text, name, _spec, _conv in string.Formatter().parse(self.template)
                  if name is not None and name.isdigit() for param in compiled[int(name)][1]]
        return self.template.format(*[f"({sql})" for sql, _params in compiled], num=number), params


def _float(expression) -> _Formula:
    """An exact figure handed over as a float, which crosses the driver far faster than a numeric; it is
    already at cents, so `Decimal(f"{value:.2f}")` reads it back exactly."""
    return _Formula("CAST({0} AS double precision)", expression)


def weighted_total_sql(rater_kinds: Iterable[str]) -> tuple[list[str], dict[str, Expression]]:
    """The SQL form of `weighted_total`: annotations over a cycle's sheets grouped by subject
    (`.values("assessment_id")`), one query for every subject. Each rater kind's part is a set of
    columns `p<i>_sheets`, `p<i>_done`, `p<i>_weight`, `p<i>_percent`, `p<i>_points` (null when the
    subject has no sheet of that kind, or none counted), beside `total`, `full_weight`, `percent` and
    `sheets`/`done` (complete when equal). Answers the rater kinds in the columns' order and the
    annotations."""
    kinds = sorted(set(rater_kinds))
    counted = Q(status__in=COUNTED)
    columns: dict[str, Expression] = {}
    points, weights = [], []
    for i, kind in enumerate(kinds):
        of_kind = Q(rater_kind=kind)
        weight = Max("weight", filter=of_kind)
        percent = _Formula("ROUND(CAST({0} AS {num}) * 100 / NULLIF({1}, 0), 2)",
                           Sum("raw_score", filter=of_kind & counted), Sum("max_score", filter=of_kind & counted))
        part_points = _Formula("ROUND({0} * CAST({1} AS {num}) / 100, 2)", percent, weight)
        columns |= {f"p{i}_sheets": Count("pk", filter=of_kind), f"p{i}_done": Count("pk", filter=of_kind & counted),
                    f"p{i}_weight": _float(weight), f"p{i}_percent": _float(percent),
                    f"p{i}_points": _float(part_points)}
        points.append(part_points)
        weights.append(weight)
    total = _Formula(" + ".join(f"COALESCE({{{i}}}, 0)" for i in range(len(kinds))) or "0", *points)
    full_weight = _Formula(" + ".join(f"COALESCE({{{i}}}, 0)" for i in range(len(kinds))) or "0", *weights)
    percent = _Formula("CASE WHEN {1} > 0 THEN ROUND(CAST({0} AS {num}) * 100 / {1}, 2) ELSE 0 END", total, full_weight)
    columns |= {"total": _float(total), "full_weight": _float(full_weight), "percent": _float(percent),
                "sheets": Count("pk"), "done": Count("pk", filter=counted)}
    return kinds, columns


def excellent_cap(*, subjects: int, excellent_share: int | None, community_tilt: int, community_level: bool) -> int:
    """五(三) (考核优秀指标适度向社区倾斜): at most `excellent_share` percent of a cycle's ranked subjects are
    rated excellent, `community_tilt` points more when the subjects sit at community level."""
    if excellent_share is None:
        return 0
    share = excellent_share + (community_tilt if community_level else 0)
    return math.floor(subjects * min(share, 100) / 100)


def is_excellent(*, rank: int, cap: int, complete: bool, percent: Decimal, threshold: int) -> bool:
    """Excellent: within the cap by rank, every part counted, and at or above the cycle's threshold."""
    return rank <= cap and complete and percent >= threshold

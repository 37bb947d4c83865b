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
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

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


def weighted_total_sql(*, cycle_id: int, rater_kinds: Iterable[str], subjects: tuple[str, list] | None = None
                       ) -> tuple[list[str], str, list]:
    """The SQL form of `weighted_total`: one query for every subject of a cycle, ranked.

    It counts in whole cents (bigints), where rounding half up is `(2 × a + b) / (2 × b)` for a / b: exact,
    the same on PostgreSQL and SQLite, and cheap. The innermost query groups the cycle's sheets by subject
    and rater kind into a part (its counted sheets' points × 100 / their full marks, in cents) and its
    weight (in cents); the next adds each part's points (part × weight / 100, in cents); the outer sums a
    subject's parts into its total, full weight and percent (total × 100 / full weight, in cents), hands each
    part over as its own columns, and names the subject. `subjects`, a subquery of assessment ids, narrows
    it. A row: subject id, name, street name, community name, total, full weight, percent, sheets, counted
    sheets, then per rater kind (in the answered order) sheets, counted sheets, weight, percent, points
    (null when the subject has no sheet of that kind, or none counted), then the subject id again; figures
    in cents. Answers the rater kinds in their columns' order, the SQL and its parameters."""
    from assessments.models import Assessment
    from communities.models import Community
    from streets.models import Street

    kinds = sorted(set(rater_kinds))
    counted = "s.status IN (%s, %s)"
    raw_cents = f"CAST(ROUND(SUM(s.raw_score) FILTER (WHERE {counted}) * 100) AS bigint)"
    full = f"SUM(s.max_score) FILTER (WHERE {counted})"
    part_columns = "".join(
        f", MAX(q.{column}) FILTER (WHERE q.rater_kind = %s)"
        for _kind in kinds for column in ("sheets", "done", "weight", "percent", "points"))
    narrow, narrow_params = (f" AND s.assessment_id IN ({subjects[0]})", list(subjects[1])) if subjects else ("", [])
    total, weight = "CAST(COALESCE(SUM(q.points), 0) AS bigint)", "CAST(SUM(q.weight) AS bigint)"
    sql = f"""
        SELECT a.id, a.subject_name, st.name, co.name, t.*
        FROM (SELECT {total}, {weight},
                     CASE WHEN {weight} > 0 THEN ({total} * 20000 + {weight}) / (2 * {weight}) ELSE 0 END AS percent,
                     CAST(SUM(q.sheets) AS bigint), CAST(SUM(q.done) AS bigint){part_columns},
                     q.assessment_id AS subject
              FROM (SELECT p.*, (2 * p.percent * p.weight + 10000) / 20000 AS points
                    FROM (SELECT s.assessment_id, s.rater_kind, COUNT(*) AS sheets,
                                 COUNT(*) FILTER (WHERE {counted}) AS done,
                                 CAST(ROUND(MAX(s.weight) * 100) AS bigint) AS weight,
                                 ({raw_cents} * 200 + {full}) / NULLIF(2 * {full}, 0) AS percent
                          FROM {ScoreSheet._meta.db_table} s
                          WHERE s.cycle_id = %s{narrow}
                          GROUP BY s.assessment_id, s.rater_kind) p) q
              GROUP BY q.assessment_id) t
        JOIN {Assessment._meta.db_table} a ON a.id = t.subject AND a.cycle_id = %s
        LEFT JOIN {Street._meta.db_table} st ON st.id = a.street_id
        LEFT JOIN {Community._meta.db_table} co ON co.id = a.community_id
        ORDER BY t.percent DESC, a.subject_name, a.id"""
    statuses = [str(status) for status in COUNTED]
    # the parameters in the order of their placeholders: the part columns, the innermost query's counted
    # statuses (done, the points, the full marks twice), the cycle, the subjects, the cycle
    return kinds, sql, [*(k for kind in kinds for k in [kind] * 5), *statuses * 4, cycle_id, *narrow_params, cycle_id]


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

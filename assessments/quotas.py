"""Staffing and funding quotas: every figure the 2018 plan fixes, computed from data and a RuleBook.

Pure functions: they take a community's or street's figures and a `RuleBook(on=date)` and return
dataclasses whose every figure carries its basis (rule key, the value used, effective date, clause).
No database access here; `assessments.selectors` reads the figures and the actual staffing.

Interpretations (kept visible in `NOTES`, shown on the pages and returned by the API):
- Household brackets are half-open [0,3000), [3000,5000), [5000,∞) (DESIGN.md section 2).
- Party organisation (三(一)): "超过100人" is strictly more than the threshold; exactly 100 → 党总支.
- Grid workers (三(四)2): ceil(households / 500) is the standard; a community marked complex *may* staff up
  to ceil(households / 300) (an allowance, not a duty). "两委" members serve as grid workers first: the quota counts min(grid workers, "两委" quota) as covered by them and the
  rest as full-time grid workers to hire. The quota uses the "两委" *quota*, not the actual "两委"; the
  gap report also shows what the actual "两委" would leave to hire.
- Party-building funds (五(二)): "按照党委、党总支、党支部分别预算": the base follows the organisation the
  community actually has (the one 三(一) requires when it has none), and the budget line says so where the
  two differ; the ¥200 per member is added only for the directly-managed members above 100.
- Long-service awards (五(四)): "连续工作年满20/30年" is reached in year Y when the anniversary of
  `community_service_start` falls in Y. The awards are one-time: in the rule's first budget year (2019 for
  the seeded version) a worker who already had 20 (30) or more years receives the highest tier reached,
  once; after it, each tier in the year its anniversary falls. The "no violations" condition applies to both.
"""

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, ExpressionWrapper, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Greatest, Least, Mod
from django.db.models.lookups import Exact, In, LessThanOrEqual
from django.utils.translation import gettext as _

from communities.checks import party_organization_required
from communities.models import PartyOrganization
from governance.rules import RuleBook, bracket

COMMUNITY_RULES = (
    "community.party_committee_threshold", "community.committee_members", "community.households_per_grid_worker",
    "community.work_funds", "community.party_building_funds", "service_station.staff_cap",
)
STREET_RULES = (
    "street.staff_cap", "street.extra_career_posts", "street.leadership_posts", "street.organisation_members",
    "street.npc_committee",
)
AWARD_RULES = ("awards.long_service",)
ALL_RULES = COMMUNITY_RULES + STREET_RULES + AWARD_RULES

NOTES = [
    "住户数区间按左闭右开划分：[0,3000)、[3000,5000)、[5000,∞)（三(四)2、五(二)）。",
    "直管党员超过100人设社区党委；恰为100人不属于“超过”，设党总支（三(一)）。",
    "网格员按每500户1名向上取整为标准（低于此数为不足）；情况复杂社区可按每300户1名适当增配（可增配，不是必须）；"
    "“两委”成员优先兼任网格员，兼任人数按“两委”职数"
    "（而非实际人数）与网格员定额取小值，其余为须招聘的专职网格员（三(四)2）。差距表另列按实际“两委”人数计算的结果。",
    "党建经费按社区实际设立的党委、党总支、党支部分别核定基数，与三(一)应设类型不符的在预算中注明；"
    "直管党员超过100人的，仅对超出部分每人加200元（五(二)）。",
    "特殊荣誉奖励：连续从事社区工作起始日期的第20、30个周年日落在当年即为当年“年满”；规则施行时已满20（30）年的，"
    "于规则的首个预算年度（种子版本为2019年）一次性发放已满的最高一档，之后每档只发一次；有违纪违法记录者不符合条件（五(四)）。"
    "计入的社区工作者为在社区“两委”或专职网格员岗位上任职的人员（三(四)1）。",
    "年度预算按当年1月1日生效的规则测算（五(二)、五(四)）。",
]


def rules_on(on: datetime.date, *, keys=ALL_RULES, overrides=None, field: str = "as_of") -> RuleBook:
    """A RuleBook for `on` that has every rule the calculators need, or a RuleMissing (a RuleViolation)
    naming the first missing rule on `field`."""
    return RuleBook(on=on, overrides=overrides).require(keys, field=field)


@dataclass(frozen=True)
class Figure:
    """One computed figure and the rule versions it rests on."""

    name: str
    label: str
    value: Any
    basis: tuple[dict, ...] = ()

    @property
    def clauses(self) -> list[str]:
        return sorted({b["clause"] for b in self.basis})


def _basis(rule, used, figure: str) -> dict:
    return {**rule.as_basis(used=used), "figure": figure}


# --- community (三(一), 三(四)2, 五(二)) ---------------------------------------------------------

def party_organization_quota(*, party_members: int, rules: RuleBook) -> Figure:
    """三(一), decided by communities.checks.party_organization_required; here with its basis."""
    rule = rules["community.party_committee_threshold"]
    kind = party_organization_required(party_members=party_members, rules=rules)
    return Figure("party_organization", _("应设党组织"), str(kind), (_basis(rule, rule.value, "party_organization"),))


def committee_members_quota(*, households: int, rules: RuleBook) -> Figure:
    rule = rules["community.committee_members"]
    n = bracket(rule.value, households)
    return Figure("committee_members", _("“两委”成员职数"), n, (_basis(rule, n, "committee_members"),))


def grid_workers_quota(*, households: int, is_complex: bool, rules: RuleBook) -> Figure:
    """三(四)2: "按500户配备1名社区网格员" is the standard (a floor the community is short below)."""
    rule = rules["community.households_per_grid_worker"]
    per = rule.value["standard"]
    return Figure("grid_workers", _("网格员定额"), math.ceil(households / per), (_basis(rule, per, "grid_workers"),))


def grid_workers_allowance(*, households: int, is_complex: bool, rules: RuleBook) -> Figure:
    """三(四)2: a complex community "可按照300户配备1名的标准，适当增加网格员人数": an allowance up to ceil(h/300),
    not a duty; any other community's allowance is the standard itself."""
    rule = rules["community.households_per_grid_worker"]
    per = rule.value["complex" if is_complex else "standard"]
    return Figure("grid_workers_max", _("网格员可增配至"), math.ceil(households / per),
                  (_basis(rule, per, "grid_workers_max"),))


def grid_coverage(*, grid_workers: Figure, committee_members: Figure) -> tuple[Figure, Figure]:
    """三(四)2: "两委" members serve as grid workers first; full-time grid workers fill the rest."""
    covered = min(grid_workers.value, committee_members.value)
    both = grid_workers.basis + committee_members.basis
    basis = tuple({**b, "figure": "grid_covered_by_committee"} for b in both)
    hire_basis = tuple({**b, "figure": "fulltime_grid_workers"} for b in both)
    return (
        Figure("grid_covered_by_committee", _("“两委”成员兼任网格员"), covered, basis),
        Figure("fulltime_grid_workers", _("须招聘专职网格员"), max(grid_workers.value - covered, 0), hire_basis),
    )


def work_funds_quota(*, households: int, rules: RuleBook) -> Figure:
    rule = rules["community.work_funds"]
    amount = int(bracket(rule.value, households))
    return Figure("work_funds", _("社区工作经费（元/年）"), amount, (_basis(rule, amount, "work_funds"),))


def party_building_funds_quota(*, party_members: int, organization_kind: str, rules: RuleBook) -> Figure:
    rule = rules["community.party_building_funds"]
    base = int(rule.value["base"][organization_kind])
    above = max(party_members - int(rule.value["members_above"]), 0)
    extra = above * int(rule.value["per_member"])
    used = {"base": base, "members_above": rule.value["members_above"], "per_member": rule.value["per_member"],
            "extra_members": above}
    return Figure("party_building_funds", _("社区党建经费（元/年）"), base + extra,
                  (_basis(rule, used, "party_building_funds"),))


def station_staff_cap(*, rules: RuleBook) -> Figure:
    rule = rules["service_station.staff_cap"]
    return Figure("station_staff_cap", _("服务站工作人员上限"), int(rule.value), (_basis(rule, rule.value, "station_staff_cap"),))


@dataclass(frozen=True)
class CommunityQuota:
    as_of: datetime.date
    households: int
    party_members: int
    is_complex: bool
    party_organization: Figure
    committee_members: Figure
    grid_workers: Figure
    grid_workers_max: Figure
    grid_covered_by_committee: Figure
    fulltime_grid_workers: Figure
    work_funds: Figure
    party_building_funds: Figure
    station_staff_cap: Figure
    funds_organization: str  # the organisation the party-building funds were costed on (五(二))

    @property
    def figures(self) -> list[Figure]:
        return [self.party_organization, self.committee_members, self.grid_workers, self.grid_workers_max,
                self.grid_covered_by_committee, self.fulltime_grid_workers, self.work_funds,
                self.party_building_funds, self.station_staff_cap]

    @property
    def funds_note(self) -> str:
        """五(二) budgets on the organisation a community has; where 三(一) calls for another, say so."""
        if self.funds_organization == self.party_organization.value:
            return ""
        return _("按实际设立的%(actual)s核定；按直管党员人数应设%(required)s（三(一)）") % {
            "actual": PartyOrganization.Kind(self.funds_organization).label,
            "required": PartyOrganization.Kind(self.party_organization.value).label}

    @property
    def basis(self) -> list[dict]:
        return [b for fig in self.figures for b in fig.basis]

    @property
    def party_organization_label(self) -> str:
        return PartyOrganization.Kind(self.party_organization.value).label


def community_quota(*, households: int, party_members: int, is_complex: bool, rules: RuleBook,
                    organization_kind: str | None = None) -> CommunityQuota:
    """Every figure 三(一), 三(四)2 and 五(二) fix for one community, as of `rules.on`.

    `organization_kind`: the party organisation the community actually has; 五(二) "按照党委、党总支、党支部分别
    预算" costs the party-building funds on it (on the one 三(一) requires when it has none)."""
    org = party_organization_quota(party_members=party_members, rules=rules)
    committee = committee_members_quota(households=households, rules=rules)
    grid = grid_workers_quota(households=households, is_complex=is_complex, rules=rules)
    covered, hire = grid_coverage(grid_workers=grid, committee_members=committee)
    funds_kind = organization_kind or org.value
    return CommunityQuota(
        as_of=rules.on, households=households, party_members=party_members, is_complex=is_complex,
        party_organization=org, committee_members=committee, grid_workers=grid,
        grid_workers_max=grid_workers_allowance(households=households, is_complex=is_complex, rules=rules),
        grid_covered_by_committee=covered, fulltime_grid_workers=hire,
        work_funds=work_funds_quota(households=households, rules=rules),
        party_building_funds=party_building_funds_quota(
            party_members=party_members, organization_kind=funds_kind, rules=rules),
        station_staff_cap=station_staff_cap(rules=rules), funds_organization=str(funds_kind),
    )


# --- the same community figures as SQL expressions, for totals over many communities (issue 14) ------
#
# A district-wide total (the budget's lines, a street's community totals) sums these over the communities'
# figures in one grouped query instead of building every community's CommunityQuota. Each expression is
# the formula of the function above it, read from the same rule (the 三(一) decision is the rule check's own
# SQL form: communities.checks.party_organization_required(sql=True)); tests/assessments/test_quota_totals.py
# holds both forms to the same results, at the brackets' boundaries and on the demo district. A rule value
# these forms cannot express (e.g. a fractional households-per-worker figure) raises SqlFormUnavailable and
# the caller sums the Python figures instead.

class SqlFormUnavailable(ValueError):
    pass


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) and not (isinstance(value, float) and value.is_integer()):
        raise SqlFormUnavailable(value)
    return int(value)


def bracket_sql(brackets: list[dict], amount):
    """governance.rules.bracket as a CASE: the value of the half-open bracket [min, next min) holding `amount`
    (NULL below the lowest bracket, where `bracket` raises)."""
    rows = sorted(brackets, key=lambda r: r["min"])
    whens = [When(**{f"{amount}__gte": _int(r["min"])}, then=Value(_int(r["value"]))) for r in reversed(rows)]
    return Case(*whens, default=None, output_field=IntegerField())


def community_quota_sql(*, households: str, party_members: str, organization_kind: str, rules: RuleBook) -> dict:
    """The summable figures of `community_quota` as SQL expressions over the named columns (annotations):
    committee_members, grid_workers, fulltime_grid_workers, work_funds, party_building_funds."""
    committee = bracket_sql(rules["community.committee_members"].value, households)
    per = _int(rules["community.households_per_grid_worker"].value["standard"])
    if per <= 0:
        raise SqlFormUnavailable(per)
    # ceil(h / per) in integer arithmetic (households are never negative: a model constraint)
    grid = ExpressionWrapper((F(households) + Value(per - 1)) / Value(per), output_field=IntegerField())
    fulltime = Greatest(grid - Least(grid, committee), Value(0), output_field=IntegerField())
    work = bracket_sql(rules["community.work_funds"].value, households)
    funds = rules["community.party_building_funds"].value
    required = party_organization_required(party_members=party_members, rules=rules, sql=True)  # 三(一)
    if required is None:  # the rule guard turned the decision off
        raise SqlFormUnavailable("community.party_committee_threshold")
    kind = Coalesce(F(organization_kind), required)
    base = Case(*[When(Exact(kind, Value(k)), then=Value(_int(v))) for k, v in funds["base"].items()],
                default=None, output_field=IntegerField())
    extra = Greatest(F(party_members) - Value(_int(funds["members_above"])), Value(0),
                     output_field=IntegerField()) * Value(_int(funds["per_member"]))
    return {"committee_members": committee, "grid_workers": grid,
            "fulltime_grid_workers": fulltime, "work_funds": work,
            "party_building_funds": ExpressionWrapper(base + extra, output_field=IntegerField())}


# --- street (二(二)) ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StreetQuota:
    as_of: datetime.date
    staff_cap: Figure
    counted_categories: list
    excluded_categories: list
    principal_posts: Figure
    deputy_posts: Figure
    organisation_members: Figure
    npc_directors: Figure
    npc_deputy_directors: Figure
    npc_members_min: Figure
    npc_members_max: Figure
    extra_career_posts: Figure

    @property
    def figures(self) -> list[Figure]:
        return [self.staff_cap, self.principal_posts, self.deputy_posts, self.organisation_members, self.npc_directors,
                self.npc_deputy_directors, self.npc_members_min, self.npc_members_max, self.extra_career_posts]

    @property
    def basis(self) -> list[dict]:
        return [b for fig in self.figures for b in fig.basis]


def street_quota(*, rules: RuleBook) -> StreetQuota:
    """What 二(二)1 and 二(二)2 fix for every street (the same for each street)."""
    cap = rules["street.staff_cap"]
    lead = rules["street.leadership_posts"]
    org = rules["street.organisation_members"]
    npc = rules["street.npc_committee"]
    extra = rules["street.extra_career_posts"]

    def fig(name, label, rule, used):
        return Figure(name, label, used, (_basis(rule, used, name),))

    return StreetQuota(
        as_of=rules.on,
        staff_cap=fig("staff_cap", _("街道工作人员上限"), cap, cap.value["cap"]),
        counted_categories=list(cap.value["counted_categories"]),
        excluded_categories=list(cap.value["excluded_categories"]),
        principal_posts=fig("principal_posts", _("正职领导职数"), lead, lead.value["principal"]),
        deputy_posts=fig("deputy_posts", _("副职领导职数"), lead, lead.value["deputy"]),
        organisation_members=fig("organisation_members", _("专职组织委员"), org, org.value),
        npc_directors=fig("npc_directors", _("人大街道工委主任"), npc, npc.value["directors"]),
        npc_deputy_directors=fig("npc_deputy_directors", _("人大街道工委副主任"), npc, npc.value["deputy_directors"]),
        npc_members_min=fig("npc_members_min", _("人大街道工委委员下限"), npc, npc.value["members_min"]),
        npc_members_max=fig("npc_members_max", _("人大街道工委委员上限"), npc, npc.value["members_max"]),
        extra_career_posts=fig("extra_career_posts", _("增加事业编制"), extra, extra.value),
    )


# --- long-service awards (五(四)) ----------------------------------------------------------------

@dataclass(frozen=True)
class LongServiceAward:
    years: int
    anniversary: datetime.date
    amount: int
    honours: str
    eligible: bool
    reason: str
    basis: tuple[dict, ...] = field(default=())

    @property
    def amount_payable(self) -> int:
        return self.amount if self.eligible else 0


def anniversary(start: datetime.date, years: int) -> datetime.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a non-leap year: the service is complete on 28 February
        return start.replace(year=start.year + years, day=28)


def first_budget_year(first_in_force: datetime.date) -> int:
    """The first budget year of a rule: the year of the first 1 January on or after its first version
    (budgets use the rules in force on 1 January, 五(二)); 2019 for the seeded 2018-10-01."""
    return first_in_force.year if (first_in_force.month, first_in_force.day) == (1, 1) else first_in_force.year + 1


def award_due(*, service_start: datetime.date, year: int, first_year: int, tiers: list[int]) -> tuple[int, bool] | None:
    """五(四), "一次性": the tier a worker receives in `year`, and whether it is the first budget year's catch-up.

    In the rule's first budget year a worker receives the highest tier completed by its end, however long
    ago (one who had 20 or more years when the rule came into force gets the 20-year award then; one with 30
    or more, the 30-year award only). After it, a worker receives a tier in the year its anniversary falls.
    So nobody receives the same tier twice, across years and rule versions."""
    if year < first_year:
        return None
    if year == first_year:
        reached = [t for t in tiers if anniversary(service_start, t) <= datetime.date(year, 12, 31)]
        if not reached:
            return None
        best = max(reached)
        return best, anniversary(service_start, best).year < year
    due = [t for t in tiers if anniversary(service_start, t).year == year]
    return (max(due), False) if due else None


def long_service_award(*, service_start: datetime.date | None, year: int, has_violation_record: bool,
                       rules: RuleBook, first_year: int | None = None) -> LongServiceAward | None:
    """The award a community worker receives in `year`, or None (五(四)). `first_year`: the rule's first budget
    year (first_budget_year); without it, the year of the rule version in force."""
    if service_start is None:
        return None
    rule = rules["awards.long_service"]
    if first_year is None:
        first_year = first_budget_year(rule.effective_from)
    tiers = {int(tier["years"]): tier for tier in rule.value}
    due = award_due(service_start=service_start, year=year, first_year=first_year, tiers=sorted(tiers))
    if due is None:
        return None
    years, catch_up = due
    tier = tiers[years]
    amount = int(tier["amount"])
    reasons = []
    if catch_up:
        reasons.append(_("规则施行时已连续工作满 %(years)s 年，于首个预算年度 %(year)s 年一次性发放")
                       % {"years": years, "year": first_year})
    if has_violation_record:
        reasons.append(_("有违纪违法记录，不符合“无违纪违法情形”的条件（五(四)）"))
    return LongServiceAward(
        years=years, anniversary=anniversary(service_start, years), amount=amount,
        honours=tier.get("honours", ""), eligible=not has_violation_record, reason="；".join(reasons),
        basis=(_basis(rule, {"years": years, "amount": amount, "first_budget_year": first_year},
                      "long_service_award"),),
    )


# --- the same award as SQL expressions, for the district's award list (issue 14) -----------------------
#
# The budget's award list and its totals are decided in SQL over the candidate posts (assessments.selectors.
# award_posts_sql): these expressions are `award_due` and `long_service_award` above, read from the same rule
# value. A date is compared as the integer yyyymmdd (date_key), built alike on SQLite and PostgreSQL.
# tests/assessments/test_award_sql.py holds both forms to the same list and totals at the boundaries (exactly
# 20/30 years in the year, a day before/after, 29 February, an ended post, a break in service, the first
# budget year's catch-up, a violation record). A rule value they cannot express raises SqlFormUnavailable.

def date_key(day: datetime.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def date_key_sql(name: str):
    """date_key of a date column (NULL for NULL)."""
    return ExpressionWrapper(ExtractYear(name) * Value(10000) + ExtractMonth(name) * Value(100) + ExtractDay(name),
                             output_field=IntegerField())


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _anniversary_key_sql(on_year, month_day, *, year: int | None = None):
    """date_key of `anniversary`: `on_year` * 10000 + month_day, 29 February falling on 28 February in a common
    year; `year`: the anniversary's year when it is one known year (then decided here, not in SQL)."""
    key = ExpressionWrapper(on_year * Value(10000) + month_day, output_field=IntegerField())
    if year is not None and _is_leap(year):
        return key
    feb28 = ExpressionWrapper(on_year * Value(10000) + Value(228), output_field=IntegerField())
    if year is not None:
        return Case(When(Exact(month_day, Value(229)), then=feb28), default=key, output_field=IntegerField())

    def divides(n):
        return Exact(Mod(on_year, Value(n)), Value(0))

    leap_or_not = Case(When(divides(400), then=key), When(divides(100), then=feb28), When(divides(4), then=key),
                       default=feb28, output_field=IntegerField())
    return Case(When(Exact(month_day, Value(229)), then=leap_or_not), default=key, output_field=IntegerField())


def award_tiers(rules: RuleBook) -> tuple[tuple[int, int], ...]:
    """The long-service rule's tiers as (years, amount), sorted: what decides long_service_award_sql's SQL (the
    shape of the compiled award read); SqlFormUnavailable for a value the SQL form cannot express."""
    return tuple(sorted((_int(t["years"]), _int(t["amount"])) for t in rules["awards.long_service"].value))


def long_service_award_sql(*, service_start: str, has_violation_record: str, year: int, rules: RuleBook,
                           first_year: int) -> dict:
    """`long_service_award` for `year` as SQL expressions over the named columns, for the people whose service
    start can give an award in `year` (assessments.selectors._award_filter keeps the others out):
    award_years (the tier: award_due), award_anniversary (date_key of LongServiceAward.anniversary),
    award_due_on (date_key of the day the worker must hold a community post: the anniversary, or 1 January for
    the first budget year's catch-up), award_amount and award_payable (LongServiceAward.amount_payable)."""
    tiers = {_int(tier["years"]): _int(tier["amount"]) for tier in rules["awards.long_service"].value}
    if year < first_year or not tiers:
        raise SqlFormUnavailable("no award in this year")  # nobody to decide: the Python form answers at once
    start_year = ExtractYear(service_start)
    month_day = ExpressionWrapper(ExtractMonth(service_start) * Value(100) + ExtractDay(service_start),
                                  output_field=IntegerField())
    in_year = _anniversary_key_sql(Value(year), month_day, year=year)  # an anniversary falling in `year`
    by_tier = sorted(tiers, reverse=True)
    if year == first_year:
        # the highest tier completed by the year's end (award_due); a catch-up is due on 1 January
        def tier_case(value_of):
            return Case(*[When(LessThanOrEqual(start_year, Value(year - t)), then=value_of(t)) for t in by_tier],
                        default=None, output_field=IntegerField())

        years = tier_case(Value)
        amount = tier_case(lambda t: Value(tiers[t]))
        anniversary = tier_case(lambda t: _anniversary_key_sql(start_year + Value(t), month_day))
        due_on = Case(When(In(start_year, [year - t for t in tiers]), then=in_year),
                      default=Value(date_key(datetime.date(year, 1, 1))), output_field=IntegerField())
    else:
        # the tier whose anniversary falls in the year
        def tier_case(value_of):
            return Case(*[When(Exact(start_year, Value(year - t)), then=value_of(t)) for t in by_tier],
                        default=None, output_field=IntegerField())

        years = tier_case(Value)
        amount = tier_case(lambda t: Value(tiers[t]))
        anniversary = due_on = in_year
    return {
        "award_years": years,
        "award_anniversary": anniversary,
        "award_due_on": due_on,
        "award_amount": amount,
        "award_payable": Case(When(**{has_violation_record: False}, then=amount), default=Value(0),
                              output_field=IntegerField()),
    }

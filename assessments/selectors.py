"""Scoped reads for quotas: the calculators of `assessments.quotas` beside the actual staffing.

Every function here runs a constant number of SQL queries however many communities or streets it
covers: one for the rules, one or two for the rows, two for community staffing, one for street
staffing, one for the long-service award candidates.
"""

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.quotas import (
    ALL_RULES,
    CommunityQuota,
    LongServiceAward,
    SqlFormUnavailable,
    StreetQuota,
    award_tiers,
    community_quota,
    community_quota_sql,
    date_key_sql,
    first_budget_year,
    long_service_award,
    long_service_award_sql,
    rules_on,
    street_quota,
)
from communities import checks as community_checks
from communities.findings import actual_party_organization_kind
from communities.models import Community, PartyOrganization
from communities.selectors import (
    CommunityStaffing,
    communities_as_of,
    communities_changed_since,
    communities_for_user,
    community_staffing,
    community_staffing_totals,
    with_figures_as_of,
)
from governance import derived
from governance.compiled_query import CompiledQuery
from governance.exceptions import RuleViolation
from governance.models import COMMUNITY_WORKER_KINDS, Person, PolicyRule, Post
from governance.rules import RuleBook, RuleValue, rule_ref
from governance.scope import scope_for
from service_stations import checks as station_checks
from streets import checks as street_checks
from streets.models import Street
from streets.selectors import StreetStaffing, street_career_posts_total, street_staffing, streets_for_user

STATUS_LABELS = {"ok": "符合", "short": "不足", "over": "超出", "mismatch": "不符", "missing": "未设置",
                 "allowance": "增配范围内"}


@dataclass(frozen=True)
class Gap:
    """A quota beside the actual figure; difference = actual − quota (negative: short)."""

    item: str
    label: str
    quota: Any
    actual: Any
    difference: int | None
    status: str
    clause: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _count_gap(item, label, quota: int, actual: int, clause: str, *, cap_only=False, breaches=None) -> Gap:
    """A quota beside the actual count. Where a rule check decides the item (`breaches`: what it found for
    this item), "over" comes from the check, so that the gap table, the findings and the refusals agree."""
    diff = actual - quota
    if breaches is not None:
        over = any(not b.short for b in breaches)
    else:
        over = diff > 0
    if over:
        status = "over"
    elif diff < 0 and not cap_only:
        status = "short"
    else:
        status = "ok"
    return Gap(item, label, quota, actual, diff, status, clause)


def _grid_gap(q: CommunityQuota, actual: int, *, item="grid_workers", label="网格员（“两委”兼任＋专职）",
              standard=None, allowed=None) -> Gap:
    """三(四)2: short below the standard (ceil(h/500)); for a complex community, within the allowance up to
    ceil(h/300); over above the allowance."""
    standard = q.grid_workers.value if standard is None else standard
    allowed = q.grid_workers_max.value if allowed is None else allowed
    if actual < standard:
        status = "short"
    elif actual <= standard:
        status = "ok"
    elif actual <= allowed:
        status = "allowance"
    else:
        status = "over"
    quota = f"{standard}" if allowed == standard else f"{standard}–{allowed}"
    return Gap(item, label, quota, actual, actual - standard, status, q.grid_workers.clauses[0])


def _items(breaches, item: str) -> list:
    return [b for b in breaches or [] if b.item == item]


# --- communities ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommunityQuotaReport:
    community: Community
    quota: CommunityQuota
    staffing: CommunityStaffing
    actual_party_organization: str | None
    gaps: list[Gap]

    @property
    def actual(self) -> dict:
        return {
            "party_organization": self.actual_party_organization,
            "committee_members": self.staffing.two_committees_count,
            "fulltime_grid_workers": self.staffing.grid_worker_count,
            "station_staff": self.staffing.station_staff_count,
        }

    @property
    def fulltime_grid_workers_given_actual_committee(self) -> int:
        """三(四)2 applied to the actual "两委": the full-time grid workers still needed."""
        return max(self.quota.grid_workers.value - self.staffing.two_committees_count, 0)

    @property
    def short_or_over(self) -> list[Gap]:
        return [g for g in self.gaps if g.status != "ok"]


_actual_kind = actual_party_organization_kind


def _community_gaps(q: CommunityQuota, s: CommunityStaffing, actual_kind: str | None, c: Community,
                    rules: RuleBook) -> list[Gap]:
    org = q.party_organization
    org_breaches = community_checks.party_organization(party_members=c.party_members, actual_kind=actual_kind,
                                                       rules=rules)
    if not org_breaches:
        org_status = "ok"
    else:
        org_status = "missing" if org_breaches[0].short else "mismatch"
    station_breaches = station_checks.staff_cap(count=s.station_staff_count, rules=rules)
    label = {k: v for k, v in PartyOrganization.Kind.choices}
    grid_actual = min(s.two_committees_count, q.grid_workers.value) + s.grid_worker_count
    return [
        Gap("party_organization", "党组织设置", label[org.value], label.get(actual_kind, "—"), None, org_status,
            org.clauses[0]),
        _count_gap("committee_members", "“两委”成员", q.committee_members.value, s.two_committees_count,
                   q.committee_members.clauses[0]),
        _grid_gap(q, grid_actual),
        _grid_gap(q, s.grid_worker_count, item="fulltime_grid_workers", label="专职网格员",
                  standard=q.fulltime_grid_workers.value,
                  allowed=max(q.grid_workers_max.value - q.grid_covered_by_committee.value, 0)),
        _count_gap("station_staff", "服务站工作人员", q.station_staff_cap.value, s.station_staff_count,
                   q.station_staff_cap.clauses[0], cap_only=True, breaches=station_breaches),
    ]


def community_reports(*, communities: list[Community], rules: RuleBook) -> list[CommunityQuotaReport]:
    """Quota, actual staffing and gaps of several communities: two queries (community_staffing), and one for
    the figures as recorded on a past date."""
    communities = communities_as_of(communities, rules.on)
    staffing = community_staffing(community_ids=[c.pk for c in communities], rules=rules)
    reports = []
    for c in communities:
        kind = _actual_kind(c)
        q = community_quota(households=c.households, party_members=c.party_members, is_complex=c.is_complex,
                            rules=rules, organization_kind=kind)
        reports.append(CommunityQuotaReport(c, q, staffing[c.pk], kind,
                                            _community_gaps(q, staffing[c.pk], kind, c, rules)))
    return reports


def community_quota_report(*, community: Community, on: datetime.date) -> CommunityQuotaReport:
    """One community (already fetched from a scoped selector)."""
    return community_reports(communities=[community], rules=rules_on(on))[0]


# --- streets -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StreetQuotaReport:
    street: Street
    quota: StreetQuota
    staffing: StreetStaffing
    gaps: list[Gap]
    communities: "list[CommunityQuotaReport] | CommunityReports"
    career_posts_total: int
    totals: dict | None = None  # summed in SQL when `communities` is built a page at a time

    @property
    def community_totals(self) -> dict:
        if self.totals is not None:
            return self.totals
        reps = self.communities
        return {
            "communities": len(reps),
            "committee_members_quota": sum(r.quota.committee_members.value for r in reps),
            "committee_members_actual": sum(r.staffing.two_committees_count for r in reps),
            "grid_workers_quota": sum(r.quota.grid_workers.value for r in reps),
            "fulltime_grid_workers_quota": sum(r.quota.fulltime_grid_workers.value for r in reps),
            "fulltime_grid_workers_actual": sum(r.staffing.grid_worker_count for r in reps),
            "work_funds": sum(r.quota.work_funds.value for r in reps),
            "party_building_funds": sum(r.quota.party_building_funds.value for r in reps),
        }

    @property
    def actual(self) -> dict:
        s = self.staffing
        return {
            "staff": s.staff_count,
            "excluded_staff": {k: len(v) for k, v in s.excluded.items() if v},
            "principal_posts": s.principal_count,
            "deputy_posts": s.deputy_count,
            "seconded_leaders": len(s.seconded_leaders),
            "organisation_members": len(s.organisation_members),
            "npc_directors": len(s.npc_directors),
            "npc_deputy_directors": len(s.npc_deputy_directors),
            "npc_members": len(s.npc_members),
            "npc_members_not_deputies": len(s.npc_members_not_deputies),
            "career_posts_total": self.career_posts_total,
        }


def _street_gaps(q: StreetQuota, s: StreetStaffing, street: Street, rules: RuleBook) -> list[Gap]:
    clause = q.staff_cap.clauses[0]
    lead_clause = q.principal_posts.clauses[0]
    npc_clause = q.npc_directors.clauses[0]
    n_members = len(s.npc_members)
    lo, hi = q.npc_members_min.value, q.npc_members_max.value
    if n_members < lo:
        npc_status, npc_diff = "short", n_members - lo
    elif n_members > hi:
        npc_status, npc_diff = "over", n_members - hi
    else:
        npc_status, npc_diff = "ok", 0
    director_not_secretary = s.npc_directors - s.party_secretaries
    leadership = street_checks.leadership_posts(s, rules)
    return [
        _count_gap("staff", "街道工作人员（不含综合执法中队、服务站人员）", q.staff_cap.value, s.staff_count, clause,
                   cap_only=True, breaches=street_checks.staff_cap(s, rules)),
        _count_gap("principal_posts", "正职领导（不含挂职）", q.principal_posts.value, s.principal_count, lead_clause,
                   breaches=_items(leadership, "principal")),
        _count_gap("deputy_posts", "副职领导（不含挂职）", q.deputy_posts.value, s.deputy_count, lead_clause,
                   breaches=_items(leadership, "deputy")),
        _count_gap("organisation_members", "专职组织委员", q.organisation_members.value, len(s.organisation_members),
                   q.organisation_members.clauses[0]),
        _count_gap("npc_directors", "人大街道工委主任", q.npc_directors.value, len(s.npc_directors), npc_clause),
        Gap("npc_director_is_party_secretary", "人大街道工委主任由党工委书记兼任", "是",
            "否" if director_not_secretary else ("是" if s.npc_directors else "—"), None,
            "mismatch" if director_not_secretary else ("ok" if s.npc_directors else "missing"), npc_clause),
        _count_gap("npc_deputy_directors", "人大街道工委副主任", q.npc_deputy_directors.value,
                   len(s.npc_deputy_directors), npc_clause),
        Gap("npc_members", "人大街道工委委员", f"{lo}–{hi}", n_members, npc_diff, npc_status, npc_clause),
        _count_gap("npc_members_not_deputies", "非人大代表的工委委员", 0, len(s.npc_members_not_deputies), npc_clause,
                   cap_only=True),
        _count_gap("extra_career_posts", "增加的事业编制", q.extra_career_posts.value,
                   q.extra_career_posts.value if street.extra_career_post_granted else 0,
                   q.extra_career_posts.clauses[0]),
    ]


def street_reports(*, streets: list[Street], communities: list[Community], rules: RuleBook) -> list[StreetQuotaReport]:
    """Quota, staffing and gaps of several streets and their (already scoped) communities."""
    q = street_quota(rules=rules)
    staffing = street_staffing(street_ids=[s.pk for s in streets], on=rules.on, rules=rules)
    creports = community_reports(communities=communities, rules=rules)
    out = []
    for street in streets:
        s = staffing[street.pk]
        out.append(StreetQuotaReport(
            street=street, quota=q, staffing=s, gaps=_street_gaps(q, s, street, rules),
            communities=[r for r in creports if r.community.street_id == street.pk],
            career_posts_total=street_career_posts_total(street=street, rules=rules),
        ))
    return out


class CommunityReports(Sequence):
    """A street's community reports, built a slice at a time (the API lists 50 a page): its length is a count,
    a slice reads and reports only those communities (issue 14)."""

    def __init__(self, communities: QuerySet[Community], rules: RuleBook, *, count: int | None = None):
        """`count`: the number of `communities` when already known (the street's totals count them, once per
        change of the data): no count query of the street's communities on each request."""
        self.communities, self.rules, self._len = communities, rules, count

    def __len__(self) -> int:
        if self._len is None:
            self._len = self.communities.count()
        return self._len

    def __getitem__(self, index):
        if isinstance(index, slice):
            return community_reports(communities=list(self.communities[index]), rules=self.rules)
        return community_reports(communities=[self.communities[index]], rules=self.rules)[0]

    def __iter__(self):
        for start in range(0, len(self), 200):
            yield from self[start:start + 200]


def street_community_totals(communities: QuerySet[Community], *, street: Street, rules: RuleBook) -> dict | None:
    """StreetQuotaReport.community_totals in two queries: the quota sums (community_totals_by_street) and the
    actual "两委" and full-time grid workers (communities.selectors.community_staffing_totals)."""
    summed = community_totals_by_street(communities, rules=rules)
    if summed is None:
        return None
    row = summed.get(street.pk) or dict.fromkeys(("communities", *SUMMED), 0)
    actual = community_staffing_totals(communities=communities, on=rules.on, street_id=street.pk)
    return {
        "communities": row["communities"],
        "committee_members_quota": row["committee_members"],
        "committee_members_actual": actual["two_committees"],
        "grid_workers_quota": row["grid_workers"],
        "fulltime_grid_workers_quota": row["fulltime_grid_workers"],
        "fulltime_grid_workers_actual": actual["grid_workers"],
        "work_funds": row["work_funds"],
        "party_building_funds": row["party_building_funds"],
    }


def street_quota_report(*, street: Street, user, on: datetime.date) -> StreetQuotaReport:
    """One street (already fetched from a scoped selector) with the communities the user may see in it: their
    totals summed in SQL, their reports built for the slice a caller lists (CommunityReports)."""
    rules = rules_on(on)
    communities = communities_for_user(user=user).filter(street=street)
    totals = street_community_totals(communities, street=street, rules=rules)
    if totals is None:  # a rule value without an SQL form: every community built
        return street_reports(streets=[street], communities=list(communities), rules=rules)[0]
    q = street_quota(rules=rules)
    s = street_staffing(street_ids=[street.pk], on=rules.on, rules=rules)[street.pk]
    return StreetQuotaReport(street=street, quota=q, staffing=s, gaps=_street_gaps(q, s, street, rules),
                             communities=CommunityReports(communities, rules, count=totals["communities"]),
                             totals=totals,
                             career_posts_total=street_career_posts_total(street=street, rules=rules))


# --- long-service awards (五(四)) ----------------------------------------------------------------

@dataclass(frozen=True)
class AwardRow:
    person: Person
    community: Community
    award: LongServiceAward


def _first_award_year() -> int:
    """The long-service rule's first budget year (五(四)), from its first version: one query."""
    first = PolicyRule.objects.filter(key="awards.long_service").order_by("effective_from").values_list(
        "effective_from", flat=True).first()
    return first_budget_year(first) if first else 9999


def _award_filter(rules: RuleBook, year: int, first_year: int) -> Q:
    """Whose service start can give an award in `year` (see assessments.quotas.award_due)."""
    tiers = [int(tier["years"]) for tier in rules["awards.long_service"].value]
    if year < first_year or not tiers:
        return Q(pk__in=[])
    # date ranges, not years extracted: an index range, and a row estimate the planner can use (issue 14)
    if year == first_year:
        return Q(person__community_service_start__lte=datetime.date(year - min(tiers), 12, 31))
    q = Q(pk__in=[])
    for start_year in sorted({year - t for t in tiers}):
        q |= Q(person__community_service_start__range=(datetime.date(start_year, 1, 1), datetime.date(start_year, 12, 31)))
    return q


def _award_held(*, community_ids_qs, year: int, who: Q) -> QuerySet[Post]:
    """Community posts (两委 and full-time grid workers, 三(四)1) held during `year` by people `who` may be due
    an award."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (Post.objects.filter(kind__in=sorted(COMMUNITY_WORKER_KINDS), community_id__in=community_ids_qs,
                                start_date__lte=last).filter(who)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first)))


def _award_candidates(*, community_ids_qs, year: int, who: Q) -> list[Post]:
    """_award_held, read for _awards_from: one query."""
    return list(
        _award_held(community_ids_qs=community_ids_qs, year=year, who=who)
        .select_related("person", "community", "community__street")
        # only what an award row shows and decides on: a district's candidates are thousands (issue 14)
        .only(*AWARD_ROW_FIELDS)
        .order_by("person_id", "start_date", "pk")
    )


AWARD_ROW_FIELDS = ("start_date", "end_date", "person__name", "person__community_service_start",
                    "person__has_violation_record", "community__name", "community__code", "community__street__name",
                    "community__street__code")


def _awards_from(posts: list[Post], *, year: int, rules: RuleBook, first_year: int) -> list[AwardRow]:
    rows, seen = [], set()
    for post in posts:
        person = post.person
        if person.pk in seen:
            continue
        award = long_service_award(service_start=person.community_service_start, year=year,
                                   has_violation_record=person.has_violation_record, rules=rules,
                                   first_year=first_year)
        # A community worker when the award falls due: the post is held on the anniversary (or, for the first
        # budget year's catch-up, on its 1 January).
        if award is None or not post.active_on(max(award.anniversary, datetime.date(year, 1, 1))):
            continue
        seen.add(person.pk)
        rows.append(AwardRow(person=person, community=post.community, award=award))
    rows.sort(key=lambda r: (r.community.street.code, r.community.code, r.award.anniversary, r.person.name))
    return rows


def long_service_awards(*, user, year: int, rules: RuleBook | None = None) -> list[AwardRow]:
    """The community workers in the user's scope who receive a long-service award in `year` (五(四))."""
    rules = rules or rules_on(datetime.date(year, 1, 1), field="year")
    first_year = _first_award_year()
    posts = _award_candidates(community_ids_qs=communities_for_user(user=user).values("pk"), year=year,
                              who=_award_filter(rules, year, first_year))
    return _awards_from(posts, year=year, rules=rules, first_year=first_year)


def award_posts_sql(*, community_ids_qs, year: int, rules: RuleBook, first_year: int,
                    held_in=None) -> QuerySet[Post] | None:
    """The posts `_awards_from` awards on, decided in SQL (issue 14): for each person due an award in `year`
    (assessments.quotas.long_service_award_sql), the first of their candidate posts (by start date, then id)
    held on the day the award falls due. Annotated with the award's expressions. None when the rule has no SQL
    form (the caller decides in Python). `held_in` (community ids): only the awarded posts of those communities,
    the same rows as the whole read's there (a person's earlier posts are still looked for in all of
    `community_ids_qs`)."""
    try:
        award = long_service_award_sql(service_start="person__community_service_start",
                                       has_violation_record="person__has_violation_record", year=year, rules=rules,
                                       first_year=first_year)
    except SqlFormUnavailable:
        return None
    held = _award_held(community_ids_qs=community_ids_qs, year=year, who=_award_filter(rules, year, first_year))
    if held_in is not None:
        held = held.filter(community_id__in=held_in)
    held = (held.annotate(**award).alias(start_key=date_key_sql("start_date"), end_key=date_key_sql("end_date"))
            # `who` (_award_filter) keeps only people with an award_years (a tier) in `year`
            .filter(start_key__lte=F("award_due_on"))
            .filter(Q(end_date__isnull=True) | Q(end_key__gte=F("award_due_on"))))
    # one row per person: none of their earlier posts (by start date, then id) is held on the day. An anti-join,
    # which the planner estimates; `pk = (first post)` made it expect one row and loop over every community.
    earlier = (Post.objects.filter(person_id=OuterRef("person_id"), kind__in=sorted(COMMUNITY_WORKER_KINDS),
                                   community_id__in=community_ids_qs)
               .alias(start_key=date_key_sql("start_date"), end_key=date_key_sql("end_date"))
               .filter(start_key__lte=OuterRef("award_due_on"))
               .filter(Q(end_date__isnull=True) | Q(end_key__gte=OuterRef("award_due_on")))
               .filter(Q(start_date__lt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__lt=OuterRef("pk"))))
    return held.filter(~Exists(earlier))


def award_totals_by_street(posts: QuerySet[Post]) -> dict[int, dict]:
    """Per street of the awarded post's community: the amount payable, the eligible awards (BudgetLine.add_award)
    and every award row: one grouped query (the ORM form of AwardRows' totals, for tests and EXPLAIN)."""
    rows = posts.order_by().values("community__street_id").annotate(
        awards=Sum("award_payable"), award_count=Count("pk", filter=Q(person__has_violation_record=False)),
        rows=Count("pk"))
    return {row.pop("community__street_id"): {k: int(v or 0) for k, v in row.items()} for row in rows}


class _TiersOnly:
    """The one rule value long_service_award_sql and _award_filter read, rebuilt from the compiled read's shape."""

    def __init__(self, tiers):
        self._value = type("Rule", (), {"value": [{"years": y, "amount": a} for y, a in tiers]})()

    def __getitem__(self, key):
        if key != "awards.long_service":
            raise KeyError(key)
        return self._value


def _scope_communities(*, district_wide: bool, street_ids=(), community_ids=()) -> QuerySet[Community]:
    """communities_for_user's filter (governance.scope.scoped with street="street_id", community="pk") from the
    scope's ids, so that the ids are a compiled read's params."""
    if district_wide:
        return Community.objects.all()
    q = Q(pk__in=[])
    if street_ids:
        q |= Q(street_id__in=street_ids)
    if community_ids:
        q |= Q(pk__in=community_ids)
    return Community.objects.filter(q)


def _awarded_build(*, year: int, first_year: int, tiers, district_wide: bool, street_ids=(), community_ids=(),
                   held_in=()):
    """award_posts_sql as a values() read of what the totals and the order need (AWARDED); with `held_in`, of
    those communities' awarded posts only (a page's)."""
    rules = _TiersOnly(tiers)
    communities = _scope_communities(district_wide=district_wide, street_ids=street_ids, community_ids=community_ids)
    posts = award_posts_sql(community_ids_qs=communities.values("pk"), year=year, rules=rules, first_year=first_year,
                            held_in=held_in or None)
    name = Collate("person__name", "C" if connections[posts.db].vendor == "postgresql" else "BINARY")
    return posts.order_by().values(
        a_pk=F("pk"), a_street=F("community__street_id"), a_payable=F("award_payable"),
        a_paid=Case(When(person__has_violation_record=False, then=Value(1)), default=Value(0),
                    output_field=IntegerField()),
        a_community=F("community_id"), a_street_code=F("community__street__code"), a_community_code=F("community__code"),
        a_anniversary=F("award_anniversary"), a_name=name, a_person=F("person_id"))


# The awarded posts, compiled once per (year, first year, tiers, scope's shape) and process: the award
# expressions are not compiled again on each request (issue 14).
AWARDED = CompiledQuery(_awarded_build)

# One pass over the awarded posts for the totals and a page of the list (the anti-join and the award expressions
# evaluated once): rows (0, street, community, its rank in the budget's order of communities, awards, award_count,
# rows, NULL) per community with awards, then (1, ..., post id) for the page, in the budget's order (street,
# community, anniversary, name, person).
_TOTALS_AND_PAGE = """WITH awarded AS ({awarded})
SELECT 0 AS part, a_street, a_community, DENSE_RANK() OVER (ORDER BY a_street_code, a_community_code),
  SUM(a_payable), SUM(a_paid), COUNT(*), CAST(NULL AS bigint)
  FROM awarded GROUP BY a_street, a_community, a_street_code, a_community_code
UNION ALL
SELECT * FROM (SELECT 1 AS part, CAST(NULL AS bigint), CAST(NULL AS bigint), CAST(NULL AS bigint), CAST(NULL AS bigint),
  CAST(NULL AS bigint), CAST(NULL AS bigint), a_pk FROM awarded
  ORDER BY a_street_code, a_community_code, a_anniversary, a_name, a_person LIMIT %s OFFSET %s) page"""
# A page of the list alone, from the awarded posts of the communities it spans (AwardTotals.span).
_PAGE = """WITH awarded AS ({awarded})
SELECT a_pk FROM awarded ORDER BY a_street_code, a_community_code, a_anniversary, a_name, a_person LIMIT %s OFFSET %s"""


def _award_scope(user) -> dict:
    scope = scope_for(user)
    if scope.district_wide:
        return {"shape": {"district_wide": True}, "params": {}}
    params = {name: tuple(sorted(ids)) for name, ids in
              (("street_ids", scope.street_ids), ("community_ids", scope.community_ids)) if ids}
    return {"shape": {"district_wide": False}, "params": params}


@dataclass(frozen=True)
class AwardTotals:
    """The award list's totals (awards_and_totals): by street, and the rows of each group of communities in the
    budget's order (communities of the same street and community code form one group), so that a page of the list
    reads only the awarded posts of the communities it spans."""

    by_street: dict  # street id -> {"awards", "award_count", "rows"}
    groups: tuple  # ((community ids), rows) in the budget's order

    def span(self, start: int, limit: int) -> tuple[tuple[int, ...], int]:
        """The communities whose awarded posts hold the list's [start:start + limit], and where in their rows the
        slice starts."""
        at, ids, offset = 0, [], 0
        for communities, rows in self.groups:
            if at + rows > start and at < start + limit:
                if not ids:
                    offset = start - at
                ids.extend(communities)
            at += rows
        return tuple(ids), offset


def _award_totals(found) -> AwardTotals:
    by_street: dict = {}
    groups: dict = {}
    for _part, street, community, rank, awards, paid, rows, _pk in found:
        line = by_street.setdefault(street, {"awards": 0, "award_count": 0, "rows": 0})
        line["awards"] += int(awards or 0)
        line["award_count"] += int(paid or 0)
        line["rows"] += int(rows)
        ids, n = groups.get(rank, ((), 0))
        groups[rank] = ((*ids, community), n + int(rows))
    return AwardTotals(by_street=by_street, groups=tuple(groups[rank] for rank in sorted(groups)))


def _padded(ids: tuple[int, ...]) -> tuple[int, ...]:
    """`ids` repeated up to a power of two: a compiled read is compiled once per length of a tuple param."""
    size = 1
    while size < len(ids):
        size *= 2
    return ids + (ids[0],) * (size - len(ids))


def awards_and_totals(*, user, year: int, tiers, first_year: int, start: int, limit: int, using: str = "default"
                      ) -> tuple[dict[int, dict], list[int]]:
    """The award totals by street (award_totals_by_street) and the post ids of the list's [start:start + limit].
    The totals are counted once per change of the data (governance/derived.py), in one query with the page; with
    the totals known, a page reads only the awarded posts of the communities it spans (issue 14)."""

    awarded_scope = _award_scope(user)
    shape = {"year": year, "first_year": first_year, "tiers": tiers, **awarded_scope["shape"]}
    page: dict = {}

    def one_pass() -> AwardTotals:
        sql, values = AWARDED.sql(shape=shape, **awarded_scope["params"])
        if not sql:  # nothing in scope
            page["ids"] = []
            return AwardTotals(by_street={}, groups=())
        with connections[using].cursor() as cursor:
            cursor.execute(_TOTALS_AND_PAGE.format(awarded=sql), [*values, limit, start])
            found = cursor.fetchall()
        page["ids"] = [row[7] for row in found if row[0] == 1]
        return _award_totals([row for row in found if row[0] == 0])

    key = (derived.scope_key(user), year, first_year, tuple(map(tuple, tiers)))
    totals = derived.figure("assessments.award_totals", key, one_pass, using=using)
    if "ids" in page:
        return totals.by_street, page["ids"]
    held_in, offset = totals.span(start, limit)
    if not held_in:
        return totals.by_street, []
    sql, values = AWARDED.sql(shape=shape, held_in=_padded(held_in), **awarded_scope["params"])
    with connections[using].cursor() as cursor:
        cursor.execute(_PAGE.format(awarded=sql), [*values, limit, offset])
        return totals.by_street, [row[0] for row in cursor.fetchall()]


class AwardRows(Sequence):
    """The award list decided in SQL (award_posts_sql), in the budget's order (street, community, anniversary,
    name), read a slice at a time: a page builds only its 50 LongServiceAwards (issue 14). `page` is the slice
    (start, post ids) read with the totals (awards_and_totals): asked for again, it costs one query (its posts)."""

    def __init__(self, *, read, count: int, page: tuple[int, list[int]], year: int, rules: RuleBook, first_year: int):
        self.read, self._len, self._page = read, count, page
        self.year, self.rules, self.first_year = year, rules, first_year

    def __len__(self) -> int:
        return self._len

    def _ids(self, start: int, stop: int) -> list[int]:
        cached_start, ids = self._page
        if cached_start <= start and (stop <= cached_start + len(ids) or cached_start + len(ids) >= self._len):
            return ids[start - cached_start:stop - cached_start]
        return self.read(start, stop - start)

    def _rows(self, ids: list[int]) -> list[AwardRow]:
        posts = {p.pk: p for p in Post.objects.filter(pk__in=ids).order_by().select_related(
            "person", "community", "community__street").only(*AWARD_ROW_FIELDS)} if ids else {}
        return [AwardRow(person=p.person, community=p.community,
                         award=long_service_award(service_start=p.person.community_service_start, year=self.year,
                                                  has_violation_record=p.person.has_violation_record,
                                                  rules=self.rules, first_year=self.first_year))
                for p in (posts[pk] for pk in ids)]

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._len)
            if step != 1:
                raise ValueError("an award list is sliced [start:stop]")
            return self._rows(self._ids(start, stop)) if stop > start else []
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        return self._rows(self._ids(index, index + 1))[0]

    def __iter__(self):
        for start in range(0, len(self), 200):
            yield from self[start:start + 200]


# --- the district budget (五(二), 五(四)) ----------------------------------------------------------

SUMMED = ("committee_members", "grid_workers", "fulltime_grid_workers", "work_funds", "party_building_funds")


@dataclass
class BudgetLine:
    street: Street | None
    communities: int = 0
    households: int = 0
    party_members: int = 0
    committee_members: int = 0
    grid_workers: int = 0
    fulltime_grid_workers: int = 0
    work_funds: int = 0
    party_building_funds: int = 0
    awards: int = 0
    award_count: int = 0

    @property
    def total(self) -> int:
        return self.work_funds + self.party_building_funds + self.awards

    def add_quota(self, c: Community, q: CommunityQuota) -> None:
        self.communities += 1
        self.households += c.households
        self.party_members += c.party_members
        self.committee_members += q.committee_members.value
        self.grid_workers += q.grid_workers.value
        self.fulltime_grid_workers += q.fulltime_grid_workers.value
        self.work_funds += q.work_funds.value
        self.party_building_funds += q.party_building_funds.value

    def add_totals(self, row: dict) -> None:
        """Add the sums of `community_totals_by_street` (the same figures as add_quota, summed in SQL)."""
        for name in ("communities", "households", "party_members", *SUMMED):
            setattr(self, name, getattr(self, name) + row[name])

    def add_award(self, award: LongServiceAward) -> None:
        if award.eligible:
            self.awards += award.amount
            self.award_count += 1


@dataclass
class DistrictBudget:
    year: int
    as_of: datetime.date
    lines: list[BudgetLine]
    totals: BudgetLine
    communities: list[tuple[Community, CommunityQuota]]
    awards: "list[AwardRow] | AwardRows"
    rules: list[RuleValue] = field(default_factory=list)
    book: RuleBook | None = None  # the rules it was computed with (the export reads the communities again)

    @property
    def basis(self) -> list[dict]:
        return [r.as_basis() for r in self.rules]

    def community_count(self, street_id: int | None = None) -> int:
        """How many communities the budget counts (of one street): its lines' own count, counted once per change
        of the data, so that a page of `budget_communities` needs no count query of its own (issue 14)."""
        return sum(line.communities for line in self.lines
                   if street_id is None or (line.street is not None and line.street.pk == street_id))


@dataclass
class _BudgetInputs:
    streets: list[Street]
    communities: list[Community] | Any  # a list, or a queryset read in chunks (the export)
    posts: list[Post]
    first_award_year: int = 0
    # the awards decided in SQL (awards_and_totals(start, limit) -> (totals, post ids)); `posts` then empty
    award_read: Any = None
    award_start: int = 0


def budget_communities(*, user, street_id: int | None = None) -> QuerySet[Community]:
    """The communities of the budget, in the order of its detail sheet (with their street only: the budget
    reads nothing else of them, and a district holds a thousand).

    `street_id`: one street's communities only. Their order is then the index's (community_street_order:
    street, code), so a page of them reads its 50 rows instead of sorting every community of the street
    joined to every party organisation of the district (issue 14)."""
    communities = communities_for_user(user=user).select_related(None).select_related("street", "party_organization")
    if street_id is not None:
        return communities.filter(street_id=street_id).order_by("street_id", "code")
    return communities.order_by("street__code", "code")


def _budget_inputs(*, user, year: int, who: Q, keep_communities: bool = True,
                   award_rules: RuleBook | None = None, first_year: int | None = None, award_start: int = 0
                   ) -> _BudgetInputs:
    """With `award_rules`, the awards are decided in SQL with those rules where they can be (award_posts_sql,
    read through AWARDED)."""
    communities_qs = communities_for_user(user=user)
    communities = budget_communities(user=user)
    streets = {s.pk: s for s in streets_for_user(user=user)}
    if keep_communities:
        communities = list(communities)
        for c in communities:  # community staff see their community's street in the summary
            streets.setdefault(c.street_id, c.street)
    else:
        # community staff see their community's street in the summary (the streets of scoped communities)
        for s in Street.objects.filter(pk__in=communities_qs.values("street_id")).exclude(pk__in=list(streets)):
            streets.setdefault(s.pk, s)
    first_year = _first_award_year() if first_year is None else first_year
    award_read = None
    if award_rules is not None:
        try:
            tiers = award_tiers(award_rules)
            long_service_award_sql(service_start="s", has_violation_record="v", year=year, rules=award_rules,
                                   first_year=first_year)
        except SqlFormUnavailable:
            pass  # decided in Python below
        else:
            def award_read(start, limit):
                return awards_and_totals(user=user, year=year, tiers=tiers, first_year=first_year, start=start,
                                         limit=limit, using=communities_qs.db)
    posts = [] if award_read is not None else _award_candidates(community_ids_qs=communities_qs.values("pk"),
                                                                 year=year, who=who)
    return _BudgetInputs(sorted(streets.values(), key=lambda s: s.code), communities, posts,
                         first_award_year=first_year, award_read=award_read, award_start=award_start)


def budget_community_rows(communities, *, rules: RuleBook, chunk: int = 200):
    """(community, quota) for each community, read in chunks: memory flat in the number of communities. The
    figures are those recorded on the budget's date (communities_as_of), the party-building funds costed on
    the organisation each community has (五(二))."""
    rows = communities if isinstance(communities, list) else communities.iterator(chunk_size=chunk)
    batch: list = []
    for c in rows:
        batch.append(c)
        if len(batch) == chunk:
            yield from _budget_rows(batch, rules)
            batch = []
    yield from _budget_rows(batch, rules)


def _budget_rows(batch: list, rules: RuleBook):
    for c in communities_as_of(batch, rules.on):
        yield c, community_quota(households=c.households, party_members=c.party_members, is_complex=c.is_complex,
                                 rules=rules, organization_kind=_actual_kind(c))


def community_totals_by_street(communities: QuerySet[Community], *, rules: RuleBook) -> dict[int, dict] | None:
    """Per street: the number of communities, their households and party members as recorded on `rules.on`,
    and the sums of their quota figures (三(四)2, 五(二)) in one grouped query, the formulas being
    `assessments.quotas.community_quota_sql` (the SQL form of `community_quota`): nothing built per
    community (issue 14). None when a rule value has no SQL form: the caller then sums per community."""
    try:
        exprs = community_quota_sql(households="households_on", party_members="party_members_on",
                                    organization_kind="party_organization__kind", rules=rules)
    except SqlFormUnavailable:
        return None
    base = communities.select_related(None).order_by()
    # summed once per change of the data (governance/derived.py): the key is the communities' query (the scope)
    # and the rules' date (their versions are data)
    return derived.figure("assessments.community_totals", (derived.queryset_key(base), rules.figure_key),
                          lambda: _community_totals_by_street(base, exprs=exprs, rules=rules),
                          using=base.db, cacheable=rules.figure_key is not None)


def _community_totals_by_street(base: QuerySet[Community], *, exprs: dict, rules: RuleBook) -> dict[int, dict]:

    def sums(queryset) -> dict[int, dict]:
        rows = queryset.values("street_id").annotate(
            communities=Count("pk"), households=Sum("households_on"), party_members=Sum("party_members_on"),
            **{name: Sum(expr) for name, expr in exprs.items()})
        return {row.pop("street_id"): {k: v or 0 for k, v in row.items()} for row in rows}

    current = with_figures_as_of(base, timezone.localdate())  # today's figures: plain columns
    totals = sums(current)
    # A past date: the few communities changed since then are summed again on their recorded figures (history
    # subqueries for those rows only, so that the district's query stays a plain scan).
    changed = communities_changed_since(base, rules.on) if rules.on < timezone.localdate() else []
    if changed:
        subset = base.filter(pk__in=changed)
        for sign, part in ((-1, sums(with_figures_as_of(subset, timezone.localdate()))),
                           (1, sums(with_figures_as_of(subset, rules.on)))):
            for street_id, row in part.items():
                for name, value in row.items():
                    totals[street_id][name] += sign * value
    return totals


def _budget_compute(inputs: _BudgetInputs, *, year: int, rules: RuleBook, keep_communities: bool = True
                    ) -> DistrictBudget:
    lines = {s.pk: BudgetLine(street=s) for s in inputs.streets}
    totals = BudgetLine(street=None)
    quotas = []
    summed = None if keep_communities else community_totals_by_street(inputs.communities, rules=rules)
    if summed is not None:  # one grouped query (issue 14)
        for street_id, row in summed.items():
            lines[street_id].add_totals(row)
            totals.add_totals(row)
    else:
        for c, q in budget_community_rows(inputs.communities, rules=rules):
            if keep_communities:
                quotas.append((c, q))
            lines[c.street_id].add_quota(c, q)
            totals.add_quota(c, q)
    if inputs.award_read is not None:  # decided and summed in SQL, the list read a page at a time (issue 14)
        start = inputs.award_start

        def read(start, limit):
            return inputs.award_read(start, limit)[1]

        summed_awards, ids = inputs.award_read(start, AWARD_PAGE)  # one pass: the totals and the page
        for street_id, row in summed_awards.items():
            for line in (lines[street_id], totals):
                line.awards += row["awards"]
                line.award_count += row["award_count"]
        awards = AwardRows(read=read, count=sum(row["rows"] for row in summed_awards.values()), page=(start, ids),
                           year=year, rules=rules, first_year=inputs.first_award_year)
    else:
        awards = _awards_from(inputs.posts, year=year, rules=rules, first_year=inputs.first_award_year)
        for row in awards:
            lines[row.community.street_id].add_award(row.award)
            totals.add_award(row.award)
    return DistrictBudget(year=year, as_of=rules.on, lines=list(lines.values()), totals=totals, communities=quotas,
                          awards=awards, rules=[rules[k] for k in ALL_RULES], book=rules)


AWARD_PAGE = 50  # the award list's page (the pages' and the API's PAGE_SIZE)


def award_page_start(raw, *, per_page: int = AWARD_PAGE) -> int:
    """Where the page a request asks for starts (Paginator.get_page's reading: not a positive number, the first
    page), so that the budget reads it with the totals; a page past the end costs one query more."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 0
    return (number - 1) * per_page if 1 <= number <= 1_000_000 else 0


def district_budget(*, user, year: int, keep_communities: bool = True, award_start: int = 0) -> DistrictBudget:
    """The year's work funds, party-building funds and long-service awards by street and for the district,
    in the user's scope, computed with the rules in force on 1 January of the year.

    Without `keep_communities` the communities are not kept (`budget.communities` is empty) and the totals are
    summed in SQL (`community_totals_by_street`): a page or the export then reads the communities it shows
    (`budget_community_rows`); the awards are decided and summed in SQL too (`award_posts_sql`), and
    `budget.awards` reads the award rows a slice at a time (`AwardRows`), the one from `award_start` (a page) read
    with the totals in one pass (awards_and_totals)."""
    rules = rules_on(datetime.date(year, 1, 1), field="year")
    first_year = _first_award_year()
    inputs = _budget_inputs(user=user, year=year, who=_award_filter(rules, year, first_year), first_year=first_year,
                            keep_communities=keep_communities, award_rules=None if keep_communities else rules,
                            award_start=award_start)
    return _budget_compute(inputs, year=year, rules=rules, keep_communities=keep_communities)


@dataclass(frozen=True)
class WhatIf:
    rule_before: RuleValue
    rule_after: RuleValue
    before: DistrictBudget
    after: DistrictBudget


def budget_what_if(*, user, key: str, value: Any, effective_from: datetime.date) -> WhatIf:
    """The budget for the year of `effective_from`, computed on that date with the rules in force and
    with `key` replaced by `value`. Nothing is written: the changed rule lives only in a RuleBook override."""
    before_rules = rules_on(effective_from, field="effective_from")
    old = before_rules[key] if key in ALL_RULES else None
    if old is None:
        raise RuleViolation(_("该规则不参与定额和经费测算"), rule=rule_ref(key), field="key")
    new = RuleValue(key=key, title=old.title, value=value, effective_from=effective_from, clause=old.clause)
    after_rules = rules_on(effective_from, overrides={key: new}, field="effective_from")
    year = effective_from.year
    first_year = _first_award_year()
    inputs = _budget_inputs(user=user, year=year, who=_award_filter(before_rules, year, first_year)
                            | _safe_award_filter(after_rules, year, first_year), first_year=first_year)
    before = _budget_compute(inputs, year=year, rules=before_rules)
    try:
        after = _budget_compute(inputs, year=year, rules=after_rules)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError):
        raise RuleViolation(_("新取值的结构与原规则不符，无法测算"), rule=old, field="value") from None
    return WhatIf(rule_before=old, rule_after=new, before=before, after=after)


def _safe_award_filter(rules: RuleBook, year: int, first_year: int) -> Q:
    try:
        return _award_filter(rules, year, first_year)
    except (KeyError, TypeError, ValueError):
        return Q(pk__in=[])


# --- sections of the street and community pages (registered in AssessmentsConfig.ready()) ---------

def street_page_section(request, street: Street, *, rules: RuleBook, communities: list[Community],
                        street_communities: QuerySet[Community] | None = None, **_shared) -> dict:
    """The street's quota and gaps, with the rows of the communities the page shows (its first few) and the
    totals of all of them summed in SQL (issue 14): the whole list is on the quota page, filtered to the street."""
    try:
        rules.require(ALL_RULES)
    except RuleViolation:
        return {"quota_report": None}
    if street_communities is None:
        return {"quota_report": street_reports(streets=[street], communities=communities, rules=rules)[0]}
    totals = street_community_totals(street_communities, street=street, rules=rules)
    if totals is None:  # a rule value without an SQL form: every community built for the totals, a few shown
        whole = street_reports(streets=[street], communities=list(street_communities), rules=rules)[0]
        shown = {c.pk for c in communities}
        return {"quota_report": dataclasses.replace(
            whole, communities=[r for r in whole.communities if r.community.pk in shown], totals=whole.community_totals)}
    q = street_quota(rules=rules)
    s = street_staffing(street_ids=[street.pk], on=rules.on, rules=rules)[street.pk]
    return {"quota_report": StreetQuotaReport(
        street=street, quota=q, staffing=s, gaps=_street_gaps(q, s, street, rules),
        communities=community_reports(communities=communities, rules=rules), totals=totals,
        career_posts_total=street_career_posts_total(street=street, rules=rules))}


def community_page_section(request, community: Community, *, rules: RuleBook, **_shared) -> dict:
    try:
        rules.require(ALL_RULES)
    except RuleViolation:
        return {"quota_report": None}
    return {"quota_report": community_reports(communities=[community], rules=rules)[0]}

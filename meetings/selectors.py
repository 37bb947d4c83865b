"""Reads for meetings, scoped to the user, and the compliance of the required meetings per period."""

import datetime
import functools
import operator
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Max, Prefetch, Q, QuerySet, Sum
from django.urls import reverse_lazy

from communities.models import Community
from communities.selectors import communities_for_user
from governance import derived
from governance.findings import Breach, finding, flag, in_chunks
from governance.rules import RuleBook
from governance.scope import scoped
from meetings import checks
from meetings.models import (
    CoBuildingAgreement,
    FourListKind,
    JointCommitteeList,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingReminder,
)
from streets.models import Street
from streets.selectors import streets_for_user


def meetings_for_user(*, user) -> QuerySet[Meeting]:
    return scoped(Meeting.objects.select_related("street", "community").prefetch_related(
        Prefetch("decisions", queryset=MeetingDecision.objects.order_by("pk"))),
        user, street="street_id", community="community_id")


def meeting_decisions_for_user(*, user) -> QuerySet[MeetingDecision]:
    return scoped(MeetingDecision.objects.select_related("meeting__street", "meeting__community"), user,
                  street="meeting__street_id", community="meeting__community_id")


def four_lists_for_user(*, user) -> QuerySet[JointCommitteeList]:
    return scoped(JointCommitteeList.objects.select_related("community__street"), user,
                  street="community__street_id", community="community_id")


class FourListsMissing:
    """The communities (of a queryset, in its order) short of one of the year's four lists, for a Paginator. The
    count is counted once per change of the data (governance/derived.py): it groups every community of the scope
    with its lists, which grows with the district (issue 14); a slice reads its own page only, and none is read
    when no community is short (the count then says so)."""

    def __init__(self, communities: QuerySet, *, year: int):
        self.communities = communities.annotate(
            agreed=Count("four_lists", filter=Q(four_lists__year=year))).filter(agreed__lt=len(FourListKind.values))
        self._count = None

    def count(self) -> int:
        if self._count is None:
            short = self.communities
            self._count = derived.figure("meetings.four_lists_missing", derived.queryset_key(short),
                                         lambda: short.order_by().count(), using=short.db)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice):
        return self.communities[window]


def agreements_for_user(*, user) -> QuerySet[CoBuildingAgreement]:
    return scoped(CoBuildingAgreement.objects.select_related("street", "community", "stationed_unit"), user,
                  street="street_id", community="community_id")


def reminders_for_user(*, user) -> QuerySet[MeetingReminder]:
    return scoped(MeetingReminder.objects.select_related("street", "community"), user,
                  street="street_id", community="community_id")


# --- periods ---


def period_bounds(day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    """The calendar year, quarter or month holding `day`: (first day, last day)."""
    if period == "year":
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    first_month = (day.month - 1) // 3 * 3 + 1 if period == "quarter" else day.month
    months = 3 if period == "quarter" else 1
    start = datetime.date(day.year, first_month, 1)
    next_month = first_month + months
    end = (datetime.date(day.year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1) - datetime.timedelta(days=1))
    return start, end


def previous_period(day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    start, _end = period_bounds(day, period)
    return period_bounds(start - datetime.timedelta(days=1), period)


@dataclass
class Requirement:
    """One required meeting of one unit: held in the current period, and in the previous one (overdue if short)."""

    kind: str
    label: str
    rule: object
    period: str
    start: datetime.date
    end: datetime.date
    held: int
    previous_start: datetime.date
    previous_end: datetime.date
    previous_held: int
    breaches: list = field(default_factory=list)  # the current period's shortfall
    previous_breaches: list = field(default_factory=list)

    @property
    def required(self) -> int:
        return self.rule.value

    @property
    def missing(self) -> bool:
        return bool(self.breaches)

    @property
    def overdue(self) -> bool:
        return bool(self.previous_breaches)


@dataclass
class UnitCompliance:
    street: Street
    community: Community | None
    requirements: list
    last_representatives: datetime.date | None = None

    @property
    def name(self) -> str:
        return f"{self.street.name} · {self.community.name}" if self.community else self.street.name

    @property
    def has_gaps(self) -> bool:
        return any(r.missing or r.overdue for r in self.requirements)


def _requirement(kind, rules, on, held, previous_held) -> Requirement:
    period, check = checks.FREQUENCY_CHECKS[kind]
    start, end = period_bounds(on, period)
    previous_start, previous_end = previous_period(on, period)
    return Requirement(
        kind=kind, label=MeetingKind(kind).label, rule=rules[checks.FREQUENCY_RULES[kind]],
        period=period, start=start, end=end, held=held, previous_start=previous_start, previous_end=previous_end,
        previous_held=previous_held, breaches=check(held=held, rules=rules) or [],
        previous_breaches=check(held=previous_held, rules=rules) or [],
    )



def _counts(meetings: QuerySet, unit: str, kinds: list, on: datetime.date, *, last_of: str | None = None) -> dict:
    """Per unit, for each kind, the meetings held in the current period and in the previous one (and the
    date of the last meeting of kind `last_of`): one query whatever the number of units and kinds."""
    annotations = {}
    for kind in kinds:
        period, _check = checks.FREQUENCY_CHECKS[kind]
        start, end = period_bounds(on, period)
        previous_start, previous_end = previous_period(on, period)
        annotations[f"{kind}__current"] = Count("pk", filter=Q(kind=kind, held_on__gte=start, held_on__lte=end))
        annotations[f"{kind}__previous"] = Count(
            "pk", filter=Q(kind=kind, held_on__gte=previous_start, held_on__lte=previous_end))
    if last_of:
        annotations["last"] = Max("held_on", filter=Q(kind=last_of, held_on__lte=on))
    return {row[unit]: row for row in meetings.filter(kind__in=[*kinds, *([last_of] if last_of else [])])
            .order_by().values(unit).annotate(**annotations)}


def _held(counts: dict, pk: int, kind: str) -> tuple[int, int]:
    row = counts.get(pk, {})
    return row.get(f"{kind}__current", 0), row.get(f"{kind}__previous", 0)


def meeting_compliance(*, streets, communities, rules: RuleBook,
                       on: datetime.date | None = None) -> list[UnitCompliance]:
    """For each street and community given, the required meetings held in the current period and the
    previous one, in four queries whatever their number (streets, communities, one count for the streets and
    one for the communities); units given as lists (already read, with their street) cost no query, and
    no street or no community costs none."""
    on = on or rules.on
    streets = list(streets)
    communities = list(communities.select_related("street") if isinstance(communities, QuerySet) else communities)
    meetings = Meeting.objects.all()
    big = _counts(meetings.filter(street__in=[s.pk for s in streets]), "street_id", [MeetingKind.BIG_COMMITTEE], on)
    held = _counts(meetings.filter(community__in=[c.pk for c in communities]), "community_id",
                   [MeetingKind.JOINT_COMMITTEE, MeetingKind.DELIBERATION], on, last_of=MeetingKind.REPRESENTATIVES)
    rows = [UnitCompliance(street=s, community=None, requirements=[
        _requirement(MeetingKind.BIG_COMMITTEE, rules, on, *_held(big, s.pk, MeetingKind.BIG_COMMITTEE))])
        for s in streets]
    rows += [UnitCompliance(street=c.street, community=c, last_representatives=held.get(c.pk, {}).get("last"),
                            requirements=[
        _requirement(MeetingKind.JOINT_COMMITTEE, rules, on, *_held(held, c.pk, MeetingKind.JOINT_COMMITTEE)),
        _requirement(MeetingKind.DELIBERATION, rules, on, *_held(held, c.pk, MeetingKind.DELIBERATION)),
    ]) for c in communities]
    return rows


def _units_for_user(*, user, street_id, community_id):
    streets = streets_for_user(user=user)
    communities = communities_for_user(user=user)
    if community_id is not None:
        streets, communities = streets.none(), communities.filter(pk=community_id)
    elif street_id is not None:
        streets, communities = streets.filter(pk=street_id), communities.filter(street_id=street_id)
    return streets, communities


UNIT_KINDS = {  # the units of the compliance report, the meeting's field naming them, their required meetings
    "streets": ("street_id", [MeetingKind.BIG_COMMITTEE]),
    "communities": ("community_id", [MeetingKind.JOINT_COMMITTEE, MeetingKind.DELIBERATION]),
}


def _short(which: str, rules: RuleBook, on: datetime.date, *, joined: bool = False) -> dict:
    """Per required meeting of the units (streets or communities) and per period (current, previous), the
    condition (checks.frequency_short) that a unit held fewer than its rule asks: on a correlated count of
    the unit's meetings (to filter rows), or `joined`, on a count over the units joined to their meetings
    (to total every unit in one grouped pass)."""
    unit, kinds = UNIT_KINDS[which]
    short = {}
    for kind in kinds:
        period = checks.FREQUENCY_CHECKS[kind][0]
        for when, (start, end) in (("current", period_bounds(on, period)), ("previous", previous_period(on, period))):
            held = (Count("required", filter=Q(required__kind=kind, required__held_on__gte=start,
                                               required__held_on__lte=end)) if joined
                    else checks.frequency_held(kind, unit=unit, start=start, end=end))
            short[f"{kind}_{when}"] = checks.frequency_short(kind, held, rules=rules)
    return short


def _totals(units: QuerySet, which: str, rules: RuleBook, on: datetime.date) -> dict:
    """How many `units` there are, how many have a gap, and how many fall short of each required meeting in
    the current and the previous period: one grouped query (the units joined to their meetings)."""
    short = _short(which, rules, on, joined=True)
    kinds = UNIT_KINDS[which][1]
    since = min(previous_period(on, checks.FREQUENCY_CHECKS[kind][0])[0] for kind in kinds)
    units = units.annotate(required=FilteredRelation(  # only the meetings counted: the join stays small
        "meetings", condition=Q(meetings__kind__in=kinds, meetings__held_on__gte=since)))
    flags = {f"short_{name}": flag(condition) for name, condition in short.items()}
    counted = units.order_by().annotate(short_any=flag(functools.reduce(operator.or_, short.values())), **flags) \
        .aggregate(units=Count("pk"), with_gaps=Sum("short_any"), **{name: Sum(f"short_{name}") for name in short})
    return {name: n or 0 for name, n in counted.items()}


class ComplianceUnits:
    """The compliance report's units (the streets in scope, then their communities), read a page at a time for
    a Paginator: `count()` and the totals come from one aggregate query per kind of unit, a slice computes only
    its own streets and communities (`meeting_compliance`). With `gaps`, only the units with something missing
    or overdue. Issue 14: a page costs the same whatever the number of units."""

    def __init__(self, *, streets: QuerySet, communities: QuerySet, rules: RuleBook, gaps: bool = False,
                 on: datetime.date | None = None):
        self.rules, self.on = rules, on or rules.on
        self.units, self.sizes, self.requirements = {}, {}, {}
        self.totals = {"units": 0, "with_gaps": 0}
        for which, units in (("streets", streets.order_by("code", "pk")),
                             ("communities", communities.order_by("street_id", "code", "pk"))):
            gap = functools.reduce(operator.or_, _short(which, rules, self.on).values())
            # counted once per change of the data (governance/derived.py): every unit of the scope joined to its
            # meetings grows with the district; the key is the units' query (the scope), the day and the rules
            counted = derived.figure(
                "meetings.compliance_totals", (which, derived.queryset_key(units), self.on.isoformat(), rules.figure_key),
                lambda units=units, which=which: _totals(units, which, rules, self.on),
                using=units.db, cacheable=rules.figure_key is not None)
            counted_units = counted.pop("units")
            self.totals["units"] += counted_units
            self.totals["with_gaps"] += counted["with_gaps"]
            for kind in UNIT_KINDS[which][1]:
                self.requirements[kind] = {"kind": kind, "label": MeetingKind(kind).label,
                                           "missing": counted[f"{kind}_current"],
                                           "overdue": counted[f"{kind}_previous"]}
            self.units[which] = units.filter(gap) if gaps else units
            self.sizes[which] = counted["with_gaps"] if gaps else counted_units
        self.gaps = gaps

    def count(self) -> int:
        return self.sizes["streets"] + self.sizes["communities"]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[UnitCompliance]:
        start, stop = window.start or 0, window.stop
        streets, communities = self.units["streets"], self.units["communities"]
        split = self.sizes["streets"]
        page_streets = list(streets[start:min(stop, split)]) if start < split else []
        page_communities = list(communities.select_related("street")[max(start - split, 0):stop - split]) \
            if stop > split else []
        return meeting_compliance(streets=page_streets, communities=page_communities, rules=self.rules, on=self.on)


def meeting_compliance_units(*, user, rules: RuleBook, gaps: bool = False) -> ComplianceUnits:
    """The compliance report of the units in the user's scope, to page (`ComplianceUnits`)."""
    return ComplianceUnits(streets=streets_for_user(user=user), communities=communities_for_user(user=user),
                           rules=rules, gaps=gaps)


def _overdue_findings(rows) -> list:
    found = []
    url = reverse_lazy("meetings-compliance")
    for row in rows:
        for requirement in row.requirements:
            for breach in requirement.previous_breaches:
                previous = Breach(breach.rule, breach.item, breach.message.replace(
                    checks.PERIOD_LABELS[requirement.period], f"{requirement.previous_start}至{requirement.previous_end}"),
                    excess=breach.excess)
                found.append(finding(previous, subject=row.name, street=row.street, url=url))
    return found


def meeting_finding_stream(*, user, rules: RuleBook, street_id: int | None = None, community_id: int | None = None,
                           need: int | None = None):
    """`meeting_findings`, lazily: the streets' at once, then the communities read in chunks (`in_chunks`)."""
    streets, communities = _units_for_user(user=user, street_id=street_id, community_id=community_id)
    communities = communities.select_related("street").order_by("street_id", "code")
    if need is None:
        yield from _overdue_findings(meeting_compliance(streets=streets, communities=communities, rules=rules))
        return
    yield from _overdue_findings(meeting_compliance(streets=streets, communities=[], rules=rules))
    yield from in_chunks(communities, lambda chunk: _overdue_findings(
        meeting_compliance(streets=[], communities=chunk, rules=rules)), need=need)


def meeting_findings(*, user, rules: RuleBook, street_id: int | None = None,
                     community_id: int | None = None) -> list:
    """A required meeting the previous period ended without is a finding (overdue); the current period's
    shortfall is shown on the compliance report, not here, since the period is still running."""
    return list(meeting_finding_stream(user=user, rules=rules, street_id=street_id, community_id=community_id))


def meeting_finding_counts(*, user, rules: RuleBook, street_id: int | None = None,
                           community_id: int | None = None) -> Counter:
    """How many findings `meeting_findings` lists, per (street id, approved), by the frequency checks' counting
    forms over the previous periods: three grouped queries whatever the number of units (issue 14)."""
    streets, communities = _units_for_user(user=user, street_id=street_id, community_id=community_id)
    units = {"streets": streets, "communities": communities}
    counts: Counter = Counter()
    for kind, (unit, counter) in checks.FREQUENCY_COUNTERS.items():
        start, end = previous_period(rules.on, checks.FREQUENCY_CHECKS[kind][0])
        counts += counter(**{unit: units[unit]}, start=start, end=end, rules=rules)
    return counts


# --- sections of the street and community pages (registered in MeetingsConfig.ready()) ---


def street_page_section(request, street, *, rules: RuleBook, communities: list, communities_total: int | None = None,
                        **_shared) -> dict:
    """The required meetings of the street and the communities the page shows (its first few) in the current
    period, what is missing and what ended short: two queries whatever the number of communities or meetings;
    every community is on the compliance page (issue 14)."""
    if not request.user.has_perm("meetings.view_meeting"):
        return {"meeting_compliance": None}
    # The page read the street and its communities in the user's scope: passed on, not read again.
    total = len(communities) if communities_total is None else communities_total
    return {"meeting_compliance": meeting_compliance(streets=[street], communities=communities, rules=rules),
            "meeting_communities_shown": len(communities), "meeting_communities_total": total}


def community_page_section(request, community, *, rules: RuleBook, **_shared) -> dict:
    """The community's required meetings in the current period (三(一)3, 三(三)1, 三(三)2)."""
    if not request.user.has_perm("meetings.view_meeting"):
        return {"meeting_compliance": None}
    return {"meeting_compliance": meeting_compliance(streets=[], communities=[community], rules=rules)}

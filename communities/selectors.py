"""Reads for communities: scope, and the community's staffing as 三(一), 三(二), 三(四) count it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities.models import Community, PartyOrganization, ResidentsCommittee
from governance.models import (
    COMMUNITY_KINDS,
    PARTY_KINDS,
    RESIDENTS_COMMITTEE_KINDS,
    STATION_KINDS,
    TWO_COMMITTEES_KINDS,
    PostKind,
)
from governance.scope import scoped
from governance.selectors import active_posts


def communities_for_user(*, user) -> QuerySet[Community]:
    return scoped(Community.objects.select_related("street", "party_organization", "residents_committee"), user,
                  street="street_id", community="pk")


def party_organizations_for_user(*, user) -> QuerySet[PartyOrganization]:
    return scoped(PartyOrganization.objects.select_related("community"), user,
                  street="community__street_id", community="community_id")


def residents_committees_for_user(*, user) -> QuerySet[ResidentsCommittee]:
    return scoped(ResidentsCommittee.objects.select_related("community"), user,
                  street="community__street_id", community="community_id")


@dataclass
class CommunityStaffing:
    community_id: int
    party: dict = field(default_factory=lambda: defaultdict(set))  # kind -> person ids (the committee proper)
    party_additional: set = field(default_factory=set)  # 兼职/挂职 副书记 and 委员 beside it (三(一)2)
    residents_committee: set = field(default_factory=set)
    two_committees: set = field(default_factory=set)
    grid_workers: set = field(default_factory=set)  # full-time grid workers (专职网格员)
    station_staff: set = field(default_factory=set)

    @property
    def party_committee(self) -> set:
        return set().union(*self.party.values()) if self.party else set()

    @property
    def party_committee_size(self) -> int:
        return len(self.party_committee)

    @property
    def two_committees_count(self) -> int:
        return len(self.two_committees)

    @property
    def grid_worker_count(self) -> int:
        return len(self.grid_workers)

    @property
    def station_staff_count(self) -> int:
        return len(self.station_staff)

    def count(self, kind) -> int:
        return len(self.party.get(kind, ()))


def community_staffing(*, community_ids, on: datetime.date | None = None, rules=None) -> dict[int, CommunityStaffing]:
    """Staffing of several communities in two queries, one person counted once per body (交叉任职).

    Given the request's RuleBook (`rules`), the counts are kept in it, so the page, the findings and the
    gap table count once."""
    if rules is not None:
        on = rules.on
        cache = rules.cache.setdefault("community_staffing", {})
        missing = [cid for cid in community_ids if cid not in cache]
        if missing:
            cache.update(community_staffing(community_ids=missing, on=on))
        return {cid: cache[cid] for cid in community_ids}
    on = on or timezone.localdate()
    result = {cid: CommunityStaffing(community_id=cid) for cid in community_ids}
    rows = (
        active_posts(on=on)
        .filter(community_id__in=list(result), kind__in=sorted(COMMUNITY_KINDS))
        .order_by()  # counts: no sort
        .values_list("community_id", "person_id", "kind", "is_secondment", "is_concurrent")
    )
    for community_id, person_id, kind, seconded, concurrent in rows:
        s = result[community_id]
        if kind in PARTY_KINDS and (seconded or concurrent):
            s.party_additional.add(person_id)  # 三(一)2: beside the 7-11, not in them
            continue
        if kind in PARTY_KINDS:
            s.party[kind].add(person_id)
        if kind in RESIDENTS_COMMITTEE_KINDS:
            s.residents_committee.add(person_id)
        if kind in TWO_COMMITTEES_KINDS:
            s.two_committees.add(person_id)
        if kind == PostKind.GRID_WORKER:
            s.grid_workers.add(person_id)
    # Station staff belong to a station; a station shared by two communities (三(二)) counts for both.
    # Read from the communities' station links (their index), then each station's posts by the station's index:
    # not every station post of the district joined to the communities' stations (issue 14: a merge join over
    # the district's station posts), nor every station link scanned for the communities (7 ms at x100 → 0.8 ms).
    held = "servicestation__posts__"
    station_rows = (
        Community.service_stations.through.objects
        .filter(Q(community_id__in=list(result), **{f"{held}kind__in": sorted(STATION_KINDS),
                                                    f"{held}start_date__lte": on})
                & (Q(**{f"{held}end_date__isnull": True}) | Q(**{f"{held}end_date__gte": on})))
        .order_by()
        .values_list("community_id", f"{held}person_id")
    )
    for community_id, person_id in station_rows:
        result[community_id].station_staff.add(person_id)
    return result


def community_staffing_totals(*, communities: QuerySet[Community], on: datetime.date,
                              street_id: int | None = None) -> dict[str, int]:
    """The sums over `communities` of CommunityStaffing.two_committees_count and .grid_worker_count, counted
    as `community_staffing` counts them (a person once per community and body; a seconded or concurrent
    party post beside the committee, not in it), in one query instead of every community's staffing
    (issue 14). tests/assessments/test_quota_totals.py holds both to the same sums.

    `street_id`: the street all of `communities` lie in. A community's post carries its street, so the posts
    are then read through the street's index instead of a scan of the district's posts. Summed once per change
    of the data (governance/derived.py)."""
    from governance import derived

    return derived.figure("communities.staffing_totals", (derived.queryset_key(communities.order_by()),
                                                          on.isoformat(), street_id),
                          lambda: _community_staffing_totals(communities=communities, on=on, street_id=street_id),
                          using=communities.db)


def _community_staffing_totals(*, communities: QuerySet[Community], on: datetime.date,
                               street_id: int | None) -> dict[str, int]:
    two_committees = Q(kind__in=sorted(TWO_COMMITTEES_KINDS)) & ~(
        Q(kind__in=sorted(PARTY_KINDS)) & (Q(is_secondment=True) | Q(is_concurrent=True)))
    pairs = (
        active_posts(on=on)
        .filter(community_id__in=communities.order_by().values("pk"), kind__in=sorted(COMMUNITY_KINDS))
        .filter(**({} if street_id is None else {"street_id": street_id}))
        .order_by()
        .values("community_id", "person_id")
        .annotate(in_two=Max(Case(When(two_committees, then=Value(1)), default=Value(0))),
                  grid=Max(Case(When(kind=PostKind.GRID_WORKER, then=Value(1)), default=Value(0))))
    )
    sums = pairs.aggregate(two_committees=Sum("in_two"), grid_workers=Sum("grid"))
    return {name: value or 0 for name, value in sums.items()}


FIGURES = ("households", "party_members", "is_complex")


def with_figures_as_of(communities: QuerySet[Community], on: datetime.date) -> QuerySet[Community]:
    """`communities_as_of` for a queryset, in SQL: annotates `households_on`, `party_members_on` and
    `is_complex_on` with the figures recorded on `on` (the latest history record before the end of that day,
    else the current record), so that totals can be summed in one grouped query (issue 14)."""
    if on >= timezone.localdate():
        return communities.annotate(**{f"{name}_on": F(name) for name in FIGURES})
    cut = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=timezone.get_current_timezone())
    latest = Community.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=cut).order_by(
        "-history_date", "-history_id")
    return communities.annotate(**{f"{name}_on": Coalesce(Subquery(latest.values(name)[:1]), F(name))
                                   for name in FIGURES})


def communities_changed_since(communities: QuerySet[Community], on: datetime.date) -> list[int]:
    """The communities whose figures recorded on `on` may differ from their current ones: those with a history
    record up to that day and another after it (one that has none up to that day counts with its current
    figures, and one not changed since has them still). One query."""
    cut = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=timezone.get_current_timezone())
    history = Community.history.model.objects
    return list(communities.order_by().filter(pk__in=history.filter(history_date__lt=cut).values("id"))
                .filter(pk__in=history.filter(history_date__gte=cut).values("id")).values_list("pk", flat=True))


def communities_as_of(communities: list[Community], on: datetime.date) -> list[Community]:
    """The communities with their households, party members and complex flag as recorded on `on` (from
    their history), for quotas "as of" a past date (DESIGN.md section 2). One query; for today or a later
    date the current figures stand. Each returned community carries `figures_recorded_at`: the time of the
    record used (None: the current record)."""
    if not communities or on >= timezone.localdate():
        for c in communities:
            c.figures_recorded_at = None
        return communities
    cut = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=timezone.get_current_timezone())
    # Every record up to that day, latest first, the first of each community kept: no correlated subquery (on
    # a thousand communities one made PostgreSQL JIT-compile the query, issue 14); a community has few records.
    rows: dict = {}
    for row in Community.history.model.objects.filter(
            id__in=[c.pk for c in communities], history_date__lt=cut,
    ).order_by("id", "-history_date", "-history_id").values("id", "history_date", *FIGURES):
        rows.setdefault(row["id"], row)
    result = []
    for community in communities:
        row = rows.get(community.pk)
        copy = Community(**{f.attname: getattr(community, f.attname) for f in Community._meta.concrete_fields})
        copy._state.fields_cache = dict(community._state.fields_cache)  # its street and organisation, as read
        copy.figures_recorded_at = None
        if row is not None:
            for name in FIGURES:
                setattr(copy, name, row[name])
            copy.figures_recorded_at = row["history_date"]
        result.append(copy)
    return result


SEARCH_LIMIT = 20
SEARCH_MAX_LENGTH = 50


def community_search(*, user, query: str, street_id: int | None = None, limit: int = SEARCH_LIMIT) -> tuple[list, bool]:
    """The communities of the user's scope (of one street if given) whose name, code or street's name contains
    `query`, in the communities' order (street, code: the index behind it, so a common word stops after the
    first rows), at most `limit`; and whether there were more. Two queries (the streets named, the
    communities), whatever the district's size."""
    communities = (communities_for_user(user=user).select_related(None).select_related("street")
                   .only("name", "code", "street__name"))
    if street_id is not None:
        communities = communities.filter(street_id=street_id)
    query = query.strip()[:SEARCH_MAX_LENGTH]
    if query:
        # The streets named first (a handful of rows), so that each arm of the OR is one indexed condition on
        # the communities (trigram indexes on name and code, communities/0005, on PostgreSQL; the street's
        # b-tree): a word matching few communities reads those, not the district (Street through the FK, so
        # that communities does not import streets).
        streets = Community._meta.get_field("street").related_model.objects.filter(name__icontains=query)
        street_ids = list(streets.values_list("pk", flat=True))
        if len(query) >= 3:  # UPPER(x) LIKE UPPER('%q%'), the trigram indexes' expressions
            typed = Q(name__icontains=query) | Q(code__icontains=query)
        else:
            # One or two characters make no trigram: the index would hand over every community to sort. A plain
            # LIKE, which no trigram index serves, lets the planner walk (street, code) and stop at the first
            # matches instead (codes are ASCII: both cases are asked).
            typed = Q(name__contains=query) | Q(code__contains=query.lower()) | Q(code__contains=query.upper())
        communities = communities.filter(typed | Q(street_id__in=street_ids))
    found = list(communities.order_by("street_id", "code")[:limit + 1])
    return found[:limit], len(found) > limit

"""Reads for grids, scoped through `governance.scope.scoped` (a grid worker: their grid; community staff:
their community; street staff: their street; district bodies: the district)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from governance.roles import Role, user_role
from governance.scope import scoped
from grids.models import (
    OPEN,
    EventCategory,
    Grid,
    GridChangeRequest,
    GridEvent,
    GridPartyOrganization,
    GridUnit,
    LedgerEntry,
    Level,
    PartyModelPost,
)


def grids_for_user(*, user) -> QuerySet[Grid]:
    return scoped(Grid.objects.select_related("community", "community__street", "worker"), user,
                  street="community__street_id", community="community_id", grid="pk")


def active_grids_for_user(*, user) -> QuerySet[Grid]:
    return grids_for_user(user=user).filter(ended_on__isnull=True)


def grid_units_for_user(*, user) -> QuerySet[GridUnit]:
    return scoped(GridUnit.objects.select_related("grid"), user, street="grid__community__street_id",
                  community="grid__community_id", grid="grid_id")


def party_organizations_for_user(*, user) -> QuerySet[GridPartyOrganization]:
    return scoped(GridPartyOrganization.objects.select_related("grid"), user, street="grid__community__street_id",
                  community="grid__community_id", grid="grid_id")


def party_posts_for_user(*, user) -> QuerySet[PartyModelPost]:
    return scoped(PartyModelPost.objects.select_related("grid", "unit"), user, street="grid__community__street_id",
                  community="grid__community_id", grid="grid_id")


def grid_party(*, grid) -> dict:
    """The grid page's party part (四(二)1): organisations (in force first) and model posts; two queries."""
    return {"party_organizations": list(grid.party_organizations.order_by(
                F("ended_on").desc(nulls_first=True), "kind", "name")),
            "party_posts": list(grid.party_posts.select_related("unit").order_by("-is_active", "kind", "name"))}


def grid_changes_for_user(*, user) -> QuerySet[GridChangeRequest]:
    return scoped(GridChangeRequest.objects.select_related("community", "street", "grid", "worker", "proposed_by",
                                                           "decided_by").prefetch_related("others"),
                  user, street="street_id", community="community_id")


def grids_as_of(*, community, on: datetime.date) -> list:
    """The community's grids as they stood at the end of `on` (history rows; grids ended by then left out)."""
    moment = datetime.datetime.combine(on, datetime.time.max, tzinfo=timezone.get_current_timezone())
    rows = Grid.history.as_of(moment).filter(community_id=community.pk)
    return [g for g in rows if g.ended_on is None or g.ended_on > on]


# Ledger entries whose people are vulnerable (特殊群体) are shown only to the roles that look after them,
# and ID numbers and phones only to those who work with the residents directly.
SPECIAL_GROUP_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.CIVIL_AFFAIRS, Role.DISTRICT_ADMIN})
PERSONAL_DATA_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.CIVIL_AFFAIRS})


def sees_special_groups(user) -> bool:
    return user_role(user) in SPECIAL_GROUP_ROLES


def sees_personal_data(user) -> bool:
    return user_role(user) in PERSONAL_DATA_ROLES


def mask(value: str, *, keep_head: int = 3, keep_tail: int = 4) -> str:
    """"110101199003071234" → "110***********1234"; short values are masked whole."""
    if not value:
        return value
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def ledger_for_user(*, user) -> QuerySet[LedgerEntry]:
    qs = scoped(LedgerEntry.objects.select_related("grid", "stationed_unit"), user,
                street="grid__community__street_id", community="grid__community_id", grid="grid_id")
    if not sees_special_groups(user):
        qs = qs.exclude(kind=LedgerEntry.Kind.SPECIAL_GROUP)
    return qs


def event_categories_list(*, user=None) -> QuerySet[EventCategory]:
    return EventCategory.objects.select_related("parent")


def events_for_user(*, user) -> QuerySet[GridEvent]:
    """Events in the user's scope: a grid worker their grid's, community staff their community's, street
    staff their street's; district bodies (departments included) the district's."""
    return scoped(
        GridEvent.objects.select_related("grid", "community", "street", "category", "category__parent", "department"),
        user, street="street_id", community="community_id", grid="grid_id",
    )


def event_queue(*, user, level: str | None = None, open_only: bool = True) -> QuerySet[GridEvent]:
    """The events waiting at the user's level (the community's queue: events at community level...)."""
    role = user_role(user)
    level = level or {Role.GRID_WORKER: Level.GRID, Role.COMMUNITY_STAFF: Level.COMMUNITY,
                      Role.STREET_STAFF: Level.STREET, Role.DEPARTMENT_USER: Level.DEPARTMENT}.get(role)
    qs = events_for_user(user=user)
    if level:
        qs = qs.filter(level=level)
    if role == Role.DEPARTMENT_USER:
        from grids.services import _department_ids

        qs = qs.filter(department_id__in=sorted(_department_ids(user)))
    if open_only:
        qs = qs.filter(status__in=OPEN)  # as the queues' partial indexes say it
    return lean(qs)


def lean(qs: QuerySet[GridEvent]) -> QuerySet:
    """A list's columns only, as plain rows: a list reads 50 rows of a table of millions joined to three others,
    and building four model instances a row would cost more than the query (benchmarks/grids_scale.py)."""
    return qs.select_related(None).order_by("-reported_at", "-pk").values(*ROW_FIELDS)


ROW_FIELDS = ["id", "title", "level", "status", "level_since", "reported_at", "grid_id", "grid__name",
              "community__name", "category__name"]
_LEVEL_LABELS = dict(Level.choices)
_STATUS_LABELS = dict(GridEvent.Status.choices)


def with_labels(rows) -> list[dict]:
    """The page's rows with their level and status in words."""
    return [{**r, "level_label": _LEVEL_LABELS.get(r["level"], r["level"]),
             "status_label": _STATUS_LABELS.get(r["status"], r["status"])} for r in rows]


def grid_events(*, user, grid) -> QuerySet[GridEvent]:
    return lean(events_for_user(user=user).filter(grid=grid))


def events_for_api(*, user) -> QuerySet[GridEvent]:
    return (scoped(GridEvent.objects.select_related("category"), user, street="street_id", community="community_id",
                   grid="grid_id").prefetch_related("photos").order_by("-reported_at", "-pk"))



def event_detail(*, user, pk) -> GridEvent:
    return events_for_user(user=user).prefetch_related("steps__actor", "photos").get(pk=pk)


@dataclass
class Rates:
    """Settlement rates (四(二)2): "小事不出网格" = settled at grid level / settled; "大事不出社区" = settled at
    grid or community level / settled."""

    settled: int
    grid: int
    community: int

    @property
    def grid_rate(self) -> float | None:
        return round(self.grid / self.settled * 100, 1) if self.settled else None

    @property
    def community_rate(self) -> float | None:
        return round((self.grid + self.community) / self.settled * 100, 1) if self.settled else None


RATE_BY = {"street": ("street_id", "street__name"), "community": ("community_id", "community__name"),
           "grid": ("grid_id", "grid__name")}


def settlement_rates(*, user, by: str = "street", start: datetime.date | None = None,
                     end: datetime.date | None = None, street_id: int | None = None,
                     community_id: int | None = None) -> list[dict]:
    """One aggregate query: per unit (street, community or grid) the events settled in [start, end) and
    the share settled in the grid and in the community."""
    key, name = RATE_BY.get(by, RATE_BY["street"])
    qs = _settled(user=user, start=start, end=end, street_id=street_id, community_id=community_id)
    rows = (qs.values(key, name).order_by(name)
            .annotate(settled=Count("pk"), at_grid=Count("pk", filter=Q(settled_level=Level.GRID)),
                      at_community=Count("pk", filter=Q(settled_level=Level.COMMUNITY))))
    return [{"id": r[key], "name": r[name], "rates": Rates(r["settled"], r["at_grid"], r["at_community"])}
            for r in rows]


def _settled(*, user, start, end, street_id=None, community_id=None) -> QuerySet[GridEvent]:
    qs = scoped(GridEvent.objects.all(), user, street="street_id", community="community_id", grid="grid_id")
    qs = qs.filter(closed_at__isnull=False)  # settled (grid_event_closed_consistent): index-only scans
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(closed_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(closed_at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=tz))
    if street_id:
        qs = qs.filter(street_id=street_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def settlement_trend(*, user, start: datetime.date | None = None, end: datetime.date | None = None,
                     street_id: int | None = None, community_id: int | None = None) -> list[dict]:
    """Month by month over the user's scope (one aggregate query), for the dashboard's chart."""
    qs = _settled(user=user, start=start, end=end, street_id=street_id, community_id=community_id)
    rows = (qs.annotate(month=TruncMonth("closed_at")).values("month").order_by("month")
            .annotate(settled=Count("pk"), at_grid=Count("pk", filter=Q(settled_level=Level.GRID)),
                      at_community=Count("pk", filter=Q(settled_level=Level.COMMUNITY))))
    return [{"month": r["month"].strftime("%Y-%m"), "rates": Rates(r["settled"], r["at_grid"], r["at_community"])}
            for r in rows]


def community_grid_figures(*, community_ids: list[int], on: datetime.date | None = None,
                           placed_within=None) -> dict[int, dict]:
    """Per community: active grids (count, households, names without a worker) and the full-time grid
    workers (三(四)2) not on any grid in force of `placed_within` (the communities' ids, a list or a query;
    by default `community_ids`: a provider reading its communities in chunks passes them all); five queries."""
    from governance.models import PostKind
    from governance.selectors import active_posts

    figures: dict[int, dict] = defaultdict(lambda: {"count": 0, "households": 0, "without_worker": [],
                                                    "unplaced": []})
    grids = Grid.objects.filter(community_id__in=community_ids, ended_on__isnull=True)
    for row in grids.values("community_id").annotate(n=Count("pk"), h=Sum("households")):
        figures[row["community_id"]].update(count=row["n"], households=row["h"] or 0)
    for community_id, name in grids.filter(worker__isnull=True).values_list("community_id", "name"):
        figures[community_id]["without_worker"].append(name)
    posts = active_posts(on=on).filter(kind=PostKind.GRID_WORKER, community_id__in=community_ids)
    off_grid = [(community_id, person_id, name) for community_id, person_id, name, grid_id, ended in posts.values_list(
        "community_id", "person_id", "person__name", "grid_id", "grid__ended_on") if grid_id is None or ended is not None]
    # Of those, the ones a grid in force of `placed_within` has as its worker are on a grid all the same.
    on_grid = set(Grid.objects.filter(
        community_id__in=community_ids if placed_within is None else placed_within, ended_on__isnull=True,
        worker_id__in={person_id for _c, person_id, _n in off_grid}).values_list("worker_id", flat=True)) if off_grid else set()
    for community_id, person_id, name in off_grid:
        if person_id not in on_grid:
            figures[community_id]["unplaced"].append(name)
    for row in _party_figures(grids):
        figures[row["community_id"]].setdefault("party", []).append(row)
    return figures


def _party_figures(grids: QuerySet[Grid]) -> list[dict]:
    """Per grid in force: its party organisations in force and its active model posts (四(二)1); one query."""
    orgs = (GridPartyOrganization.objects.filter(grid_id=OuterRef("pk"), ended_on__isnull=True)
            .order_by().values("grid_id").annotate(n=Count("pk")).values("n"))
    posts = (PartyModelPost.objects.filter(grid_id=OuterRef("pk"), is_active=True)
             .order_by().values("grid_id").annotate(n=Count("pk")).values("n"))
    rows = grids.order_by("code").annotate(organizations=Coalesce(Subquery(orgs), 0),
                                           model_posts=Coalesce(Subquery(posts), 0))
    return list(rows.values("community_id", "name", "organizations", "model_posts"))


def community_page_section(request, community, **_shared) -> dict:
    """The community page's list of its grids with their party organisations and model posts in force
    (四(二)1), registered in GridsConfig.ready(); three queries whatever the number of grids."""
    grids = active_grids_for_user(user=request.user).filter(community=community).prefetch_related(
        Prefetch("party_organizations", queryset=GridPartyOrganization.objects.filter(ended_on__isnull=True),
                 to_attr="party_in_force"),
        Prefetch("party_posts", queryset=PartyModelPost.objects.filter(is_active=True), to_attr="party_posts_active"))
    return {"grids": list(grids)}

"""Reads of the service stations, scoped to the user (STYLE.md 2)."""

import datetime

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.compiled_query import BoundQuery, CompiledQuery
from governance.roles import Role, user_role
from governance.scope import Scope, scope_for, scope_q, scoped
from governance.selectors import active_posts
from service_stations.calendar import WorkingCalendar
from service_stations.models import (
    OPEN_STATUSES,
    Appointment,
    CalendarDay,
    CalendarYear,
    CaseStatus,
    ChecklistTally,
    Notification,
    ServiceCase,
    ServiceItem,
    ServiceStation,
    Shift,
    StationChecklistEntry,
)


def stations_for_user(*, user) -> QuerySet[ServiceStation]:
    qs = ServiceStation.objects.select_related("street").prefetch_related("communities")
    stations = scoped(qs, user, street="street_id", community="communities__id", station="pk")
    # Only a community's grant joins the communities, where a station shared by two of them (三(二)) comes twice:
    # distinct there alone. A DISTINCT elsewhere sorted every station in scope before the page (and kept the
    # paginator from reading its count with the page), for rows that cannot repeat (issue 14).
    scope = scope_for(user)
    return stations.distinct() if not scope.district_wide and scope.community_ids else stations


STREET_PAGE_STATIONS = 30


def street_page_section(request, street, **_shared) -> dict:
    """The street page's list of its service stations (registered in ServiceStationsConfig.ready()): the first
    few by code and how many there are (a count: the scope's join makes the rows distinct), whatever their
    number (issue 14)."""
    stations = stations_for_user(user=request.user).filter(street=street).order_by("code", "pk")
    shown = list(stations[:STREET_PAGE_STATIONS])
    return {"stations": shown, "stations_total": stations.count()}


# --- the calendar ------------------------------------------------------------------------------------

def working_calendar() -> WorkingCalendar:
    """The stored calendar (two queries): the years entered and their exceptional days."""
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.values_list("date", "is_working"))
    return WorkingCalendar(known_years=years, exceptions=exceptions)


# --- the catalogue -----------------------------------------------------------------------------------

def service_items_for_user(*, user) -> QuerySet[ServiceItem]:
    """The catalogue is district-wide: every signed-in role may read it; the district administrator edits it."""
    if not user.is_authenticated:
        return ServiceItem.objects.none()
    return ServiceItem.objects.select_related("department")


def service_items_search(*, user, query: str = "", active_only: bool = True) -> QuerySet[ServiceItem]:
    """By name or by pinyin initials (城乡低保 or cxjm...)."""
    items = service_items_for_user(user=user)
    if active_only:
        items = items.filter(is_active=True)
    query = query.strip()
    if query:
        items = items.filter(Q(name__icontains=query) | Q(pinyin_initials__startswith=query.lower())
                             | Q(pinyin_initials__contains=query.lower()))
    return items


# --- cases -------------------------------------------------------------------------------------------

def cases_for_user(*, user) -> QuerySet[ServiceCase]:
    """A station worker sees their station's cases; street staff their street's; district roles all.

    Lists (queue, API) need the item version's name and limit only: one join keeps the plan cheap at a
    million rows (benchmarks/stations_scale.py); the case page reads the rest (case_detail_for_user)."""
    return scoped(ServiceCase.objects.select_related("item_revision"), user, street="street_id", station="station_id")


def case_detail_for_user(*, user) -> QuerySet[ServiceCase]:
    return cases_for_user(user=user).select_related("station", "item_revision__department", "first_owner", "handler",
                                                    "forwarded_to")


def case_list(*, user, station_id=None, status=None, service_item_id=None, received_from=None, received_to=None,
              query: str = "") -> QuerySet[ServiceCase]:
    cases = cases_for_user(user=user)
    if station_id:
        cases = cases.filter(station_id=station_id)
    if status:
        cases = cases.filter(status=status)
    if service_item_id:
        cases = cases.filter(service_item_id=service_item_id)
    if received_from:
        cases = cases.filter(received_at__date__gte=received_from)
    if received_to:
        cases = cases.filter(received_at__date__lte=received_to)
    if query:
        cases = cases.filter(Q(number=query) | Q(applicant_name=query))
    return cases.order_by("-received_at", "-pk")


# What a queue row shows (service_stations/_case_rows.html): read only these, as plain rows; building model
# instances cost more than the query itself (benchmarks/stations_scale.py).
QUEUE_FIELDS = ("id", "number", "applicant_name", "status", "due_date", "item_revision__name")
_STATUS_LABELS = dict(CaseStatus.choices)
# The queue's sections beside all its open cases ("open"): the filter of each, given today and the day "soon" ends.
_QUEUE_SECTIONS = {
    "received_today": lambda today, soon: Q(received_at__date=today),
    "due_soon": lambda today, soon: Q(due_date__gte=today, due_date__lte=soon),
    "overdue": lambda today, soon: Q(due_date__lt=today),
}


def _queue_queryset(*, section: str, district_wide: bool, station_id: int, street_ids=(), station_ids=(),
                    today=None, soon=None) -> QuerySet:
    """A section of a station's queue as the ORM reads it, in the scope given by its ids (scope_q)."""
    cases = ServiceCase.objects.filter(station_id=station_id, status__in=OPEN_STATUSES)
    scope = Scope(district_wide=district_wide, street_ids=frozenset(street_ids), station_ids=frozenset(station_ids))
    if (q := scope_q(scope, street="street_id", station="station_id")) is not None:
        cases = cases.filter(q)
    if section != "open":
        cases = cases.filter(_QUEUE_SECTIONS[section](today, soon))
    return cases.order_by("due_date", "pk").values(*QUEUE_FIELDS)


# The queue's sections have a fixed shape: compiled once per process, run with a cursor (the ORM's ~1 ms of
# building and compiling cost more than the query, benchmarks/stations_scale.py).
_QUEUE = CompiledQuery(_queue_queryset)


class StationQueue:
    """A station's open cases by due date (`open`), and those received today, due within `soon_days` working days,
    overdue: each a sliceable read of plain rows (QUEUE_FIELDS; `queue_rows` adds the status in words) that runs
    its query when sliced. `counts()` gives the four numbers of the dashboard in one query."""

    def __init__(self, *, user, station_id: int, today: datetime.date, soon: datetime.date):
        scope = scope_for(user)
        self._params = {"station_id": station_id, "today": today, "soon": soon,
                        "street_ids": tuple(sorted(scope.street_ids)), "station_ids": tuple(sorted(scope.station_ids))}
        self._district_wide = scope.district_wide

    def section(self, name: str) -> BoundQuery:
        return _QUEUE.bind(shape={"section": name, "district_wide": self._district_wide}, **self._params)

    def __getattr__(self, name):
        if name != "open" and name not in _QUEUE_SECTIONS:
            raise AttributeError(name)
        return self.section(name)

    def counts(self) -> dict:
        open_cases = _queue_queryset(section="open", district_wide=self._district_wide, **self._params)
        today, soon = self._params["today"], self._params["soon"]
        return open_cases.order_by().aggregate(
            open=Count("pk"), **{name: Count("pk", filter=q(today, soon)) for name, q in _QUEUE_SECTIONS.items()})


def station_queue(*, user, station: ServiceStation, today: datetime.date, calendar: WorkingCalendar,
                  soon_days: int = 2) -> StationQueue:
    """Today's queue at the station (StationQueue): open cases by due date, due soon, overdue, received today."""
    return StationQueue(user=user, station_id=station.pk, today=today,
                        soon=calendar.add_working_days(today, soon_days))


def queue_rows(rows) -> list[dict]:
    """A queue's rows with their status in words."""
    return [{**row, "status_label": _STATUS_LABELS.get(row["status"], row["status"])} for row in rows]


def _open_cases(*, user, street_id=None) -> QuerySet[ServiceCase]:
    cases = ServiceCase.objects.filter(status__in=OPEN_STATUSES)
    cases = scoped(cases, user, street="street_id", station="station_id")
    return cases.filter(street_id=street_id) if street_id else cases


def _station_count(**filters) -> Coalesce:
    """One station's open cases matching `filters`, as a count read off the index case_open_station_due."""
    cases = (ServiceCase.objects.filter(station_id=OuterRef("pk"), status__in=OPEN_STATUSES, **filters).order_by()
             .values("station_id").annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(cases), 0)


def overdue_stations(*, user, today: datetime.date, street_id=None) -> QuerySet[ServiceStation]:
    """The stations in the user's scope, by street and code, each with its open, overdue and due-today counts.

    Lazy: a page of it runs one query, the counts computed for that page's stations only (after the limit)."""
    stations = ServiceStation.objects.select_related("street").order_by("street__code", "code")
    stations = scoped(stations, user, street="street_id", station="pk")
    if street_id:
        stations = stations.filter(street_id=street_id)
    return stations.annotate(open=_station_count(), overdue=_station_count(due_date__lt=today),
                             due_today=_station_count(due_date=today))


def overdue_totals(*, user, today: datetime.date, street_id=None) -> dict:
    """The whole scope's open, overdue and due-today cases, and the most open cases at one station (`peak`, at
    least 1): one query over the index of open cases by station, however many stations a page shows (counted
    as COUNT(*) and COUNT(due_date), columns of the index, so that the scan reads the index only)."""
    per_station = _open_cases(user=user, street_id=street_id).order_by().values("station_id").annotate(
        n_open=Count("*"), n_overdue=Count("due_date", filter=Q(due_date__lt=today)),
        n_due_today=Count("due_date", filter=Q(due_date=today)))
    totals = per_station.aggregate(open=Sum("n_open"), overdue=Sum("n_overdue"), due_today=Sum("n_due_today"),
                                   peak=Max("n_open"))
    return {"open": totals["open"] or 0, "overdue": totals["overdue"] or 0, "due_today": totals["due_today"] or 0,
            "peak": max(totals["peak"] or 0, 1)}


def overdue_rows(stations) -> list[dict]:
    """Rows of overdue_stations as the page and its chart read them."""
    return [{"station": s, "open": s.open, "overdue": s.overdue, "due_today": s.due_today} for s in stations]


def overdue_counts(*, user, today: datetime.date, street_id=None) -> list[dict]:
    """Per station in the user's scope, every one: open, overdue and due-today counts (benchmarks; pages page)."""
    return overdue_rows(overdue_stations(user=user, today=today, street_id=street_id))


def can_see_identity(*, user, station_id: int) -> bool:
    """ID numbers and phones in clear: the station's own workers and the district administrator only."""
    role = user_role(user)
    if role == Role.DISTRICT_ADMIN:
        return True
    return role == Role.STATION_WORKER and station_id in scope_for(user).station_ids


def station_head_users(*, station_ids, on: datetime.date | None = None) -> dict[int, set[int]]:
    """The login of each station's head (服务站站长), where the head has one."""
    heads: dict[int, set[int]] = {}
    rows = active_posts(on=on).filter(station_id__in=station_ids, kind="station_head", person__user__isnull=False)
    for station_id, user_id in rows.values_list("station_id", "person__user_id"):
        heads.setdefault(station_id, set()).add(user_id)
    return heads


# --- appointments, notifications, shifts, checklist --------------------------------------------------

def appointments_for_user(*, user) -> QuerySet[Appointment]:
    return scoped(Appointment.objects.select_related("station", "worker", "case"), user,
                  street="station__street_id", station="station_id")


def notifications_for_user(*, user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("case")


def shifts_for_user(*, user) -> QuerySet[Shift]:
    return scoped(Shift.objects.select_related("station", "worker"), user, street="station__street_id",
                  station="station_id")


def on_duty(*, user, station: ServiceStation | None = None, now: datetime.datetime | None = None) -> QuerySet[Shift]:
    """Who is on duty now (错时工作、周末倒班): at the station, or at every station in the user's scope."""
    now = timezone.localtime(now)
    shifts = shifts_for_user(user=user).filter(date=now.date(), start__lte=now.time(), end__gt=now.time())
    return shifts.filter(station=station) if station is not None else shifts


def checklist_for_user(*, user) -> QuerySet[StationChecklistEntry]:
    return scoped(StationChecklistEntry.objects.select_related("station", "station__street"), user,
                  street="station__street_id", station="station_id")


def checklist_stations(*, user) -> QuerySet[ServiceStation]:
    """The stations of the checklist overview, by street and code: the scope's filter on the stations themselves
    (a street's through its index), a DISTINCT only behind a community's grant, where it sorts few rows."""
    stations = stations_for_user(user=user).prefetch_related(None)
    if stations.query.distinct:  # a community's grant: the communities' join made distinct, read by its ids
        stations = ServiceStation.objects.select_related("street").filter(pk__in=stations.values("pk"))
    return stations.order_by("street__code", "code")


def checklist_met_counts(*, user) -> dict[str, int]:
    """How many stations in the user's scope meet each standard (those met by none left out): for the district
    or whole streets, the sum of the streets' tallies (ChecklistTally, 15 rows a street, whatever the number of
    stations); for a scope of communities or stations, one grouped count of their entries."""
    scope = scope_for(user)
    if scope.district_wide or (scope.street_ids and not scope.community_ids and not scope.station_ids):
        tallies = ChecklistTally.objects.filter(met__gt=0)
        if not scope.district_wide:
            tallies = tallies.filter(street_id__in=sorted(scope.street_ids))
        return dict(tallies.order_by().values_list("item").annotate(n=Sum("met")))
    return checklist_met_counts_counted(user=user)


def checklist_met_counts_counted(*, user) -> dict[str, int]:
    """checklist_met_counts counted from the entries themselves (a scope of communities or stations; the tests
    hold the tallies to it)."""
    entries = StationChecklistEntry.objects.filter(met=True, station_id__in=stations_for_user(user=user).values("pk"))
    return dict(entries.order_by().values_list("item").annotate(n=Count("*")))


def station_workers(*, station: ServiceStation):
    """The logins granted this station (its station workers), for rotas and appointments."""
    from django.contrib.auth import get_user_model
    from guardian.models import UserObjectPermission

    user_ids = UserObjectPermission.objects.filter(
        permission__codename="access_station", permission__content_type__app_label="service_stations",
        object_pk=str(station.pk)).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username")

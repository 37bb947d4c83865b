"""Demo data of the stations for seed_demo: a few cases per station over the last weeks (some overdue, some
handled), a shift rota and part of the standardisation checklist. Idempotent: a station with cases is skipped.

Bulk (issue 14): cases are built by `case_build` and moved on by `case_transition_data`, as the services do,
then written with their history rows (one "+" row per case, one "~" row per transition, as `case_transition`
leaves them), in a few queries instead of one service call per row."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from governance.bulk import bulk_create_validated, rows_validate
from service_stations.models import (
    CaseStatus,
    ChecklistItem,
    ServiceCase,
    ServiceItem,
    ServiceItemRevision,
    ServiceStation,
    Shift,
    StationChecklistEntry,
)
from service_stations.selectors import working_calendar
from service_stations.services import (
    _revision_save,
    case_build,
    case_transition_data,
    checklist_set,
    checklist_tally_rebuild,
)
from service_stations.validators import id_number_check_digit

NAMES = ["马秀兰", "王建国", "李桂英", "张志强", "刘海燕", "杨玉萍", "赵国庆", "周红梅"]


def _latest_revisions(items) -> dict:
    """Each item's latest revision (the one case_receive takes), in two queries; one is saved if missing."""
    latest = dict(ServiceItemRevision.objects.filter(item__in=items).values("item_id").annotate(v=Max("version"))
                  .values_list("item_id", "v"))
    revisions = {(r.item_id, r.version): r for r in ServiceItemRevision.objects.filter(item__in=items)}
    result = {}
    for item in items:
        result[item.pk] = (revisions[(item.pk, latest[item.pk])] if item.pk in latest
                           else _revision_save(item))
    return result


def demo_station_data(*, rng: random.Random) -> int:
    """Returns how many cases it created."""
    today = timezone.localdate()
    calendar = working_calendar()
    items = list(ServiceItem.objects.filter(is_active=True))
    revisions = _latest_revisions(items)
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="station-")}
    stations = list(ServiceStation.objects.filter(cases__isnull=True).prefetch_related("communities").order_by("pk"))
    with_shifts = set(Shift.objects.filter(station__in=stations).values_list("station_id", flat=True))
    entries = {(e.station_id, e.item): e for e in StationChecklistEntry.objects.filter(station__in=stations)}
    sequence = {}  # number prefix -> last number: these stations have no case yet (the filter above)
    cases, moved, shifts, checklist, to_update = [], [], [], [], []
    for station in stations:
        community = min(station.communities.all(), key=lambda c: c.pk, default=None)
        worker = users.get(f"station-{community.code}") if community else None
        for n in range(rng.randint(3, 6)):
            item = rng.choice(items)
            received_on = today - datetime.timedelta(days=rng.randint(0, 40))
            received_at = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9 + n % 7, 15)))
            first17 = f"640104{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
            materials = item.required_materials if rng.random() < 0.7 else item.required_materials[:1]
            prefix = f"{station.pk:04d}{received_on:%Y%m%d}"  # as service_stations.services._case_number
            sequence[prefix] = sequence.get(prefix, 0) + 1
            case = case_build(acting_user=worker, station=station, service_item=item, revision=revisions[item.pk],
                              number=f"{prefix}{sequence[prefix]:04d}", applicant_name=rng.choice(NAMES),
                              applicant_phone=f"139{rng.randint(10000000, 99999999)}",
                              applicant_id_number=first17 + id_number_check_digit(first17), channel="counter",
                              materials_received=materials, received_at=received_at, calendar=calendar)
            case._history_user = worker  # as instance_save attributes the service's history row
            cases.append(case)
            if case.due_date < today and rng.random() < 0.6:
                moved.append(case)
        if worker is not None and station.pk not in with_shifts:
            shifts.append(Shift(station=station, worker=worker, date=today, start=datetime.time(8, 30),
                                end=datetime.time(17, 30), is_weekend_rota=today.weekday() >= 5))
            shifts.append(Shift(station=station, worker=worker, date=today, start=datetime.time(17, 30),
                                end=datetime.time(19, 30)))
        for item in rng.sample(ChecklistItem.values, k=rng.randint(10, 15)):
            entry = entries.get((station.pk, item))
            if entry is None:
                checklist.append(StationChecklistEntry(station=station, item=item, met=True))
            elif not entry.met:
                to_update.append(entry)
    bulk_create_validated(cases, ServiceCase, batch_size=500)
    _transitions(moved, [CaseStatus.HANDLING, CaseStatus.COMPLETED])
    for shift in shifts:
        if shift.end <= shift.start:  # the check constraint, said before the write
            raise ValueError(f"shift of {shift.station} ends before it starts")
    bulk_create_validated(shifts, Shift)
    bulk_create_validated(checklist, StationChecklistEntry)
    if checklist:
        checklist_tally_rebuild(street_ids={station.street_id for station in stations})
    for entry in to_update:  # an entry someone marked unmet: the service, as before
        checklist_set(station=entry.station, acting_user=None, item=entry.item, met=True)
    return len(cases)


def _transitions(cases, statuses) -> None:
    """Move every case through `statuses` as `case_transition` would (its checks, version + 1 and one "~"
    history row per step, attributed to the case's worker: `_history_user`), writing the rows once at the end."""
    if not cases:
        return
    changed = set()
    for step, status in enumerate(statuses):
        for case in cases:
            data = case_transition_data(case=case, status=status)
            for name, value in data.items():
                setattr(case, name, value)
            changed.update(data)
            case.version += 1
        rows_validate(cases)
        fields = sorted(changed | {"version"}) if step == len(statuses) - 1 else []  # history only, until the last
        bulk_update_with_history(cases, ServiceCase, fields=fields, batch_size=500)

"""Service stations at scale (run on demand on PostgreSQL; prints figures, not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gov_stations .venv/bin/python benchmarks/stations_scale.py \
        [--cases 1000000] [--repeat 7] [--keep] [--no-job] [--reads 101]

Builds a throwaway test database (test_<name>; `--keep` keeps it and its rows for the next run) with 80 stations
in 8 streets and 1,000,000 cases over 8 years (2019–2026), inserted in bulk by one INSERT … SELECT
generate_series; then, as a station worker, a street's staff and the district administrator, prints for
the station queue, the filtered case list (50 rows) and the district's overdue counts: the number of
queries of the endpoint or page and its median time, beside the median of raw SQL returning the same rows;
and the time of the overdue job (case_reminders_send) over the whole district.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

TODAY = datetime.date(2026, 11, 27)  # a Friday; cases run up to it
STREETS, STATIONS = 8, 80


def build(n_cases: int) -> None:
    from communities.services import community_create
    from governance.models import District
    from governance.roles import Role
    from governance.services import user_create_with_role
    from service_stations.models import ServiceCase, ServiceItem, ServiceStation
    from service_stations.services import station_create
    from streets.services import street_create

    if ServiceCase.objects.count() >= n_cases:
        print(f"reusing {ServiceCase.objects.count():,} cases")
        return
    district = District.objects.get()
    started = time.perf_counter()
    for s in range(STREETS):
        street = street_create(acting_user=None, district=district, code=f"b{s}", name=f"基准{s}街", is_pilot=False)
        for k in range(STATIONS // STREETS):
            community = community_create(acting_user=None, street=street, code=f"b{s}-{k}", name=f"基准{s}-{k}社区",
                                         households=3000, party_members=80)
            station = station_create(acting_user=None, street=street, code=f"b{s}-{k}-st", name=f"基准{s}-{k}服务站",
                                     communities=[community])
            user_create_with_role(username=f"bench-station-{s}-{k}", password=None, role=Role.STATION_WORKER,
                                  scope_object=station)
        user_create_with_role(username=f"bench-street-{s}", password=None, role=Role.STREET_STAFF, scope_object=street)
    user_create_with_role(username="bench-admin", password=None, role=Role.DISTRICT_ADMIN)
    items = list(ServiceItem.objects.order_by("pk").values_list("pk", "revisions__pk", "time_limit_days"))
    item_ids = "(ARRAY[" + ",".join(str(i[0]) for i in items) + "])"
    revision_ids = "(ARRAY[" + ",".join(str(i[1]) for i in items) + "])"
    stations = list(ServiceStation.objects.filter(code__startswith="b").order_by("pk").values_list("pk", "street_id"))
    station_ids = "(ARRAY[" + ",".join(str(st[0]) for st in stations) + "])"
    station_streets = "(ARRAY[" + ",".join(str(st[1]) for st in stations) + "])"
    days = 8 * 365
    # Rows spread evenly over 8 years ending TODAY; the last 20 days' cases are open (received/handling),
    # and 1 in 2,000 older ones too (overdue); everything else completed.
    sql = f"""
    INSERT INTO service_stations_servicecase
      (version, number, external_id, station_id, street_id, service_item_id, item_revision_id, applicant_name,
       applicant_id_number, applicant_phone, channel, materials_received, materials_missing, notice_given_at,
       received_at, due_date, calendar_provisional, status, first_owner_id, handler_id, forwarded_to_id,
       status_note, closed_at)
    SELECT 1, 'B' || lpad(g::text, 9, '0'), '', {station_ids}[1 + mod(g, {STATIONS})],
           {station_streets}[1 + mod(g, {STATIONS})], {item_ids}[1 + mod(g, {len(items)})],
           {revision_ids}[1 + mod(g, {len(items)})], '居民' || (mod(g, 997)), '', '13995112345',
           (ARRAY['counter','appointment','door_to_door','online'])[1 + mod(g, 4)], '[]'::jsonb, '[]'::jsonb, NULL,
           d.received, (d.received + interval '14 days')::date, false,
           CASE WHEN d.received > %(open_from)s THEN (ARRAY['received','handling'])[1 + mod(g, 2)]
                WHEN mod(g, 2000) = 0 THEN 'handling' ELSE 'completed' END,
           NULL, NULL, NULL, '', CASE WHEN d.received > %(open_from)s OR mod(g, 2000) = 0 THEN NULL
                                      ELSE d.received + interval '7 days' END
    FROM generate_series(1, %(n)s) AS g
    CROSS JOIN LATERAL (SELECT (%(end)s::timestamptz - ((g::bigint * {days} * 86400 / %(n)s) || ' seconds')::interval)
                        AS received) d
    """
    end = datetime.datetime.combine(TODAY, datetime.time(17), tzinfo=timezone.get_current_timezone())
    with connection.cursor() as cursor:
        cursor.execute(sql, {"n": n_cases, "end": end, "open_from": end - datetime.timedelta(days=20)})
        # The station's worker handles its open cases (the reminders' recipients).
        cursor.execute("""
            UPDATE service_stations_servicecase c SET handler_id = g.user_id
            FROM guardian_userobjectpermission g JOIN auth_permission p ON p.id = g.permission_id
            WHERE p.codename = 'access_station' AND g.object_pk = c.station_id::text
              AND c.status IN ('received', 'handling')""")
        cursor.execute("ANALYZE service_stations_servicecase")
    print(f"inserted {n_cases:,} cases over {STATIONS} stations and 8 years in {time.perf_counter() - started:.0f} s")


def median_ms(fn, repeat: int) -> tuple[float, int, object]:
    times, result, count = [], None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t0) * 1000)
        count = len(queries)
    return statistics.median(times), count, result


def raw(sql: str, params: list):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the test database (and reuse its rows next time)")
    parser.add_argument("--reads", type=int, default=None,
                        help="turns of the ORM read and its raw SQL (default: --repeat); more steady on a loaded machine")
    parser.add_argument("--no-job", action="store_true", help="skip timing the overdue job (the reads only)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=not args.keep, keepdb=args.keep,
                                                     serialize=False)  # not a million rows into a string
    try:
        build(args.cases)
        run(args.repeat, job=not args.no_job, reads=args.reads or args.repeat)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def run(repeat: int, job: bool = True, reads: int | None = None) -> None:
    from django.contrib.auth import get_user_model

    from service_stations.models import ServiceItem, ServiceStation
    from service_stations.selectors import case_list, overdue_counts, station_queue, working_calendar
    from service_stations.services import case_reminders_send

    User = get_user_model()
    station = ServiceStation.objects.get(code="b3-4-st")
    worker = User.objects.get(username="bench-station-3-4")
    street_user = User.objects.get(username="bench-street-3")
    admin = User.objects.get(username="bench-admin")
    item = ServiceItem.objects.order_by("pk")[5]
    today = timezone.localdate()
    calendar = working_calendar()
    rows = []

    def measure(label, agent, path, orm, sql, params):
        """The endpoint (queries, median), the ORM read of its rows (median), and raw SQL of the same rows. The
        ORM read and the raw SQL run in turns, so that both meet the same load on a shared machine."""
        agent_ms, queries, response = median_ms(lambda: agent.get(path), repeat)
        assert response.status_code == 200, (path, response.status_code)
        orm_times, sql_times = [], []
        for _ in range(reads or repeat):
            orm_t, _, orm_rows = median_ms(orm, 1)
            sql_t, _, sql_rows = median_ms(raw(sql, params), 1)
            orm_times.append(orm_t)
            sql_times.append(sql_t)
        orm_ms, sql_ms = statistics.median(orm_times), statistics.median(sql_times)
        assert len(orm_rows) == len(sql_rows), (label, len(orm_rows), len(sql_rows))
        rows.append((label, queries, agent_ms, orm_ms, sql_ms, min(orm_times), min(sql_times), len(sql_rows)))

    client, api = Client(), APIClient()
    client.force_login(worker)
    open_ = "status IN ('received','handling')"
    # The columns each ORM read selects (selectors.QUEUE_FIELDS for the queue; the case and its item version for
    # the API list), so that both sides fetch the same rows and columns.
    queue_cols = "c.id, c.number, c.applicant_name, c.status, c.due_date, r.name"
    cols = "c.*, r.*"
    join = "service_stations_servicecase c JOIN service_stations_serviceitemrevision r ON r.id = c.item_revision_id"
    queue = lambda: station_queue(user=worker, station=station, today=today, calendar=calendar)  # noqa: E731
    measure("station queue: open by due date, first 50 (dashboard)", client, f"/stations/{station.pk}/",
            lambda: list(queue().open[:50]),
            f"SELECT {queue_cols} FROM {join} WHERE c.station_id = %s AND c.{open_} ORDER BY c.due_date, c.id LIMIT 50",
            [station.pk])
    measure("station queue: overdue, first 50 (dashboard)", client, f"/stations/{station.pk}/",
            lambda: list(queue().overdue[:50]),
            f"SELECT {queue_cols} FROM {join} WHERE c.station_id = %s AND c.{open_} AND c.due_date < %s "
            "ORDER BY c.due_date, c.id LIMIT 50", [station.pk, today])
    api.force_authenticate(street_user)
    since = datetime.date(2022, 1, 1)
    measure("case list, street, filtered, 50 rows (API)", api,
            f"/api/v1/cases/?status=completed&service_item={item.pk}",
            lambda: list(case_list(user=street_user, status="completed", service_item_id=item.pk,
                                   received_from=since)[:50]),
            f"SELECT {cols} FROM {join} WHERE c.street_id = %s AND c.status = 'completed' AND c.service_item_id = %s "
            "AND c.received_at >= %s ORDER BY c.received_at DESC, c.id DESC LIMIT 50",
            [station.street_id, item.pk, datetime.datetime.combine(since, datetime.time(), tzinfo=timezone.get_current_timezone())])
    client.force_login(admin)
    measure("district overdue counts by station (page)", client, "/stations/overdue/",
            lambda: overdue_counts(user=admin, today=today),
            f"SELECT s.id, count(c.id), count(c.id) FILTER (WHERE c.due_date < %s), "
            f"count(c.id) FILTER (WHERE c.due_date = %s) FROM service_stations_servicestation s "
            f"LEFT JOIN service_stations_servicecase c ON c.station_id = s.id AND c.{open_} GROUP BY s.id",
            [today, today])
    # Medians, and the fastest run of each (the least disturbed by other work on a shared machine).
    print(f"\n{'what':55} {'queries':>7} {'endpoint ms':>11} {'ORM ms':>7} {'raw SQL ms':>10} {'ORM/raw':>7} "
          f"{'min ORM/raw':>14} {'rows':>5}")
    for label, queries, ms, orm_ms, sql_ms, orm_min, sql_min, n in rows:
        print(f"{label:55} {queries:>7} {ms:>11.1f} {orm_ms:>7.1f} {sql_ms:>10.1f} {orm_ms / max(sql_ms, 0.01):>7.1f} "
              f"{f'{orm_min:.2f}/{sql_min:.2f}':>10} {orm_min / max(sql_min, 0.001):>3.1f} {n:>5}")
    if not job:
        return
    from service_stations.models import CaseReminder, Notification

    t0 = time.perf_counter()
    created = case_reminders_send(today=today)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = case_reminders_send(today=today)
    print(f"\noverdue job over the district: {first:.1f} s ({created:,} notifications, "
          f"{CaseReminder.objects.count():,} reminders); re-run {time.perf_counter() - t0:.1f} s ({again} notifications, "
          f"{Notification.objects.count():,} in all)")


if __name__ == "__main__":
    main()

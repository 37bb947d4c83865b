"""Grids at scale (run on demand on PostgreSQL; prints figures, not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gov_grids .venv/bin/python benchmarks/grids_scale.py \
        [--grids 10000] [--events 1000000] [--repeat 7]

Creates a throwaway test database (test_<name>), 11 streets, 400 communities, 10,000 grids and 1,000,000
events spread over 8 years (bulk insert: generate_series), then for each level's queue and the
settlement-rate dashboard prints: the page's SQL query count and median time, the ORM's median for the
same rows (the selector evaluated: count and the page of 50, or the aggregate), the median of hand-written
SQL for the same rows or aggregate, their ratio, and the plan of the raw query (which index it uses).
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
from django.test.utils import setup_test_environment  # noqa: E402

OPEN = "('submitted', 'accepted')"
LIST_COLUMNS = ("e.id, e.version, e.title, e.level, e.status, e.level_since, e.reported_at, e.grid_id, e.community_id, "
                "e.street_id, e.department_id, e.category_id, g.id, g.name, c.id, c.name, cat.id, cat.name")
LIST_FROM = ("grids_gridevent e JOIN grids_grid g ON g.id = e.grid_id JOIN communities_community c ON c.id = e.community_id "
             "JOIN grids_eventcategory cat ON cat.id = e.category_id")


def median_ms(fn, repeat):
    fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def raw(sql, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return run


def plan(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    uses = [line.strip() for line in lines if "Index" in line or "Seq Scan" in line]
    return (uses[0] if uses else lines[0].strip())[:110]


def build(n_grids: int, n_events: int):
    from communities.models import Community
    from governance.models import Department, District
    from governance.roles import Role
    from governance.services import department_create, user_create_with_role
    from grids.models import EventCategory, Grid
    from streets.services import street_create

    district, _ = District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})
    dept = department_create(acting_user=None, district=district, code="cg", name="城管局", kind=Department.Kind.OTHER)
    streets = [street_create(acting_user=None, district=district, code=f"s{i}", name=f"街道{i}", is_pilot=False)
               for i in range(11)]
    per_community = 25
    n_communities = max(1, n_grids // per_community)
    communities = Community.objects.bulk_create([
        Community(street=streets[i % 11], code=f"c{i}", name=f"社区{i}", households=per_community * 500)
        for i in range(n_communities)])
    Grid.objects.bulk_create([
        Grid(community=communities[i % n_communities], code=f"g{i}", name=f"网格{i}", households=500)
        for i in range(n_grids)], batch_size=5000)
    category = EventCategory.objects.filter(parent__isnull=False).order_by("pk").first()
    if category is None:
        parent = EventCategory.objects.create(code="SG01", name="矛盾纠纷")
        category = EventCategory.objects.create(code="SG0101", name="邻里纠纷", parent=parent)
    first, last = Grid.objects.order_by("pk").values_list("pk", flat=True)[0], Grid.objects.order_by("-pk")[0].pk
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # level: 60% grid, 25% community, 12% street, 3% department; 2% still open; 8 years back from now.
        cursor.execute(f"""
            INSERT INTO grids_gridevent (version, grid_id, community_id, street_id, department_id, category_id, title,
                description, place, level, status, level_since, reported_by_id, reported_at, settled_level, closed_at,
                source, external_id)
            SELECT 1, g.id, g.community_id, c.street_id, CASE WHEN x.lv = 'department' THEN {dept.pk} END, {category.pk},
                '事件' || x.s, '描述', '', x.lv, x.st, x.ts, NULL, x.ts,
                CASE WHEN x.st = 'resolved' THEN x.lv ELSE '' END,
                CASE WHEN x.st = 'resolved' THEN x.ts + interval '1 day' END, 'grid', NULL
            FROM (
                SELECT s, {first} + (s::bigint * 7919) % ({last - first + 1}) AS grid_id,
                       CASE WHEN r1 < 0.60 THEN 'grid' WHEN r1 < 0.85 THEN 'community' WHEN r1 < 0.97 THEN 'street'
                            ELSE 'department' END AS lv,
                       CASE WHEN r2 < 0.01 THEN 'submitted' WHEN r2 < 0.02 THEN 'accepted' ELSE 'resolved' END AS st,
                       now() - (r3 * interval '2920 days') AS ts
                FROM (SELECT s, random() AS r1, random() AS r2, random() AS r3
                      FROM generate_series(1, {n_events}) AS s) AS r
            ) AS x
            JOIN grids_grid g ON g.id = x.grid_id JOIN communities_community c ON c.id = g.community_id
        """)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE grids_gridevent")
    print(f"inserted {n_events:,} events over {n_grids:,} grids in {time.perf_counter() - started:.1f} s")
    grid = Grid.objects.select_related("community").get(pk=first)
    users = {
        "grid worker": user_create_with_role(username="gw", password=None, role=Role.GRID_WORKER, scope_object=grid),
        "community": user_create_with_role(username="cs", password=None, role=Role.COMMUNITY_STAFF,
                                           scope_object=grid.community),
        "street": user_create_with_role(username="ss", password=None, role=Role.STREET_STAFF,
                                        scope_object=grid.community.street),
        "department": user_create_with_role(username="du", password=None, role=Role.DEPARTMENT_USER, scope_object=dept),
        "civil affairs": user_create_with_role(username="ca", password=None, role=Role.CIVIL_AFFAIRS),
    }
    return grid, dept, users


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grids", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--ledger-rows", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args) -> None:
    from grids import selectors

    grid, dept, users = build(args.grids, args.events)
    community, street = grid.community_id, grid.community.street_id

    def orm_page(qs):
        return lambda: (qs.count(), list(qs[:50]))

    def orm_rates(user, by, **kw):
        return lambda: (selectors.settlement_rates(user=user, by=by, **kw), selectors.settlement_trend(user=user, **kw))

    cases = [
        # (label, user, page path, ORM callable, raw SQL statements)
        ("grid worker: my grid's events", "grid worker", f"/grids/{grid.pk}/",
         orm_page(selectors.grid_events(user=users["grid worker"], grid=grid)),
         [("SELECT count(*) FROM grids_gridevent e WHERE e.grid_id = %s", [grid.pk]),
          (f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE e.grid_id = %s ORDER BY e.reported_at DESC, e.id DESC LIMIT 50",
           [grid.pk])]),
        ("community queue", "community", "/events/", orm_page(selectors.event_queue(user=users["community"])),
         [(f"SELECT count(*) FROM grids_gridevent e WHERE e.community_id = %s AND e.level = 'community' "
           f"AND e.status IN {OPEN}", [community]),
          (f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE e.community_id = %s AND e.level = 'community' "
           f"AND e.status IN {OPEN} ORDER BY e.reported_at DESC, e.id DESC LIMIT 50", [community])]),
        ("street queue", "street", "/events/", orm_page(selectors.event_queue(user=users["street"])),
         [(f"SELECT count(*) FROM grids_gridevent e WHERE e.street_id = %s AND e.level = 'street' "
           f"AND e.status IN {OPEN}", [street]),
          (f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE e.street_id = %s AND e.level = 'street' "
           f"AND e.status IN {OPEN} ORDER BY e.reported_at DESC, e.id DESC LIMIT 50", [street])]),
        ("department queue", "department", "/events/", orm_page(selectors.event_queue(user=users["department"])),
         [(f"SELECT count(*) FROM grids_gridevent e WHERE e.level = 'department' AND e.department_id = %s "
           f"AND e.status IN {OPEN}", [dept.pk]),
          (f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE e.level = 'department' AND e.department_id = %s "
           f"AND e.status IN {OPEN} ORDER BY e.reported_at DESC, e.id DESC LIMIT 50", [dept.pk])]),
        ("street: events API list", "street", "/api/v1/events/",
         orm_page(selectors.events_for_api(user=users["street"])),
         [("SELECT count(*) FROM grids_gridevent e WHERE e.street_id = %s", [street]),
          ("SELECT e.*, cat.* FROM grids_gridevent e JOIN grids_eventcategory cat ON cat.id = e.category_id "
           "WHERE e.street_id = %s ORDER BY e.reported_at DESC, e.id DESC LIMIT 50", [street]),
          ("SELECT * FROM grids_eventphoto WHERE event_id IN (SELECT id FROM grids_gridevent WHERE street_id = %s "
           "ORDER BY reported_at DESC, id DESC LIMIT 50)", [street])]),
        ("dashboard, district by street, 8 y", "civil affairs", "/settlement/?by=street&start=2018-01-01",
         orm_rates(users["civil affairs"], "street", start=datetime.date(2018, 1, 1)),
         [("SELECT e.street_id, s.name, count(*), count(*) FILTER (WHERE e.settled_level = 'grid'), "
           "count(*) FILTER (WHERE e.settled_level = 'community') FROM grids_gridevent e "
           "JOIN streets_street s ON s.id = e.street_id WHERE e.closed_at >= '2018-01-01' GROUP BY 1, 2 ORDER BY 2", []),
          ("SELECT date_trunc('month', e.closed_at AT TIME ZONE 'Asia/Shanghai'), count(*), "
           "count(*) FILTER (WHERE e.settled_level = 'grid'), count(*) FILTER (WHERE e.settled_level = 'community') "
           "FROM grids_gridevent e WHERE e.closed_at >= '2018-01-01' GROUP BY 1 ORDER BY 1", [])]),
        ("dashboard, a street by comm., 8 y", "street", "/settlement/?by=community&start=2018-01-01",
         orm_rates(users["street"], "community", start=datetime.date(2018, 1, 1)),
         [("SELECT e.community_id, c.name, count(*), count(*) FILTER (WHERE e.settled_level = 'grid'), "
           "count(*) FILTER (WHERE e.settled_level = 'community') FROM grids_gridevent e "
           "JOIN communities_community c ON c.id = e.community_id WHERE e.street_id = %s AND e.closed_at IS NOT NULL "
           "GROUP BY 1, 2 ORDER BY 2", [street]),
          ("SELECT date_trunc('month', e.closed_at AT TIME ZONE 'Asia/Shanghai'), count(*), "
           "count(*) FILTER (WHERE e.settled_level = 'grid'), count(*) FILTER (WHERE e.settled_level = 'community') "
           "FROM grids_gridevent e WHERE e.street_id = %s AND e.closed_at >= '2018-01-01' GROUP BY 1 ORDER BY 1", [street])]),
        ("dashboard, a street by grid, 1 y", "street", "/settlement/?by=grid&start=2025-11-01&end=2026-11-01",
         orm_rates(users["street"], "grid", start=datetime.date(2025, 11, 1), end=datetime.date(2026, 11, 1)),
         [("SELECT e.grid_id, g.name, count(*), count(*) FILTER (WHERE e.settled_level = 'grid'), "
           "count(*) FILTER (WHERE e.settled_level = 'community') FROM grids_gridevent e "
           "JOIN grids_grid g ON g.id = e.grid_id WHERE e.street_id = %s AND e.closed_at >= '2025-11-01' "
           "AND e.closed_at < '2026-11-01' GROUP BY 1, 2 ORDER BY 2", [street]),
          ("SELECT date_trunc('month', e.closed_at AT TIME ZONE 'Asia/Shanghai'), count(*), "
           "count(*) FILTER (WHERE e.settled_level = 'grid'), count(*) FILTER (WHERE e.settled_level = 'community') "
           "FROM grids_gridevent e WHERE e.street_id = %s AND e.closed_at >= '2025-11-01' "
           "AND e.closed_at < '2026-11-01' GROUP BY 1 ORDER BY 1", [street])]),
    ]
    print(f"\n{'case':34} {'page q':>6} {'page ms':>8} {'ORM ms':>8} {'raw ms':>8} {'ORM/raw':>7}  plan of the raw query")
    for label, who, path, orm, statements in cases:
        client = Client()
        client.force_login(users[who])
        client.get(path)
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        page_ms = median_ms(lambda c=client, p=path: c.get(p), args.repeat)
        orm_ms = median_ms(orm, args.repeat)
        raw_ms = median_ms(lambda s=statements: [raw(sql, params)() for sql, params in s], args.repeat)
        print(f"{label:34} {len(queries):>6} {page_ms:>8.1f} {orm_ms:>8.1f} {raw_ms:>8.1f} {orm_ms / raw_ms:>7.2f}  "
              f"{plan(*statements[-1])}")
    ledger(grid, args.ledger_rows)


def ledger(grid, n: int) -> None:
    """Import a ledger of n rows (one in a thousand with an error, imported with the valid rows)."""
    import io
    import resource

    from openpyxl import Workbook

    from grids import ledger_excel

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(ledger_excel.COLUMNS)
    for i in range(n):
        kind = "商业网点" if i % 1000 else "小卖部"
        ws.append([kind, f"商户{i}", "", f"文化街{i}号", "店主", f"1390951{i % 10000:04d}", "", "否", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    content = buffer.getvalue()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = ledger_excel.ledger_import(grid=grid, content=content, acting_user=None, special_allowed=True,
                                        import_valid_rows=True)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\nledger import: {result.rows:,} rows ({len(content) / 1e6:.1f} MB), {result.error_count} with errors, "
          f"{result.imported:,} imported in {seconds:.1f} s; peak RSS grew by {(rss_after - rss_before) / 1024:.0f} MB "
          f"(to {rss_after / 1024:.0f} MB)")


if __name__ == "__main__":
    main()

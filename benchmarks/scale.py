"""District scale benchmark: every API list, page and export at N times the demo district (issue 14).

    .venv/bin/python benchmarks/scale.py --scale 10 [--database-url postgres://postgres@127.0.0.1:5432/governance_bench]
        [--repeat 7] [--only /api/v1/posts/ [--merge]]
    .venv/bin/python benchmarks/scale.py --table     # the results side by side, in Markdown

Creates a fresh PostgreSQL database (dropped and made again on each run), migrates, loads the demo data
(`seed_demo`), grows it to N times (every demo community copied N-1 times in its street, with its people,
posts, grids and service station, through bulk writes with history rows), then requests each entry of
ENDPOINTS as the district administrator and as one street's staff and prints the median time, the number
of SQL queries and, for API lists, the time of the raw SQL of the same 50 rows (psycopg execute + fetch +
json.dumps, in this process) and the ratio. Writes `benchmarks/results/scale-N.json`.

Another app's list joins by appending one `Endpoint` to ENDPOINTS (a path; `{street}`, `{community}`,
`{station}`, `{grid}` are filled with the street staff's own units), or from its own benchmark with
`ENDPOINTS.append(...)` before calling `main()`.
"""

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/governance_bench"
RESULTS = ROOT / "benchmarks" / "results"
ALLOWED_PREFIXES = ("governance_bench", "gov_scale")


@dataclass(frozen=True)
class Endpoint:
    path: str
    kind: str = "page"  # "api" (a paginated API list: gets the raw-SQL ratio), "api-detail", "page", "export"
    roles: tuple[str, ...] = ("admin", "street")


ENDPOINTS: list[Endpoint] = [
    # API lists (50 a page)
    Endpoint("/api/v1/streets/", "api"),
    Endpoint("/api/v1/street-offices/", "api"),
    Endpoint("/api/v1/communities/", "api"),
    Endpoint("/api/v1/departments/", "api"),
    Endpoint("/api/v1/stationed-units/", "api"),
    Endpoint("/api/v1/people/", "api"),
    Endpoint("/api/v1/posts/", "api"),
    Endpoint("/api/v1/policy-rules/", "api"),
    # API reports
    Endpoint("/api/v1/streets/{street}/quotas/", "api-detail"),
    Endpoint("/api/v1/communities/{community}/quotas/", "api-detail"),
    Endpoint("/api/v1/quotas/summary/?year=2026", "api-detail"),
    # Pages
    Endpoint("/district/", roles=("admin",)),
    Endpoint("/breaches/"),
    Endpoint("/streets/{street}/"),
    Endpoint("/communities/{community}/"),
    Endpoint("/streets/{street}/people/"),
    Endpoint("/communities/{community}/people/"),
    Endpoint("/audit/", roles=("admin",)),
    Endpoint("/quotas/"),
    Endpoint("/quotas/what-if/", roles=("admin",)),
    # Exports
    Endpoint("/quotas/export.xlsx", "export"),
    # Admin change lists (the district administrator)
    Endpoint("/admin/governance/post/", roles=("admin",)),
    Endpoint("/admin/governance/person/", roles=("admin",)),
    Endpoint("/admin/communities/community/", roles=("admin",)),
    Endpoint("/admin/governance/stationedunit/", roles=("admin",)),
    Endpoint("/admin/streets/street/", roles=("admin",)),
]

USERS = {"admin": "admin", "street": "street-fhbj"}


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (only one whose name says it is a benchmark's)."""
    import psycopg2
    from psycopg2 import sql

    name = database_name(url)
    if not name.startswith(ALLOWED_PREFIXES):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must start with {ALLOWED_PREFIXES}")
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    import django

    django.setup()


# --- growing the district -------------------------------------------------------------------------

def grow(scale: int, *, out=sys.stdout) -> dict:
    """Copy every demo community scale-1 times into its own street, with its party organisation, residents'
    committee, grids, service station (shared stations stay shared), people and posts: valid data (the
    copies are of rows the services wrote), bulk-inserted with their history rows."""
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from communities.models import Community, PartyOrganization, ResidentsCommittee
    from governance.models import Person, Post
    from grids.models import Grid
    from service_stations.models import ServiceStation

    originals = list(Community.objects.order_by("pk"))
    orgs = {o.community_id: o for o in PartyOrganization.objects.all()}
    rcs = {r.community_id: r for r in ResidentsCommittee.objects.all()}
    grids = list(Grid.objects.order_by("pk"))
    posts = list(Post.objects.filter(community__isnull=False).order_by("pk"))
    person_ids = {p.person_id for p in posts} | set(
        Person.objects.filter(community__isnull=False).values_list("pk", flat=True))
    people = list(Person.objects.filter(pk__in=person_ids).order_by("pk"))
    Through = ServiceStation.communities.through
    links = list(Through.objects.filter(community__in=originals).values_list("servicestation_id", "community_id"))
    stations = {s.pk: s for s in ServiceStation.objects.filter(pk__in={s for s, _c in links})}

    def copy(obj, **changes):
        clone = type(obj)(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key})
        for name, value in changes.items():
            setattr(clone, name, value)
        return clone

    for k in range(2, scale + 1):
        with transaction.atomic():
            suffix = f"x{k}"
            cmap = {c.pk: copy(c, code=f"{c.code}-{suffix}", name=f"{c.name}{k}") for c in originals}
            bulk_create_with_history(list(cmap.values()), Community, batch_size=2000)
            bulk_create_with_history([copy(orgs[cid], community_id=c.pk) for cid, c in cmap.items() if cid in orgs],
                                     PartyOrganization, batch_size=2000)
            bulk_create_with_history([copy(rcs[cid], community_id=c.pk) for cid, c in cmap.items() if cid in rcs],
                                     ResidentsCommittee, batch_size=2000)
            gmap = {g.pk: copy(g, community_id=cmap[g.community_id].pk, code=f"{g.code}-{suffix}") for g in grids
                    if g.community_id in cmap}
            bulk_create_with_history(list(gmap.values()), Grid, batch_size=2000)
            smap = {sid: copy(s, code=f"{s.code}-{suffix}") for sid, s in stations.items()}
            bulk_create_with_history(list(smap.values()), ServiceStation, batch_size=2000)
            Through.objects.bulk_create([Through(servicestation_id=smap[s].pk, community_id=cmap[c].pk)
                                         for s, c in links])
            pmap = {p.pk: copy(p, user_id=None, community_id=cmap[p.community_id].pk if p.community_id else None)
                    for p in people}
            bulk_create_with_history(list(pmap.values()), Person, batch_size=5000)
            new_posts = []
            for p in posts:
                new_posts.append(copy(
                    p, person_id=pmap[p.person_id].pk, community_id=cmap[p.community_id].pk,
                    station_id=smap[p.station_id].pk if p.station_id else None,
                    grid_id=gmap[p.grid_id].pk if p.grid_id else None,
                ))
            bulk_create_with_history(new_posts, Post, batch_size=5000)
        if k % 10 == 0 or k == scale:
            print(f"  grown to x{k}", file=out, flush=True)
    return counts()


def counts() -> dict:
    from communities.models import Community
    from governance.models import Person, Post
    from grids.models import Grid

    return {"communities": Community.objects.count(), "grids": Grid.objects.count(),
            "people": Person.objects.count(), "posts": Post.objects.count()}


# --- measuring ------------------------------------------------------------------------------------

def units_of(user) -> dict:
    from communities.models import Community
    from governance.scope import scope_for
    from grids.models import Grid
    from service_stations.models import ServiceStation

    street = sorted(scope_for(user).street_ids)[0]
    community = Community.objects.filter(street_id=street).order_by("code").first()
    station = ServiceStation.objects.filter(street_id=street).order_by("code").first()
    grid = Grid.objects.filter(community=community).order_by("code").first()
    return {"street": street, "community": community.pk, "station": station.pk if station else 0,
            "grid": grid.pk if grid else 0}


def list_queryset(path: str, user):
    """The queryset a viewset lists for `user` at `path` (scope, filters, ordering), for the raw comparison."""
    from django.test import RequestFactory
    from django.urls import resolve
    from rest_framework.request import Request

    match = resolve(urlsplit(path).path)
    cls = match.func.cls
    view = cls(**match.func.initkwargs)
    view.action_map = {"get": "list"}
    django_request = RequestFactory().get(path)
    django_request.user = user
    request = Request(django_request)
    request.user = user
    view.request, view.args, view.kwargs, view.format_kwarg, view.action = request, (), {}, None, "list"
    return view.filter_queryset(view.get_queryset())


def raw_fetch_ms(queryset, repeat: int) -> float:
    """A psycopg fetch of the same 50 rows (the SQL Django would run, joins included) plus json.dumps."""
    from django.db import connection

    sql, params = queryset[:50].query.sql_with_params()
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection itself, no Django cursor wrapper
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with raw.cursor() as cur:
            cur.execute(sql, params)
            columns = [c.name for c in cur.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        json.dumps({"count": len(rows), "results": rows}, default=str, ensure_ascii=False)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(*, scale: int, repeat: int, only: list[str] | None = None, out=sys.stdout) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    results = []
    for role, username in USERS.items():
        user = get_user_model().objects.get(username=username)
        token, _ = Token.objects.get_or_create(user=user)
        units = units_of(get_user_model().objects.get(username=USERS["street"]))
        page_client = Client()
        page_client.force_login(user)
        api_client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        print(f"\nas {role} ({username}), x{scale}:", file=out)
        print(f"{'path':44} {'status':>6} {'median ms':>10} {'queries':>8} {'raw ms':>8} {'ratio':>6}", file=out)
        for endpoint in ENDPOINTS:
            if role not in endpoint.roles:
                continue
            path = endpoint.path.format(**units)
            if only and not any(o in path for o in only):
                continue
            client = api_client if endpoint.kind.startswith("api") else page_client
            client.get(path)  # warm: templates, URL resolver, rule cache
            # The queries are counted in one request of their own: capturing them (the SQL text of each) slowed
            # the timed requests, which the raw side does not pay (issue 14).
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            queries, status = len(captured), response.status_code
            raw_queryset = list_queryset(path, user) if endpoint.kind == "api" and status == 200 else None
            if raw_queryset is not None:
                raw_fetch_ms(raw_queryset, 1)  # warm, like the request
            times, raws = [], []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get(path)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - t0) * 1000)
                if raw_queryset is not None:
                    # Interleaved with the requests, so that both sides run under the same conditions (a raw
                    # loop on its own keeps the database's process hot; a request finds it asleep).
                    raws.append(raw_fetch_ms(raw_queryset, 1))
            median = statistics.median(times)
            raw = statistics.median(raws) if raws else None
            ratio = f"{median / raw:6.1f}" if raw else ""
            raw_text = f"{raw:8.2f}" if raw is not None else ""
            print(f"{path:44} {status:>6} {median:>10.1f} {queries:>8} {raw_text:>8} {ratio:>6}", file=out, flush=True)
            results.append({"path": path, "role": role, "scale": scale, "median_ms": round(median, 2),
                            "queries": queries, "raw_ms": round(raw, 3) if raw is not None else None,
                            "status": status})
    return results


def table() -> str:
    """The results in benchmarks/results/ side by side, as a Markdown table (for the README)."""
    runs = {}
    for path in sorted(RESULTS.glob("scale-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        for row in json.loads(path.read_text()):
            key = (row["role"], row["path"].replace("/1/", "/{id}/"))
            runs.setdefault(key, {})[row["scale"]] = row
    scales = sorted({scale for rows in runs.values() for scale in rows})
    head = ["role", "path", *[f"x{n} ms (queries)" for n in scales], "raw ms x1", f"x{scales[-1]}/x1"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (role, path), rows in runs.items():
        cells = [f"{rows[n]['median_ms']:.1f} ({rows[n]['queries']})" if n in rows else "" for n in scales]
        first, last = rows.get(scales[0]), rows.get(scales[-1])
        raw = f"{first['raw_ms']:.2f}" if first and first.get("raw_ms") is not None else ""
        growth = f"{last['median_ms'] / first['median_ms']:.2f}" if first and last else ""
        lines.append(f"| {role} | `{path}` | " + " | ".join(cells) + f" | {raw} | {growth} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    if argv is None and sys.argv[1:] == ["--table"]:
        print(table())
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", action="append", help="measure only paths containing this (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/scale-N.json")
    parser.add_argument("--merge", action="store_true",
                        help="with --only: replace the measured (path, role) rows in benchmarks/results/scale-N.json")
    args = parser.parse_args(argv)
    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL")
    recreate_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with CountQueries() as seeded:
        call_command("seed_demo", "--password", "bench-pass-2018", stdout=open(os.devnull, "w"))
    print(f"seed_demo: {time.perf_counter() - t0:.1f} s, {seeded.count} queries")
    if args.scale > 1:
        t0 = time.perf_counter()
        grown = grow(args.scale)
        print(f"grown to x{args.scale} in {time.perf_counter() - t0:.1f} s: {grown}")
    else:
        print(f"x1: {counts()}")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE") if connection.connection.autocommit else cur.execute("ANALYZE")
    results = measure(scale=args.scale, repeat=args.repeat, only=args.only)
    target = RESULTS / f"scale-{args.scale}.json"
    if args.merge and args.only and not args.no_write and target.exists():
        measured = {(row["path"], row["role"]): row for row in results}
        rows = [measured.pop((row["path"], row["role"]), row) for row in json.loads(target.read_text())]
        target.write_text(json.dumps(rows + list(measured.values()), ensure_ascii=False, indent=1) + "\n")
        print(f"\nmerged {len(results)} rows into {target.relative_to(ROOT)}")
    elif not args.no_write and not args.only:
        RESULTS.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
        print(f"\nwrote {target.relative_to(ROOT)}")


class CountQueries:
    """Counts the queries a block runs without keeping them (seed_demo runs many)."""

    def __enter__(self):
        from django.db import connection

        self.count = 0

        def wrapper(execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

        self._cm = connection.execute_wrapper(wrapper)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)


if __name__ == "__main__":
    main()

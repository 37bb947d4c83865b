"""Where an authenticated API list request spends its time (issue 14, "lean requests").

    .venv/bin/python benchmarks/request_profile.py [--database-url postgres://postgres@127.0.0.1:5432/gov_lean_bench]
        [--seed] [--repeat 30] [--only /api/v1/posts/] [--cprofile]

Runs in one process against a PostgreSQL database holding the demo district (`--seed` drops and makes it
again, then migrates and runs seed_demo; the name must start with gov_ or governance_bench). For each API list
and each role (district administrator, a street's staff), with a token:

- `request`: the median of `--repeat` requests through Django's test client (every middleware, token
  authentication, permissions, throttle, scope, filters, pagination, serialisation, JSON rendering), after
  two warm-up requests, timed without query capture, in wall time and in this process's CPU time (`cpu`:
  what the Python side costs, which a loaded machine disturbs much less than the database's round trips);
- `raw`: psycopg executing the SQL of the same 50 rows (the list's queryset, its joins and columns), fetching
  them as dicts, plus json.dumps, after a warm-up, each one right after a request (the same conditions);
  wall and CPU (`raw cpu`);
- the floors, through the same client and middleware: an empty Django view (`mw`) and an empty authenticated
  DRF APIView with the API's authentication, permission and throttle classes (`drf`);
- a breakdown of the request (inclusive wall time of the named steps, medians): SQL (all queries), DRF
  `initial` (authentication, permissions, throttles), queryset (`get_queryset` + `filter_queryset`), page
  (pagination: the count and the page's fetch), serialiser (`.data`, or a lean list's `RowPlan.represent`:
  governance/lean_list.py), renderer, and the rest (middleware, URL resolution, the client's own overhead).

`--cprofile` prints the top functions of one path under cProfile as well.
"""

import argparse
import cProfile
import functools
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gov_lean_bench"
LISTS = ["/api/v1/streets/", "/api/v1/street-offices/", "/api/v1/communities/", "/api/v1/departments/",
         "/api/v1/stationed-units/", "/api/v1/people/", "/api/v1/posts/", "/api/v1/policy-rules/"]
USERS = {"admin": "admin", "street": "street-fhbj"}

urlpatterns = []  # filled in setup(): the project's URLs and the two floor views


class Timers:
    """Inclusive wall time of wrapped callables, per request."""

    def __init__(self):
        self.current = {}
        self.depth = {}

    def wrap(self, owner, name, label):
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            # Nested calls of the same label (a serializer's .data inside another's) count once.
            self.depth[label] = self.depth.get(label, 0) + 1
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.depth[label] -= 1
                if self.depth[label] == 0:
                    self.current[label] = self.current.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, wrapper)


def setup(url: str, seed: bool) -> None:
    if seed:
        import scale

        name = urlsplit(url).path.lstrip("/")
        scale.ALLOWED_PREFIXES = ("gov_", "governance_bench")
        if not name.startswith(scale.ALLOWED_PREFIXES):
            raise SystemExit(f"refusing to drop {name!r}")
        scale.recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.core.management import call_command

    if seed:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--password", "bench-pass-2018", stdout=open(os.devnull, "w"))

    from django.http import HttpResponse
    from django.urls import include, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    def empty(request):
        return HttpResponse(b"{}", content_type="application/json")

    class EmptyApi(APIView):
        """The API's authentication, permission (authenticated) and throttle classes, nothing else."""

        from rest_framework.permissions import IsAuthenticated

        permission_classes = [IsAuthenticated]

        def get(self, request):
            return Response({"count": 0, "results": []})

    from governance.models import Department

    class EmptyApiWithModelPermissions(EmptyApi):
        """And the API's own permission class (the user's model permissions: one more query)."""

        from governance.permissions import ScopedModelPermissions

        permission_classes = [ScopedModelPermissions]
        queryset = Department.objects.none()

    urlpatterns[:] = [path("floor/mw/", empty), path("api/v1/floor/drf/", EmptyApi.as_view()),
                      path("api/v1/floor/perm/", EmptyApiWithModelPermissions.as_view()),
                      path("", include("governance.urls"))]


def median_ms(fn, repeat: int, warm: int = 2) -> float:
    for _ in range(warm):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def raw_fetch(sql, params) -> tuple[float, float]:
    """scale.raw_fetch_ms's fetch (psycopg execute, rows as dicts, json.dumps) of already compiled SQL, once:
    (wall ms, CPU ms of this process)."""
    from django.db import connection

    raw = connection.connection
    t0, c0 = time.perf_counter(), time.process_time()
    with raw.cursor() as cur:
        cur.execute(sql, params)
        columns = [c.name for c in cur.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    json.dumps({"count": len(rows), "results": rows}, default=str, ensure_ascii=False)
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def roundtrip_ms(repeat: int) -> float:
    """One `SELECT 1` after a millisecond of Python work, as a query in a request meets the database: the
    latency every query of a request pays, whatever it reads."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            until = time.perf_counter() + 0.001
            while time.perf_counter() < until:
                pass
            t0 = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def instrument(timers: Timers) -> None:
    from django.db import connection
    from rest_framework import generics, serializers, views
    from rest_framework.renderers import JSONRenderer

    timers.wrap(views.APIView, "initial", "initial")
    timers.wrap(generics.GenericAPIView, "paginate_queryset", "page")
    timers.wrap(generics.GenericAPIView, "filter_queryset", "queryset")
    timers.wrap(serializers.ListSerializer, "to_representation", "serialiser")
    from governance.lean_list import RowPlan

    timers.wrap(RowPlan, "represent", "serialiser")  # a lean list's rows (governance/lean_list.py)
    timers.wrap(JSONRenderer, "render", "renderer")
    timers.wrap(views.APIView, "dispatch", "view")

    def sql(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timers.current["sql"] = timers.current.get("sql", 0.0) + time.perf_counter() - t0

    connection.execute_wrappers.append(sql)


def instrument_get_queryset(timers: Timers) -> None:
    """Every get_queryset the lists run, each wrapped once where it is defined (wrapping a subclass that
    inherits it would hide from ScopedModelPermissions that the viewset keeps ServiceModelViewSet's)."""
    from django.urls import get_resolver

    from governance.api import ServiceModelViewSet

    owners = {ServiceModelViewSet}
    for path in LISTS:
        cls = get_resolver().resolve(path).func.cls
        owners |= {klass for klass in cls.__mro__ if "get_queryset" in vars(klass) and klass.__module__.split(".")[0]
                   != "rest_framework"}
    for owner in owners:
        timers.wrap(owner, "get_queryset", "queryset")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", action="append")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    setup(args.database_url, args.seed)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from rest_framework.authtoken.models import Token
    from scale import list_queryset

    rows = []
    with override_settings(ROOT_URLCONF=__name__):
        timers = Timers()
        instrument_get_queryset(timers)
        instrument(timers)
        for role, username in USERS.items():
            user = get_user_model().objects.get(username=username)
            token, _ = Token.objects.get_or_create(user=user)
            client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
            floor_mw = median_ms(lambda c=client: c.get("/floor/mw/"), args.repeat)
            floor_drf = median_ms(lambda c=client: c.get("/api/v1/floor/drf/"), args.repeat)
            floor_perm = median_ms(lambda c=client: c.get("/api/v1/floor/perm/"), args.repeat)
            select_1 = roundtrip_ms(args.repeat)
            print(f"\nas {role} ({username}): floors: empty view through the middleware {floor_mw:.2f} ms, "
                  f"empty DRF view with token authentication {floor_drf:.2f} ms, and model permissions "
                  f"{floor_perm:.2f} ms; one SELECT 1 after 1 ms of work {select_1:.2f} ms")
            head = ["path", "request", "raw", "ratio", "cpu", "raw cpu", "sql", "initial", "queryset", "page",
                    "serialiser", "renderer", "rest"]
            print(f"{head[0]:28}" + "".join(f"{h:>11}" for h in head[1:]))
            for path in LISTS:
                if args.only and not any(o in path for o in args.only):
                    continue
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                client.get(path)
                connection.ensure_connection()
                sql, params = list_queryset(path, user)[:50].query.sql_with_params()
                raw_fetch(sql, params)  # warm
                samples, raws, raw_cpus = [], [], []
                for _ in range(args.repeat):
                    timers.current = {}
                    t0, c0 = time.perf_counter(), time.process_time()
                    client.get(path)
                    total, cpu = time.perf_counter() - t0, time.process_time() - c0
                    samples.append({"request": total, "cpu": cpu, **timers.current})
                    wall, raw_cpu = raw_fetch(sql, params)  # interleaved: the same conditions as the request
                    raws.append(wall)
                    raw_cpus.append(raw_cpu)
                med = {k: statistics.median(s.get(k, 0.0) for s in samples) * 1000
                       for k in ("request", "cpu", "sql", "initial", "queryset", "page", "serialiser", "renderer",
                                 "view")}
                med["rest"] = statistics.median(
                    (s["request"] - s.get("view", 0.0) - s.get("renderer", 0.0)) for s in samples) * 1000
                raw = statistics.median(raws)
                raw_cpu = statistics.median(raw_cpus)
                ratio = med["request"] / raw
                print(f"{path:28}{med['request']:11.2f}{raw:11.2f}{ratio:11.1f}{med['cpu']:11.2f}{raw_cpu:11.2f}" + "".join(
                    f"{med[k]:11.2f}" for k in ("sql", "initial", "queryset", "page", "serialiser", "renderer", "rest")))
                rows.append({"path": path, "role": role, "floor_mw_ms": round(floor_mw, 2),
                             "floor_drf_ms": round(floor_drf, 2), "floor_perm_ms": round(floor_perm, 2),
                             "select_1_ms": round(select_1, 3), "raw_ms": round(raw, 3),
                             "raw_cpu_ms": round(raw_cpu, 3),
                             **{f"{k}_ms": round(v, 2) for k, v in med.items()}})
        if args.cprofile:
            path = (args.only or ["/api/v1/posts/"])[0]
            user = get_user_model().objects.get(username=USERS["street"])
            client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
            client.get(path)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                client.get(path)
            profile.disable()
            print(f"\ncProfile of {args.repeat} requests of {path} as {USERS['street']}:")
            pstats.Stats(profile).sort_stats(args.sort).print_stats(40)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()

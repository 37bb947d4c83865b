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
`{station}`, `{grid}` are filled with the street staff's own units, `{cycle}` with the latest district-wide
assessment cycle), or from its own benchmark with
`ENDPOINTS.append(...)` before calling `main()`.
"""

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import re
import statistics
import sys
import time
import traceback
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
    # Service stations (cases, their queue)
    Endpoint("/api/v1/service-items/", "api"),
    Endpoint("/api/v1/service-stations/", "api"),
    Endpoint("/api/v1/cases/", "api"),
    Endpoint("/api/v1/cases/?station={station}", "api"),
    Endpoint("/api/v1/appointments/", "api"),
    Endpoint("/api/v1/shifts/", "api"),
    Endpoint("/stations/{station}/"),
    Endpoint("/stations/{station}/counter/", roles=("admin",)),  # a street's staff may not take cases
    Endpoint("/stations/{station}/checklist/"),
    Endpoint("/stations/checklist/"),
    Endpoint("/stations/overdue/"),
    # Grids (ledgers, events)
    Endpoint("/api/v1/grids/", "api"),
    Endpoint("/api/v1/grid-units/", "api"),
    Endpoint("/api/v1/grid-changes/", "api"),
    Endpoint("/api/v1/grid-party-organizations/", "api"),
    Endpoint("/api/v1/party-model-posts/", "api"),
    Endpoint("/api/v1/ledger-entries/", "api"),
    Endpoint("/api/v1/event-categories/", "api"),
    Endpoint("/api/v1/events/", "api"),
    Endpoint("/grids/{grid}/"),
    Endpoint("/communities/{community}/grids/"),
    Endpoint("/events/", roles=("street",)),  # the event queue is the units' (403 to the district admin)
    Endpoint("/grid-changes/"),
    Endpoint("/settlement/"),
    # Meetings
    Endpoint("/api/v1/meetings/", "api"),
    Endpoint("/api/v1/meeting-decisions/", "api"),
    Endpoint("/api/v1/four-lists/", "api"),
    Endpoint("/api/v1/co-building-agreements/", "api"),
    Endpoint("/api/v1/meetings/compliance/", "api-detail"),
    Endpoint("/meetings/"),
    Endpoint("/meetings/compliance/"),
    Endpoint("/meetings/four-lists/"),
    Endpoint("/meetings/four-lists/?missing=1"),
    Endpoint("/meetings/agreements/"),
    # The forms that take a community (communities.picker: a search, not a select of every community)
    Endpoint("/meetings/new/"),
    Endpoint("/meetings/four-lists/new/"),
    Endpoint("/meetings/agreements/new/"),
    Endpoint("/admissions/tasks/new/", roles=("admin",)),  # a department's (and the administrator's) forms
    Endpoint("/admissions/honours/new/", roles=("admin",)),
    Endpoint("/assessments/cycles/open/"),
    Endpoint("/communities/search/?q=社区"),
    Endpoint("/grid-changes/new/", roles=("street",)),
    Endpoint("/grid-changes/new/?community={community}", roles=("street",)),  # the second step: its grids
    Endpoint("/admin/auth/user/new-clerk/", roles=("admin",)),  # the administrator's new-clerk form
    Endpoint("/admin/auth/user/new-clerk/?community={community}", roles=("admin",)),  # its second step
    # Admissions, tasks, honours
    Endpoint("/api/v1/admission-lists/", "api"),
    Endpoint("/api/v1/task-assignments/", "api"),
    Endpoint("/api/v1/honours-consultations/", "api"),
    Endpoint("/admissions/lists/"),
    Endpoint("/admissions/tasks/"),
    Endpoint("/admissions/tasks/report/", roles=("admin",)),
    Endpoint("/admissions/honours/"),
    # Assessments
    Endpoint("/api/v1/assessment-schemes/", "api"),
    Endpoint("/api/v1/assessment-cycles/", "api"),
    Endpoint("/api/v1/scores/", "api"),
    Endpoint("/assessments/cycles/"),
    Endpoint("/assessments/review/", roles=("admin",)),
    Endpoint("/assessments/review/{cycle}/", roles=("admin",)),
    Endpoint("/assessments/results/"),
    Endpoint("/assessments/cycles/{cycle}/ranking/"),
    # Exports
    Endpoint("/quotas/export.xlsx", "export"),
    Endpoint("/breaches/export.xlsx", "export"),
    Endpoint("/audit/export.xlsx", "export", roles=("admin",)),
    Endpoint("/streets/{street}/people/export.xlsx", "export"),
    Endpoint("/communities/{community}/people/export.xlsx", "export"),
    Endpoint("/grids/{grid}/ledger.xlsx", "export"),
    Endpoint("/assessments/cycles/{cycle}/ranking.xlsx", "export"),
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


def recreate_database(url: str, template: str | None = None) -> None:
    """Drop and create the benchmark database (only one whose name says it is a benchmark's), empty or as a
    copy of `template` (a database no one is connected to)."""
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
        if template:
            cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
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
    apps = AppRows()

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
            apps.copy(k, {"community": cmap, "grid": gmap, "station": smap, "person": pmap}, copy)
        if k % 10 == 0 or k == scale:
            print(f"  grown to x{k}", file=out, flush=True)
    from service_stations.services import checklist_tally_rebuild

    checklist_tally_rebuild()  # the copied checklist entries were bulk-written: their streets' tallies counted once
    return counts()


class AppRows:
    """The newer apps' demo rows, read once, and their copies for one community copy (`k`): service cases with
    their appointments, stations' shifts and checklists; grid units, party organisations and posts, ledger
    entries, events with their steps and change requests; meetings with their decisions, joint-committee lists
    and agreements of a community; tasks and honours consultations aimed at a community with their opinions;
    person assessments with their sheets and scores. Each row is copied with its references remapped to the
    copies (a reference outside the copied community, a user or a department, stays), written in bulk with its
    history row where the model keeps history."""

    def __init__(self):
        from admissions.models import HonoursConsultation, HonoursOpinion, TaskAssignment
        from assessments.models import Assessment, Score, ScoreSheet
        from grids.models import (
            EventStep,
            GridChangeRequest,
            GridEvent,
            GridPartyOrganization,
            GridUnit,
            LedgerEntry,
            PartyModelPost,
        )
        from meetings.models import CoBuildingAgreement, JointCommitteeList, Meeting, MeetingDecision
        from service_stations.models import Appointment, ServiceCase, Shift, StationChecklistEntry

        def rows(model, **filters):
            return list(model._default_manager.filter(**filters).order_by("pk"))

        # (model, its rows, the field whose copy decides the row's, {field: the map of its copies by name})
        self.plan = [
            (ServiceCase, rows(ServiceCase), "station_id", {}),
            (Appointment, rows(Appointment), "station_id", {"case_id": ServiceCase}),
            (Shift, rows(Shift), "station_id", {}),
            (StationChecklistEntry, rows(StationChecklistEntry), "station_id", {}),
            (GridUnit, rows(GridUnit), "grid_id", {}),
            (GridPartyOrganization, rows(GridPartyOrganization), "grid_id", {}),
            (PartyModelPost, rows(PartyModelPost), "grid_id", {"unit_id": GridUnit}),
            # a ledger's stationed unit is one-to-one: those entries stay with the original grid
            (LedgerEntry, rows(LedgerEntry, stationed_unit__isnull=True), "grid_id", {}),
            (GridEvent, rows(GridEvent), "grid_id", {}),
            (EventStep, rows(EventStep), "event_id", {}),
            (GridChangeRequest, rows(GridChangeRequest), "community_id", {"grid_id": "grid", "worker_id": "person"}),
            (Meeting, rows(Meeting, community__isnull=False), "community_id", {}),
            (MeetingDecision, rows(MeetingDecision), "meeting_id", {}),
            (JointCommitteeList, rows(JointCommitteeList), "community_id", {}),
            (CoBuildingAgreement, rows(CoBuildingAgreement, community__isnull=False), "community_id", {}),
            (TaskAssignment, rows(TaskAssignment, target_community__isnull=False), "target_community_id", {}),
            (HonoursConsultation, rows(HonoursConsultation, community__isnull=False), "community_id", {}),
            (HonoursOpinion, rows(HonoursOpinion), "consultation_id", {"community_id": "community"}),
            (Assessment, rows(Assessment, person__isnull=False, community__isnull=False, cycle__community__isnull=True),
             "person_id",
             {"community_id": "community"}),
            (ScoreSheet, rows(ScoreSheet), "assessment_id", {"rater_community_id": "community"}),
            (Score, rows(Score), "sheet_id", {}),
        ]
        # the map each anchor reads: a field's copies come from the model it points to
        self.anchor_maps = {"station_id": "station", "grid_id": "grid", "community_id": "community",
                            "target_community_id": "community", "person_id": "person", "case_id": ServiceCase,
                            "event_id": GridEvent, "meeting_id": Meeting, "consultation_id": HonoursConsultation,
                            "assessment_id": Assessment, "sheet_id": ScoreSheet}

    def original_counts(self) -> dict:
        return {model._meta.label: len(rows) for model, rows, _anchor, _other in self.plan}

    def copy(self, k: int, maps: dict, copy) -> None:
        """`maps`: {"community"|"grid"|"station"|"person": {old pk: copy}}, extended here with each model's."""
        from simple_history.utils import bulk_create_with_history

        from grids.models import GridEvent
        from service_stations.models import ServiceCase

        for model, originals, anchor, others in self.plan:
            anchor_map = maps.get(self.anchor_maps[anchor], {})
            clones = {}
            for row in originals:
                target = anchor_map.get(getattr(row, anchor))
                if target is None:
                    continue
                changes = {anchor: target.pk}
                for field, key in others.items():
                    value = getattr(row, field)
                    if value is not None and value in maps.get(key, {}):
                        changes[field] = maps[key][value].pk
                if model is ServiceCase:  # the number's prefix is its station's pk (services._case_number)
                    changes["number"] = f"{target.pk:04d}{row.number[-12:]}"
                    changes["external_id"] = f"{row.external_id}-x{k}" if row.external_id else ""
                if model is GridEvent:
                    changes["community_id"] = maps["grid"][row.grid_id].community_id
                    changes["external_id"] = f"{row.external_id}-x{k}" if row.external_id else None
                clones[row.pk] = copy(row, **changes)
            if clones:
                if hasattr(model, "history"):
                    bulk_create_with_history(list(clones.values()), model, batch_size=2000)
                else:
                    model._default_manager.bulk_create(list(clones.values()), batch_size=2000)
            maps[model] = clones


def counts() -> dict:
    from assessments.models import Assessment
    from communities.models import Community
    from governance.models import Person, Post
    from grids.models import Grid, GridEvent, LedgerEntry
    from meetings.models import Meeting
    from service_stations.models import ServiceCase

    return {"communities": Community.objects.count(), "grids": Grid.objects.count(),
            "people": Person.objects.count(), "posts": Post.objects.count(), "cases": ServiceCase.objects.count(),
            "ledger": LedgerEntry.objects.count(), "events": GridEvent.objects.count(),
            "meetings": Meeting.objects.count(), "assessments": Assessment.objects.count()}


# --- databases kept between runs -----------------------------------------------------------------

MARKER = "bench_scale"  # a one-row table: the scale the database was grown to, written once the build finished


def scale_url(base_url: str, scale: int) -> str:
    """The database of one scale in the interleaved form: `<base>_x<N>`."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{database_name(base_url)}_x{scale}"))


def built_scale(url: str) -> int | None:
    """The scale a kept database holds (its marker row), or None (missing, unfinished or never marked)."""
    import psycopg2

    try:
        conn = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
            if not cur.fetchone()[0]:
                return None
            cur.execute(f"SELECT scale FROM {MARKER}")  # noqa: S608 (a constant)
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


def build(url: str, scale: int, *, keep: bool, template: str | None = None, out=sys.stdout) -> None:
    """Make the database at `url` hold the demo district grown to `scale`: reused when `keep` and its marker
    says so; otherwise dropped, created, migrated, seeded (or copied from `template`, the x1 database just
    built: the seeded demo), grown, analysed and marked (in this process, before Django is set up on it)."""
    if keep and built_scale(url) == scale:
        print(f"x{scale}: reusing {database_name(url)}", file=out, flush=True)
        setup_django(url)
        return
    started = time.perf_counter()
    if template:
        import psycopg2

        try:
            recreate_database(url, template=template)
        except psycopg2.Error as exc:  # someone connected to the template: seed this one too
            print(f"x{scale}: copying {template} failed ({exc}".strip() + "), seeding", file=out, flush=True)
            template = None
    if not template:
        recreate_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    if template:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE {MARKER}")
        print(f"x{scale}: copied {template} in {time.perf_counter() - started:.1f} s", file=out, flush=True)
    else:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"x{scale}: migrate {time.perf_counter() - t0:.1f} s", file=out, flush=True)
        t0 = time.perf_counter()
        with CountQueries() as seeded:
            call_command("seed_demo", "--password", "bench-pass-2018", stdout=open(os.devnull, "w"))
        print(f"x{scale}: seed_demo {time.perf_counter() - t0:.1f} s, {seeded.count} queries", file=out, flush=True)
    t0 = time.perf_counter()
    grown = grow(scale, out=out) if scale > 1 else counts()
    print(f"x{scale}: grown in {time.perf_counter() - t0:.1f} s: {grown}", file=out, flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE") if connection.connection.autocommit else cur.execute("ANALYZE")
        cur.execute(f"CREATE TABLE {MARKER} (scale integer NOT NULL, built_at timestamptz NOT NULL DEFAULT now(), "
                    "build_s real, counts jsonb)")
        cur.execute(f"INSERT INTO {MARKER} (scale, build_s, counts) VALUES (%s, %s, %s)",  # noqa: S608
                    [scale, time.perf_counter() - started, json.dumps(grown)])
    print(f"x{scale}: built in {time.perf_counter() - started:.1f} s", file=out, flush=True)


# --- measuring ------------------------------------------------------------------------------------

def units_of(user) -> dict:
    from assessments.models import AssessmentCycle
    from communities.models import Community
    from governance.scope import scope_for
    from grids.models import Grid
    from service_stations.models import ServiceStation

    street = sorted(scope_for(user).street_ids)[0]
    community = Community.objects.filter(street_id=street).order_by("code").first()
    station = ServiceStation.objects.filter(street_id=street).order_by("code").first()
    grid = Grid.objects.filter(community=community).order_by("code").first()
    cycle = AssessmentCycle.objects.filter(street__isnull=True).order_by("-year", "-part", "pk").first()
    return {"street": street, "community": community.pk, "station": station.pk if station else 0,
            "grid": grid.pk if grid else 0, "cycle": cycle.pk if cycle else 0}


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


TBODY = re.compile(rb"<tbody\b.*?</tbody>", re.S)


def rows_shown(response, kind: str) -> int | None:
    """How many rows a response shows: an API list's `results` (a report's: its lists), a page's table body rows
    (every <tbody> of it), None for an export or a response with neither. The yardstick's other half: a page of
    7 rows at x1 and of 50 at x100 compare the rows rendered as much as the data's size (see `baseline`)."""
    if kind == "export" or getattr(response, "streaming", False):
        return None
    if kind.startswith("api"):
        try:
            data = response.json()
        except ValueError:
            return None
        if isinstance(data, list):
            return len(data)
        if not isinstance(data, dict):
            return None
        if isinstance(data.get("results"), list):
            return len(data["results"])
        lists = [value for value in data.values() if isinstance(value, list)]  # a report's paged lists
        return sum(len(value) for value in lists) if lists else None
    bodies = TBODY.findall(response.content)
    return sum(body.count(b"<tr") for body in bodies) if bodies else None


def baseline(rows_by_scale: dict[int, dict]) -> int | None:
    """The scale to compare the largest with, like for like: the smallest whose response shows as many rows as the
    largest scale's (a street's page holds 7 rows at x1, 50 at x10 and x100: x100 is then judged against x10, ten
    times less data and the same rows); the smallest scale when the rows are not known or equal throughout; None
    when no smaller scale shows as many rows (no like-for-like figure)."""
    scales = sorted(rows_by_scale)
    last = rows_by_scale[scales[-1]]
    if last.get("rows") is None or all(rows_by_scale[s].get("rows") is None for s in scales[:-1]):
        return scales[0]
    for scale in scales[:-1]:
        if rows_by_scale[scale].get("rows") == last["rows"]:
            return scale
    return None


def judged(rows_by_scale: dict[int, dict]) -> tuple[float | None, int | None, bool]:
    """(the like-for-like ratio, its baseline scale, whether the row is flagged): a list or page is flagged when the
    largest scale takes more than 1.5 times its baseline's time (`baseline`; where no smaller scale shows as many
    rows, the largest scale's `like_ms`, its pages cut to the smallest's rows) or runs another number of queries
    than the smallest scale; an export, whose time and chunked queries grow with the rows it must hold, never."""
    scales = sorted(rows_by_scale)
    first, last = rows_by_scale[scales[0]], rows_by_scale[scales[-1]]
    if len(scales) < 2 or not last.get("median_ms"):
        return None, None, False
    base = baseline(rows_by_scale)
    ratio = (last["median_ms"] / rows_by_scale[base]["median_ms"]
             if base is not None and rows_by_scale[base].get("median_ms") else None)
    if base is None and last.get("like_ms") and first.get("median_ms"):
        # no smaller scale as full: the largest scale again with its pages as short as the smallest's (`pages_of`)
        base, ratio = scales[0], last["like_ms"] / first["median_ms"]
    if kind_of(last) == "export":
        return ratio, base, False
    return ratio, base, bool((ratio is not None and ratio > 1.5) or first.get("queries") != last.get("queries"))


def kind_of(row: dict) -> str:
    return row.get("kind") or ("export" if urlsplit(row["path"]).path.endswith(".xlsx") else "page")


@contextlib.contextmanager
def pages_of(size: int | None):
    """Within the block, every Paginator (the pages' and the API's) pages `size` rows at most: the largest scale
    asked for as many rows as the smallest shows, where no smaller scale is as full (a list of 3 rows at x1, 21 at
    x10, 50 at x100). The benchmark's yardstick only: nothing of the system's is changed."""
    if not size:
        yield
        return
    from django.core.paginator import Paginator

    original = Paginator.__init__

    def capped(self, object_list, per_page, *args, **kwargs):
        original(self, object_list, min(int(per_page), size), *args, **kwargs)

    Paginator.__init__ = capped
    try:
        yield
    finally:
        Paginator.__init__ = original


class Session:
    """One scale's database seen from its own process: the two users' clients, the street staff's units, and
    one request (or its query count) at a time, as the parent asks, so that the scales take turns."""

    def __init__(self, scale: int):
        from django.contrib.auth import get_user_model
        from django.test import Client
        from rest_framework.authtoken.models import Token

        self.scale = scale
        self.units = units_of(get_user_model().objects.get(username=USERS["street"]))
        self.users, self.clients, self.raw = {}, {}, {}
        for role, username in USERS.items():
            user = get_user_model().objects.get(username=username)
            token, _ = Token.objects.get_or_create(user=user)
            page_client = Client()
            page_client.force_login(user)
            self.users[role] = user
            self.clients[role] = {"page": page_client, "api": Client(HTTP_AUTHORIZATION=f"Token {token.key}")}

    def release(self) -> bool:
        """Close this process's connections (its database is about to be a template for the larger scales)."""
        from django.db import connections

        connections.close_all()
        return True

    def _get(self, path: str, kind: str, role: str, page_size: int | None = None):
        with pages_of(page_size):
            response = self.clients[role]["api" if kind.startswith("api") else "page"].get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response

    def prepare(self, path: str, kind: str, role: str, cold: bool = False, page_size: int | None = None) -> dict:
        """Warm the path (templates, URL resolver, rule cache), then count its queries in a request of their own:
        capturing them (the SQL text of each) slowed the timed requests, which the raw side does not pay."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        try:
            t0 = time.perf_counter()
            self._get(path, kind, role, page_size)
            warm_ms = (time.perf_counter() - t0) * 1000
            if cold:
                from governance import derived

                derived.bump()
            with CaptureQueriesContext(connection) as captured:
                response = self._get(path, kind, role, page_size)
            status = response.status_code
            rows = rows_shown(response, kind) if status == 200 else None
        except Exception as exc:  # noqa: BLE001 (reported as the row's status; the other rows go on)
            return {"status": f"error: {type(exc).__name__}: {exc}"[:200], "queries": None, "warm_ms": None,
                    "rows": None}
        if page_size:
            return {"status": status, "queries": len(captured), "warm_ms": warm_ms, "rows": rows}
        self.raw[(path, role)] = None
        if kind == "api" and status == 200:
            try:
                self.raw[(path, role)] = list_queryset(path, self.users[role])
                raw_fetch_ms(self.raw[(path, role)], 1)  # warm, like the request
            except Exception:  # noqa: BLE001 (a list the raw side cannot rebuild: no raw figure)
                self.raw[(path, role)] = None
        return {"status": status, "queries": len(captured), "warm_ms": warm_ms, "rows": rows}

    def time_once(self, path: str, kind: str, role: str, cold: bool = False,
                  page_size: int | None = None) -> tuple[float, float | None]:
        """One timed request and, for an API list, the raw SQL of its 50 rows just after (both sides under the
        same conditions: a raw loop on its own keeps the database's process hot; a request finds it asleep).
        `cold`: the request is the first after a write (the data generation moved on, untimed, just before it):
        every derived figure it shows is counted again (governance/derived.py)."""
        if cold:
            from governance import derived

            derived.bump()
        t0 = time.perf_counter()
        self._get(path, kind, role, page_size)
        elapsed = (time.perf_counter() - t0) * 1000
        if page_size:
            return elapsed, None
        raw_queryset = self.raw.get((path, role))
        return elapsed, raw_fetch_ms(raw_queryset, 1) if raw_queryset is not None else None


def worker(url: str, scale: int, keep: bool, template: str | None, conn) -> None:
    """A scale's process: build (or reuse) its database, then answer the parent's calls on `conn` until None."""
    try:
        build(url, scale, keep=keep, template=template)
        session = Session(scale)
        conn.send(("ready", session.units))
    except BaseException:  # noqa: BLE001 (the parent reports it and stops)
        conn.send(("failed", traceback.format_exc()))
        return
    while (call := conn.recv()) is not None:
        method, args = call
        conn.send(getattr(session, method)(*args))


def start_workers(urls: dict[int, str], keep: bool) -> dict[int, tuple]:
    """One process per scale, built side by side; returns {scale: (process, connection, units)} once all are
    ready. When x1 is in the run and a larger scale is to be built, x1 is built first and the others start as
    copies of it (seed_demo once)."""
    context = multiprocessing.get_context("spawn")
    workers, failures = {}, []

    def launch(scales, templates):
        started = {}
        for scale in scales:
            parent, child = context.Pipe()
            process = context.Process(target=worker, args=(urls[scale], scale, keep, templates.get(scale), child),
                                      name=f"scale-x{scale}")
            process.start()
            started[scale] = (process, parent)
        for scale, (process, parent) in started.items():
            try:
                state, detail = parent.recv()
            except EOFError:
                state, detail = "failed", "the process ended"
            workers[scale] = (process, parent, detail if state == "ready" else None)
            if state != "ready":
                failures.append(f"x{scale}: {detail}")

    to_build = [scale for scale, url in urls.items() if not (keep and built_scale(url) == scale)]
    templates = {}
    if 1 in urls and any(scale > 1 for scale in to_build):
        launch([1], {})
        if not failures:
            call(workers, 1, "release")
            templates = {scale: database_name(urls[1]) for scale in to_build if scale > 1}
    if not failures:
        launch([scale for scale in urls if scale not in workers], templates)
    if failures:
        stop_workers(workers)
        raise SystemExit("building failed:\n" + "\n".join(failures))
    return dict(sorted(workers.items()))


def stop_workers(workers: dict) -> None:
    for process, parent, _units in workers.values():
        try:
            parent.send(None)
        except (BrokenPipeError, OSError):
            pass
        process.join(timeout=30)


def call(workers: dict, scale: int, method: str, *args):
    _process, parent, _units = workers[scale]
    parent.send((method, args))
    return parent.recv()


def measure(workers: dict, *, repeat: int, slow_ms: float, slow_repeat: int, only: list[str] | None = None,
            skip: list[str] | None = None, on_row=None, cold: bool = False, out=sys.stdout) -> dict[int, list[dict]]:
    """Each endpoint and role on every scale in turn: the query count on each, then `repeat` rounds of one timed
    request per scale (the order rotating each round), so that the machine's load hits all scales alike."""
    scales = sorted(workers)
    results = {scale: [] for scale in scales}
    head = " ".join(f"{f'x{n} ms (q)':>16}" for n in scales)
    ratio_head = f"x{scales[-1]}/x{scales[0]}" if len(scales) > 1 else ""
    for role in USERS:
        print(f"\nas {role} ({USERS[role]}):", file=out)
        print(f"{'path':46} {head} {'raw ms':>8} {ratio_head:>9} (like for like) [rows shown]", file=out, flush=True)
        for endpoint in ENDPOINTS:
            if role not in endpoint.roles:
                continue
            paths = {scale: endpoint.path.format(**workers[scale][2]) for scale in scales}
            if only and not any(o in paths[scale] or o in endpoint.path for o in only for scale in scales):
                continue
            if skip and any(s in paths[scale] or s in endpoint.path for s in skip for scale in scales):
                continue
            prepared = {scale: call(workers, scale, "prepare", paths[scale], endpoint.kind, role, cold)
                        for scale in scales}
            ok = [scale for scale in scales if prepared[scale]["status"] == 200]
            # no smaller scale as full as the largest: the largest again, its pages as short as the smallest's
            like_size = None
            first_rows, last_rows = prepared[scales[0]]["rows"], prepared[scales[-1]]["rows"]
            if (len(scales) > 1 and scales[0] in ok and scales[-1] in ok and first_rows and last_rows
                    and first_rows < last_rows and endpoint.kind != "export"
                    and not any(prepared[scale]["rows"] == last_rows for scale in scales[:-1])):
                capped = call(workers, scales[-1], "prepare", paths[scales[-1]], endpoint.kind, role, cold, first_rows)
                if capped["status"] == 200 and capped["rows"] == first_rows:
                    like_size = first_rows
            like_times = []
            slowest = max((prepared[scale]["warm_ms"] for scale in ok), default=0)
            rounds = min(repeat, slow_repeat) if slowest > slow_ms else repeat
            times = {scale: [] for scale in ok}
            raws = {scale: [] for scale in ok}
            for r in range(rounds):
                for scale in ok[r % len(ok):] + ok[:r % len(ok)] if ok else []:
                    elapsed, raw = call(workers, scale, "time_once", paths[scale], endpoint.kind, role, cold)
                    times[scale].append(elapsed)
                    if raw is not None:
                        raws[scale].append(raw)
                    if like_size and scale == scales[-1]:
                        like_times.append(call(workers, scale, "time_once", paths[scale], endpoint.kind, role, cold,
                                               like_size)[0])
            cells = []
            for scale in scales:
                info = prepared[scale]
                row = {"path": paths[scale], "role": role, "scale": scale, "median_ms": None,
                       "queries": info["queries"], "raw_ms": None, "status": info["status"],
                       "kind": endpoint.kind, "rows": info["rows"], "cold": cold}
                if scale in times:
                    row["median_ms"] = round(statistics.median(times[scale]), 2)
                    row["raw_ms"] = round(statistics.median(raws[scale]), 3) if raws[scale] else None
                    row["repeat"] = rounds
                    cells.append(f"{row['median_ms']:>10.1f} ({row['queries']:>3})")
                else:
                    cells.append(f"{str(info['status'])[:16]:>16}")
                results[scale].append(row)
            by_scale = {scale: results[scale][-1] for scale in scales}
            if like_times:
                by_scale[scales[-1]].update(like_ms=round(statistics.median(like_times), 2), like_page_size=like_size)
            first, last = by_scale[scales[0]], by_scale[scales[-1]]
            raw = f"{first['raw_ms']:8.2f}" if first["raw_ms"] is not None else " " * 8
            ratio = (f"{last['median_ms'] / first['median_ms']:9.2f}"
                     if len(scales) > 1 and first["median_ms"] and last["median_ms"] else "")
            like, base, flagged = judged(by_scale)
            same = (f" x{base}:{like:.2f}" if like is not None and base != scales[0] else
                    f" {last['like_page_size']}/page:{like:.2f}" if like is not None and last.get("like_ms") else "")
            rows = "/".join("?" if by_scale[s]["rows"] is None else str(by_scale[s]["rows"]) for s in scales)
            print(f"{endpoint.path:46} {' '.join(cells)} {raw} {ratio:>9}{same} [{rows}]{' <' if flagged else ''}",
                  file=out, flush=True)
            if on_row is not None:
                on_row(results)
    return results


def table(prefix: str = "scale") -> str:
    """The results in benchmarks/results/ side by side, as a Markdown table (for the README): each scale's
    median (queries), the rows each shows, the raw SQL at x1, the largest scale's time over x1's, and over its
    like-for-like baseline's (`baseline`: the smallest scale showing as many rows); ⚠ marks a row `judged` flags:
    a like-for-like ratio above 1.5 or a query count that changed (an export's growth is its rows')."""
    runs = {}
    for path in sorted(RESULTS.glob(f"{prefix}-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        for row in json.loads(path.read_text()):
            key = (row["role"], path_template(row["path"]))
            runs.setdefault(key, {})[row["scale"]] = row
    scales = sorted({scale for rows in runs.values() for scale in rows})
    if not scales:
        return f"no results in {RESULTS.relative_to(ROOT)}/{prefix}-N.json: run the benchmark first"
    head = ["role", "path", *[f"x{n} ms (queries)" for n in scales], "rows shown", "raw ms x1",
            f"x{scales[-1]}/x1", "like for like"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (role, path), rows in runs.items():
        cells = [cell(rows.get(n)) for n in scales]
        first, last = rows.get(scales[0]), rows.get(scales[-1])
        raw = f"{first['raw_ms']:.2f}" if first and first.get("raw_ms") is not None else ""
        shown = " / ".join("" if rows.get(n, {}).get("rows") is None else str(rows[n]["rows"]) for n in scales)
        growth = like = ""
        if first and last and first.get("median_ms") and last.get("median_ms"):
            growth = f"{last['median_ms'] / first['median_ms']:.2f}"
            ratio, base, flagged = judged(rows)
            if kind_of(last) == "export":
                like = "an export: grows with its rows"
            elif ratio is None:
                like = "no smaller scale as full"
            elif last.get("like_ms") and base == min(rows):
                like = f"{ratio:.2f} (x{scales[-1]} {last['like_page_size']} a page)"
            else:
                like = f"{ratio:.2f}" + (f" (x{base})" if base != min(rows) else "")
            like += " ⚠" if flagged else ""
        lines.append(f"| {role} | `{path}` | " + " | ".join(cells) + f" | {shown.strip(' /') and shown} | {raw} "
                     f"| {growth} | {like} |")
    return "\n".join(lines)


def path_template(path: str) -> str:
    """A measured path with its ids as `{id}`, so that the scales' rows meet in the table."""
    return re.sub(r"(?<=[/=])\d+(?=[/&]|$)", "{id}", path)


def cell(row: dict | None) -> str:
    if row is None:
        return ""
    if row.get("median_ms") is None:
        return f"({row.get('status')})"
    return f"{row['median_ms']:.1f} ({row['queries']})"


def write_results(scale: int, results: list[dict], *, only, merge: bool, prefix: str = "scale", out=sys.stdout) -> None:
    """Write a scale's rows to benchmarks/results/scale-N.json: the whole file after a run of every endpoint
    (less --skip); with --only and --merge, replacing the measured (path, role) rows; --only alone writes
    nothing."""
    target = RESULTS / f"{prefix}-{scale}.json"
    if merge and only:
        measured = {(row["path"], row["role"]): row for row in results}
        saved = json.loads(target.read_text()) if target.exists() else []
        rows = [measured.pop((row["path"], row["role"]), row) for row in saved]
        target.write_text(json.dumps(rows + list(measured.values()), ensure_ascii=False, indent=1) + "\n")
        print(f"merged {len(results)} rows into {target.relative_to(ROOT)}", file=out)
    elif not only:
        RESULTS.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {target.relative_to(ROOT)}", file=out)


def main(argv=None) -> None:
    if argv is None and sys.argv[1:2] == ["--table"] and set(sys.argv[2:]) <= {"--cold"}:
        print(table("cold" if "--cold" in sys.argv else "scale"))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="one scale, in the database of --database-url itself")
    parser.add_argument("--scales", type=int, nargs="+",
                        help="several scales measured interleaved, each in its own database <name>_x<N>")
    parser.add_argument("--keep", action="store_true",
                        help="reuse a database already grown to its scale (its bench_scale marker); else rebuild")
    parser.add_argument("--build-only", action="store_true", help="build (or keep) the databases, measure nothing")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--slow-ms", type=float, default=3000,
                        help="an endpoint whose warm request took longer than this on some scale gets --slow-repeat")
    parser.add_argument("--slow-repeat", type=int, default=3)
    parser.add_argument("--only", action="append", help="measure only paths containing this (repeatable)")
    parser.add_argument("--skip", action="append", help="leave out paths containing this (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/scale-N.json")
    parser.add_argument("--cold", action="store_true",
                        help="time each request as the first after a write (the derived figures counted again); "
                             "the figures go to benchmarks/results/cold-N.json (`--table --cold` shows them)")
    parser.add_argument("--merge", action="store_true",
                        help="with --only: replace the measured (path, role) rows in benchmarks/results/scale-N.json")
    args = parser.parse_args(argv)
    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL")
    if args.scales:
        urls = {scale: scale_url(args.database_url, scale) for scale in sorted(set(args.scales))}
    else:
        urls = {args.scale: args.database_url}
    for url in urls.values():
        if not database_name(url).startswith(ALLOWED_PREFIXES):
            raise SystemExit(f"refusing {database_name(url)!r}: a benchmark database's name starts with "
                             f"{ALLOWED_PREFIXES}")
    t0 = time.perf_counter()
    workers = start_workers(urls, args.keep)
    print(f"ready in {time.perf_counter() - t0:.1f} s: " + ", ".join(database_name(url) for url in urls.values()))
    try:
        if args.build_only:
            return
        def save(results, out=None):  # after each row too: a run cut short keeps the rows it measured
            if not args.no_write:
                for scale, rows in results.items():
                    write_results(scale, rows, only=args.only, merge=args.merge, prefix="cold" if args.cold else "scale",
                                  out=out or io.StringIO())

        results = measure(workers, repeat=args.repeat, slow_ms=args.slow_ms, slow_repeat=args.slow_repeat,
                          only=args.only, skip=args.skip, on_row=save, cold=args.cold)
    finally:
        stop_workers(workers)
    print()
    save(results, out=sys.stdout)


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

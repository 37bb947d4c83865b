"""A district year of assessments on PostgreSQL (run on demand; prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gov_assess .venv/bin/python benchmarks/assessments_scale.py

Builds, in a throwaway test database, 11 streets × 12 communities with 55 community workers each (40
"两委"/residents' committee members and 15 full-time grid workers) and 20 stationed units per street, then
opens a year of cycles: every community worker half-yearly (street, 8 criteria), every grid worker
quarterly (community, 8 criteria), every stationed unit yearly (street + each community of its street, 4
criteria): about 200,000 scores, bulk-inserted, 90% submitted. It then times the review page, a
rater's to-do list and the ranking: queries per request and the median, beside raw SQL reading the same
rows or computing the same aggregate (median and fastest, the three interleaved in each round).
"""

import argparse
import datetime
import gc
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

STREETS, COMMUNITIES, MEMBERS, GRID_WORKERS, UNITS = 11, 12, 40, 15, 20


def interleaved_ms(fns, repeat):
    """Each function's times in ms, run in turn within every round, so that a busy moment of a shared
    machine falls on all of them alike."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, seen in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            seen.append((time.perf_counter() - started) * 1000)
    return times


def build(streets_count: int = STREETS):
    from assessments.models import RaterKind, Score, ScoreSheet, SubjectKind
    from assessments.services import cycle_open, scheme_create
    from communities.models import Community
    from governance.models import District, Person, Post, PostKind, StationedUnit
    from governance.roles import Role
    from governance.services import user_create_with_role
    from streets.services import street_create

    rng = random.Random(2018)
    district, _ = District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})
    streets = [street_create(acting_user=None, district=district, code=f"b{i}", name=f"基准{i}街") for i in range(streets_count)]
    communities = Community.objects.bulk_create([
        Community(street=s, code=f"b{i}-{j}", name=f"基准{i}-{j}社区", households=3000, party_members=90)
        for i, s in enumerate(streets) for j in range(COMMUNITIES)])
    people = Person.objects.bulk_create([
        Person(name=f"人员{c.pk}-{k}", street_id=c.street_id, community=c)
        for c in communities for k in range(MEMBERS + GRID_WORKERS)])
    start = datetime.date(2024, 1, 1)
    posts = []
    for index, person in enumerate(people):
        kind = PostKind.RC_MEMBER if index % (MEMBERS + GRID_WORKERS) < MEMBERS else PostKind.GRID_WORKER
        posts.append(Post(person=person, kind=kind, community_id=person.community_id, start_date=start))
    Post.objects.bulk_create(posts, batch_size=5000)
    StationedUnit.objects.bulk_create([
        StationedUnit(street=s, name=f"驻区单位{s.pk}-{k}", level=("region", "city", "district")[k % 3])
        for s in streets for k in range(UNITS)])

    def crit(n):
        return [{"name": f"指标{k + 1}", "max_score": 10} for k in range(n)]

    workers = scheme_create(acting_user=None, name="基准社区工作者", subject_kind=SubjectKind.COMMUNITY_WORKER,
                            period="half_yearly", components=[{"rater_kind": RaterKind.STREET, "weight": 100,
                                                               "criteria": crit(8)}])
    grids = scheme_create(acting_user=None, name="基准网格员", subject_kind=SubjectKind.GRID_WORKER, period="quarterly",
                          components=[{"rater_kind": RaterKind.COMMUNITY, "weight": 100, "criteria": crit(8)}])
    units = scheme_create(acting_user=None, name="基准驻区单位", subject_kind=SubjectKind.STATIONED_UNIT, period="annual",
                          components=[{"rater_kind": RaterKind.STREET, "weight": 40, "criteria": crit(4)},
                                      {"rater_kind": RaterKind.COMMUNITY, "weight": 60, "criteria": crit(4)}])
    cycles = [cycle_open(acting_user=None, scheme=workers, year=2024, part=p, excellent_share=20, community_tilt=5)
              for p in (1, 2)]
    cycles += [cycle_open(acting_user=None, scheme=grids, year=2024, part=p) for p in (1, 2, 3, 4)]
    cycles.append(cycle_open(acting_user=None, scheme=units, year=2024))
    criteria = {}
    for scheme in (workers, grids, units):
        for component in scheme.components.prefetch_related("criteria"):
            criteria[component.pk] = [c.pk for c in component.criteria.all()]
    scores, submitted = [], []
    for sheet_id, component_id in ScoreSheet.objects.values_list("pk", "component_id").iterator(chunk_size=10000):
        for criterion_id in criteria[component_id]:
            scores.append(Score(sheet_id=sheet_id, criterion_id=criterion_id, value=Decimal(rng.randint(5, 10))))
        if rng.random() < 0.9:
            submitted.append(sheet_id)
    Score.objects.bulk_create(scores, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE assessments_scoresheet s SET status = 'submitted', submitted_at = now(),
                   raw_score = t.raw, max_score = t.full
            FROM (SELECT sc.sheet_id, SUM(sc.value) AS raw, COUNT(*) * 10 AS full
                  FROM assessments_score sc GROUP BY sc.sheet_id) t
            WHERE s.id = t.sheet_id AND s.id = ANY(%s)""", [submitted])
        cursor.execute("ANALYZE")
    orgdept = user_create_with_role(username="bench-orgdept", password=None, role=Role.ORGDEPT_REVIEWER)
    street_user = user_create_with_role(username="bench-street", password=None, role=Role.STREET_STAFF,
                                        scope_object=streets[0])
    return cycles, orgdept, street_user, streets[0], len(scores)


RAW_REVIEW = """
    SELECT s.street_id, COUNT(*), COUNT(*) FILTER (WHERE s.status = 'draft'),
           COUNT(*) FILTER (WHERE s.status = 'submitted'), COUNT(*) FILTER (WHERE s.status = 'returned'),
           COUNT(*) FILTER (WHERE s.status = 'approved')
    FROM assessments_scoresheet s WHERE s.cycle_id = %s GROUP BY s.street_id ORDER BY s.street_id"""
RAW_REVIEW_ROWS = """
    SELECT s.id, s.raw_score, s.max_score, s.submitted_at, a.subject_name, st.name, s.rater_kind
    FROM assessments_scoresheet s JOIN assessments_assessment a ON a.id = s.assessment_id
    JOIN streets_street st ON st.id = s.street_id
    WHERE s.cycle_id = %s AND s.status = 'submitted' ORDER BY s.street_id, a.subject_name, s.id LIMIT 50"""
RAW_TODO = """
    SELECT s.id, s.status, s.weight, s.rater_kind, s.reminded_on, s.review_comment, a.subject_name, c.deadline, c.year, c.part,
           sc.name, sc.period
    FROM assessments_scoresheet s JOIN assessments_assessment a ON a.id = s.assessment_id
    JOIN assessments_assessmentcycle c ON c.id = s.cycle_id JOIN assessments_assessmentscheme sc ON sc.id = c.scheme_id
    WHERE s.rater_street_id = %s AND s.status IN ('draft', 'returned') AND c.status = 'open'
    ORDER BY s.status DESC, c.deadline, s.cycle_id, a.subject_name, s.id LIMIT 50"""
RAW_RANKING = """
    SELECT a.id, a.subject_name, SUM(p.pct * p.weight / 100) AS total
    FROM assessments_assessment a LEFT JOIN (
        SELECT s.assessment_id, s.rater_kind, MAX(s.weight) AS weight,
               SUM(s.raw_score) FILTER (WHERE s.status IN ('submitted', 'approved')) * 100
               / NULLIF(SUM(s.max_score) FILTER (WHERE s.status IN ('submitted', 'approved')), 0) AS pct
        FROM assessments_scoresheet s WHERE s.cycle_id = %s GROUP BY s.assessment_id, s.rater_kind) p
      ON p.assessment_id = a.id
    WHERE a.cycle_id = %s GROUP BY a.id, a.subject_name ORDER BY total DESC NULLS LAST, a.subject_name"""


def raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--streets", type=int, default=STREETS,
                        help=f"streets to build ({STREETS}: a district year, ~200,000 scores; 3 on a shared machine)")
    parser.add_argument("--keep", action="store_true", help="keep the test database for a closer look")
    parser.add_argument("--profile", action="store_true", help="profile twenty reads of the to-do list")
    parser.add_argument("--explain", action="store_true", help="print the plan of the to-do list's query")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from assessments.score_selectors import cycle_progress, cycle_totals, todo_for_user, todo_rows

        started = time.perf_counter()
        cycles, orgdept, street_user, street, n_scores = build(args.streets)
        print(f"built {n_scores} scores in {time.perf_counter() - started:.1f} s on {connection.vendor}")
        # Measure like a fresh web worker, not a process holding the build's 200,000 objects for the GC to walk.
        gc.collect()
        gc.freeze()
        worker_cycle, unit_cycle = cycles[0], cycles[-1]
        reviewer, rater = Client(), Client()
        reviewer.force_login(orgdept)
        rater.force_login(street_user)
        rows = [
            ("review page (community workers H1)", lambda: reviewer.get(f"/assessments/review/{worker_cycle.pk}/"),
             [raw(RAW_REVIEW, [worker_cycle.pk]), raw(RAW_REVIEW_ROWS, [worker_cycle.pk])],
             lambda: cycle_progress(cycle=worker_cycle)),
            ("rater's to-do list (one street)", lambda: rater.get("/assessments/todo/"),
             [raw(RAW_TODO, [street.pk])], lambda: list(todo_rows(user=street_user)[:50])),
            # the ranking page: every total computed and ranked, a page of them built with its parts
            ("ranking (community workers H1)", lambda: reviewer.get(f"/assessments/cycles/{worker_cycle.pk}/ranking/"),
             [raw(RAW_RANKING, [worker_cycle.pk, worker_cycle.pk])], lambda: cycle_totals(cycle=worker_cycle)[:50]),
            ("ranking (stationed units)", lambda: reviewer.get(f"/assessments/cycles/{unit_cycle.pk}/ranking/"),
             [raw(RAW_RANKING, [unit_cycle.pk, unit_cycle.pk])], lambda: cycle_totals(cycle=unit_cycle)[:50]),
            # the export, the API: every total built with its parts
            ("ranking, all 1,980 built (export)", lambda: reviewer.get(f"/assessments/cycles/{worker_cycle.pk}/ranking/"),
             [raw(RAW_RANKING, [worker_cycle.pk, worker_cycle.pk])], lambda: list(cycle_totals(cycle=worker_cycle))),
        ]
        print(f"load average: {os.getloadavg()[0]:.1f} (1 min)")
        print(f"\nmedian / fastest of {args.repeat}, page, selector and raw SQL interleaved")
        print(f"{'what':38} {'status':>6} {'queries':>7} {'page ms':>13} {'selector ms':>13} {'raw SQL ms':>13} "
              f"{'selector/raw':>13}")
        for name, page, raw_queries, selector in rows:
            queries: list[str] = []

            def count(execute, sql, *rest, seen=queries):
                seen.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                response = page()
            # list() the selector's answer, as the raw query's rows are fetched whole
            page_t, selector_t, raw_t = interleaved_ms(
                [page, lambda s=selector: list(s()), lambda rq=raw_queries: [q() for q in rq]], args.repeat)

            def both(t):
                return f"{statistics.median(t):6.1f} /{min(t):5.1f}"

            print(f"{name:38} {response.status_code:>6} {len(queries):>7} {both(page_t):>13} {both(selector_t):>13} "
                  f"{both(raw_t):>13} {statistics.median(selector_t) / statistics.median(raw_t):6.1f}× /"
                  f"{min(selector_t) / min(raw_t):4.1f}×")
        print(f"load average: {os.getloadavg()[0]:.1f} (1 min)")
        if args.profile:
            import cProfile
            import pstats

            cProfile.runctx("for _ in range(20): list(todo_rows(user=street_user)[:50])", globals(), locals(),
                            "/tmp/assess.prof")
            pstats.Stats("/tmp/assess.prof").sort_stats("cumulative").print_stats(25)
        if args.explain:
            print("\nplan of the to-do list:\n" + todo_for_user(user=street_user)[:50].explain(analyze=True))
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""Time `seed_demo`, step by step (issue 14: under 5 seconds on SQLite and PostgreSQL).

    .venv/bin/python benchmarks/seed_demo_timing.py [--database-url URL]

Without a URL: a fresh SQLite file in a temporary directory. With a PostgreSQL URL: that database is dropped
and made again (its name must start with gov_ or governance_bench). Migrates, then runs `seed_demo` once with
each of its steps (the core's and every app's one call) timed (wall and this process's CPU) and its queries
counted, and prints them.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    url = args.database_url
    if url:
        name = urlsplit(url).path.lstrip("/")
        if not name.startswith(("gov_", "governance_bench")):
            raise SystemExit(f"refusing to drop {name!r}")
        import scale

        scale.ALLOWED_PREFIXES = ("gov_", "governance_bench")
        scale.recreate_database(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/seed.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from governance.district.management.commands import seed_demo

    call_command("migrate", verbosity=0)
    steps = []

    def timed(label, fn):
        def wrapper(*a, **kw):
            count = [0]

            def counter(execute, sql, params, many, context):
                count[0] += 1
                return execute(sql, params, many, context)

            t0, c0 = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter):
                result = fn(*a, **kw)
            steps.append((label, time.perf_counter() - t0, time.process_time() - c0, count[0]))
            return result
        return wrapper

    Command = seed_demo.Command
    for method in ("district_and_departments", "streets", "accounts", "check_rules", "place_stationed_units"):
        setattr(Command, method, timed(f"core: {method}", getattr(Command, method)))
    for name in ("seed_admissions_demo", "seed_meetings_demo", "seed_assessment_schemes", "demo_station_data"):
        setattr(seed_demo, name, timed(name, getattr(seed_demo, name)))
    t0, c0 = time.perf_counter(), time.process_time()
    total = [0]

    def counter(execute, sql, params, many, context):
        total[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call_command("seed_demo", "--password", "bench-pass-2018", stdout=open(os.devnull, "w"))
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"seed_demo on {connection.vendor} (wall time; CPU time of this process, which a loaded machine "
          f"disturbs less; queries):")
    for label, seconds, cpu_seconds, queries in steps:
        print(f"  {label:40} {seconds:6.2f} s {cpu_seconds:6.2f} s cpu {queries:7} queries")
    print(f"  {'total':40} {elapsed:6.2f} s {cpu:6.2f} s cpu {total[0]:7} queries")


if __name__ == "__main__":
    main()

"""Every rule check is guarded by a test that fails without it.

    .venv/bin/python tests/rule_guard.py [--only NAME ...] [--trace FILE] [--jobs N]

1. Finds which registered rule checks (governance.registry.rule_check) each test runs: from `--trace FILE`,
   written by an earlier run of the suite with GOVERNANCE_TRACE_RULE_CHECKS=FILE (CI traces its PostgreSQL
   run, .ci/run), or else by running the suite once here (SQLite, without browser and service tests).
2. For each registered check, re-runs the tests that ran it with that check turned off
   (GOVERNANCE_DISABLED_RULE_CHECKS=NAME), on SQLite: at least one must fail. The most specific tests go
   first (those that ran the fewest checks, then those of the check's own app), in growing batches that stop
   at the first failure, so a guarded check costs a few tests rather than every test that happens to run it.
   `--jobs` checks run side by side, each on its own copy of the test database.

Exits 1 and names the checks that no test guards.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser and not services"]
BATCHES = (8, 40)  # then the rest


def registered_checks() -> dict[str, str]:
    code = ("import django, json; django.setup(); from governance.registry import registry; "
            "print(json.dumps({n: c.app_label for n, c in sorted(registry.rule_checks.items())}))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "governance.test_settings"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def sqlite_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "GOVERNANCE_TRACE_RULE_CHECKS")}
    env.update(extra)
    return env


class TestDatabase:
    """A migrated SQLite test database, copied fresh before each run (`--reuse-db` then skips migrating)."""

    def __init__(self, folder: Path, pristine: Path | None = None):
        self.file = folder / "test.sqlite3"
        self.pristine = pristine or folder / "pristine.sqlite3"

    def env(self, **extra) -> dict:
        return sqlite_env(GOVERNANCE_TEST_SQLITE_FILE=str(self.file), **extra)

    def create(self) -> None:
        subprocess.run([*PYTEST, "--create-db", "--reuse-db", "tests/governance/test_rule_values.py"], cwd=ROOT,
                       env=self.env(), stdout=subprocess.DEVNULL, check=True)
        shutil.copyfile(self.file, self.pristine)

    def fresh(self) -> None:
        shutil.copyfile(self.pristine, self.file)


def ordered_tests(name: str, app_label: str, calls: dict[str, list[str]]) -> list[str]:
    """The tests that ran `name`, the most specific first: fewest checks run, then the check's own app."""
    tests = [node for node, names in calls.items() if name in names]
    own = f"tests/{app_label}/"
    return sorted(tests, key=lambda node: (len(calls[node]), not node.startswith(own), node))


def batches(tests: list[str]) -> list[list[str]]:
    out, start = [], 0
    for size in BATCHES:
        if start < len(tests):
            out.append(tests[start:start + size])
        start += size
    if start < len(tests):
        out.append(tests[start:])
    return out


@dataclass
class Verdict:
    name: str
    guarded: bool
    line: str
    tests_run: int = 0


def guard(name: str, tests: list[str], db: TestDatabase) -> Verdict:
    if not tests:
        return Verdict(name, False, f"  UNGUARDED {name}: no test runs it")
    ran = 0
    for batch in batches(tests):
        db.fresh()
        result = subprocess.run([*PYTEST, "--reuse-db", "-x", *batch], cwd=ROOT, capture_output=True, text=True,
                                env=db.env(GOVERNANCE_DISABLED_RULE_CHECKS=name))
        ran += len(batch)
        if result.returncode == 1:
            return Verdict(name, True, f"  guarded   {name}: a test fails without it "
                                       f"(found among {ran} of the {len(tests)} tests that run it)", ran)
        if result.returncode not in (0, 5):
            print(result.stdout[-2000:], result.stderr[-2000:])
            return Verdict(name, False, f"  ERROR     {name}: pytest exited {result.returncode}", ran)
    return Verdict(name, False, f"  UNGUARDED {name}: all {len(tests)} tests that run it pass without it", ran)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="check only these rule checks")
    parser.add_argument("--trace", type=Path, help="which checks each test ran, from an earlier traced run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="checks run side by side")
    args = parser.parse_args()
    checks = registered_checks()
    if args.only:
        checks = {n: a for n, a in checks.items() if n in args.only}
    started = time.monotonic()
    tmp = tempfile.TemporaryDirectory()
    folder = Path(tmp.name)
    db = TestDatabase(folder)
    db.create()
    if args.trace:
        calls = json.loads(args.trace.read_text(encoding="utf-8"))
        print(f"rule guard: {len(checks)} rule checks, traced in {args.trace}", flush=True)
    else:
        trace = folder / "calls.json"
        print(f"rule guard: tracing which tests run each of {len(checks)} rule checks ...", flush=True)
        db.fresh()
        subprocess.run([*PYTEST, "--reuse-db", "tests"], cwd=ROOT, env=db.env(GOVERNANCE_TRACE_RULE_CHECKS=str(trace)),
                       stdout=subprocess.DEVNULL)
        calls = json.loads(trace.read_text(encoding="utf-8"))
    jobs = max(1, args.jobs)
    workers = [TestDatabase(folder / f"job{i}", pristine=db.pristine) for i in range(jobs)]
    for worker in workers:
        worker.file.parent.mkdir()
    free = list(workers)

    def run(item):
        name, app_label = item
        worker = free.pop()
        try:
            return guard(name, ordered_tests(name, app_label, calls), worker)
        finally:
            free.append(worker)

    unguarded, tests_run = [], 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for verdict in pool.map(run, checks.items()):
            print(verdict.line, flush=True)
            tests_run += verdict.tests_run
            if not verdict.guarded:
                unguarded.append(verdict.name)
    print(f"rule guard: {len(checks) - len(unguarded)} of {len(checks)} rule checks guarded "
          f"({tests_run} tests re-run, {jobs} at a time) in {time.monotonic() - started:.0f} s")
    tmp.cleanup()
    return 1 if unguarded else 0


if __name__ == "__main__":
    sys.exit(main())

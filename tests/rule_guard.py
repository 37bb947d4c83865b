"""Every rule check is guarded by a test that fails without it.

    .venv/bin/python tests/rule_guard.py [--only NAME ...]

1. Runs the suite once (SQLite, without browser and service tests), recording which registered rule
   checks (governance.registry.rule_check) each test ran.
2. For each registered check, re-runs the tests that ran it with that check turned off
   (GOVERNANCE_DISABLED_RULE_CHECKS=NAME): at least one must fail.

Exits 1 and names the checks that no test guards. CI runs it (.ci/run).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser and not services"]


def registered_checks() -> dict[str, str]:
    code = ("import django, json; django.setup(); from governance.registry import registry; "
            "print(json.dumps({n: c.app_label for n, c in sorted(registry.rule_checks.items())}))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "governance.test_settings"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def sqlite_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(extra)
    return env


class TestDatabase:
    """One migrated SQLite test database, copied fresh before each run (`--reuse-db` then skips migrating)."""

    def __init__(self, folder: Path):
        self.file, self.pristine = folder / "test.sqlite3", folder / "pristine.sqlite3"

    def env(self, **extra) -> dict:
        return sqlite_env(GOVERNANCE_TEST_SQLITE_FILE=str(self.file), **extra)

    def create(self) -> None:
        subprocess.run([*PYTEST, "--create-db", "--reuse-db", "tests/governance/test_rule_values.py"], cwd=ROOT,
                       env=self.env(), stdout=subprocess.DEVNULL, check=True)
        shutil.copyfile(self.file, self.pristine)

    def fresh(self) -> None:
        shutil.copyfile(self.pristine, self.file)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="check only these rule checks")
    args = parser.parse_args()
    checks = registered_checks()
    if args.only:
        checks = {n: a for n, a in checks.items() if n in args.only}
    started = time.monotonic()
    tmp = tempfile.TemporaryDirectory()
    db = TestDatabase(Path(tmp.name))
    db.create()
    trace = Path(tmp.name) / "calls.json"
    print(f"rule guard: tracing which tests run each of {len(checks)} rule checks ...", flush=True)
    db.fresh()
    subprocess.run([*PYTEST, "--reuse-db", "tests"], cwd=ROOT, env=db.env(GOVERNANCE_TRACE_RULE_CHECKS=str(trace)),
                   stdout=subprocess.DEVNULL)
    calls = json.loads(trace.read_text(encoding="utf-8"))
    unguarded = []
    for name in checks:
        tests = sorted(node for node, names in calls.items() if name in names)
        if not tests:
            print(f"  UNGUARDED {name}: no test runs it")
            unguarded.append(name)
            continue
        db.fresh()
        result = subprocess.run([*PYTEST, "--reuse-db", "-x", *tests], cwd=ROOT, capture_output=True, text=True,
                                env=db.env(GOVERNANCE_DISABLED_RULE_CHECKS=name))
        if result.returncode == 1:
            print(f"  guarded   {name}: a test fails without it ({len(tests)} tests run it)")
        elif result.returncode == 0:
            print(f"  UNGUARDED {name}: all {len(tests)} tests that run it pass without it")
            unguarded.append(name)
        else:
            print(result.stdout[-2000:], result.stderr[-2000:])
            print(f"  ERROR     {name}: pytest exited {result.returncode}")
            unguarded.append(name)
    print(f"rule guard: {len(checks) - len(unguarded)} of {len(checks)} rule checks guarded "
          f"in {time.monotonic() - started:.0f} s")
    tmp.cleanup()
    return 1 if unguarded else 0


if __name__ == "__main__":
    sys.exit(main())

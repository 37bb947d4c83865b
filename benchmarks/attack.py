"""Attack the API as an outsider would, and print what got through (issue 7: anyone can reproduce the figures).

    .venv/bin/python benchmarks/attack.py                          # starts its own server on demo data
    .venv/bin/python benchmarks/attack.py --streets 3 --st-examples 10   # quicker
    .venv/bin/python benchmarks/attack.py --url http://127.0.0.1:8000 --password xingqing-demo-2018

1. The scope matrix: every API endpoint x every scoped role (street staff, community staff, station
   worker, grid worker, from two streets) x another street's objects: lists (must hold none of them),
   filters on another street (must answer 400 or nothing of it), reads and empty PATCHes of each object
   (must answer 403/404), quota actions, and, on a server this script started (or with --allow-writes),
   creating a record in another street and ending another street's post (must be refused).
2. schemathesis against the same server as one street's staff: every phase, every check but
   positive_data_acceptance (see tests/reliability/test_schemathesis.py for why).

Prints attempts, leaks, requests and 5xx, and exits non-zero on any leak, any 5xx or any schemathesis
failure. Its own server is gunicorn with production settings (DJANGO_DEBUG=0) on a throwaway database:
SQLite in a temporary folder, or --database-url (a PostgreSQL database that is dropped and recreated!).
Only ever sends requests to the URL it is given or to 127.0.0.1.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
API = "/api/v1"
SCOPED_ROLES = {"street": "street-{s}", "community": "community-{s}-01", "station": "station-{s}-01",
                "grid": "grid-{s}-01-g1"}
# endpoint -> how to find an object's street from its fields (ids resolved through the maps below)
ENDPOINTS = ["streets", "communities", "street-offices", "stationed-units", "people", "posts"]
FILTERABLE = {"communities": "street", "street-offices": "street", "stationed-units": "street", "people": "street",
              "posts": "street"}


class Http:
    """A tiny JSON client that counts what it sends (urllib: no dependency beyond the standard library)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.statuses = Counter()

    def request(self, method: str, path: str, token: str | None = None, body=None, retry_throttled=True):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
            if status == 429 and retry_throttled:
                self.statuses[status] += 1
                time.sleep(float(error.headers.get("Retry-After") or 5) + 0.5)
                return self.request(method, path, token, body, retry_throttled)
        self.statuses[status] += 1
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        return status, payload

    def token(self, username: str, password: str) -> str | None:
        status, payload = self.request("POST", f"{API}/auth/token/", body={"username": username, "password": password})
        return payload["token"] if status == 200 else None

    def rows_as(self, path: str, token: str) -> list[dict]:
        """Every row a list answers this caller, page after page (none when it refuses)."""
        rows, url = [], path
        while url:
            status, payload = self.request("GET", url, token)
            if status != 200 or not isinstance(payload, dict):
                return rows
            rows += payload["results"]
            url = payload["next"] and urllib.parse.urlsplit(payload["next"])._replace(scheme="", netloc="").geturl()
        return rows

    def all_rows(self, path: str, token: str) -> list[dict]:
        rows, url = [], path
        while url:
            status, payload = self.request("GET", url, token)
            if status != 200:
                raise SystemExit(f"{url}: {status} {payload}")
            rows += payload["results"]
            url = payload["next"] and urllib.parse.urlsplit(payload["next"])._replace(scheme="", netloc="").geturl()
        return rows


# --- the server this script starts -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(work: Path, streets: int, password: str, database_url: str | None):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "AXES_", "API_"))},
        "DJANGO_SETTINGS_MODULE": "governance.settings", "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0", "DJANGO_TESTING": "1",
        "DATABASE_URL": database_url or f"sqlite:///{work / 'attack.sqlite3'}",
        # An attacker is throttled like anyone; the measurement is not: it would only wait.
        "API_RATE": "1000000/min", "API_TOKEN_RATE_IP": "100000/min", "API_TOKEN_RATE_USER": "100000/min",
    }
    python = str(BIN / "python")
    if database_url:
        _recreate_postgres(database_url)
    started = time.monotonic()
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "seed_demo", "--password", password, "--streets", str(streets)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"demo data: {streets} streets on {env['DATABASE_URL'].split(':')[0]} in {time.monotonic() - started:.0f} s")
    port = _free_port()
    # SQLite takes one writer at a time: one worker, so that a locked database is not counted as a 5xx.
    workers = "3" if database_url else "1"
    log = open(work / "gunicorn.log", "wb")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "governance.wsgi", "--bind", f"127.0.0.1:{port}",
                             "--workers", workers, "--timeout", "120"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}{API}/schema/?format=json", timeout=5).read()
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {work / 'gunicorn.log'}") from None
            time.sleep(0.3)
    raise SystemExit("the server did not answer")


def _recreate_postgres(database_url: str) -> None:
    parsed = urllib.parse.urlsplit(database_url)
    name = parsed.path.lstrip("/")
    if name in {"governance", "postgres"}:
        raise SystemExit(f"refusing to drop database {name!r}: give --database-url a throwaway database")
    admin_url = parsed._replace(path="/postgres").geturl()
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin_url, "-qc", sql], check=True)


# --- the scope matrix ----------------------------------------------------------------------------------

def owner_maps(http: Http, admin: str) -> dict:
    """Every scoped object and the street it belongs to, read as the district administrator."""
    streets = http.all_rows(f"{API}/streets/", admin)
    communities = http.all_rows(f"{API}/communities/", admin)
    community_street = {c["id"]: c["street"] for c in communities}
    people = http.all_rows(f"{API}/people/", admin)

    def person_street(p):
        return p["street"] or community_street.get(p["community"])

    person_of = {p["id"]: person_street(p) for p in people}
    posts = http.all_rows(f"{API}/posts/", admin)
    rows = {
        "streets": {s["id"]: s["id"] for s in streets},
        "communities": dict(community_street),
        "street-offices": {o["id"]: o["street"] for o in http.all_rows(f"{API}/street-offices/", admin)},
        "stationed-units": {u["id"]: u["street"] for u in http.all_rows(f"{API}/stationed-units/", admin)},
        "people": person_of,
        "posts": {p["id"]: p["street"] or community_street.get(p["community"]) or person_of.get(p["person"])
                  for p in posts},
    }
    return {"streets": streets, "communities": communities, "rows": rows}


def scope_matrix(http: Http, maps: dict, accounts: list[tuple[str, str, int, str]], per_endpoint: int,
                 writes: bool, rng: random.Random) -> dict:
    attempts, leaks = Counter(), Counter()
    examples = defaultdict(list)

    def attempt(endpoint, leaked, what):
        attempts[endpoint] += 1
        if leaked:
            leaks[endpoint] += 1
            examples[endpoint].append(what)

    street_ids = [s["id"] for s in maps["streets"]]
    for _role, username, own_street, token in accounts:
        others = [s for s in street_ids if s != own_street]
        for endpoint in ENDPOINTS:
            owner = maps["rows"][endpoint]
            # The list must hold nothing of another street
            seen = http.rows_as(f"{API}/{endpoint}/", token)
            foreign = [row["id"] for row in seen if owner.get(row["id"]) not in (own_street, None)]
            attempt(endpoint, bool(foreign), f"{username}: list shows {endpoint} {foreign[:5]}")
            # A filter on another street must not answer its rows
            if endpoint in FILTERABLE:
                for other in others:
                    status, payload = http.request("GET", f"{API}/{endpoint}/?{FILTERABLE[endpoint]}={other}", token)
                    rows = payload.get("results", []) if status == 200 and isinstance(payload, dict) else []
                    attempt(endpoint, bool(rows), f"{username}: ?{FILTERABLE[endpoint]}={other} answered {len(rows)}")
            # Each object of another street: read, empty PATCH, and the detail actions
            targets = [pk for pk, street in owner.items() if street not in (own_street, None)]
            for pk in rng.sample(targets, min(per_endpoint, len(targets))):
                status, _ = http.request("GET", f"{API}/{endpoint}/{pk}/", token)
                attempt(endpoint, 200 <= status < 300, f"{username}: GET {endpoint}/{pk} -> {status}")
                status, _ = http.request("PATCH", f"{API}/{endpoint}/{pk}/", token, body={})
                attempt(endpoint, 200 <= status < 300, f"{username}: PATCH {endpoint}/{pk} -> {status}")
                if endpoint in ("streets", "communities"):
                    status, _ = http.request("GET", f"{API}/{endpoint}/{pk}/quotas/", token)
                    attempt(endpoint, 200 <= status < 300, f"{username}: GET {endpoint}/{pk}/quotas -> {status}")
                if endpoint == "posts" and writes:
                    status, _ = http.request("POST", f"{API}/posts/{pk}/end/", token, body={})
                    attempt(endpoint, 200 <= status < 300, f"{username}: POST posts/{pk}/end -> {status}")
        if writes:
            for other in others:
                for endpoint, body in (("people", {"name": "越权测试", "street": other}),
                                       ("stationed-units", {"name": "越权测试", "street": other, "level": "city"})):
                    status, _ = http.request("POST", f"{API}/{endpoint}/", token, body=body)
                    attempt(endpoint, 200 <= status < 300, f"{username}: POST {endpoint} into street {other} -> {status}")
    return {"attempts": attempts, "leaks": leaks, "examples": examples}


def accounts_for(http: Http, maps: dict, password: str, street_codes: list[str]) -> list:
    by_code = {s["code"]: s["id"] for s in maps["streets"]}
    accounts = []
    for code in street_codes:
        for role, pattern in SCOPED_ROLES.items():
            username = pattern.format(s=code)
            token = http.token(username, password)
            if token is None:
                print(f"  (no account {username}: skipped)")
                continue
            accounts.append((role, username, by_code[code], token))
    return accounts


# --- schemathesis ----------------------------------------------------------------------------------

def schemathesis_run(url: str, token: str, examples: int, work: Path) -> dict:
    report = work / "st"
    command = [str(BIN / "st"), "run", f"{url}{API}/schema/?format=json", "--url", url,
               "-H", f"Authorization: Token {token}", "--checks", "all",
               "--exclude-checks", "positive_data_acceptance", "--phases", "examples,coverage,fuzzing,stateful",
               "--max-examples", str(examples), "--workers", "2", "--seed", "2018", "--request-timeout", "60",
               "--no-color", "--report", "har", "--report-dir", str(report)]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    statuses = Counter()
    for har in report.glob("har-*.json"):
        for entry in json.loads(har.read_text())["log"]["entries"]:
            statuses[entry["response"]["status"]] += 1
    tail = [line for line in result.stdout.splitlines() if " generated" in line or "failure" in line.lower()]
    # The closing line counts "failures" (the API broke a check) apart from "errors" (schemathesis itself
    # could not build or run a case, e.g. a crash inside Hypothesis): only failures are the API's.
    closing = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    failures = int(m.group(1)) if (m := re.search(r"(\d+) failures?", closing)) else (0 if result.returncode == 0 else -1)
    errors = int(m.group(1)) if (m := re.search(r"(\d+) errors?", closing)) else 0
    return {"returncode": result.returncode, "statuses": statuses, "seconds": time.monotonic() - started,
            "summary": tail[-3:], "output": result.stdout, "failures": failures, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="attack this server (with the demo accounts) instead of starting one")
    parser.add_argument("--password", default="xingqing-demo-2018", help="the demo accounts' password")
    parser.add_argument("--admin", default="admin", help="a district-wide account, to map objects to streets")
    parser.add_argument("--streets", type=int, default=11, help="demo streets to load on the server it starts")
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database for the server it starts")
    parser.add_argument("--per-endpoint", type=int, default=60, help="another street's objects tried per endpoint")
    parser.add_argument("--st-examples", type=int, default=20, help="schemathesis --max-examples")
    parser.add_argument("--allow-writes", action="store_true", help="also try creating and ending (on --url)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="attack-"))
    proc = None
    try:
        if args.url:
            url, writes = args.url.rstrip("/"), args.allow_writes
        else:
            proc, url = start_server(work, args.streets, args.password, args.database_url)
            writes = True
        http = Http(url)
        admin = http.token(args.admin, args.password)
        if admin is None:
            raise SystemExit(f"cannot sign in as {args.admin}")
        maps = owner_maps(http, admin)
        codes = sorted(s["code"] for s in maps["streets"])[:2]
        accounts = accounts_for(http, maps, args.password, codes)
        started = time.monotonic()
        matrix = scope_matrix(http, maps, accounts, args.per_endpoint, writes, random.Random(2018))
        matrix_seconds = time.monotonic() - started

        print(f"\nscope matrix: {len(accounts)} accounts ({', '.join(a[1] for a in accounts)}), "
              f"{len(maps['streets'])} streets, {matrix_seconds:.0f} s")
        print(f"{'endpoint':18} {'attempts':>9} {'leaks':>6}")
        for endpoint in ENDPOINTS:
            print(f"{endpoint:18} {matrix['attempts'][endpoint]:>9} {matrix['leaks'][endpoint]:>6}")
            for example in matrix["examples"][endpoint][:3]:
                print(f"    leak: {example}")
        st_token = next(token for role, _u, _s, token in accounts if role == "street")
        st = schemathesis_run(url, st_token, args.st_examples, work)

        attempts, leaks = sum(matrix["attempts"].values()), sum(matrix["leaks"].values())
        matrix_5xx = sum(n for status, n in http.statuses.items() if status >= 500)
        st_requests = sum(st["statuses"].values())
        st_5xx = sum(n for status, n in st["statuses"].items() if status >= 500)
        print(f"\nschemathesis: {st_requests} requests in {st['seconds']:.0f} s, statuses {dict(sorted(st['statuses'].items()))}")
        for line in st["summary"]:
            print(f"    {line.strip()}")
        print("\n=== totals ===")
        print(f"attempts  {attempts}")
        print(f"leaks     {leaks}")
        print(f"requests  {sum(http.statuses.values()) + st_requests}")
        print(f"5xx       {matrix_5xx + st_5xx}")
        print(f"schemathesis failures {st['failures'] if st['failures'] >= 0 else 'unknown (see the report)'}, "
              f"errors of schemathesis itself {st['errors']}")
        if st["returncode"] != 0:
            (work / "schemathesis.txt").write_text(st["output"])
            print(f"    full report: {work / 'schemathesis.txt'}")
        return 0 if leaks == 0 and matrix_5xx + st_5xx == 0 and st["failures"] == 0 else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if not any(work.glob("schemathesis.txt")):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

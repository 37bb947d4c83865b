"""Time the list endpoints and pages on the full demo district (run on demand; prints figures).

    .venv/bin/python benchmarks/pages_and_lists.py [--repeat 10]

Uses a throwaway test database (SQLite, or PostgreSQL when DATABASE_URL is set), loads seed_demo,
then requests each page and list as the district administrator and as one street's staff and
prints the median time and the number of SQL queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

PATHS = [
    "/district/", "/breaches/", "/streets/1/", "/communities/1/", "/audit/",
    "/api/v1/streets/", "/api/v1/communities/", "/api/v1/people/", "/api/v1/posts/", "/api/v1/stationed-units/",
    "/api/v1/departments/", "/api/v1/street-offices/", "/api/v1/streets/1/quotas/", "/api/v1/communities/1/quotas/",
    "/api/v1/quotas/summary/?year=2026", "/quotas/",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        call_command("seed_demo", "--password", "bench-pass-2018", stdout=open(os.devnull, "w"))
        print(f"seed_demo (11 streets): {time.perf_counter() - started:.1f} s on {connection.vendor}")
        for username in ("admin", "street-fhbj"):
            client, api = Client(), APIClient()
            user = get_user_model().objects.get(username=username)
            client.force_login(user)
            api.force_authenticate(user)
            print(f"\nas {username}:")
            print(f"{'path':45} {'status':>6} {'median ms':>10} {'queries':>8}")
            for path in PATHS:
                agent = api if path.startswith("/api/") else client
                times = []
                for _ in range(args.repeat):
                    with CaptureQueriesContext(connection) as queries:
                        t0 = time.perf_counter()
                        response = agent.get(path)
                        times.append((time.perf_counter() - t0) * 1000)
                print(f"{path:45} {response.status_code:>6} {statistics.median(times):>10.1f} {len(queries):>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""Time the admission and meeting lists and reports at scale (run on demand, on PostgreSQL; prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gov_admit .venv/bin/python benchmarks/admissions_scale.py \
        [--tasks 20000] [--meetings 20000] [--repeat 5]

Uses a throwaway test database, loads seed_demo, adds tasks, refusals and meetings in bulk (several years of
a busy district), then times each page and endpoint as the district administrator and one street's staff,
with its query count, and the filing service itself.
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

PATHS = [
    "/api/v1/task-assignments/", "/api/v1/admission-lists/?level=community", "/api/v1/meetings/",
    "/api/v1/meetings/compliance/", "/admissions/tasks/", "/admissions/tasks/report/", "/admissions/lists/",
    "/meetings/", "/meetings/compliance/", "/breaches/",
]


def bulk(n_tasks: int, n_meetings: int) -> None:
    from admissions.models import AdmissionItem, TaskAssignment, TaskRefusal
    from communities.models import Community
    from meetings.models import Meeting, MeetingKind

    items = list(AdmissionItem.objects.select_related("admission_list"))
    communities = list(Community.objects.all())
    tasks, refusals = [], []
    for i in range(n_tasks):
        item = items[i % len(items)]
        community = communities[i % len(communities)]
        target = ({"target_community": community} if item.admission_list.level == "community"
                  else {"target_street_id": community.street_id})
        tasks.append(TaskAssignment(title=f"事项{i}", department_id=item.department_id, deadline=datetime.date(2030, 1, 1),
                                    admission_item=item, status="accepted", rule="admission.street_list", clause="二(一)",
                                    street_id=community.street_id, **target))  # the street it lands in
        if i % 4 == 0:
            refusals.append(TaskRefusal(title=f"拒{i}", department_id=item.department_id, target_community=community,
                                        rule="admission.community_list", clause="三(五)", message="未列入"))
    TaskAssignment.objects.bulk_create(tasks, batch_size=2000)
    TaskRefusal.objects.bulk_create(refusals, batch_size=2000)
    today = datetime.date.today()  # noqa: DTZ011 - a benchmark's data spread
    meetings = []
    for i in range(n_meetings):
        community = communities[i % len(communities)]
        kind = (MeetingKind.DELIBERATION, MeetingKind.JOINT_COMMITTEE)[i % 2]
        meetings.append(Meeting(kind=kind, street_id=community.street_id, community=community,
                                held_on=today - datetime.timedelta(days=i % 1500), attendees="x", agenda="y"))
    Meeting.objects.bulk_create(meetings, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--meetings", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", "--password", "bench-pass-2018", stdout=open(os.devnull, "w"))
        started = time.perf_counter()
        bulk(args.tasks, args.meetings)
        print(f"bulk {args.tasks} tasks, {args.meetings} meetings: {time.perf_counter() - started:.1f} s "
              f"on {connection.vendor}")
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
        from admissions.models import AdmissionItem
        from admissions.services import task_file

        item = AdmissionItem.objects.select_related("admission_list").filter(admission_list__level="street").last()
        from streets.models import Street

        street = Street.objects.first()
        times = []
        for i in range(args.repeat):
            t0 = time.perf_counter()
            task_file(acting_user=None, title=f"计时{i}", department=item.department, target_street=street,
                      deadline=datetime.date(2030, 1, 1), admission_item=item)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"\ntask_file (accepted): median {statistics.median(times):.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""Two district systems sending the same `external_id` at the same moment get back one case: the same id in
both answers and one row. Real threads, real PostgreSQL (the unique constraint and the station row lock of
services.case_receive); a missing PostgreSQL skips locally and fails in CI, like tests/reliability/test_races.py."""

import threading

import pytest
from django.db import connection, connections

from governance.roles import Role
from governance.rules import rules_seed
from service_stations.models import ServiceCase
from service_stations.services import service_item_create
from tests import factories as f
from tests.conftest import api_as, skip_or_fail
from tests.service_stations.conftest import id_number

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("the external_id race needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite in use)")
    rules_seed()  # a transactional test's flush removed the rules the migrations seeded


def post_at_once(clients, url, body):
    """POST the same body from each client at the same moment, each in a thread (and a connection) of its own."""
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def run(i, client):
        try:
            barrier.wait()
            answers[i] = client.post(url, body, format="json")
        except Exception as exc:  # noqa: BLE001 - an exception is an outcome to report, not to hide
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_posts_with_one_external_id_give_back_one_case(attempt):
    street = f.street()
    station = f.station(street, f.community(street))
    item = service_item_create(acting_user=None, name="居住证办理", department=f.department(), time_limit_days=5,
                               required_materials=["居民身份证"])
    # Two systems, two tokens: each request authenticates and writes on a connection of its own.
    clients = [api_as(f.user(Role.DISTRICT_ADMIN)) for _ in range(2)]
    external_id = f"ZWFW-RACE-{attempt}"
    body = {"station": station.pk, "service_item": item.pk, "received_at": "2025-10-09T09:30:00+08:00",
            "applicant_name": "马建华", "applicant_phone": "13995112345", "applicant_id_number": id_number(),
            "channel": "online", "materials_received": ["居民身份证"], "external_id": external_id}
    answers = post_at_once(clients, "/api/v1/cases/", body)
    assert not any(isinstance(a, Exception) for a in answers), answers
    assert sorted(a.status_code for a in answers) == [200, 201], [(a.status_code, a.data) for a in answers]
    assert answers[0].data["id"] == answers[1].data["id"]
    assert answers[0].data["number"] == answers[1].data["number"]
    assert ServiceCase.objects.filter(external_id=external_id).count() == 1
    assert ServiceCase.objects.count() == 1

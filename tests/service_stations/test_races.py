"""Races at the counter, with real threads on real PostgreSQL (a missing PostgreSQL skips locally and fails in
CI, like tests/reliability/test_races.py): two district systems sending the same `external_id` at the same
moment get back one case (the unique constraint and the station row lock of services.case_receive); two
workers moving one case at the same moment cannot both succeed (the row lock of model_update)."""

import pytest
from django.db import connection

from governance.roles import Role
from governance.rules import rules_seed
from service_stations.models import CaseStatus, ServiceCase
from service_stations.services import service_item_create
from tests import factories as f
from tests.conftest import api_as, skip_or_fail
from tests.reliability.test_races import race
from tests.service_stations.conftest import case, id_number

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("the counter races need PostgreSQL's row locks and constraints: set DATABASE_URL=postgres://... (SQLite in use)")
    rules_seed()  # a transactional test's flush removed the rules the migrations seeded


def post_at_once(clients, url, body):
    """POST the same body from each client at the same moment, each in a thread (and a connection) of its own;
    each client's answer, or what it raised."""
    answers = [None] * len(clients)

    def poster(i, client):
        def post():
            answers[i] = client.post(url, body, format="json")
        return post

    raised = race(*[poster(i, client) for i, client in enumerate(clients)])
    return [exc or answer for exc, answer in zip(raised, answers, strict=True)]


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


@pytest.mark.parametrize("attempt", range(5))
def test_two_workers_moving_one_case_at_once_cannot_both_succeed(attempt):
    street = f.street()
    station = f.station(street, f.community(street))
    item = service_item_create(acting_user=None, name="居住证办理", department=f.department(), time_limit_days=5,
                               required_materials=["居民身份证"])
    workers = [f.user(Role.STATION_WORKER, station) for _ in range(2)]
    taken = case(station, workers[0], service_item=item)
    url = f"/api/v1/cases/{taken.pk}/transition/"
    answers = [None, None]

    def mover(i, target):
        def move():
            answers[i] = api_as(workers[i]).post(url, {"status": target, "version": 1}, format="json")
        return move

    raised = race(mover(0, "handling"), mover(1, "returned"))
    answers = [exc or answer for exc, answer in zip(raised, answers, strict=True)]
    assert not any(isinstance(a, Exception) for a in answers), answers
    assert sorted(a.status_code for a in answers) == [200, 409], [(a.status_code, a.data) for a in answers]
    winner = next(a for a in answers if a.status_code == 200)
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.data["current_version"] == 2
    fresh = ServiceCase.objects.get(pk=taken.pk)
    assert (fresh.status, fresh.version) == (winner.data["status"], 2)
    assert [h.status for h in fresh.history.order_by("history_id")] == [CaseStatus.RECEIVED, winner.data["status"]]


@pytest.mark.parametrize("attempt", range(3))
def test_standards_met_at_once_at_a_street_s_stations_all_count_in_its_tally(attempt):
    # Given four stations of one street, and the tally of a standard not yet made
    from service_stations.models import ChecklistTally
    from service_stations.selectors import checklist_met_counts_counted
    from service_stations.services import checklist_set

    street = f.street()
    stations = [f.station(street, f.community(street)) for _ in range(4)]

    def mark(station):
        return lambda: checklist_set(station=station, acting_user=None, item="training", met=True)

    # When each marks the standard met at the same moment, on a connection of its own
    raised = race(*[mark(s) for s in stations])
    # Then every write counts, once: the tally is the entries' count
    assert raised == [None] * 4, raised
    assert ChecklistTally.objects.get(street=street, item="training").met == 4
    assert checklist_met_counts_counted(user=f.user(Role.STREET_STAFF, street)) == {"training": 4}

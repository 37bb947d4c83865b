"""Cases taken in at the counter (三(二)3): intake, due dates, versions of the item, transitions, masking."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.exceptions import Conflict
from governance.roles import Role
from service_stations.models import CaseStatus, ServiceCase
from service_stations.services import case_hand_on, case_receive, case_transition, service_item_update
from service_stations.validators import validate_id_number
from tests import factories as f
from tests.conftest import api_as
from tests.service_stations.conftest import at, case, id_number, item

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = datetime.date


def test_id_number_check_digit():
    validate_id_number("11010519491231002X")  # the standard's own example
    good = id_number()
    validate_id_number(good)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(bad)
    assert exc.value.code == "id_number_check_digit"
    with pytest.raises(ValidationError) as exc:
        validate_id_number("640104198002301234")  # 30 February
    assert exc.value.code == "id_number_birth_date"


def test_a_bad_check_digit_is_refused_and_nothing_is_written(stations):
    good = id_number()
    with pytest.raises(ValidationError) as exc:
        case_receive(acting_user=stations["worker_a"], station=stations["station_a"], service_item=item(),
                     applicant_name="马建华", applicant_phone="13995112345",
                     applicant_id_number=good[:17] + ("0" if good[17] != "0" else "1"))
    assert "applicant_id_number" in exc.value.message_dict
    assert ServiceCase.objects.count() == 0


def test_intake_records_first_owner_due_date_and_the_one_time_notice(stations):
    worker = stations["worker_a"]
    lowbao = item()  # 30 working days
    taken = case(stations["station_a"], worker, materials=lowbao.required_materials[:2],
                 received_at=at(D(2025, 9, 30)))
    assert taken.first_owner == worker and taken.handler == worker
    assert taken.street_id == stations["a"].pk
    assert taken.number.endswith("202509300001")
    assert taken.materials_missing == lowbao.required_materials[2:]
    assert taken.notice_given_at is not None
    assert taken.due_date == D(2025, 11, 18)  # 30 working days after 30 Sep, across the National Day week
    complete = case(stations["station_a"], worker, received_at=at(D(2025, 9, 30)))
    assert complete.notice_given_at is None and complete.materials_missing == []
    assert complete.number.endswith("202509300002")


def test_the_first_inquiry_owner_stays_when_the_case_is_handed_on(stations):
    taken = case(stations["station_a"], stations["worker_a"])
    other = f.user(Role.STATION_WORKER, stations["station_a"])
    case_hand_on(case=taken, acting_user=stations["worker_a"], handler=other)
    taken.refresh_from_db()
    assert taken.handler == other and taken.first_owner == stations["worker_a"]


def test_a_case_keeps_the_item_version_it_was_taken_in_under(stations):
    lowbao = item()
    before = case(stations["station_a"], stations["worker_a"], received_at=at(D(2025, 11, 3)))
    service_item_update(item=lowbao, acting_user=stations["admin"], time_limit_days=5,
                        required_materials=["居民身份证"], expected_version=lowbao.version)
    after = case(stations["station_a"], stations["worker_a"], service_item=lowbao, materials=["居民身份证"],
                 received_at=at(D(2025, 11, 3)))
    before.refresh_from_db()
    assert before.item_revision.version == 1 and before.item_revision.time_limit_days == 30
    assert after.item_revision.version == 2 and after.due_date == D(2025, 11, 10)
    assert before.due_date == D(2025, 12, 15)


def test_materials_not_of_the_item_are_refused(stations):
    with pytest.raises(ValidationError) as exc:
        case(stations["station_a"], stations["worker_a"], materials=["结婚证"])
    assert "materials_received" in exc.value.message_dict


def test_transitions_follow_the_flow_and_are_audited(stations):
    taken = case(stations["station_a"], stations["worker_a"])
    with pytest.raises(ValidationError) as exc:
        case_transition(case=taken, acting_user=stations["worker_a"], status=CaseStatus.COMPLETED)
    assert "status" in exc.value.message_dict
    case_transition(case=taken, acting_user=stations["worker_a"], status=CaseStatus.HANDLING)
    case_transition(case=taken, acting_user=stations["worker_a"], status=CaseStatus.COMPLETED)
    taken.refresh_from_db()
    assert taken.status == CaseStatus.COMPLETED and taken.closed_at is not None
    assert [h.status for h in taken.history.order_by("history_id")] == ["received", "handling", "completed"]
    assert taken.history.first().history_user == stations["worker_a"]


def test_a_transition_from_a_stale_version_is_refused(stations):
    taken = case(stations["station_a"], stations["worker_a"])
    case_transition(case=taken, acting_user=stations["worker_a"], status=CaseStatus.HANDLING, expected_version=1)
    stale = ServiceCase.objects.get(pk=taken.pk)
    stale.version = 1
    with pytest.raises(Conflict):
        case_transition(case=stale, acting_user=stations["worker_a"], status=CaseStatus.RETURNED, expected_version=1)
    assert ServiceCase.objects.get(pk=taken.pk).status == CaseStatus.HANDLING


# --- the API -------------------------------------------------------------------------------------------

def _body(w, **extra):
    lowbao = item()
    return {"station": w["station_a"].pk, "service_item": lowbao.pk, "received_at": "2025-09-30T09:30:00+08:00",
            "applicant_name": "马建华", "applicant_phone": "13995112345", "applicant_id_number": id_number(),
            "channel": "counter", "materials_received": lowbao.required_materials, **extra}


def test_api_create_answers_number_and_due_date(stations):
    response = api_as(stations["worker_a"]).post(f"{API}/cases/", _body(stations), format="json")
    assert response.status_code == 201, response.data
    assert response.data["due_date"] == "2025-11-18"
    assert response.data["number"].endswith("202509300001")


def test_api_refuses_a_bad_check_digit_and_a_naive_time(stations):
    good = id_number()
    client = api_as(stations["worker_a"])
    response = client.post(f"{API}/cases/", _body(stations, applicant_id_number=good[:17] + ("1" if good[17] == "0" else "0")),
                           format="json")
    assert response.status_code == 400 and "applicant_id_number" in response.data
    response = client.post(f"{API}/cases/", _body(stations, received_at="2025-09-30T09:30:00"), format="json")
    assert response.status_code == 400 and "received_at" in response.data
    assert ServiceCase.objects.count() == 0


def test_the_same_external_id_twice_gives_back_the_same_case(stations):
    client = api_as(stations["admin"])
    first = client.post(f"{API}/cases/", _body(stations, external_id="ZWFW-2025-001"), format="json")
    again = client.post(f"{API}/cases/", _body(stations, external_id="ZWFW-2025-001"), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.data["id"] == again.data["id"]
    assert ServiceCase.objects.filter(external_id="ZWFW-2025-001").count() == 1


def test_concurrent_transitions_one_wins_the_other_gets_409_or_412(stations):
    taken = case(stations["station_a"], stations["worker_a"])
    client = api_as(stations["worker_a"])
    url = f"{API}/cases/{taken.pk}/transition/"
    assert client.post(url, {"status": "handling", "version": 1}, format="json").status_code == 200
    late = client.post(url, {"status": "returned", "version": 1}, format="json")
    assert late.status_code == 409 and late.data["current_version"] == 2
    late = client.post(url, {"status": "returned"}, format="json", HTTP_IF_MATCH='"1"')
    assert late.status_code == 412
    assert ServiceCase.objects.get(pk=taken.pk).status == CaseStatus.HANDLING


def test_a_transition_to_forwarded_needs_a_department(stations):
    taken = case(stations["station_a"], stations["worker_a"])
    response = api_as(stations["worker_a"]).post(f"{API}/cases/{taken.pk}/transition/", {"status": "forwarded"},
                                                 format="json")
    assert response.status_code == 400 and "forwarded_to" in response.data
    department = item().department
    response = api_as(stations["worker_a"]).post(f"{API}/cases/{taken.pk}/transition/",
                                                 {"status": "forwarded", "forwarded_to": department.pk}, format="json")
    assert response.status_code == 200 and response.data["forwarded_to"] == department.pk


@pytest.mark.parametrize("who,masked", [("worker_a", False), ("admin", False), ("street_a_user", True),
                                        ("orgdept", True)])
def test_id_numbers_and_phones_are_masked_but_for_the_station_and_the_district_admin(stations, who, masked):
    taken = case(stations["station_a"], stations["worker_a"])
    data = api_as(stations[who]).get(f"{API}/cases/{taken.pk}/").data
    if masked:
        assert data["applicant_id_number"] == taken.applicant_id_number[:3] + "*" * 11 + taken.applicant_id_number[-4:]
        assert data["applicant_phone"] == "139****2345"
    else:
        assert data["applicant_id_number"] == taken.applicant_id_number
        assert data["applicant_phone"] == "13995112345"


def test_scope_between_stations_and_streets(stations):
    mine, theirs = case(stations["station_a"], stations["worker_a"]), case(stations["station_b"], stations["worker_b"])
    worker = api_as(stations["worker_a"])
    assert [c["id"] for c in worker.get(f"{API}/cases/").data["results"]] == [mine.pk]
    assert worker.get(f"{API}/cases/{theirs.pk}/").status_code == 404
    assert worker.post(f"{API}/cases/{theirs.pk}/transition/", {"status": "handling"}, format="json").status_code == 404
    response = worker.post(f"{API}/cases/", {**_body(stations), "station": stations["station_b"].pk}, format="json")
    assert response.status_code == 400 and "station" in response.data
    street = api_as(stations["street_a_user"])
    assert [c["id"] for c in street.get(f"{API}/cases/").data["results"]] == [mine.pk]
    # Street staff read but do not move cases on.
    assert street.post(f"{API}/cases/{mine.pk}/transition/", {"status": "handling"}, format="json").status_code == 403
    assert ServiceCase.objects.get(pk=theirs.pk).status == CaseStatus.RECEIVED
    assert ServiceCase.objects.get(pk=mine.pk).status == CaseStatus.RECEIVED
    assert ServiceCase.objects.count() == 2


def test_scope_between_two_stations_of_one_street(stations, client):
    """A worker of another station of the same street sees and moves none of this station's cases."""
    from django.urls import reverse

    neighbour = f.station(stations["a"], f.community(stations["a"], name="甲二社区"))
    neighbour_worker = f.user(Role.STATION_WORKER, neighbour)
    mine = case(stations["station_a"], stations["worker_a"])
    theirs = case(neighbour, neighbour_worker)
    worker = api_as(neighbour_worker)
    assert [c["id"] for c in worker.get(f"{API}/cases/").data["results"]] == [theirs.pk]
    assert worker.get(f"{API}/cases/{mine.pk}/").status_code == 404
    assert worker.get(f"{API}/cases/?station={stations['station_a'].pk}").status_code == 400
    assert worker.post(f"{API}/cases/{mine.pk}/transition/", {"status": "handling"}, format="json").status_code == 404
    response = worker.post(f"{API}/cases/", _body(stations), format="json")  # at station a
    assert response.status_code == 400 and "station" in response.data
    client.force_login(neighbour_worker)
    assert client.get(reverse("case-page", args=[mine.pk])).status_code == 404
    assert client.get(reverse("station-dashboard", args=[stations["station_a"].pk])).status_code == 404
    assert client.post(reverse("case-page", args=[mine.pk]), {"status": "handling", "expected_version": 1}).status_code == 404
    assert ServiceCase.objects.get(pk=mine.pk).status == CaseStatus.RECEIVED and ServiceCase.objects.count() == 2
    # The street's staff see both stations' cases.
    street = api_as(stations["street_a_user"])
    assert sorted(c["id"] for c in street.get(f"{API}/cases/").data["results"]) == sorted([mine.pk, theirs.pk])


def test_the_case_list_answers_in_constant_queries(stations, django_assert_max_num_queries):
    client = api_as(stations["worker_a"])
    case(stations["station_a"], stations["worker_a"])
    client.get(f"{API}/cases/")
    with django_assert_max_num_queries(12) as few:
        client.get(f"{API}/cases/?status=received")
    for _ in range(6):
        case(stations["station_a"], stations["worker_a"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"{API}/cases/?status=received")
    assert response.data["count"] == 7


@pytest.mark.parametrize("override,field", [
    ({"received_at": "not a date"}, "received_at"),
    ({"materials_received": "居民身份证"}, "materials_received"),
    ({"materials_received": ["结婚证"]}, "materials_received"),
    ({"service_item": 999999}, "service_item"),
    ({"station": "x"}, "station"),
    ({"channel": "fax"}, "channel"),
    ({"applicant_phone": "12345"}, "applicant_phone"),
    ({"applicant_id_number": "64010419800101"}, "applicant_id_number"),
    ({"applicant_name": ""}, "applicant_name"),
    ({"external_id": "x" * 65}, "external_id"),
])
def test_bad_case_input_answers_400_on_its_field_and_writes_nothing(stations, override, field):
    response = api_as(stations["worker_a"]).post(f"{API}/cases/", _body(stations, **override), format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert ServiceCase.objects.count() == 0


@pytest.mark.parametrize("body,field", [
    ({"status": "received"}, "status"), ({"status": "completed"}, "status"), ({"status": "nope"}, "status"),
    ({"status": "forwarded", "forwarded_to": 999999}, "forwarded_to"), ({"status": "handling", "version": "x"}, "version"),
])
def test_bad_transitions_answer_400_on_their_field(stations, body, field):
    taken = case(stations["station_a"], stations["worker_a"])
    response = api_as(stations["worker_a"]).post(f"{API}/cases/{taken.pk}/transition/", body, format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert ServiceCase.objects.get(pk=taken.pk).version == 1


def test_an_inactive_item_is_refused(stations):
    lowbao = item()
    service_item_update(item=lowbao, acting_user=stations["admin"], is_active=False)
    response = api_as(stations["worker_a"]).post(f"{API}/cases/", _body(stations), format="json")
    assert response.status_code == 400 and "service_item" in response.data

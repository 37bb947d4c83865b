"""appointments and shifts (三(二)3: 预约服务、上门办理、错时工作、周末倒班): validation through the services,
ETag/If-Match, scope with a user of another street and of another station of the same street, query counts."""

import datetime

import pytest
from django.db import reset_queries
from django.utils import timezone

from governance.roles import Role
from service_stations.models import Appointment, Shift
from tests import factories as f
from tests.conftest import api_as
from tests.service_stations.conftest import case

pytestmark = pytest.mark.django_db
API = "/api/v1"
DAY = datetime.date(2025, 10, 9)


@pytest.fixture
def w(stations):
    """`stations`, plus a second station of street a with its worker, and the staff of street b."""
    stations["station_a2"] = f.station(stations["a"], f.community(stations["a"], name="甲二社区"))
    stations["worker_a2"] = f.user(Role.STATION_WORKER, stations["station_a2"])
    stations["street_b_user"] = f.user(Role.STREET_STAFF, stations["b"])
    return stations


def _appointment(w, **extra):
    return {"station": w["station_a"].pk, "kind": "appointment", "date": DAY.isoformat(), "slot": "am",
            "worker": w["worker_a"].pk, "applicant_name": "马秀兰", **extra}


def _booked(w, **extra) -> Appointment:
    response = api_as(w["worker_a"]).post(f"{API}/appointments/", _appointment(w, **extra), format="json")
    assert response.status_code == 201, response.data
    return Appointment.objects.get(pk=response.data["id"])


def _shift(w, **extra):
    return {"station": w["station_a"].pk, "worker": w["worker_a"].pk, "date": DAY.isoformat(), "start": "09:00",
            "end": "12:00", **extra}


def _arranged(w, **extra) -> Shift:
    response = api_as(w["street_a_user"]).post(f"{API}/shifts/", _shift(w, **extra), format="json")
    assert response.status_code == 201, response.data
    return Shift.objects.get(pk=response.data["id"])


# --- appointments ------------------------------------------------------------------------------------

def test_a_worker_books_an_appointment_and_a_door_to_door_visit_needs_an_address(w):
    client = api_as(w["worker_a"])
    response = client.post(f"{API}/appointments/", _appointment(w), format="json")
    assert response.status_code == 201 and response["ETag"] == '"1"'
    assert (response.data["slot_label"], response.data["worker"]) == ("上午 9:00-12:00", w["worker_a"].pk)
    door = client.post(f"{API}/appointments/", _appointment(w, kind="door_to_door"), format="json")
    assert door.status_code == 400 and "上门办理须填写地址" in str(door.data)
    assert Appointment.objects.count() == 1
    door = client.post(f"{API}/appointments/", _appointment(w, kind="door_to_door", address="丽园路3号"), format="json")
    assert door.status_code == 201 and door.data["address"] == "丽园路3号"


@pytest.mark.parametrize("override,field", [
    ({"kind": "phone"}, "kind"), ({"slot": "night"}, "slot"), ({"date": "2025-13-01"}, "date"),
    ({"worker": 999999}, "worker"), ({"worker": "１"}, "worker"), ({"worker": True}, "worker"),
    ({"station": 999999}, "station"), ({"case": 999999}, "case"), ({"applicant_name": ""}, "applicant_name"),
])
def test_bad_appointment_input_answers_400_on_its_field(w, override, field):
    response = api_as(w["worker_a"]).post(f"{API}/appointments/", _appointment(w, **override), format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert Appointment.objects.count() == 0


def test_the_worker_and_the_case_must_be_the_stations(w):
    """The service refuses another station's worker and case, also for the district administrator who sees both."""
    admin = api_as(w["admin"])
    response = admin.post(f"{API}/appointments/", _appointment(w, worker=w["worker_a2"].pk), format="json")
    assert response.status_code == 400 and response.data["worker"] == ["只能安排本服务站的工作人员。"]
    # A login that is no station worker answers the same as an unknown id: scope does not leak.
    response = admin.post(f"{API}/appointments/", _appointment(w, worker=w["street_b_user"].pk), format="json")
    assert response.status_code == 400 and response.data["worker"] == ["只能安排本服务站的工作人员。"]
    other_case = case(w["station_a2"], w["worker_a2"])
    response = admin.post(f"{API}/appointments/", _appointment(w, case=other_case.pk), format="json")
    assert response.status_code == 400 and "case" in response.data
    assert Appointment.objects.count() == 0
    own_case = case(w["station_a"], w["worker_a"])
    assert admin.post(f"{API}/appointments/", _appointment(w, case=own_case.pk), format="json").status_code == 201


def test_moving_an_appointment_needs_the_current_version(w):
    booked = _booked(w)
    client = api_as(w["worker_a"])
    url = f"{API}/appointments/{booked.pk}/"
    assert client.get(url)["ETag"] == '"1"'
    moved = client.patch(url, {"slot": "evening"}, format="json", HTTP_IF_MATCH='"1"')
    assert moved.status_code == 200 and moved.data["version"] == 2 and moved["ETag"] == '"2"'
    stale = client.patch(url, {"slot": "pm"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.data["current_version"] == 2
    assert client.patch(url, {"station": w["station_a2"].pk}, format="json").status_code == 400  # not in scope
    booked.refresh_from_db()
    assert (booked.slot, booked.version, booked.station_id) == ("evening", 2, w["station_a"].pk)
    assert [h.slot for h in booked.history.order_by("history_id")] == ["am", "evening"]


def test_the_street_may_not_move_an_appointment_to_another_of_its_stations(w):
    booked = _booked(w)
    response = api_as(w["admin"]).patch(f"{API}/appointments/{booked.pk}/", {"station": w["station_a2"].pk},
                                        format="json")
    assert response.status_code == 400 and "station" in response.data
    assert Appointment.objects.get(pk=booked.pk).station_id == w["station_a"].pk


def test_appointment_scope_by_station_and_street(w):
    booked = _booked(w)
    url = f"{API}/appointments/{booked.pk}/"
    for who in ("worker_a2", "worker_b", "street_b_user"):
        client = api_as(w[who])
        assert client.get(f"{API}/appointments/").data["count"] == 0
        assert client.get(url).status_code == 404
    assert api_as(w["worker_a2"]).patch(url, {"slot": "pm"}, format="json").status_code == 404
    # Street b's staff may not change appointments at all: refused before scope.
    assert api_as(w["street_b_user"]).patch(url, {"slot": "pm"}, format="json").status_code == 403
    # Another station's worker cannot book here (the station is not among their choices).
    response = api_as(w["worker_a2"]).post(f"{API}/appointments/", _appointment(w, worker=w["worker_a2"].pk),
                                           format="json")
    assert response.status_code == 400 and "station" in response.data
    # The street's staff read their stations' appointments, and do not book them.
    street = api_as(w["street_a_user"])
    assert [a["id"] for a in street.get(f"{API}/appointments/").data["results"]] == [booked.pk]
    assert street.post(f"{API}/appointments/", _appointment(w), format="json").status_code == 403
    assert street.patch(url, {"slot": "pm"}, format="json").status_code == 403
    assert list(Appointment.objects.values_list("pk", "slot", "version")) == [(booked.pk, "am", 1)]


# --- shifts -------------------------------------------------------------------------------------------

def test_the_street_arranges_shifts_without_overlap(w):
    client = api_as(w["street_a_user"])
    first = client.post(f"{API}/shifts/", _shift(w), format="json")
    assert first.status_code == 201 and first["ETag"] == '"1"'
    overlap = client.post(f"{API}/shifts/", _shift(w, start="11:59", end="14:00"), format="json")
    assert overlap.status_code == 400 and "start" in overlap.data
    backwards = client.post(f"{API}/shifts/", _shift(w, start="18:00", end="17:30"), format="json")
    assert backwards.status_code == 400 and "结束时间须晚于开始时间" in str(backwards.data)
    # Back to back is no overlap: the staggered evening hours (错时) start when the day shift ends.
    evening = client.post(f"{API}/shifts/", _shift(w, start="12:00", end="19:30"), format="json")
    assert evening.status_code == 201
    weekend = client.post(f"{API}/shifts/", _shift(w, date="2025-10-11", is_weekend_rota=True), format="json")
    assert weekend.status_code == 201 and weekend.data["is_weekend_rota"] is True
    other = client.post(f"{API}/shifts/", _shift(w, worker=w["worker_a2"].pk), format="json")
    assert other.status_code == 400 and "worker" in other.data
    assert Shift.objects.count() == 3


def test_a_shift_moved_onto_another_is_refused_and_needs_the_current_version(w):
    morning = _arranged(w)
    afternoon = _arranged(w, start="14:30", end="17:30")
    client = api_as(w["street_a_user"])
    url = f"{API}/shifts/{afternoon.pk}/"
    response = client.patch(url, {"start": "11:00"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400 and "start" in response.data
    assert client.patch(url, {"start": "13:00"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    assert client.patch(url, {"start": "14:00"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    assert client.patch(f"{API}/shifts/{morning.pk}/", {"end": "12:30"}, format="json").status_code == 200
    assert Shift.objects.get(pk=afternoon.pk).start == datetime.time(13, 0)


def test_who_is_on_duty_now(w):
    today = timezone.localdate()
    now_shift = _arranged(w, date=today.isoformat(), start="00:00", end="23:59:59.999999")
    _arranged(w, date=(today + datetime.timedelta(days=1)).isoformat())
    f.user(Role.STATION_WORKER, w["station_a2"])
    other = api_as(w["street_a_user"]).post(f"{API}/shifts/", _shift(
        w, station=w["station_a2"].pk, worker=w["worker_a2"].pk, date=today.isoformat(), start="00:00",
        end="23:59:59.999999"), format="json")
    assert other.status_code == 201
    street = api_as(w["street_a_user"])
    assert sorted(s["id"] for s in street.get(f"{API}/shifts/on-duty/").data) == sorted([now_shift.pk, other.data["id"]])
    data = street.get(f"{API}/shifts/on-duty/?station={w['station_a'].pk}").data
    assert [(s["id"], s["worker"]) for s in data] == [(now_shift.pk, w["worker_a"].pk)]
    assert [s["id"] for s in api_as(w["worker_a"]).get(f"{API}/shifts/on-duty/").data] == [now_shift.pk]
    assert api_as(w["street_b_user"]).get(f"{API}/shifts/on-duty/").data == []
    response = api_as(w["street_b_user"]).get(f"{API}/shifts/on-duty/?station={w['station_a'].pk}")
    assert response.status_code == 400 and "station" in response.data


def test_shift_scope_by_station_and_street(w):
    shift = _arranged(w)
    url = f"{API}/shifts/{shift.pk}/"
    for who in ("worker_a2", "worker_b", "street_b_user"):
        client = api_as(w[who])
        assert client.get(f"{API}/shifts/").data["count"] == 0
        assert client.get(url).status_code == 404
    assert api_as(w["street_b_user"]).patch(url, {"end": "12:30"}, format="json").status_code == 404
    response = api_as(w["street_b_user"]).post(f"{API}/shifts/", _shift(w), format="json")
    assert response.status_code == 400 and "station" in response.data
    # Station workers read their station's rota and do not arrange it.
    worker = api_as(w["worker_a"])
    assert [s["id"] for s in worker.get(f"{API}/shifts/").data["results"]] == [shift.pk]
    assert worker.patch(url, {"end": "12:30"}, format="json").status_code == 403
    assert worker.post(f"{API}/shifts/", _shift(w, date="2025-10-10"), format="json").status_code == 403
    assert list(Shift.objects.values_list("pk", "end", "version")) == [(shift.pk, datetime.time(12), 1)]


# --- query counts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", ["appointments", "shifts", "shifts/on-duty"])
def test_lists_answer_in_constant_queries(w, endpoint, django_assert_max_num_queries):
    today = timezone.localdate().isoformat()

    def add(n):
        """n colleagues, each with an appointment and a shift covering today (so on duty now)."""
        for _ in range(n):
            colleague = f.user(Role.STATION_WORKER, w["station_a"])
            _booked(w, worker=colleague.pk)
            _arranged(w, worker=colleague.pk, date=today, start="00:00", end="23:59:59.999999")

    add(1)
    client = api_as(w["street_a_user"])
    client.get(f"{API}/{endpoint}/")
    reset_queries()  # the log keeps 9,000 queries: past that, a capture would count none
    with django_assert_max_num_queries(12) as few:
        client.get(f"{API}/{endpoint}/")
    bound = len(few.captured_queries)  # read now: the capture is a slice of the log, which is reset below
    add(5)
    reset_queries()
    with django_assert_max_num_queries(bound):
        response = client.get(f"{API}/{endpoint}/")
    assert response.status_code == 200
    assert len(response.data if endpoint == "shifts/on-duty" else response.data["results"]) == 6

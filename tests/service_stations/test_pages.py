"""The station's pages: counter, dashboard, case page, receipt, notice, overdue, checklist; scope and query counts."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from service_stations.models import CaseStatus, ServiceCase, StationChecklistEntry
from tests import factories as f
from tests.service_stations.conftest import case, id_number, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def test_a_station_worker_lands_on_their_station(stations, client_as):
    response = client_as(stations["worker_a"]).get("/")
    assert response.status_code == 302 and response.url == reverse("station-dashboard", args=[stations["station_a"].pk])


def test_taking_in_a_case_at_the_counter(stations, client_as):
    client = client_as(stations["worker_a"])
    url = reverse("station-counter", args=[stations["station_a"].pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-pinyin="cxjmzdshbzsq"' in page.content.decode()
    lowbao = item()
    response = client.post(url, {"service_item": lowbao.pk, "applicant_name": "马建华", "applicant_id_number": id_number(),
                                 "applicant_phone": "13995112345", "channel": "counter",
                                 "materials_received": lowbao.required_materials[:1]})
    taken = ServiceCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("case-page", args=[taken.pk])
    assert taken.materials_missing == lowbao.required_materials[1:] and taken.notice_given_at
    page = client.get(response.url).content.decode()
    assert taken.number in page and "打印一次性告知单" in page and "首问负责人" in page
    receipt = client.get(reverse("case-receipt", args=[taken.pk])).content.decode()
    assert taken.number in receipt and f"{taken.due_date:%Y年%-m月%-d日}" in receipt
    notice = client.get(reverse("case-notice", args=[taken.pk])).content.decode()
    assert lowbao.required_materials[1] in notice


def test_the_counter_refuses_a_bad_check_digit_on_its_field(stations, client_as):
    good = id_number()
    response = client_as(stations["worker_a"]).post(
        reverse("station-counter", args=[stations["station_a"].pk]),
        {"service_item": item().pk, "applicant_name": "马建华", "applicant_phone": "13995112345", "channel": "counter",
         "applicant_id_number": good[:17] + ("0" if good[17] != "0" else "1")})
    assert response.status_code == 200
    assert "校验位" in str(response.context["form"].errors["applicant_id_number"])
    assert ServiceCase.objects.count() == 0


def test_a_stale_transition_on_the_page_is_a_message_not_an_overwrite(stations, client_as):
    taken = case(stations["station_a"], stations["worker_a"])
    client = client_as(stations["worker_a"])
    url = reverse("case-page", args=[taken.pk])
    assert client.post(url, {"status": "handling", "expected_version": 1}).status_code == 302
    response = client.post(url, {"status": "returned", "expected_version": 1})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert ServiceCase.objects.get(pk=taken.pk).status == CaseStatus.HANDLING


def test_the_case_page_masks_for_street_staff_and_shows_the_history(stations, client_as):
    taken = case(stations["station_a"], stations["worker_a"])
    page = client_as(stations["street_a_user"]).get(reverse("case-page", args=[taken.pk])).content.decode()
    assert taken.applicant_id_number not in page and "139****2345" in page and "办理记录" in page


def test_another_streets_worker_sees_and_changes_nothing(stations, client_as):
    taken = case(stations["station_a"], stations["worker_a"])
    client = client_as(stations["worker_b"])
    for name in ("case-page", "case-receipt", "case-notice"):
        assert client.get(reverse(name, args=[taken.pk])).status_code == 404
    assert client.post(reverse("case-page", args=[taken.pk]), {"status": "handling", "expected_version": 1}).status_code == 404
    for name in ("station-dashboard", "station-counter"):
        assert client.get(reverse(name, args=[stations["station_a"].pk])).status_code == 404
    assert client.post(reverse("station-counter", args=[stations["station_a"].pk]),
                       {"service_item": item().pk, "applicant_name": "x", "applicant_phone": "13995112345",
                        "channel": "counter"}).status_code == 404
    assert ServiceCase.objects.get().status == CaseStatus.RECEIVED and ServiceCase.objects.count() == 1
    overdue = client.get(reverse("stations-overdue")).content.decode()
    assert stations["station_a"].name not in overdue


def test_the_dashboard_and_overdue_view_answer_in_constant_queries(stations, client_as, django_assert_max_num_queries):
    client = client_as(stations["worker_a"])
    old = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)
    case(stations["station_a"], stations["worker_a"], received_at=old)
    urls = [reverse("station-dashboard", args=[stations["station_a"].pk]), reverse("stations-overdue")]
    counts = {}
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    for _ in range(5):
        case(stations["station_a"], stations["worker_a"], received_at=old)
        f.station(stations["a"], f.community(stations["a"]))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_dashboard_counts_and_lists_the_queue(stations, client_as, monkeypatch):
    from service_stations import views
    from service_stations.services import case_transition

    old = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)
    late = [case(stations["station_a"], stations["worker_a"], received_at=old) for _ in range(2)]
    done = case(stations["station_a"], stations["worker_a"], received_at=old)
    case_transition(case=done, acting_user=stations["worker_a"], status=CaseStatus.RETURNED)
    new = case(stations["station_a"], stations["worker_a"], received_at=timezone.now())
    case(stations["station_b"], stations["worker_b"], received_at=old)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)  # the counts are the whole queue's, whatever a list shows
    response = client_as(stations["worker_a"]).get(reverse("station-dashboard", args=[stations["station_a"].pk]))
    assert response.context["counts"] == {"open": 3, "overdue": 2, "due_soon": 0, "received_today": 1}
    assert [r["id"] for r in response.context["overdue"]] == [c.pk for c in late]
    assert [r["id"] for r in response.context["received_today"]] == [new.pk]
    page = response.context["open_page"]
    assert [r["id"] for r in page] == [c.pk for c in late] and page.paginator.num_pages == 2
    html = response.content.decode()
    assert late[0].number in html and "已受理" in html and item().name in html and done.number not in html


def test_the_district_sees_overdue_counts_by_station(stations, client_as):
    old = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)
    case(stations["station_a"], stations["worker_a"], received_at=old)
    response = client_as(stations["orgdept"]).get(reverse("stations-overdue"))
    rows = {r["station"].pk: r for r in response.context["rows"]}
    assert rows[stations["station_a"].pk]["overdue"] == 1 and rows[stations["station_b"].pk]["overdue"] == 0


def _chart_data(html: str) -> dict:
    """The overdue chart's data as the page hands it to static/js/charts.js (json_script, no inline script)."""
    found = re.search(r'<script id="chart-overdue-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def test_the_overdue_views_chart_the_counts_by_station(stations, client_as, django_assert_max_num_queries):
    old = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)
    for _ in range(3):
        case(stations["station_a"], stations["worker_a"], received_at=old)
    case(stations["station_a"], stations["worker_a"], received_at=timezone.now())
    case(stations["station_b"], stations["worker_b"], received_at=timezone.now())
    district = client_as(stations["orgdept"]).get(reverse("stations-overdue")).content.decode()
    chart = _chart_data(district)
    assert chart["categories"] == [stations["station_a"].name, stations["station_b"].name]
    assert {s["name"]: s["data"] for s in chart["series"]} == {"已超期": [3, 0], "今日到期": [0, 0], "其余在办": [1, 1]}
    assert 'data-source="chart-overdue-data"' in district and "/static/vendor/echarts/echarts.min.js" in district
    assert "<table>" in district  # the table stays beside the chart
    street = client_as(stations["street_a_user"]).get(reverse("stations-overdue")).content.decode()
    chart = _chart_data(street)
    assert chart["categories"] == [stations["station_a"].name]
    assert [s["data"] for s in chart["series"]] == [[3], [0], [1]]
    # Constant queries whatever the stations and cases: the chart reads the rows the table reads.
    client = client_as(stations["orgdept"])
    url = reverse("stations-overdue")
    client.get(url)
    with django_assert_max_num_queries(40) as ctx:
        client.get(url)
    bound = len(ctx.captured_queries)
    extras = []
    for _ in range(4):
        extras.append(f.station(stations["b"], f.community(stations["b"])))
        case(extras[-1], None, received_at=old)
    with django_assert_max_num_queries(bound):
        html = client.get(url).content.decode()
    chart = _chart_data(html)
    overdue = dict(zip(chart["categories"], chart["series"][0]["data"], strict=True))
    assert overdue == {stations["station_a"].name: 3, stations["station_b"].name: 0, **{s.name: 1 for s in extras}}


def test_the_street_marks_the_checklist_and_the_district_sees_what_is_missing(stations, client_as):
    client = client_as(stations["street_a_user"])
    url = reverse("station-checklist", args=[stations["station_a"].pk])
    assert client.post(url, {"met": ["training", "sign"]}).status_code == 302
    assert set(StationChecklistEntry.objects.filter(met=True).values_list("item", flat=True)) == {"training", "sign"}
    # A station worker reads it but does not change it.
    response = client_as(stations["worker_a"]).post(url, {"met": ["dress"]})
    assert response.status_code == 403
    overview = client_as(stations["admin"]).get(reverse("stations-checklist"))
    by_item = dict(overview.context["by_item"])
    assert by_item["统一培训工作人员"] == 1 and by_item["统一着装要求"] == 2


def test_a_worker_books_a_door_to_door_visit_which_needs_an_address(stations, client_as):
    from service_stations.models import Appointment

    client = client_as(stations["worker_a"])
    url = reverse("station-appointment-new", args=[stations["station_a"].pk])
    body = {"kind": "door_to_door", "date": "2025-10-09", "slot": "am", "worker": stations["worker_a"].pk,
            "applicant_name": "马秀兰", "address": ""}
    response = client.post(url, body)
    assert response.status_code == 200 and "上门办理须填写地址" in response.content.decode()
    assert Appointment.objects.count() == 0
    assert client.post(url, {**body, "address": "丽园路3号2单元"}).status_code == 302
    assert Appointment.objects.get().worker == stations["worker_a"]
    # Another station's worker is not among the choices, and another street's worker cannot book here.
    response = client.post(url, {**body, "address": "x", "worker": stations["worker_b"].pk})
    assert "worker" in response.context["form"].errors
    assert client_as(stations["worker_b"]).post(url, {**body, "address": "x"}).status_code == 404
    assert Appointment.objects.count() == 1


def test_the_street_arranges_shifts_and_the_dashboard_shows_who_is_on_duty(stations, client_as):
    import datetime as dt

    from django.utils import timezone

    now = timezone.localtime()
    if now.hour in (0, 23):
        pytest.skip("the shift would cross midnight")
    client = client_as(stations["street_a_user"])
    url = reverse("station-shift-new", args=[stations["station_a"].pk])
    start, end = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0), \
        (now + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    assert client.post(url, {"worker": stations["worker_a"].pk, "date": now.date().isoformat(),
                             "start": end.strftime("%H:%M"), "end": start.strftime("%H:%M")}).status_code == 200
    assert client.post(url, {"worker": stations["worker_a"].pk, "date": now.date().isoformat(),
                             "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}).status_code == 302
    page = client_as(stations["worker_a"]).get(reverse("station-dashboard", args=[stations["station_a"].pk]))
    assert [s.worker for s in page.context["on_duty"]] == [stations["worker_a"]]
    assert client_as(stations["worker_a"]).get(url).status_code == 403


def test_handing_on_keeps_the_first_inquiry_owner(stations, client_as):
    from governance.roles import Role

    colleague = f.user(Role.STATION_WORKER, stations["station_a"])
    taken = case(stations["station_a"], stations["worker_a"])
    client = client_as(stations["worker_a"])
    url = reverse("case-hand-on", args=[taken.pk])
    assert client.post(url, {"handler": stations["worker_b"].pk, "expected_version": 1}).status_code == 200
    assert client.post(url, {"handler": colleague.pk, "expected_version": 1}).status_code == 302
    taken.refresh_from_db()
    assert (taken.handler, taken.first_owner) == (colleague, stations["worker_a"])
    assert client_as(stations["worker_b"]).post(url, {"handler": stations["worker_b"].pk,
                                                      "expected_version": 2}).status_code == 404


def test_the_district_audit_trail_does_not_show_applicants_in_clear(stations, client_as):
    taken = case(stations["station_a"], stations["worker_a"])
    page = client_as(stations["orgdept"]).get(reverse("audit-log")).content.decode()
    assert taken.applicant_id_number not in page and "13995112345" not in page

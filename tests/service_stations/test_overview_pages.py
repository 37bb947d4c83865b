"""The district's overviews of the stations (overdue, checklist) page their stations, 50 a page, with the
scope's totals whole on every page, in a constant number of queries (issue 14)."""

import datetime

import pytest
from django.urls import reverse

from service_stations import services, views
from service_stations.models import ServiceStation
from tests import factories as f
from tests.service_stations.conftest import case

pytestmark = pytest.mark.django_db
OLD = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def _in_order():
    return list(ServiceStation.objects.order_by("street__code", "code").values_list("pk", flat=True))


def test_the_overdue_page_pages_its_stations_and_keeps_the_totals_whole(stations, client_as, monkeypatch):
    extras = [f.station(stations["b"], f.community(stations["b"])) for _ in range(3)]
    for station in [stations["station_a"], stations["station_a"], *extras]:
        case(station, None, received_at=OLD)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_as(stations["orgdept"])
    order = _in_order()
    pages = [client.get(reverse("stations-overdue"), {"page": n}) for n in range(1, -(-len(order) // 2) + 1)]
    assert [r["station"].pk for p in pages for r in p.context["rows"]] == order
    rows = {r["station"].pk: r for p in pages for r in p.context["rows"]}
    assert rows[stations["station_a"].pk]["overdue"] == 2 and rows[extras[0].pk]["open"] == 1
    assert rows[stations["station_b"].pk]["open"] == 0
    for page in pages:  # every page: the whole district's totals, and the busiest station's count as the scale
        assert page.context["totals"] == {"open": 5, "overdue": 5, "due_today": 0, "peak": 2}
        assert page.context["peak"] == 2
        names = [r["station"].name for r in page.context["rows"]]
        assert page.context["chart_overdue"]["categories"] == names  # the chart shows the table's page


def test_the_checklist_overview_pages_its_stations_in_constant_queries(stations, client_as, monkeypatch,
                                                                       django_assert_max_num_queries):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_as(stations["admin"])
    url = reverse("stations-checklist")
    client.get(url)
    with django_assert_max_num_queries(40) as ctx:
        assert client.get(url).status_code == 200
    bound = len(ctx.captured_queries)
    extras = [f.station(stations["b"], f.community(stations["b"])) for _ in range(4)]
    for station in extras[:3]:
        services.checklist_set(station=station, acting_user=None, item="training", met=True)
    order = _in_order()
    pages = []
    for n in range(1, -(-len(order) // 2) + 1):
        with django_assert_max_num_queries(bound):
            pages.append(client.get(url, {"page": n}))
    assert [r["station"].pk for p in pages for r in p.context["rows"]] == order
    missing = {r["station"].pk: r["missing"] for p in pages for r in p.context["rows"]}
    assert "统一培训工作人员" not in missing[extras[0].pk] and "统一培训工作人员" in missing[extras[3].pk]
    for page in pages:  # the counts are the whole district's, whatever page
        assert page.context["total"] == len(order)
        assert dict(page.context["by_item"])["统一培训工作人员"] == len(order) - 3


def test_a_street_sees_only_its_stations_in_the_checklist_overview(stations, client_as):
    services.checklist_set(station=stations["station_b"], acting_user=None, item="training", met=True)
    response = client_as(stations["street_a_user"]).get(reverse("stations-checklist"))
    mine = set(ServiceStation.objects.filter(street=stations["a"]).values_list("pk", flat=True))
    assert {r["station"].pk for r in response.context["rows"]} == mine and response.context["total"] == len(mine)
    assert dict(response.context["by_item"])["统一培训工作人员"] == len(mine)

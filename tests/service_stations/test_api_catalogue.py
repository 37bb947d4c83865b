"""service-items and service-stations: the catalogue's versions, scope with another street, query counts."""

import pytest

from governance.roles import Role
from service_stations.models import ServiceItem, ServiceItemRevision, ServiceStation
from tests import factories as f
from tests.conftest import api_as
from tests.service_stations.conftest import case, item

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_exactly_33_default_items_ship_active_and_unconfirmed(admin_user):
    data = api_as(admin_user).get(f"{API}/service-items/?is_active=true").data
    assert data["count"] == 33
    first = data["results"][0]
    assert set(first) >= {"name", "time_limit_days", "department", "required_materials", "is_active"}
    assert isinstance(first["required_materials"], list) and isinstance(first["department"], int)
    assert all(r["is_default"] and not r["confirmed"] for r in data["results"])


def test_an_edit_is_a_new_version_and_the_case_keeps_its_own(stations):
    lowbao = item()
    taken = case(stations["station_a"], stations["worker_a"])
    client = api_as(stations["admin"])
    response = client.patch(f"{API}/service-items/{lowbao.pk}/", {"time_limit_days": 20}, format="json",
                            HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.data["version"] == 2
    assert list(ServiceItemRevision.objects.filter(item=lowbao).values_list("version", "time_limit_days")
                .order_by("version")) == [(1, 30), (2, 20)]
    stale = client.patch(f"{API}/service-items/{lowbao.pk}/", {"time_limit_days": 10}, format="json",
                         HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    taken.refresh_from_db()
    assert taken.item_revision.time_limit_days == 30
    data = api_as(stations["worker_a"]).get(f"{API}/cases/{taken.pk}/").data
    assert (data["service_item_version"], data["time_limit_days"]) == (1, 30)


def test_bad_materials_answer_400_and_write_nothing(admin_user):
    lowbao = item()
    response = api_as(admin_user).patch(f"{API}/service-items/{lowbao.pk}/", {"required_materials": "身份证"},
                                        format="json")
    assert response.status_code == 400 and "required_materials" in response.data
    assert ServiceItem.objects.get(pk=lowbao.pk).version == 1


def test_only_the_district_admin_edits_the_catalogue(stations):
    lowbao = item()
    for who in ("worker_a", "street_a_user", "orgdept"):
        client = api_as(stations[who])
        assert client.get(f"{API}/service-items/{lowbao.pk}/").status_code == 200
        assert client.patch(f"{API}/service-items/{lowbao.pk}/", {"time_limit_days": 1},
                            format="json").status_code == 403
    assert ServiceItem.objects.get(pk=lowbao.pk).time_limit_days == 30


def test_stations_with_communities_and_scope(stations):
    worker = api_as(stations["worker_a"])
    data = worker.get(f"{API}/service-stations/").data
    assert [(s["id"], s["communities"]) for s in data["results"]] == [(stations["station_a"].pk, [stations["ca"].pk])]
    assert worker.get(f"{API}/service-stations/{stations['station_b'].pk}/").status_code == 404
    assert api_as(stations["street_a_user"]).get(f"{API}/service-stations/{stations['station_b'].pk}/").status_code == 404
    # Street staff read stations (the district administrator keeps them): a change is refused before scope.
    assert api_as(stations["street_a_user"]).patch(f"{API}/service-stations/{stations['station_b'].pk}/",
                                                   {"name": "改名"}, format="json").status_code == 403
    assert ServiceStation.objects.get(pk=stations["station_b"].pk).name != "改名"


@pytest.mark.parametrize("endpoint", ["service-items", "service-stations"])
def test_lists_answer_in_constant_queries(stations, endpoint, django_assert_max_num_queries):
    client = api_as(stations["admin"])
    client.get(f"{API}/{endpoint}/")
    with django_assert_max_num_queries(12) as few:
        client.get(f"{API}/{endpoint}/")
    for _ in range(4):
        f.station(stations["a"], f.community(stations["a"]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}/{endpoint}/").status_code == 200


def test_a_station_worker_token_sees_only_the_station(stations):
    user = f.user(Role.STATION_WORKER, stations["station_b"])
    case(stations["station_a"], stations["worker_a"])
    assert api_as(user).get(f"{API}/cases/").data["count"] == 0

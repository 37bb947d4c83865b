"""Who opens a cycle for whom (三(四)3, 二(四)2): the organisation department district-wide, a street its
street (community workers each half year), a community itself (grid workers each quarter); anything else
refused with its exact status, on the API and the pages; no subject opened twice for one period."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import Assessment, AssessmentCycle, RaterKind, ScoreSheet, SubjectKind
from assessments.services import cycle_open, scheme_create
from governance.roles import Role
from tests import factories as f
from tests.assessments.conftest import crit
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def grid_scheme(db):
    return scheme_create(acting_user=None, name="网格员季度测试", subject_kind=SubjectKind.GRID_WORKER,
                         period="quarterly", components=[
                             {"rater_kind": RaterKind.COMMUNITY, "weight": 100, "criteria": crit(("走访", 100))}])


def test_a_street_opens_its_community_workers_half_year_through_the_api(world, worker_scheme):
    response = api_as(world["street_user_a"]).post(f"{API}/assessment-cycles/", {
        "scheme": worker_scheme.pk, "year": 2024, "part": 2, "street": world["a"].pk}, format="json")
    assert response.status_code == 201, response.data
    cycle = AssessmentCycle.objects.get()
    assert (cycle.street, cycle.community, cycle.label) == (world["a"], None, "2024年下半年")
    assert set(Assessment.objects.values_list("subject_name", flat=True)) == {"社工a1", "社工a2", "网格员a"}  # grid workers are community workers
    assert set(ScoreSheet.objects.values_list("street_id", flat=True)) == {world["a"].pk}
    # the street sees its cycle; another street does not (404)
    assert api_as(world["street_user_a"]).get(f"{API}/assessment-cycles/{cycle.pk}/").status_code == 200
    assert api_as(world["street_user_b"]).get(f"{API}/assessment-cycles/{cycle.pk}/").status_code == 404


def test_a_street_cannot_open_for_another_street_400_nor_the_district_403(world, worker_scheme):
    client = api_as(world["street_user_a"])
    other = client.post(f"{API}/assessment-cycles/", {"scheme": worker_scheme.pk, "year": 2024,
                                                      "street": world["b"].pk}, format="json")
    assert other.status_code == 400 and "street" in other.data  # another street's id is an unknown id
    district = client.post(f"{API}/assessment-cycles/", {"scheme": worker_scheme.pk, "year": 2024}, format="json")
    assert district.status_code == 403
    community_b = client.post(f"{API}/assessment-cycles/", {"scheme": worker_scheme.pk, "year": 2024,
                                                            "community": world["cb"].pk}, format="json")
    assert community_b.status_code == 400 and "community" in community_b.data
    assert not AssessmentCycle.objects.exists() and not ScoreSheet.objects.exists()


def test_a_community_opens_its_grid_workers_quarter_and_nothing_else(world, grid_scheme, unit_scheme):
    client = api_as(world["community_user_a"])
    response = client.post(f"{API}/assessment-cycles/", {"scheme": grid_scheme.pk, "year": 2024, "part": 3,
                                                         "community": world["ca"].pk}, format="json")
    assert response.status_code == 201, response.data
    cycle = AssessmentCycle.objects.get()
    assert (cycle.street, cycle.community, cycle.label) == (world["a"], world["ca"], "2024年第3季度")
    assert list(Assessment.objects.values_list("subject_name", flat=True)) == ["网格员a"]
    assert list(ScoreSheet.objects.values_list("rater_community_id", flat=True)) == [world["ca"].pk]
    # another community: an unknown id (400); the district or its whole street: 403
    other = client.post(f"{API}/assessment-cycles/", {"scheme": grid_scheme.pk, "year": 2024, "part": 4,
                                                      "community": world["cb"].pk}, format="json")
    assert other.status_code == 400
    district = client.post(f"{API}/assessment-cycles/", {"scheme": grid_scheme.pk, "year": 2024, "part": 4},
                           format="json")
    assert district.status_code == 403
    # a community opens community-level subjects only: stationed units are the street's
    units = client.post(f"{API}/assessment-cycles/", {"scheme": unit_scheme.pk, "year": 2024,
                                                      "community": world["ca"].pk}, format="json")
    assert units.status_code == 400 and "community" in units.data
    assert AssessmentCycle.objects.count() == 1
    # street b does not see community a's cycle
    assert api_as(world["community_user_b"]).get(f"{API}/assessment-cycles/{cycle.pk}/").status_code == 404
    assert api_as(world["street_user_a"]).get(f"{API}/assessment-cycles/{cycle.pk}/").status_code == 200


def test_the_service_refuses_a_street_user_for_another_street(world, worker_scheme):
    with pytest.raises(PermissionDenied):
        cycle_open(acting_user=world["street_user_a"], scheme=worker_scheme, year=2024, street=world["b"])
    with pytest.raises(PermissionDenied):
        cycle_open(acting_user=world["street_user_a"], scheme=worker_scheme, year=2024)
    with pytest.raises(PermissionDenied):  # a department user may read but not open
        cycle_open(acting_user=f.user(Role.DEPARTMENT_USER, f.department()), scheme=worker_scheme, year=2024,
                   street=world["a"])
    assert not AssessmentCycle.objects.exists()


@pytest.mark.parametrize(("first", "second"), [
    ({}, {"street": "a"}),                 # the district's cycle covers the street
    ({"street": "a"}, {}),                 # a street's cycle: the district cannot open the same period
    ({"community": "ca"}, {"street": "a"}),  # a community's cycle: its street cannot open it again
    ({"street": "a"}, {"community": "ca"}),
    ({"community": "ca"}, {"community": "ca"}),
])
def test_nobody_is_assessed_twice_in_one_period(world, grid_scheme, first, second):
    cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=1, **{k: world[v] for k, v in first.items()})
    with pytest.raises(ValidationError) as caught:
        cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=1, **{k: world[v] for k, v in second.items()})
    assert "part" in caught.value.message_dict
    assert AssessmentCycle.objects.count() == 1


def test_another_street_and_another_period_may_open(world, grid_scheme):
    cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=1, street=world["a"])
    cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=1, street=world["b"])
    cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=2, community=world["ca"])
    assert AssessmentCycle.objects.count() == 3


def test_the_opening_page_for_a_street(client, world, worker_scheme):
    client.force_login(world["street_user_a"])
    page = client.get("/assessments/cycles/open/")
    assert page.status_code == 200 and "乙街" not in page.content.decode()
    response = client.post("/assessments/cycles/open/", {"scheme": worker_scheme.pk, "year": 2024, "part": 1,
                                                          "street": world["b"].pk})
    assert response.status_code == 200 and not AssessmentCycle.objects.exists()  # another street: not a choice
    response = client.post("/assessments/cycles/open/", {"scheme": worker_scheme.pk, "year": 2024, "part": 1})
    assert response.status_code == 403 and not AssessmentCycle.objects.exists()  # the district's: refused
    response = client.post("/assessments/cycles/open/", {"scheme": worker_scheme.pk, "year": 2024, "part": 1,
                                                          "street": world["a"].pk})
    assert response.status_code == 302 and response["Location"] == "/assessments/cycles/"
    cycle = AssessmentCycle.objects.get()
    assert cycle.street == world["a"] and cycle.sheets.count() == 6  # 3 workers × (street + community)
    again = client.post("/assessments/cycles/open/", {"scheme": worker_scheme.pk, "year": 2024, "part": 1,
                                                       "street": world["a"].pk})
    assert again.status_code == 200 and "重复考核" in again.content.decode()
    listing = client.get("/assessments/cycles/")
    assert listing.status_code == 200 and "2024年上半年" in listing.content.decode()
    client.force_login(world["street_user_b"])
    assert "2024年上半年" not in client.get("/assessments/cycles/").content.decode()


def test_the_opening_page_for_a_community_and_for_a_department_user(client, world, grid_scheme):
    client.force_login(world["community_user_a"])
    assert client.post("/assessments/cycles/open/", {"scheme": grid_scheme.pk, "year": 2024, "part": 2,
                                                     "community": world["cb"].pk}).status_code == 200
    assert not AssessmentCycle.objects.exists()
    response = client.post("/assessments/cycles/open/", {"scheme": grid_scheme.pk, "year": 2024, "part": 2,
                                                         "community": world["ca"].pk})
    assert response.status_code == 302 and AssessmentCycle.objects.get().community == world["ca"]
    client.force_login(f.user(Role.DEPARTMENT_USER, f.department()))
    assert client.get("/assessments/cycles/open/").status_code == 403


def test_cycles_list_page_constant_queries(client, world, grid_scheme, django_assert_max_num_queries):
    client.force_login(world["street_user_a"])
    cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=1, street=world["a"])
    with django_assert_max_num_queries(12) as few:
        client.get("/assessments/cycles/")
    for part in (2, 3, 4):
        cycle_open(acting_user=None, scheme=grid_scheme, year=2024, part=part, community=world["ca"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/assessments/cycles/").status_code == 200

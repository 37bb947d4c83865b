"""The assessments API: schemes refused with 五(三), the party-building weight, score entry and review,
versions (409/412), scope between raters and streets, and constant query counts."""

import pytest

from assessments.models import AssessmentCycle, AssessmentScheme, RaterKind, Score, ScoreSheet
from assessments.services import cycle_open
from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


def scheme_body(subject_kind, weights, name="接口方案"):
    return {"name": name, "subject_kind": subject_kind, "period": "annual",
            "components": [{"rater_kind": k, "weight": w} for k, w in weights.items()]}


def test_scheme_post_at_the_floor_creates_it(world):
    response = api_as(world["orgdept"]).post(f"{API}/assessment-schemes/", scheme_body(
        "station_staff", {"community_party_organization": 50, "street": 50}), format="json")
    assert response.status_code == 201, response.data
    assert {c["rater_kind"]: c["weight"] for c in response.data["components"]} == {
        "community_party_organization": 50, "street": 50}


@pytest.mark.parametrize(("subject", "weights", "key"), [
    ("agency_head", {"street": 49, "department": 51}, "assessment.street_weight_on_agency_heads"),
    ("street_staff", {"residents_committee": 29, "street": 71}, "assessment.residents_weight_on_street_staff"),
    ("station_staff", {"community_party_organization": 49, "street": 51}, "assessment.party_weight_on_station_staff"),
])
def test_scheme_post_below_a_floor_answers_400_naming_the_clause(world, subject, weights, key):
    response = api_as(world["orgdept"]).post(f"{API}/assessment-schemes/", scheme_body(subject, weights), format="json")
    assert response.status_code == 400
    assert (response.data["rule"], response.data["clause"]) == (key, "五(三)")
    assert "components" in response.data
    assert not AssessmentScheme.objects.exists()


@pytest.mark.parametrize("body", [
    scheme_body("community_worker", {"street": 50, "community": 49}),
    scheme_body("community_worker", {"street": 0, "community": 100}),
    {"name": "x", "subject_kind": "nobody", "period": "annual", "components": []},
    {"name": "x", "subject_kind": "grid_worker", "period": "annual", "components": "bad"},
])
def test_scheme_bad_input_answers_400(world, body):
    response = api_as(world["orgdept"]).post(f"{API}/assessment-schemes/", body, format="json")
    assert response.status_code == 400
    assert not AssessmentScheme.objects.exists()


def test_street_staff_cannot_create_schemes(world):
    response = api_as(world["street_user_a"]).post(f"{API}/assessment-schemes/", scheme_body(
        "community_worker", {"street": 100}), format="json")
    assert response.status_code == 403
    assert not AssessmentScheme.objects.exists()


@pytest.mark.parametrize(("unit", "expected"), [("region_a", (10, 4, 6)), ("city_a", (20, 8, 12))])
def test_party_building_weight_endpoint(world, unit, expected):
    response = api_as(world["street_user_a"]).get(f"{API}/stationed-units/{world[unit].pk}/party-building-weight/")
    assert response.status_code == 200
    assert (response.data["total"], response.data["street"], response.data["community"]) == expected
    assert (response.data["rule"], response.data["clause"]) == ("stationed_unit.score_weights", "二(四)2")


def test_party_building_weight_of_another_street_is_404(world):
    response = api_as(world["street_user_a"]).get(f"{API}/stationed-units/{world['city_b'].pk}/party-building-weight/")
    assert response.status_code == 404


def test_cycle_opened_through_the_api(world, unit_scheme):
    response = api_as(world["orgdept"]).post(f"{API}/assessment-cycles/", {"scheme": unit_scheme.pk, "year": 2024},
                                             format="json")
    assert response.status_code == 201, response.data
    assert response.data["deadline"] == "2024-12-20"
    response = api_as(world["street_user_a"]).post(f"{API}/assessment-cycles/", {"scheme": unit_scheme.pk, "year": 2025},
                                                   format="json")
    assert response.status_code == 403
    assert AssessmentCycle.objects.count() == 1


def _sheet(world, scheme, side="a", kind=RaterKind.STREET):
    cycle = cycle_open(acting_user=None, scheme=scheme, year=2024)
    return cycle, cycle.sheets.get(assessment__person=world[f"worker_{side}"], rater_kind=kind)


def test_score_entry_draft_submit_and_review_through_the_api(world, worker_scheme):
    cycle, sheet = _sheet(world, worker_scheme)
    client = api_as(world["street_user_a"])
    first, second = sheet.component.criteria.all()
    response = client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(first.pk): "55"}}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "draft"
    assert [c["value"] for c in response.data["criteria"]] == ["55.00", None]
    etag = response["ETag"]
    response = client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "35"}}, format="json",
                            HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    # a stale version: 412 with If-Match, nothing changed
    response = client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "1"}}, format="json",
                            HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert Score.objects.get(sheet=sheet, criterion=second).value == 35
    response = client.post(f"{API}/scores/{sheet.pk}/submit/")
    assert response.status_code == 200 and response.data["status"] == "submitted"
    assert response.data["raw_score"] == "90.00"
    response = client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "40"}}, format="json")
    assert response.status_code == 400 and "status" in response.data
    # the street cannot review its own scores
    assert client.post(f"{API}/scores/{sheet.pk}/approve/").status_code == 403
    reviewer = api_as(world["orgdept"])
    response = reviewer.post(f"{API}/scores/{sheet.pk}/return/", {"comment": ""}, format="json")
    assert response.status_code == 400 and "comment" in response.data
    response = reviewer.post(f"{API}/scores/{sheet.pk}/return/", {"comment": "请核实"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "returned"
    response = client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "40"}}, format="json")
    assert response.status_code == 200
    assert client.post(f"{API}/scores/{sheet.pk}/submit/").data["raw_score"] == "95.00"
    assert reviewer.post(f"{API}/scores/{sheet.pk}/approve/").data["status"] == "approved"
    totals = reviewer.get(f"{API}/assessment-cycles/{cycle.pk}/totals/").data["results"]
    a1 = next(t for t in totals if t["subject_name"] == "社工a1")
    assert a1["total"] == "38.00" and "40%" in a1["formula"]


def test_orgdept_cannot_enter_a_street_s_scores(world, worker_scheme):
    _cycle, sheet = _sheet(world, worker_scheme)
    response = api_as(world["orgdept"]).patch(
        f"{API}/scores/{sheet.pk}/", {"scores": {str(sheet.component.criteria.first().pk): "1"}}, format="json")
    assert response.status_code == 404
    assert not Score.objects.exists()


@pytest.mark.parametrize("who", ["street_user_b", "community_user_b", "community_user_a"])
def test_raters_of_another_unit_see_and_change_nothing(world, worker_scheme, who):
    cycle, sheet = _sheet(world, worker_scheme)  # street a's sheet of its community worker
    client = api_as(world[who])
    before = ScoreSheet.objects.get(pk=sheet.pk).version
    assert client.get(f"{API}/scores/{sheet.pk}/").status_code == 404
    assert client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {}}, format="json").status_code == 404
    assert client.post(f"{API}/scores/{sheet.pk}/submit/").status_code == 404
    assert sheet.pk not in [s["id"] for s in client.get(f"{API}/scores/").data["results"]]
    assert ScoreSheet.objects.get(pk=sheet.pk).version == before and not Score.objects.exists()
    if who != "community_user_a":
        names = {t["subject_name"] for t in client.get(f"{API}/assessment-cycles/{cycle.pk}/totals/").data["results"]}
        assert names and not names & {"社工a1", "社工a2"}


def test_a_street_s_own_cycle_is_hidden_from_another_street(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, street=world["a"])
    assert api_as(world["street_user_b"]).get(f"{API}/assessment-cycles/{cycle.pk}/").status_code == 404
    assert api_as(world["street_user_a"]).get(f"{API}/assessment-cycles/{cycle.pk}/").status_code == 200


def test_publish_through_the_api(world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    assert api_as(world["street_user_a"]).post(f"{API}/assessment-cycles/{cycle.pk}/publish/").status_code == 403
    response = api_as(world["orgdept"]).post(f"{API}/assessment-cycles/{cycle.pk}/publish/")
    assert response.status_code == 400 and "status" in response.data
    progress = api_as(world["orgdept"]).get(f"{API}/assessment-cycles/{cycle.pk}/progress/").data
    assert {p["street"] for p in progress} == {world["a"].name, world["b"].name}


def _grow(world, scheme, n):
    from governance.models import PostKind

    for i in range(n):
        for side in ("a", "b"):
            f.post(PostKind.RC_MEMBER, community=world[f"c{side}"],
                   person=f.person(street=world[side], community=world[f"c{side}"], name=f"加{side}{i}"))
    return cycle_open(acting_user=None, scheme=scheme, year=2024)


@pytest.mark.parametrize("n", [1, 6])
def test_list_endpoints_run_constant_queries(world, worker_scheme, django_assert_max_num_queries, n):
    cycle = _grow(world, worker_scheme, n)
    reviewer, street = api_as(world["orgdept"]), api_as(world["street_user_a"])
    for client, url in [(reviewer, f"{API}/scores/"), (street, f"{API}/scores/"),
                        (reviewer, f"{API}/assessment-cycles/"), (reviewer, f"{API}/assessment-schemes/"),
                        (reviewer, f"{API}/assessment-cycles/{cycle.pk}/totals/"),
                        (street, f"{API}/assessment-cycles/{cycle.pk}/totals/"),
                        (reviewer, f"{API}/assessment-cycles/{cycle.pk}/progress/")]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_anonymous_sees_nothing(world, worker_scheme, api):
    assert api.get(f"{API}/scores/").status_code == 401
    assert api.get(f"{API}/assessment-schemes/").status_code == 401
    assert f.user(Role.GRID_WORKER, f.grid(world["ca"])) is not None


@pytest.mark.parametrize("body", [
    {"year": 2024, "part": 3},  # half-yearly: parts 1-2
    {"year": 2024, "part": 9},
    {"year": 99999},
    {"year": 2024, "excellent_share": 200},
    {"year": "abc"},
])
def test_cycle_bad_input_answers_400(world, worker_scheme, body):
    response = api_as(world["orgdept"]).post(f"{API}/assessment-cycles/", {"scheme": worker_scheme.pk, **body},
                                             format="json")
    assert response.status_code == 400
    assert not AssessmentCycle.objects.exists()


def test_the_same_cycle_twice_answers_400(world, worker_scheme):
    client = api_as(world["orgdept"])
    assert client.post(f"{API}/assessment-cycles/", {"scheme": worker_scheme.pk, "year": 2024},
                       format="json").status_code == 201
    response = client.post(f"{API}/assessment-cycles/", {"scheme": worker_scheme.pk, "year": 2024}, format="json")
    assert response.status_code == 400
    assert AssessmentCycle.objects.count() == 1


@pytest.mark.parametrize("scores", [{"abc": "1"}, {"999999": "1"}, {"1": "1e400"}, {"1": "-5"}, "nope"])
def test_score_bad_input_answers_400(world, worker_scheme, scores):
    _cycle, sheet = _sheet(world, worker_scheme)
    response = api_as(world["street_user_a"]).patch(f"{API}/scores/{sheet.pk}/", {"scores": scores}, format="json")
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_scores_cannot_be_created_directly(world):
    response = api_as(world["street_user_a"]).post(f"{API}/scores/", {}, format="json")
    assert response.status_code in (403, 405)  # 403: the street role holds no add permission on sheets
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize("who", ["street_user_b", "community_user_a"])
def test_schemes_are_read_but_not_changed_by_streets_and_communities(world, worker_scheme, who):
    client = api_as(world[who])
    assert client.get(f"{API}/assessment-schemes/{worker_scheme.pk}/").status_code == 200
    response = client.patch(f"{API}/assessment-schemes/{worker_scheme.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    worker_scheme.refresh_from_db()
    assert worker_scheme.name == "社区工作者测试考核" and worker_scheme.version == 1


def test_scheme_components_replaced_by_patch_are_checked(world):
    client = api_as(world["orgdept"])
    created = client.post(f"{API}/assessment-schemes/", scheme_body(
        "street_staff", {"residents_committee": 30, "street": 70}), format="json").data
    response = client.patch(f"{API}/assessment-schemes/{created['id']}/", {"components": [
        {"rater_kind": "residents_committee", "weight": 29}, {"rater_kind": "street", "weight": 71}]}, format="json",
        HTTP_IF_MATCH=f'"{created["version"]}"')
    assert response.status_code == 400
    assert (response.data["rule"], response.data["clause"]) == ("assessment.residents_weight_on_street_staff", "五(三)")
    response = client.patch(f"{API}/assessment-schemes/{created['id']}/", {"components": [
        {"rater_kind": "residents_committee", "weight": 40, "criteria": [{"name": "居民评价", "max_score": 100}]},
        {"rater_kind": "street", "weight": 60}]}, format="json", HTTP_IF_MATCH=f'"{created["version"]}"')
    assert response.status_code == 200
    assert response.data["version"] == created["version"] + 1
    assert response.data["components"][0]["criteria"][0]["name"] == "居民评价"

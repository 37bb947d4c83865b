"""A department's part in assessing the heads of the agencies it stations in the streets (五(三)): the
part reaches that department's users' to-do list, is scored and submitted by them only, returned and
re-submitted like any part, and counts in the weighted total."""

from decimal import Decimal

import pytest

from assessments.models import RaterKind, Score, ScoreSheet, SubjectKind
from assessments.score_selectors import cycle_totals, todo_for_user
from assessments.services import cycle_open, scheme_create, sheet_approve, sheet_return, sheet_save
from governance.models import PostKind
from tests import factories as f
from tests.assessments.conftest import crit
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _sheet(w, head, kind):
    return ScoreSheet.objects.get(cycle=w["cycle"], assessment__person=w[head], rater_kind=kind)


def test_each_head_s_department_part_goes_to_the_department_that_stationed_them(agency):
    assert _sheet(agency, "head_a", RaterKind.DEPARTMENT).rater_department == agency["police"]
    assert _sheet(agency, "head_b", RaterKind.DEPARTMENT).rater_department == agency["justice"]
    assert list(todo_for_user(user=agency["police_user"])) == [_sheet(agency, "head_a", RaterKind.DEPARTMENT)]
    assert list(todo_for_user(user=agency["justice_user"])) == [_sheet(agency, "head_b", RaterKind.DEPARTMENT)]
    assert list(todo_for_user(user=agency["orgdept"])) == []  # a named department's part is not the reviewer's
    assert list(todo_for_user(user=agency["street_user_a"])) == [_sheet(agency, "head_a", RaterKind.STREET)]


def test_a_scheme_may_name_the_department_and_an_unknown_origin_falls_to_the_organisation_department(agency):
    head = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=agency["a"], is_secondment=True,
                  seconded_from="综合执法中队队长", secondment_role="law_enforcement_head",
                  person=f.person(name="队长丙")).person
    named = scheme_create(acting_user=None, name="公安派驻测试", subject_kind=SubjectKind.AGENCY_HEAD, period="annual",
                          components=[{"rater_kind": RaterKind.STREET, "weight": 50, "criteria": crit(("配合", 100))},
                                      {"rater_kind": RaterKind.DEPARTMENT, "weight": 50, "department": agency["justice"],
                                       "criteria": crit(("业务", 100))}])
    cycle = cycle_open(acting_user=None, scheme=named, year=2024)
    assert set(cycle.sheets.filter(rater_kind=RaterKind.DEPARTMENT).values_list("rater_department", flat=True)) == {
        agency["justice"].pk}
    later = cycle_open(acting_user=None, scheme=agency["scheme"], year=2025)
    orphan = ScoreSheet.objects.get(cycle=later, assessment__person=head, rater_kind=RaterKind.DEPARTMENT)
    assert orphan.rater_department is None
    assert list(todo_for_user(user=agency["orgdept"])) == [orphan]


def test_only_the_department_s_users_score_its_part_through_the_api(agency):
    sheet = _sheet(agency, "head_a", RaterKind.DEPARTMENT)
    first, second = sheet.component.criteria.all()
    body = {"scores": {str(first.pk): "45"}}
    for other in ("justice_user", "orgdept", "street_user_a", "street_user_b"):
        response = api_as(agency[other]).patch(f"{API}/scores/{sheet.pk}/", body, format="json")
        assert response.status_code == 404, other
        assert api_as(agency[other]).post(f"{API}/scores/{sheet.pk}/submit/").status_code == 404
    assert not Score.objects.exists()
    client = api_as(agency["police_user"])
    response = client.patch(f"{API}/scores/{sheet.pk}/", body, format="json")
    assert response.status_code == 200 and response.data["status"] == "draft"
    assert response.data["rater"] == "兴庆区公安分局"
    assert client.post(f"{API}/scores/{sheet.pk}/submit/").status_code == 400  # a criterion not scored yet
    response = client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "27"}}, format="json")
    assert response.status_code == 200
    response = client.post(f"{API}/scores/{sheet.pk}/submit/")
    assert response.status_code == 200 and response.data["status"] == "submitted"
    assert response.data["raw_score"] == "72.00"
    # submitted: changed only once returned
    assert client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "30"}},
                        format="json").status_code == 400
    assert client.post(f"{API}/scores/{sheet.pk}/return/", {"comment": "x"}, format="json").status_code == 403
    response = api_as(agency["orgdept"]).post(f"{API}/scores/{sheet.pk}/return/", {"comment": "请说明扣分依据"},
                                              format="json")
    assert response.status_code == 200 and response.data["status"] == "returned"
    assert client.patch(f"{API}/scores/{sheet.pk}/", {"scores": {str(second.pk): "30"}},
                        format="json").status_code == 200
    response = client.post(f"{API}/scores/{sheet.pk}/submit/")
    assert response.status_code == 200 and response.data["raw_score"] == "75.00"
    assert api_as(agency["orgdept"]).post(f"{API}/scores/{sheet.pk}/approve/").status_code == 200


def test_the_department_s_pages(client, agency, django_assert_max_num_queries):
    sheet = _sheet(agency, "head_a", RaterKind.DEPARTMENT)
    client.force_login(agency["police_user"])
    with django_assert_max_num_queries(14) as few:
        page = client.get("/assessments/todo/")
    baseline = len(few.captured_queries)
    assert page.status_code == 200 and "所长甲" in page.content.decode() and "所长乙" not in page.content.decode()
    first, second = sheet.component.criteria.all()
    assert client.get(f"/assessments/sheets/{sheet.pk}/").status_code == 200
    response = client.post(f"/assessments/sheets/{sheet.pk}/", {f"c{first.pk}": "40", f"c{second.pk}": "20",
                                                               "expected_version": sheet.version, "submit": "1"})
    assert response.status_code == 302
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.SUBMITTED
    # more heads of the police bureau: the to-do list's queries do not grow
    for n in range(3):
        f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=agency["b"], is_secondment=True,
               seconded_from="兴庆区公安分局派出所所长", secondment_role="police_station_head",
               person=f.person(name=f"所长{n}"))
    cycle_open(acting_user=None, scheme=agency["scheme"], year=2025)
    with django_assert_max_num_queries(baseline):
        page = client.get("/assessments/todo/")
    assert page.content.decode().count("/assessments/sheets/") == 4  # head a and the three new heads, 2025
    client.force_login(agency["justice_user"])
    assert client.get(f"/assessments/sheets/{sheet.pk}/").status_code == 404
    client.force_login(agency["orgdept"])
    assert client.get(f"/assessments/sheets/{sheet.pk}/").status_code == 404


def test_weighted_total_with_a_department_part_by_hand(agency):
    w = agency
    street_sheet, dept_sheet = _sheet(w, "head_a", RaterKind.STREET), _sheet(w, "head_a", RaterKind.DEPARTMENT)
    (street_c,) = street_sheet.component.criteria.all()
    business, team = dept_sheet.component.criteria.all()
    sheet_save(sheet=street_sheet, acting_user=w["street_user_a"], scores={street_c.pk: "80"}, submit=True)
    sheet_save(sheet=dept_sheet, acting_user=w["police_user"], scores={business.pk: "45", team.pk: "27"}, submit=True)
    # street 80/100 = 80.00 × 60% = 48.00; department (45 + 27)/(50 + 30) = 90.00 × 40% = 36.00; total 84.00
    (total,) = [t for t in cycle_totals(cycle=w["cycle"]) if t.subject_name == "所长甲"]
    assert total.total == Decimal("84.00") and total.percent == Decimal("84.00") and total.complete
    assert total.formula == "职能部门 90.00×40% + 街道 80.00×60% = 84.00"
    # returned, the department's part leaves the total until it is submitted again
    sheet_approve(sheet=dept_sheet, acting_user=w["orgdept"])
    sheet_return(sheet=ScoreSheet.objects.get(pk=dept_sheet.pk), acting_user=w["orgdept"], comment="复核")
    (total,) = [t for t in cycle_totals(cycle=w["cycle"]) if t.subject_name == "所长甲"]
    assert total.total == Decimal("48.00") and not total.complete


def test_the_api_names_the_department_of_a_part_and_only_of_a_department_part(agency):
    client = api_as(agency["orgdept"])
    body = {"name": "派驻接口", "subject_kind": "agency_head", "period": "annual", "components": [
        {"rater_kind": "street", "weight": 50}, {"rater_kind": "department", "weight": 50,
                                                 "department": agency["police"].pk}]}
    response = client.post(f"{API}/assessment-schemes/", body, format="json")
    assert response.status_code == 201, response.data
    assert {c["rater_kind"]: c["department"] for c in response.data["components"]} == {
        "street": None, "department": agency["police"].pk}
    body = dict(body, name="派驻接口2", components=[
        {"rater_kind": "street", "weight": 50, "department": agency["police"].pk},
        {"rater_kind": "department", "weight": 50}])
    response = client.post(f"{API}/assessment-schemes/", body, format="json")
    assert response.status_code == 400 and "components" in response.data

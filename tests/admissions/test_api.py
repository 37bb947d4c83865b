"""The admissions API: admission-lists, task-assignments (accepted / refused 400 with rule and clause /
approved exceptions), honours-consultations; scope and query counts."""

import datetime

import pytest
from django.utils import timezone

from admissions.models import HonoursConsultation, HonoursOpinion, TaskAssignment, TaskRefusal
from admissions.services import honours_consultation_open, task_file
from governance.roles import Role
from tests import factories as f
from tests.admissions.conftest import task_body

pytestmark = pytest.mark.django_db
API = "/api/v1"


def body(w, *, level="street", side="a", **extra):
    data = {"title": "测试事项", "department": w["dept"].pk, "deadline": "2030-01-01"}
    data[f"target_{'street' if level == 'street' else 'community'}"] = w[side if level == "street" else f"c{side}"].pk
    data.update(extra)
    return data


def test_admission_lists_by_level_with_their_items(lists, api_for):
    client = api_for(f.user(Role.STREET_STAFF, lists["a"]))
    response = client.get(f"{API}/admission-lists/", {"level": "community"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["level"] for r in rows} == {"community"}
    mine = next(r for r in rows if r["id"] == lists["community_list"].pk)
    assert [i["name"] for i in mine["items"]] == ["社区事项"]
    assert mine["items"][0]["department_name"] == "测试局"


def test_district_admin_confirms_a_list_and_a_street_cannot(lists, api_for):
    url = f"{API}/admission-lists/{lists['street_list'].pk}/confirm/"
    assert api_for(f.user(Role.STREET_STAFF, lists["a"])).post(url).status_code == 403
    response = api_for(f.user(Role.DISTRICT_ADMIN)).post(url)
    assert response.status_code == 200 and response.json()["confirmed"] is True


@pytest.mark.parametrize(("level", "item", "clause"), [("street", "street_item", "二(一)"),
                                                       ("community", "community_item", "三(五)")])
def test_post_an_admissible_task(lists, api_for, level, item, clause):
    client = api_for(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    response = client.post(f"{API}/task-assignments/", body(lists, level=level, admission_item=lists[item].pk),
                           format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["clause"]) == ("accepted", clause)


@pytest.mark.parametrize(("level", "rule", "clause"), [("street", "admission.street_list", "二(一)"),
                                                       ("community", "admission.community_list", "三(五)")])
def test_post_a_task_off_the_list_is_400_naming_the_clause_and_writes_no_task(lists, api_for, level, rule, clause):
    client = api_for(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    response = client.post(f"{API}/task-assignments/", body(lists, level=level), format="json")
    assert response.status_code == 400
    assert (response.json()["rule"], response.json()["clause"]) == (rule, clause)
    assert not TaskAssignment.objects.exists()
    assert TaskRefusal.objects.filter(clause=clause).count() == 1


def test_post_an_approved_exception(lists, api_for):
    client = api_for(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    response = client.post(f"{API}/task-assignments/", body(
        lists, level="community", approval_document="兴编发〔2024〕3号", transferred_powers="检查权",
        transferred_staff=0, transferred_funds=30000), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["clause"]) == ("approved_exception", "三(五)")


def test_post_an_office_in_a_community_is_400(lists, api_for):
    client = api_for(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    response = client.post(f"{API}/task-assignments/", body(lists, level="community", kind="plaque",
                                                              admission_item=lists["community_item"].pk), format="json")
    assert response.status_code == 400
    assert (response.json()["rule"], response.json()["clause"]) == ("admission.community_offices", "三(五)")


def test_a_department_user_cannot_file_for_another_department(lists, api_for):
    client = api_for(f.user(Role.DEPARTMENT_USER, lists["other"]))
    response = client.post(f"{API}/task-assignments/", body(lists, admission_item=lists["street_item"].pk),
                           format="json")
    assert response.status_code == 400
    assert "department" in response.json()
    assert not TaskAssignment.objects.exists() and not TaskRefusal.objects.exists()


@pytest.mark.parametrize("bad", [{"deadline": "not a date"}, {"target_street": 999999}, {"department": "x"},
                                 {"admission_item": 999999}, {"transferred_staff": -1}])
def test_bad_input_is_400_not_500(lists, api_for, bad):
    client = api_for(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    response = client.post(f"{API}/task-assignments/", {**body(lists), **bad}, format="json")
    assert response.status_code == 400
    assert set(bad) & set(response.json())


def test_street_and_community_staff_cannot_file_tasks(lists, api_for):
    for user in (f.user(Role.STREET_STAFF, lists["a"]), f.user(Role.COMMUNITY_STAFF, lists["ca"])):
        response = api_for(user).post(f"{API}/task-assignments/", body(lists, admission_item=lists["street_item"].pk),
                                      format="json")
        assert response.status_code == 403
    assert not TaskAssignment.objects.exists()


@pytest.fixture
def tasks(lists):
    made = {}
    for side in ("a", "b"):
        made[side] = task_file(acting_user=None, **task_body(lists, side=side, admission_item=lists["street_item"]))
        made[f"c{side}"] = task_file(acting_user=None, **task_body(lists, level="community", side=side,
                                                                  admission_item=lists["community_item"]))
    return {**lists, "tasks": made}


def ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_a_street_sees_what_was_pushed_to_it_and_its_communities_not_another_streets(tasks, api_for):
    t = tasks["tasks"]
    client = api_for(f.user(Role.STREET_STAFF, tasks["a"]))
    assert ids(client.get(f"{API}/task-assignments/")) == {t["a"].pk, t["ca"].pk}
    assert client.get(f"{API}/task-assignments/{t['b'].pk}/").status_code == 404
    assert client.get(f"{API}/task-assignments/{t['a'].pk}/").json()["rule"] == "admission.street_list"


def test_each_task_names_its_target_street_or_community_in_one_query(tasks, api_for, django_assert_max_num_queries):
    # The target's name comes from the task's own street (a street's task) or its target community, read with
    # the page: no query per row, and another street's tasks stay out.
    t = tasks["tasks"]
    client = api_for(f.user(Role.STREET_STAFF, tasks["a"]))
    client.get(f"{API}/task-assignments/")
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/task-assignments/")
    names = {r["id"]: r["target_name"] for r in response.json()["results"]}
    assert names == {t["a"].pk: "甲街", t["ca"].pk: "甲一社区"}


def test_a_task_filed_through_the_api_names_its_target(lists, api_for):
    client = api_for(f.user(Role.DISTRICT_ADMIN))
    body = {**task_body(lists, admission_item=lists["street_item"].pk), "department": lists["dept"].pk,
            "target_street": lists["a"].pk}
    response = client.post(f"{API}/task-assignments/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["target_name"] == "甲街"


def test_a_community_sees_only_its_own_tasks_and_changes_nothing(tasks, api_for):
    t = tasks["tasks"]
    client = api_for(f.user(Role.COMMUNITY_STAFF, tasks["ca"]))
    assert ids(client.get(f"{API}/task-assignments/")) == {t["ca"].pk}
    assert client.patch(f"{API}/task-assignments/{t['ca'].pk}/", {"title": "改"}, format="json").status_code == 403
    assert client.patch(f"{API}/task-assignments/{t['cb'].pk}/", {"title": "改"}, format="json").status_code == 403
    assert TaskAssignment.objects.get(pk=t["cb"].pk).title == "测试事项"


def test_another_streets_user_cannot_open_or_veto_a_consultation(tasks, api_for):
    consultation = honours_consultation_open(acting_user=None, department=tasks["dept"], title="文明单位评选",
                                             candidates="某单位", street=tasks["a"], opened_on=timezone.localdate(),
                                             decision_date=timezone.localdate() + datetime.timedelta(days=30))
    other = api_for(f.user(Role.STREET_STAFF, tasks["b"]))
    assert other.get(f"{API}/honours-consultations/{consultation.pk}/").status_code == 404
    response = other.post(f"{API}/honours-consultations/{consultation.pk}/opinions/",
                          {"opinion": "否决", "recommends_veto": True}, format="json")
    assert response.status_code == 404
    assert not HonoursOpinion.objects.exists()


def test_the_street_records_a_veto_recommendation(tasks, api_for):
    consultation = honours_consultation_open(acting_user=None, department=tasks["dept"], title="文明单位评选",
                                             candidates="某单位", street=tasks["a"], community=tasks["ca"],
                                             decision_date=timezone.localdate() + datetime.timedelta(days=30))
    response = api_for(f.user(Role.STREET_STAFF, tasks["a"])).post(
        f"{API}/honours-consultations/{consultation.pk}/opinions/",
        {"opinion": "该单位存在安全隐患，建议否决", "recommends_veto": True}, format="json")
    assert response.status_code == 201, response.content
    community = api_for(f.user(Role.COMMUNITY_STAFF, tasks["ca"]))
    assert community.post(f"{API}/honours-consultations/{consultation.pk}/opinions/",
                          {"community": tasks["ca"].pk, "opinion": "同意"}, format="json").status_code == 201
    got = community.get(f"{API}/honours-consultations/{consultation.pk}/").json()
    assert got["vetoes"] == 1 and len(got["opinions"]) == 2


def test_a_department_opens_a_consultation_too_late_is_400(tasks, api_for):
    client = api_for(f.user(Role.DEPARTMENT_USER, tasks["dept"]))
    today = timezone.localdate()
    response = client.post(f"{API}/honours-consultations/", {
        "department": tasks["dept"].pk, "title": "平安单位评选", "candidates": "某单位", "street": tasks["a"].pk,
        "decision_date": (today + datetime.timedelta(days=3)).isoformat()}, format="json")
    assert response.status_code == 400
    assert (response.json()["rule"], response.json()["clause"]) == ("honours.consultation_working_days", "二(四)2")
    assert not HonoursConsultation.objects.exists()


@pytest.mark.parametrize("endpoint", ["task-assignments", "admission-lists", "honours-consultations"])
def test_list_query_count_is_constant(lists, api_for, django_assert_max_num_queries, endpoint):
    client = api_for(f.user(Role.DISTRICT_ADMIN))

    def grow(n):
        for _ in range(n):
            task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
            task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"]))
            honours_consultation_open(acting_user=None, department=lists["dept"], title="评选", candidates="x",
                                      street=lists["a"], decision_date=timezone.localdate() + datetime.timedelta(30))

    grow(2)
    client.get(f"{API}/{endpoint}/")
    with django_assert_max_num_queries(12) as small:
        client.get(f"{API}/{endpoint}/")
    grow(8)
    with django_assert_max_num_queries(12) as large:
        response = client.get(f"{API}/{endpoint}/")
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_department_changes_only_its_own_consultations(tasks, api_for):
    consultation = honours_consultation_open(acting_user=None, department=tasks["dept"], title="文明单位评选",
                                             candidates="某单位", street=tasks["a"],
                                             decision_date=timezone.localdate() + datetime.timedelta(days=30))
    url = f"{API}/honours-consultations/{consultation.pk}/"
    other = api_for(f.user(Role.DEPARTMENT_USER, tasks["other"]))
    response = other.patch(url, {"title": "改名"}, format="json")
    assert response.status_code == 400 and "department" in response.json()
    own = api_for(f.user(Role.DEPARTMENT_USER, tasks["dept"]))
    assert own.patch(url, {"title": "改名"}, format="json").status_code == 200
    consultation.refresh_from_db()
    assert consultation.title == "改名"


def test_the_lean_serialisers_answer_what_drf_answers(tasks, rf):
    # Issue 14: the lists' serialisers read plain columns straight from the row (LeanReadMixin, ChoiceLabelField);
    # every field, in order, is what DRF's own path answers.
    from rest_framework import serializers

    from admissions.api import HonoursConsultationSerializer, TaskAssignmentSerializer
    from admissions.selectors import honours_for_user, tasks_for_user
    from admissions.services import honours_opinion_record

    consultation = honours_consultation_open(acting_user=None, department=tasks["dept"], title="文明单位评选",
                                             candidates="某单位", street=tasks["a"], community=tasks["ca"],
                                             decision_date=timezone.localdate() + datetime.timedelta(days=30))
    honours_opinion_record(acting_user=None, consultation=consultation, street=tasks["a"], opinion="否决",
                           recommends_veto=True)
    request = rf.get("/")
    request.user = f.user(Role.DISTRICT_ADMIN)
    for serializer_class, rows in ((TaskAssignmentSerializer, tasks_for_user(user=request.user)),
                                   (HonoursConsultationSerializer, honours_for_user(user=request.user))):
        serializer = serializer_class(context={"request": request})
        assert rows
        for row in rows:
            lean, drf = serializer.to_representation(row), serializers.Serializer.to_representation(serializer, row)
            assert lean == drf
            assert list(lean) == list(drf)

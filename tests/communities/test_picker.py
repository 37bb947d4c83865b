"""The community picker (communities.picker): a scoped search instead of a select of every community, and a
form field that takes the chosen id (or, without JavaScript, the code or exact name typed) within the user's
scope; on every form and list filter that takes a community."""

import pytest
from django.test import Client

from admissions.models import HonoursConsultation, TaskAssignment
from communities.selectors import SEARCH_LIMIT
from governance.models import StationedUnit
from governance.roles import Role
from meetings.models import CoBuildingAgreement, JointCommitteeList, Meeting
from tests import factories as f

pytestmark = pytest.mark.django_db

NOT_FOUND = "找不到该社区"


def login(role, unit=None):
    client = Client()
    client.force_login(f.user(role, unit))
    return client


def search(client, q="", **params):
    response = client.get("/communities/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.json()


FOUR_LIST = {"year": 2025, "kind": "needs", "content": "加装电梯", "agreed_on": "2025-01-10"}


# --- the search ---


def test_the_search_finds_by_name_code_and_street_within_scope_only(two_streets):
    a, ca, cb = two_streets["a"], two_streets["ca"], two_streets["cb"]
    street_a = login(Role.STREET_STAFF, a)
    found = search(street_a, "甲一")
    assert found == {"results": [{"id": ca.pk, "label": f"甲街 · 甲一社区（{ca.code}）", "street": "甲街",
                                  "code": ca.code}], "more": False}
    assert [r["id"] for r in search(street_a, ca.code.upper())["results"]] == [ca.pk]  # code, any case
    assert [r["id"] for r in search(street_a, "甲街")["results"]] == [ca.pk]  # the street's name
    assert [r["id"] for r in search(street_a)["results"]] == [ca.pk]  # nothing typed: the first of the scope

    street_b = login(Role.STREET_STAFF, two_streets["b"])  # another street finds nothing of street A's
    for q in ("甲一", ca.code, "甲街", "社区", ""):
        assert ca.pk not in [r["id"] for r in search(street_b, q)["results"]]
    assert search(street_b, "甲")["results"] == []
    assert search(street_b, "", street=a.pk)["results"] == []  # nor by naming street A

    admin = login(Role.DISTRICT_ADMIN)
    assert [r["id"] for r in search(admin, "社区")["results"]] == [ca.pk, cb.pk]  # the communities' order
    assert [r["id"] for r in search(admin, "社区", street=two_streets["b"].pk)["results"]] == [cb.pk]


def test_the_search_shows_a_bounded_number_in_a_stable_order_and_says_there_are_more(two_streets):
    a = two_streets["a"]
    made = [f.community(a, name=f"丰{i:02d}社区", code=f"feng-{i:02d}") for i in range(SEARCH_LIMIT + 3)]
    found = search(login(Role.STREET_STAFF, a), "丰")
    assert found["more"] is True
    assert [r["id"] for r in found["results"]] == [c.pk for c in made[:SEARCH_LIMIT]]
    assert search(login(Role.STREET_STAFF, a), "feng-22")["more"] is False


@pytest.mark.parametrize("q", ["a\x00b", "\x00"])
def test_a_nul_in_the_search_is_a_400_not_a_500(two_streets, q):
    response = login(Role.DISTRICT_ADMIN).get("/communities/search/", {"q": q})
    assert response.status_code == 400  # (the middleware refuses a NUL in any parameter; the view would too)


def test_an_overlong_search_or_street_is_answered(two_streets):
    admin = login(Role.DISTRICT_ADMIN)
    assert search(admin, "社" * 5000)["results"] == []
    assert len(search(admin, "", street="9" * 40)["results"]) == 2  # not an id: not filtered, still in scope


def test_the_search_needs_a_login(two_streets):
    assert Client().get("/communities/search/?q=甲").status_code == 302


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
def test_the_search_runs_the_same_queries_whatever_the_number_of_communities(two_streets, role,
                                                                            django_assert_max_num_queries):
    a = two_streets["a"]
    client = login(role, a if role == Role.STREET_STAFF else None)
    search(client, "社区")
    with django_assert_max_num_queries(6) as small:
        search(client, "社区")
    for i in range(30):
        f.community(a, name=f"新{i}社区")
    with django_assert_max_num_queries(6) as large:
        assert len(search(client, "社区")["results"]) == SEARCH_LIMIT
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the field, on a form ---


def test_a_street_user_gets_the_picker_and_no_list_of_communities(two_streets):
    html = login(Role.STREET_STAFF, two_streets["a"]).get("/meetings/four-lists/new/").content.decode()
    assert "data-community-picker" in html and 'name="community_text"' in html
    assert '<select name="community"' not in html and "甲一社区" not in html
    assert "/static/js/community-picker.js" in html


def test_a_community_user_keeps_a_plain_select_of_their_community(two_streets):
    html = login(Role.COMMUNITY_STAFF, two_streets["ca"]).get("/meetings/four-lists/new/").content.decode()
    assert '<select name="community"' in html and "甲街 · 甲一社区" in html and "data-community-picker" not in html
    assert "乙一社区" not in html


def test_the_chosen_id_the_code_or_the_exact_name_saves(two_streets):
    ca = two_streets["ca"]
    client = login(Role.STREET_STAFF, two_streets["a"])
    for i, community in enumerate(({"community": ca.pk, "community_text": "甲街 · 甲一社区"},
                                   {"community_text": ca.code}, {"community_text": " 甲一社区 "})):
        response = client.post("/meetings/four-lists/new/", {**FOUR_LIST, "year": 2025 + i, **community})
        assert response.status_code == 302, response.content.decode()
    assert list(JointCommitteeList.objects.values_list("community_id", flat=True)) == [ca.pk] * 3


def test_a_form_shown_again_keeps_the_chosen_community(two_streets):
    ca = two_streets["ca"]
    client = login(Role.STREET_STAFF, two_streets["a"])
    html = client.post("/meetings/four-lists/new/", {**FOUR_LIST, "content": "", "community": ca.pk}).content.decode()
    assert f'name="community" value="{ca.pk}"' in html and f'value="甲街 · 甲一社区（{ca.code}）"' in html
    html = client.get(f"/meetings/four-lists/new/?community={ca.pk}").content.decode()  # the list's 录入 link
    assert f'name="community" value="{ca.pk}"' in html and "甲一社区" in html


def test_another_streets_community_answers_as_one_that_does_not_exist_and_nothing_is_written(two_streets):
    ca = two_streets["ca"]
    client = login(Role.STREET_STAFF, two_streets["b"])
    answers = []
    for community in ({"community": ca.pk}, {"community_text": ca.code}, {"community_text": ca.name},
                      {"community": ca.pk + 1000}, {"community_text": "no-such-code"}):
        response = client.post("/meetings/four-lists/new/", {**FOUR_LIST, **community})
        assert response.status_code == 200
        page = response.content.decode()
        answers.append(page.split('class="error">')[1].split("<")[0])
        assert "甲街" not in page  # (what was typed is shown again; nothing found is added to it)
    assert len(set(answers)) == 1 and answers[0].startswith(NOT_FOUND)
    assert not JointCommitteeList.objects.exists()


@pytest.mark.parametrize("community", [
    {"community": "abc"}, {"community": "9" * 40}, {"community": "1\x00"}, {"community": "²"},
    {"community": "-1"}, {"community_text": "x" * 300}, {"community_text": "a\x00b"},
    {"community": "", "community_text": "社" * 51},
])
def test_a_wrong_overlong_or_nul_community_is_a_form_error(two_streets, community):
    response = login(Role.STREET_STAFF, two_streets["a"]).post("/meetings/four-lists/new/", {**FOUR_LIST, **community})
    assert response.status_code == 200 and NOT_FOUND in response.content.decode()
    assert not JointCommitteeList.objects.exists()


@pytest.mark.parametrize("community", [{"community": "9" * 40}, {"community": "1\x00"}, {"community": "abc"}])
def test_a_community_users_select_refuses_them_too(two_streets, community):
    response = login(Role.COMMUNITY_STAFF, two_streets["ca"]).post("/meetings/four-lists/new/",
                                                                  {**FOUR_LIST, **community})
    assert response.status_code == 200 and not JointCommitteeList.objects.exists()


def test_a_name_two_streets_share_asks_for_the_code(two_streets):
    twin = f.community(two_streets["b"], name="甲一社区")
    client = login(Role.DISTRICT_ADMIN)
    response = client.post("/meetings/four-lists/new/", {**FOUR_LIST, "community_text": "甲一社区"})
    assert response.status_code == 200 and "有多个社区叫这个名称" in response.content.decode()
    assert client.post("/meetings/four-lists/new/", {**FOUR_LIST, "community_text": twin.code}).status_code == 302
    assert JointCommitteeList.objects.get().community == twin


# --- every form that takes a community ---


def test_every_form_takes_the_picker_and_refuses_another_streets_community(two_streets):
    a, ca, cb = two_streets["a"], two_streets["ca"], two_streets["cb"]
    unit = StationedUnit.objects.create(street=a, name="银川市单位", level="city")
    street_a = login(Role.STREET_STAFF, a)
    forms = {
        "/meetings/new/": ({"kind": "deliberation", "held_on": "2025-03-01", "attendees": "居民代表",
                            "agenda": "议题"}, Meeting),
        "/meetings/agreements/new/": ({"stationed_unit": unit.pk, "signed_on": "2025-03-01",
                                       "content": "共建"}, CoBuildingAgreement),
    }
    for url, (data, model) in forms.items():
        assert "data-community-picker" in street_a.get(url).content.decode()
        refused = street_a.post(url, {**data, "community": cb.pk})
        assert refused.status_code == 200 and NOT_FOUND in refused.content.decode() and not model.objects.exists()
        assert street_a.post(url, {**data, "community_text": ca.code}).status_code == 302
        assert model.objects.get().community == ca


def test_the_honours_and_task_forms_take_the_picker(two_streets):
    from admissions.services import honours_consultation_open
    from service_stations.selectors import working_calendar

    dept = f.department(name="文明办（测试）")
    client = login(Role.DEPARTMENT_USER, dept)
    for url in ("/admissions/honours/new/", "/admissions/tasks/new/"):
        html = client.get(url).content.decode()
        assert "data-community-picker" in html and "甲一社区" not in html and "乙一社区" not in html
    from django.utils import timezone
    decision = working_calendar().add_working_days(timezone.localdate(), 12).isoformat()
    body = {"department": dept.pk, "title": "五好家庭评选", "candidates": "李家", "street": two_streets["a"].pk,
            "decision_date": decision}
    refused = client.post("/admissions/honours/new/", {**body, "community_text": "没有的社区"})
    assert refused.status_code == 200 and NOT_FOUND in refused.content.decode()
    assert not HonoursConsultation.objects.exists()
    assert client.post("/admissions/honours/new/", {**body, "community_text": two_streets["ca"].code}).status_code == 302
    assert HonoursConsultation.objects.get().community == two_streets["ca"]
    assert not TaskAssignment.objects.exists()

    # The opinion form of a consultation searches that street's communities only.
    consultation = honours_consultation_open(acting_user=None, department=dept, title="文明家庭", candidates="张家",
                                             street=two_streets["b"], decision_date=decision)
    html = login(Role.DISTRICT_ADMIN).get(f"/admissions/honours/{consultation.pk}/").content.decode()
    assert f"/communities/search/?street={two_streets['b'].pk}" in html


FORMS = [(Role.DISTRICT_ADMIN, url) for url in (
    "/meetings/new/", "/meetings/four-lists/new/", "/meetings/agreements/new/", "/admissions/honours/new/",
    "/admissions/tasks/new/", "/assessments/review/", "/meetings/four-lists/?page=9", "/meetings/agreements/")] + [
    (Role.STREET_STAFF, url) for url in (
        "/meetings/new/", "/meetings/four-lists/new/", "/meetings/agreements/new/", "/assessments/cycles/open/",
        "/grid-changes/new/", "/meetings/agreements/")]


@pytest.mark.parametrize(("role", "url"), FORMS)
def test_no_form_or_filter_lists_the_communities(two_streets, role, url, django_assert_max_num_queries):
    """More communities cost no query and no byte: none of them is in the page (a district or street user)."""
    client = login(role, two_streets["a"] if role == Role.STREET_STAFF else None)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        before = client.get(url)
    for i in range(12):
        f.community(two_streets["a"], name=f"新增{i}号社区")
    with django_assert_max_num_queries(40) as large:
        after = client.get(url)
    assert before.status_code == after.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    page = after.content.decode()
    if url.startswith("/meetings/four-lists/?"):  # its rows are communities, 50 a page: only its filter counts
        page = page.split("<tbody>")[0]
    assert "新增" not in page and "data-community-picker" in page


# --- the list filters ---


def test_the_list_filters_take_the_picker_and_refuse_another_streets_community(two_streets):
    from meetings.services import four_list_create

    ca, cb = two_streets["ca"], two_streets["cb"]
    import datetime
    four_list_create(acting_user=None, community=ca, year=2025, kind="needs", content="电梯",
                     agreed_on=datetime.date(2025, 1, 10))
    street_a = login(Role.STREET_STAFF, two_streets["a"])
    page = street_a.get("/meetings/four-lists/?year=2025").content.decode()
    assert "data-community-picker" in page and "/static/js/community-picker.js" in page
    by_code = street_a.get(f"/meetings/four-lists/?year=2025&community_text={ca.code}").content.decode()
    assert "2025-01-10 确定" in by_code and f'value="{ca.code}"' in by_code  # what was typed, shown again
    street_b = login(Role.STREET_STAFF, two_streets["b"])
    for url in (f"/meetings/four-lists/?year=2025&community={ca.pk}", f"/meetings/agreements/?community={ca.pk}",
                f"/meetings/four-lists/?community_text={ca.code}", "/meetings/agreements/?community=9999999999999"):
        response = street_b.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and NOT_FOUND in page and "甲一社区" not in page
        assert cb.name not in page.split("<tbody>")[1]  # a refused filter shows nothing, not the whole list

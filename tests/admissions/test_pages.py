"""Pages: the lists, the filing form with its live check, incoming tasks, the district's report."""

import pytest

from admissions.models import TaskAssignment, TaskRefusal
from admissions.services import task_file
from governance.exceptions import RuleViolation
from governance.roles import Role
from tests import factories as f
from tests.admissions.conftest import task_body

pytestmark = pytest.mark.django_db


def form(w, **extra):
    data = {"department": w["dept"].pk, "title": "页面事项", "kind": "task", "target_street": w["a"].pk,
            "deadline": "2030-01-01"}
    data.update(extra)
    return data


def test_the_lists_page_shows_the_list_in_force_with_its_items(lists, client):
    client.force_login(f.user(Role.COMMUNITY_STAFF, lists["ca"]))
    response = client.get("/admissions/lists/?level=community")
    assert response.status_code == 200
    assert "社区事项" in response.content.decode() and "测试局" in response.content.decode()


def test_the_filing_form_files_an_admissible_task(lists, client):
    client.force_login(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    page = client.get("/admissions/tasks/new/").content.decode()
    assert "admissions/task_check.js" in page and "<script>" not in page and "style=" not in page
    response = client.post("/admissions/tasks/new/", form(lists, admission_item=lists["street_item"].pk))
    assert response.status_code == 302
    assert TaskAssignment.objects.get().status == "accepted"


def test_the_filing_form_shows_a_refusal_with_its_clause_and_files_nothing(lists, client):
    client.force_login(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    response = client.post("/admissions/tasks/new/", form(lists, target_street="", target_community=lists["ca"].pk))
    assert response.status_code == 200
    assert "三(五)" in response.content.decode()
    assert not TaskAssignment.objects.exists() and TaskRefusal.objects.count() == 1


def test_the_live_check_says_at_once_whether_the_task_is_admissible(lists, client):
    client.force_login(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    ok = client.post("/admissions/tasks/check/", form(lists, admission_item=lists["street_item"].pk)).json()
    refused = client.post("/admissions/tasks/check/", form(lists)).json()
    incomplete = client.post("/admissions/tasks/check/", {"title": "x"}).json()
    assert (ok["admissible"], ok["clause"]) == (True, "二(一)")
    assert (refused["admissible"], refused["rule"], refused["clause"]) == (False, "admission.street_list", "二(一)")
    assert incomplete["admissible"] is None
    assert not TaskAssignment.objects.exists() and not TaskRefusal.objects.exists()


def test_the_live_check_refuses_another_departments_user(lists, client):
    client.force_login(f.user(Role.DEPARTMENT_USER, lists["other"]))
    result = client.post("/admissions/tasks/check/", form(lists, admission_item=lists["street_item"].pk)).json()
    assert result["admissible"] is not True


def test_street_staff_cannot_open_the_filing_form(lists, client):
    client.force_login(f.user(Role.STREET_STAFF, lists["a"]))
    assert client.get("/admissions/tasks/new/").status_code == 403
    assert client.post("/admissions/tasks/check/", form(lists)).status_code == 403


def test_a_street_sees_its_incoming_tasks_with_their_basis_and_not_another_streets(lists, client):
    mine = task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"], title="本街事项"))
    task_file(acting_user=None, **task_body(lists, side="b", admission_item=lists["street_item"], title="他街事项"))
    client.force_login(f.user(Role.STREET_STAFF, lists["a"]))
    page = client.get("/admissions/tasks/").content.decode()
    assert mine.title in page and "街道事项" in page and "二(一)" in page
    assert "他街事项" not in page
    assert client.get("/admissions/tasks/report/").status_code == 403


def test_the_task_list_names_each_target_and_reads_only_what_its_rows_show(lists, client, django_assert_max_num_queries):
    # A street's task under its street, a community's under "street · community"; the page's query joins only
    # the tables its rows show (each further join made it dearer to plan than to run as the district grew).
    task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"], title="街道的事项"))
    task_file(acting_user=None, **task_body(lists, level="community", side="b", admission_item=lists["community_item"],
                                            title="社区的事项"))
    client.force_login(f.user(Role.DISTRICT_ADMIN))
    client.get("/admissions/tasks/")
    with django_assert_max_num_queries(6) as captured:
        page = client.get("/admissions/tasks/").content.decode()
    row = {title: page.split(title)[1].split("</tr>")[0] for title in ("街道的事项", "社区的事项")}
    assert "<td>甲街</td>" in row["街道的事项"]
    assert "<td>乙街 · 乙一社区</td>" in row["社区的事项"]
    listed = next(q["sql"] for q in captured.captured_queries
                  if 'FROM "admissions_taskassignment"' in q["sql"] and "COUNT(" not in q["sql"])
    assert listed.count(" JOIN ") <= 5, listed
    assert "auth_user" not in listed, listed


def test_a_street_page_shows_the_newest_tasks_of_the_street_and_its_communities_with_their_total(
        lists, client):
    from admissions.selectors import SECTION_ROWS

    for n in range(SECTION_ROWS):
        task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"], title=f"本街事项{n}"))
    task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"],
                                            title="本街社区事项"))
    task_file(acting_user=None, **task_body(lists, side="b", admission_item=lists["street_item"], title="他街事项"))
    task_file(acting_user=None, **task_body(lists, level="community", side="b", admission_item=lists["community_item"],
                                            title="他街社区事项"))
    client.force_login(f.user(Role.STREET_STAFF, lists["a"]))
    page = client.get(f"/streets/{lists['a'].pk}/").content.decode()
    # the newest 10 of the street's 11 (its own and its communities'), counted whole; nothing of street b
    assert "本街社区事项" in page and f"共 {SECTION_ROWS + 1} 项交办事项" in page and f"显示最近 {SECTION_ROWS} 项" in page
    assert "他街" not in page
    # another street's clerk sees its own two
    client.force_login(f.user(Role.STREET_STAFF, lists["b"]))
    page = client.get(f"/streets/{lists['b'].pk}/").content.decode()
    assert "他街社区事项" in page and "共 2 项交办事项" in page and "本街" not in page


def test_the_district_report_counts_per_department(lists, client):
    task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
    task_file(acting_user=None, **task_body(lists, approval_document="兴编发〔2024〕1号", transferred_powers="权",
                                            transferred_staff=0, transferred_funds=0))
    with pytest.raises(RuleViolation):
        task_file(acting_user=None, **task_body(lists, level="community"))
    from admissions.selectors import task_counts_by_department

    admin = f.user(Role.DISTRICT_ADMIN)
    row = next(r for r in task_counts_by_department(user=admin) if r["department_id"] == lists["dept"].pk)
    assert (row["accepted"], row["approved_exception"], row["refused"]) == (1, 1, 1)
    client.force_login(admin)
    assert "测试局" in client.get("/admissions/tasks/report/").content.decode()


@pytest.mark.parametrize(("role", "url"), [
    (Role.DISTRICT_ADMIN, "/admissions/tasks/report/"),
    (Role.DISTRICT_ADMIN, "/admissions/tasks/"),
    (Role.STREET_STAFF, "/admissions/tasks/"),
    (Role.STREET_STAFF, "/admissions/lists/"),
    (Role.DEPARTMENT_USER, "/admissions/tasks/new/"),
])
def test_page_query_count_is_constant(lists, client, django_assert_max_num_queries, role, url):
    unit = {Role.STREET_STAFF: lists["a"], Role.DEPARTMENT_USER: lists["dept"]}.get(role)
    client.force_login(f.user(role, unit))

    def grow(n):
        for _ in range(n):
            department = f.department()
            task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
            task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"]))
            try:
                task_file(acting_user=None, **task_body(lists, department=department))
            except RuleViolation:  # a refusal, counted in the report
                pass

    grow(2)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    grow(8)
    with django_assert_max_num_queries(40) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)

"""The sections admissions and meetings add to the street and community pages (registry.page_section):
what was pushed down and on what basis, and which required meetings are missing this period. Scope with
a user of another street; the pages' query counts stay constant as tasks, meetings and communities grow."""

import datetime

import pytest
from django.utils import timezone

from admissions.services import task_file
from governance.exceptions import RuleViolation
from governance.registry import registry
from governance.roles import Role
from meetings.models import MeetingKind
from meetings.services import meeting_record
from tests import factories as f
from tests.admissions.conftest import task_body

pytestmark = pytest.mark.django_db
PAGE_BOUND = 40  # tests/governance/test_api_queries.py: the street and community pages' bound


def hold(w, kind, side="a", community=None, day=None):
    unit = {"street": w[side]} if kind == MeetingKind.BIG_COMMITTEE else {"community": community or w[f"c{side}"]}
    return meeting_record(acting_user=None, kind=kind, held_on=day or timezone.localdate(), attendees="委员",
                          agenda="议题", **unit)


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_the_sections_are_registered_by_the_apps_not_imported_by_the_pages():
    names = {(page, fn.__module__) for page, fns in registry.page_sections.items() for fn in fns}
    assert {("street", "admissions.selectors"), ("community", "admissions.selectors"),
            ("street", "meetings.selectors"), ("community", "meetings.selectors")} <= names


def test_the_street_page_shows_what_was_pushed_to_it_and_its_communities_and_not_another_street(lists, client):
    task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"], title="街道承接事项"))
    task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"],
                                            title="社区承接事项"))
    task_file(acting_user=None, **task_body(lists, approval_document="兴编发〔2025〕3号", transferred_powers="审批权",
                                            transferred_staff=1, transferred_funds=1000, title="编委会下放事项"))
    task_file(acting_user=None, **task_body(lists, side="b", admission_item=lists["street_item"], title="乙街事项"))
    client.force_login(f.user(Role.STREET_STAFF, lists["a"]))
    tasks = section(client.get(f"/streets/{lists['a'].pk}/").content.decode(), "incoming-tasks")
    assert "街道承接事项" in tasks and "社区承接事项" in tasks and "编委会下放事项" in tasks
    assert "乙街事项" not in tasks
    assert "街道清单 第 1 项：街道事项（二(一)）" in tasks and "社区清单 第 1 项：社区事项（三(五)）" in tasks
    assert "编委会批准下放" in tasks and "兴编发〔2025〕3号（二(一)）" in tasks
    assert "共 3 项交办事项" in tasks
    assert client.get(f"/streets/{lists['b'].pk}/").status_code == 404


def test_the_community_page_shows_only_what_was_pushed_to_the_community(lists, client):
    task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"], title="街道承接事项"))
    task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"],
                                            title="社区承接事项"))
    task_file(acting_user=None, **task_body(lists, level="community", side="b",
                                            admission_item=lists["community_item"], title="乙社区事项"))
    client.force_login(f.user(Role.COMMUNITY_STAFF, lists["ca"]))
    tasks = section(client.get(f"/communities/{lists['ca'].pk}/").content.decode(), "incoming-tasks")
    assert "社区承接事项" in tasks and "街道承接事项" not in tasks and "乙社区事项" not in tasks
    assert "共 1 项交办事项" in tasks
    assert client.get(f"/communities/{lists['cb'].pk}/").status_code == 404


def test_the_street_page_says_which_required_meetings_are_missing_this_period(lists, client):
    hold(lists, MeetingKind.DELIBERATION)  # community a held this month's deliberation
    hold(lists, MeetingKind.BIG_COMMITTEE, side="b")
    hold(lists, MeetingKind.BIG_COMMITTEE, side="b")
    client.force_login(f.user(Role.STREET_STAFF, lists["a"]))
    meetings = section(client.get(f"/streets/{lists['a'].pk}/").content.decode(), "meeting-compliance")
    big = meetings.split("街道“大工委”联席会议")[1].split("</tr>")[0]
    assert "0 / 2" in big and "尚缺 2 次" in big and str(datetime.date(timezone.localdate().year, 12, 31)) in big
    deliberation = meetings.split("社区议事园")[1].split("</tr>")[0]
    assert "1 / 1" in deliberation and "已落实" in deliberation
    joint = meetings.split("社区联合党委联商联席会议")[1].split("</tr>")[0]
    assert "尚缺 1 次" in joint
    assert lists["cb"].name not in meetings and lists["b"].name not in meetings


def test_the_community_page_shows_its_own_meetings_only(lists, client):
    hold(lists, MeetingKind.JOINT_COMMITTEE, side="b")
    client.force_login(f.user(Role.COMMUNITY_STAFF, lists["ca"]))
    meetings = section(client.get(f"/communities/{lists['ca'].pk}/").content.decode(), "meeting-compliance")
    assert lists["ca"].name in meetings and "大工委" not in meetings
    assert "尚缺 1 次" in meetings.split("社区联合党委联商联席会议")[1].split("</tr>")[0]
    assert "最近一次：未召开" in meetings


@pytest.mark.parametrize("page", ["street", "community"])
@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
def test_the_pages_with_their_sections_run_a_constant_number_of_queries(lists, client, django_assert_max_num_queries,
                                                                        page, role):
    client.force_login(f.user(role, lists["a"] if role == Role.STREET_STAFF else None))
    url = f"/streets/{lists['a'].pk}/" if page == "street" else f"/communities/{lists['ca'].pk}/"

    def grow(n):
        for _ in range(n):
            community = f.community(lists["a"])
            task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
            task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"]))
            task_file(acting_user=None, **task_body(lists, level="community", admission_item=lists["community_item"],
                                                    target_community=community))
            try:
                task_file(acting_user=None, **task_body(lists, level="community"))
            except RuleViolation:
                pass
            hold(lists, MeetingKind.DELIBERATION)
            hold(lists, MeetingKind.JOINT_COMMITTEE, community=community)
            hold(lists, MeetingKind.BIG_COMMITTEE)

    # The street page counts its findings by each check's counting form: one query each (issue 14).
    bound = PAGE_BOUND + (len(registry.rule_counters) if page == "street" else 0)
    grow(2)
    client.get(url)
    with django_assert_max_num_queries(bound) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert 'id="incoming-tasks"' in response.content.decode() and 'id="meeting-compliance"' in response.content.decode()
    grow(12)  # more than a section shows
    with django_assert_max_num_queries(bound) as large:
        assert client.get(url).status_code == 200
    # Not more queries with more rows. A street page's findings are read lazily, up to the page's last finding
    # (governance.findings.in_chunks): with more findings the page fills from fewer providers, so it may run
    # fewer queries, never more.
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_the_roles_find_the_new_pages_where_they_work(lists, client):
    client.force_login(f.user(Role.COMMUNITY_STAFF, lists["ca"]))
    community = client.get(f"/communities/{lists['ca'].pk}/").content.decode()
    for url in ("/meetings/four-lists/", "/meetings/agreements/", "/meetings/new/", "/admissions/honours/"):
        assert f'href="{url}"' in community, url
    client.force_login(f.user(Role.STREET_STAFF, lists["a"]))
    street = client.get(f"/streets/{lists['a'].pk}/").content.decode()
    for url in ("/meetings/four-lists/", "/meetings/agreements/", "/admissions/honours/", "/admissions/tasks/"):
        assert f'href="{url}"' in street, url
    client.force_login(f.user(Role.DEPARTMENT_USER, lists["dept"]))
    honours = client.get("/admissions/honours/").content.decode()
    assert 'href="/admissions/honours/new/"' in honours and 'href="/admissions/honours/"' in honours  # the menu

"""The clerk's lists: findings, the audit trail and the roster, with filters, paging, pinyin order, print
and Excel export, each in the user's scope and in a constant number of queries."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from governance.models import PostKind, StaffCategory
from governance.roles import Role
from governance.services import post_end, post_update
from tests import factories as f

pytestmark = pytest.mark.django_db


def login(role, unit=None):
    client = Client()
    client.force_login(f.user(role, unit))
    return client


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def chinese_filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"") and "filename*=UTF-8''" in disposition
    return unquote(disposition.split("filename*=UTF-8''")[1])


# --- findings (问题清单) -------------------------------------------------------------------------------

@pytest.fixture
def findings_world(two_streets):
    """Street a over its cap with an approval (approved finding); both streets miss their offices (open)."""
    f.street_staff(two_streets["a"], 30)
    f.post(PostKind.STREET_STAFF, street=two_streets["a"], staff_category="public_post", approval_reference="兴编发〔2024〕1号")
    return two_streets


def test_findings_filter_by_street_and_status(findings_world):
    client = login(Role.ORGDEPT_REVIEWER)
    a, b = findings_world["a"], findings_world["b"]

    approved = client.get("/breaches/", {"street": a.pk, "status": "approved"})
    html = approved.content.decode()
    assert approved.status_code == 200
    assert "超过上限 30 人" in html and "已批准" in html
    assert {f.street for f in approved.context["findings"]} == {"甲街"}
    assert all(f.approved for f in approved.context["findings"])

    open_b = client.get("/breaches/", {"street": b.pk, "status": "open"}).context["findings"]
    assert open_b and {f.street for f in open_b} == {"乙街"} and not any(f.approved for f in open_b)


@pytest.mark.parametrize("params", [{"street": "abc"}, {"status": "maybe"}, {"street": "999999"}])
def test_a_bad_findings_filter_answers_400_with_a_message(findings_world, params):
    response = login(Role.ORGDEPT_REVIEWER).get("/breaches/", params)
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()


def test_a_street_clerk_cannot_filter_findings_to_another_street(findings_world):
    client = login(Role.STREET_STAFF, findings_world["a"])
    response = client.get("/breaches/", {"street": findings_world["b"].pk})
    assert response.status_code == 400 and "乙街" not in response.content.decode()
    assert "乙街" not in client.get("/breaches/").content.decode()


def test_pending_count_on_the_overview_excludes_approved_findings(findings_world):
    client = login(Role.ORGDEPT_REVIEWER)
    overview = client.get("/district/")
    all_findings = client.get("/breaches/").context["findings"]
    assert any(f.approved for f in all_findings)
    assert overview.context["finding_count"] == sum(1 for f in all_findings if not f.approved)


def test_findings_export_has_title_unit_date_and_only_the_users_scope(findings_world):
    response = login(Role.STREET_STAFF, findings_world["b"]).get("/breaches/export.xlsx")
    rows = workbook_rows(response)
    assert rows[0][0] == "问题清单" and rows[1][0].startswith("单位：乙街") and "导出日期" in rows[1][0]
    assert rows[2] == ["街道", "单位", "问题", "依据条款", "状态"]
    assert rows[3:] and {row[0] for row in rows[3:]} == {"乙街"}
    assert chinese_filename(response).startswith("问题清单_")


@pytest.mark.parametrize("role", [Role.STATION_WORKER, Role.GRID_WORKER])
def test_station_and_grid_workers_reach_neither_findings_nor_quotas(two_streets, role):
    unit = f.station(two_streets["a"], two_streets["ca"]) if role == Role.STATION_WORKER else f.grid(two_streets["ca"])
    client = login(role, unit)
    for url in ("/quotas/", "/quotas/export.xlsx", "/breaches/", "/breaches/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 403, url
    home = client.get("/").content.decode()
    assert "/quotas/" not in home and "/breaches/" not in home


def test_findings_page_runs_a_constant_number_of_queries(django_assert_num_queries):
    # a few queries per registered findings provider (streets, communities, stations, admissions, meetings ...),
    # the same for 2 streets as for 10 (with one street the street filter is not shown: one query less)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 8):
        streets = [f.street() for _ in range(n)]
        for s in streets:
            f.community(s)
            f.station(s, f.community(s))
        client = login(Role.ORGDEPT_REVIEWER)
        client.get("/breaches/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/breaches/", {"status": "open"}).status_code == 200
        counts.append(len(ctx.captured_queries))
    from governance.registry import registry

    # the counts come from each check's counting form: one query each (issue 14)
    assert counts[0] == counts[1] and counts[0] <= 40 + len(registry.rule_counters)


# --- quotas -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year, message", [("abc", "“abc”不是年份"), ("1900", "2018"), ("99999999999999999999", "之间的年份"),
                                           ("2999", "之间的年份")])
def test_a_bad_budget_year_answers_400_with_a_message(two_streets, year, message):
    client = login(Role.ORGDEPT_REVIEWER)
    page = client.get("/quotas/", {"year": year})
    assert page.status_code == 400 and message in page.content.decode()
    export = client.get("/quotas/export.xlsx", {"year": year})
    assert export.status_code == 400 and message in export.content.decode()


def test_quota_page_shows_rules_in_words_not_json(two_streets):
    html = login(Role.ORGDEPT_REVIEWER).get("/quotas/", {"year": 2024}).content.decode()
    assert "不足 3,000 户：100,000 元/年" in html
    assert "community.work_funds" not in html and '"min"' not in html and "{&quot;" not in html


def test_community_staff_see_no_link_to_the_street_page_they_cannot_open(two_streets):
    a = two_streets["a"]
    html = login(Role.COMMUNITY_STAFF, two_streets["ca"]).get("/quotas/", {"year": 2024}).content.decode()
    assert a.name in html and f'href="/streets/{a.pk}/"' not in html
    html = login(Role.STREET_STAFF, a).get("/quotas/", {"year": 2024}).content.decode()
    assert f'href="/streets/{a.pk}/"' in html


# --- audit --------------------------------------------------------------------------------------------

@pytest.fixture
def audit_world(two_streets):
    clerk_a = f.user(Role.STREET_STAFF, two_streets["a"])
    clerk_b = f.user(Role.STREET_STAFF, two_streets["b"])
    post_a = f.post(PostKind.STREET_STAFF, street=two_streets["a"], staff_category="career", person=f.person(name="马建华"))
    post_update(post=post_a, acting_user=clerk_a, staff_category="public_post")
    post_b = f.post(PostKind.STREET_STAFF, street=two_streets["b"], staff_category="career", person=f.person(name="李文"))
    post_end(post=post_b, acting_user=clerk_b, end_date=post_b.start_date, reason="调任区民政局")
    return {"clerk_a": clerk_a, "clerk_b": clerk_b}


def test_audit_filters_by_user_object_action_and_shows_the_reason(audit_world):
    client = login(Role.ORGDEPT_REVIEWER)
    response = client.get("/audit/", {"user": audit_world["clerk_b"].pk, "model": "governance.Post", "action": "~"})
    entries = list(response.context["entries"])
    assert response.status_code == 200 and len(entries) == 1
    assert entries[0].reason == "调任区民政局" and "调任区民政局" in response.content.decode()
    assert audit_world["clerk_b"].username in entries[0].who
    assert entries[0].object_label.startswith("李文 · 街道工作人员 #")  # a post is named by its holder

    none = client.get("/audit/", {"model": "governance.PolicyRule", "action": "-"})
    assert none.status_code == 200 and "没有符合条件的记录" in none.content.decode()


def test_audit_filters_by_date_range():
    f.street()
    client = login(Role.ORGDEPT_REVIEWER)
    assert client.get("/audit/", {"date_from": "2000-01-01", "date_to": "2000-12-31"}).context["entries"].paginator.count == 0
    today = timezone.localdate().isoformat()
    assert client.get("/audit/", {"date_from": "2000-01-01", "date_to": today}).context["entries"].paginator.count > 0


@pytest.mark.parametrize("params, message", [
    ({"date_from": "2024-05-01", "date_to": "2024-04-01"}, "截止日期不能早于起始日期"),
    ({"date_from": "yesterday"}, "输入一个有效的日期"),
    ({"model": "auth.User"}, "选择一个有效的选项"),
    ({"page": "9999"}, "没有第 9999 页"),
    ({"page": "x"}, "没有第 x 页"),
])
def test_a_bad_audit_filter_answers_400_with_a_message(params, message):
    response = login(Role.ORGDEPT_REVIEWER).get("/audit/", params)
    assert response.status_code == 400 and message in response.content.decode()


def test_audit_pages_50_at_a_time_and_says_how_many(two_streets):
    for i in range(55):
        f.person(name=f"人员{i}", street=two_streets["a"])
    client = login(Role.ORGDEPT_REVIEWER)
    first = client.get("/audit/", {"model": "governance.Person"})
    assert len(first.context["entries"].object_list) == 50 and first.context["entries"].paginator.count == 55
    assert "共 55 条" in first.content.decode() and "page=2" in first.content.decode()
    second = client.get("/audit/", {"model": "governance.Person", "page": 2})
    assert len(second.context["entries"].object_list) == 5


@pytest.mark.parametrize("n", [3, 60])
def test_audit_page_runs_a_constant_number_of_queries(django_assert_max_num_queries, two_streets, n):
    for i in range(n):
        post = f.post(PostKind.GRID_WORKER, community=two_streets["ca"])
        post_end(post=post, acting_user=None, end_date=post.start_date, reason=f"原因{i}")
    client = login(Role.ORGDEPT_REVIEWER)
    with django_assert_max_num_queries(40):
        assert client.get("/audit/").status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get("/audit/", {"model": "governance.Post", "action": "~", "page": 1}).status_code == 200


def test_audit_export_and_page_are_for_reviewers_only(audit_world, two_streets):
    rows = workbook_rows(login(Role.ORGDEPT_REVIEWER).get("/audit/export.xlsx", {"model": "governance.Post"}))
    assert rows[0][0] == "审计记录" and rows[2][:4] == ["时间", "操作人", "对象", "操作"]
    assert any(row[5] == "调任区民政局" for row in rows[3:])
    assert isinstance(rows[3][0], datetime.datetime)
    street_clerk = login(Role.STREET_STAFF, two_streets["a"])
    assert street_clerk.get("/audit/").status_code == 403
    assert street_clerk.get("/audit/export.xlsx").status_code == 403


# --- roster (花名册) -----------------------------------------------------------------------------------

@pytest.fixture
def roster(two_streets):
    a = two_streets["a"]
    for name, category in [("王芳", StaffCategory.CAREER), ("陈明", StaffCategory.PUBLIC_POST), ("李强", StaffCategory.CAREER)]:
        f.post(PostKind.STREET_STAFF, street=a, staff_category=category, person=f.person(name=name, street=a))
    f.post(PostKind.STREET_STAFF, street=two_streets["b"], staff_category=StaffCategory.CAREER,
           person=f.person(name="赵六", street=two_streets["b"]))
    return two_streets


def test_roster_sorts_by_pinyin_and_filters_by_name_post_and_category(roster):
    a = roster["a"]
    client = login(Role.STREET_STAFF, a)
    names = [p.name for p in client.get(f"/streets/{a.pk}/people/").context["people"]]
    assert names == ["陈明", "李强", "王芳"]  # chen, li, wang (code point order would be 李, 王, 陈)
    career = client.get(f"/streets/{a.pk}/people/", {"category": StaffCategory.CAREER, "kind": PostKind.STREET_STAFF})
    assert [p.name for p in career.context["people"]] == ["李强", "王芳"]
    assert [p.name for p in client.get(f"/streets/{a.pk}/people/", {"q": "陈"}).context["people"]] == ["陈明"]
    assert client.get(f"/streets/{a.pk}/people/", {"kind": "pope"}).status_code == 400


def test_roster_export_is_the_pages_list_in_the_users_scope(roster):
    a, b = roster["a"], roster["b"]
    client = login(Role.STREET_STAFF, a)
    response = client.get(f"/streets/{a.pk}/people/export.xlsx", {"category": StaffCategory.CAREER})
    rows = workbook_rows(response)
    assert rows[0][0] == f"人员名册：{a.name}" and rows[2][0] == "姓名"
    assert [row[0] for row in rows[3:]] == ["李强", "王芳"] and rows[3][4] == "事业编制"
    assert chinese_filename(response).startswith(f"人员名册_{a.name}_")
    assert client.get(f"/streets/{b.pk}/people/export.xlsx").status_code == 404


@pytest.mark.parametrize("n", [2, 30])
def test_filtered_roster_runs_a_constant_number_of_queries(django_assert_max_num_queries, two_streets, n):
    a = two_streets["a"]
    for _ in range(n):
        f.post(PostKind.STREET_STAFF, street=a, staff_category=StaffCategory.CAREER, person=f.person(street=a))
    client = login(Role.STREET_STAFF, a)
    with django_assert_max_num_queries(14):
        assert client.get(f"/streets/{a.pk}/people/", {"category": StaffCategory.CAREER, "q": "测"}).status_code == 200


def test_quota_community_table_filters_by_street_and_refuses_another(two_streets):
    client = login(Role.ORGDEPT_REVIEWER)
    response = client.get("/quotas/", {"year": 2024, "street": two_streets["b"].pk})
    assert [c.name for c, _q in response.context["community_page"]] == ["乙一社区"]
    assert client.get("/quotas/", {"year": 2024, "street": "x"}).status_code == 400
    clerk = login(Role.STREET_STAFF, two_streets["a"])
    assert clerk.get("/quotas/", {"year": 2024, "street": two_streets["b"].pk}).status_code == 400


def test_print_all_puts_the_whole_filtered_roster_on_one_page(two_streets):
    a = two_streets["a"]
    for i in range(55):
        f.person(name=f"人员{i:02d}", street=a)
    client = login(Role.STREET_STAFF, a)
    assert len(client.get(f"/streets/{a.pk}/people/").context["people"].object_list) == 50
    response = client.get(f"/streets/{a.pk}/people/", {"all": "1"})
    assert len(response.context["people"].object_list) == 55 and 'data-autoprint="1"' in response.content.decode()


def test_findings_page_shows_50_a_page_in_order_with_the_whole_totals(findings_world):
    # given more than a page of findings in two streets (each new community misses its secretary, its grids ...)
    from governance.findings import findings_for
    from governance.sorting import pinyin_key

    for street in (findings_world["a"], findings_world["b"]):
        for _ in range(8):
            f.community(street)
    user = f.user(Role.DISTRICT_ADMIN)
    expected = sorted(findings_for(user=user), key=lambda x: pinyin_key(x.street))
    assert len(expected) > 100
    client = login(Role.DISTRICT_ADMIN)
    # when every page is read
    shown, pages = [], -(-len(expected) // 50)
    for number in range(1, pages + 1):
        response = client.get("/breaches/", {"page": number})
        assert response.status_code == 200 and len(response.context["findings"]) <= 50
        assert (response.context["open_count"], response.context["approved_count"]) == (
            sum(1 for x in expected if not x.approved), sum(1 for x in expected if x.approved))
        shown += response.context["findings"]
    # then the pages are the whole list, in its order, each finding once
    assert shown == expected
    assert response.context["page"].pages == pages and not response.context["page"].has_next
    # a page past the end shows the last; a bad page number is a 400 with a message
    assert client.get("/breaches/", {"page": pages + 5}).context["findings"] == response.context["findings"]
    assert client.get("/breaches/", {"page": "x"}).status_code == 400
    # filtered to one street and to the approved ones, the same
    a = findings_world["a"]
    response = client.get("/breaches/", {"street": a.pk, "status": "open"})
    in_a = [x for x in expected if x.street_id == a.pk and not x.approved]
    assert in_a and response.context["findings"] == in_a[:50]
    assert (response.context["open_count"], response.context["approved_count"]) == (len(in_a), 0)


def test_street_page_lists_its_first_50_findings_and_their_total(findings_world):
    from governance.findings import findings_for

    a = findings_world["a"]
    for _ in range(15):
        f.community(a)
    user = f.user(Role.DISTRICT_ADMIN)
    expected = findings_for(user=user, street_id=a.pk)
    assert len(expected) > 50
    response = login(Role.DISTRICT_ADMIN).get(f"/streets/{a.pk}/")
    page = response.context["findings_page"]
    assert page.findings == expected[:50] and page.total == len(expected)
    assert f"共 {len(expected)} 项" in response.content.decode()

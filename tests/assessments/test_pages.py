"""Quota pages: street and community sections, the district page, the Excel export, the what-if."""

import datetime
import io

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook
from simple_history.utils import get_history_model_for_model

from communities.models import Community
from governance.models import PolicyRule, PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def logged_in(client, role, unit=None):
    client.force_login(f.user(role, unit))
    return client


def test_community_page_shows_quotas_gaps_and_clauses(client, two_streets):
    c = two_streets["ca"]
    f.post(PostKind.GRID_WORKER, community=c)
    r = logged_in(client, Role.DISTRICT_ADMIN).get(f"/communities/{c.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "定额、经费与差距" in html and "三(四)2" in html and "五(二)" in html
    assert "100,000" in html  # 2,000 households: ¥100,000 work funds
    assert "不足" in html     # no 两委 members yet


def test_street_page_shows_2_2_quotas_and_the_communities_gaps(client, two_streets):
    r = logged_in(client, Role.STREET_STAFF, two_streets["a"]).get(f"/streets/{two_streets['a'].pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "编制与职数定额" in html and "二(二)1" in html and "专职组织委员" in html
    assert two_streets["ca"].name in html and two_streets["cb"].name not in html


def test_district_page_lists_every_street_with_totals(client, two_streets):
    html = logged_in(client, Role.ORGDEPT_REVIEWER).get("/quotas/?year=2024").content.decode()
    assert "甲街" in html and "乙街" in html and "合计" in html and "260,000" in html  # 2 × (100,000 + 30,000)
    assert "/quotas/export.xlsx?year=2024" in html


def test_street_staff_see_only_their_street_on_the_district_page(client, two_streets):
    html = logged_in(client, Role.STREET_STAFF, two_streets["a"]).get("/quotas/?year=2024").content.decode()
    assert "甲街" in html and "乙街" not in html
    assert "规则调整测算" not in html


def test_street_staff_of_another_street_get_404_on_its_pages(client, two_streets):
    logged_in(client, Role.STREET_STAFF, two_streets["a"])
    assert client.get(f"/streets/{two_streets['b'].pk}/").status_code == 404
    assert client.get(f"/communities/{two_streets['cb'].pk}/").status_code == 404


def test_excel_export_has_chinese_headers_and_the_budget(client, two_streets):
    f.post(PostKind.RC_MEMBER, community=two_streets["ca"],
           person=f.person(is_party_member=True, community_service_start=datetime.date(1994, 9, 1)))
    r = logged_in(client, Role.DISTRICT_ADMIN).get("/quotas/export.xlsx?year=2024")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == ["2024年预算汇总", "社区明细", "特殊荣誉奖励", "测算依据"]
    ws = wb["2024年预算汇总"]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "街道" and "社区工作经费（元）" in headers and "合计（元）" in headers
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    total = headers.index("合计（元）")
    assert rows["甲街"][total] == 100000 + 30000 + 10000
    assert rows["全区合计"][total] == 2 * 130000 + 10000
    awards = list(wb["特殊荣誉奖励"].iter_rows(min_row=2, values_only=True))
    assert awards[0][4] == 30 and awards[0][7] == 10000
    clauses = {row[4] for row in wb["测算依据"].iter_rows(min_row=2, values_only=True) if row[0] and len(row) > 4}
    assert {"三(一)", "三(四)2", "五(二)", "五(四)", "二(二)1"} <= clauses


def test_excel_export_for_street_staff_has_only_their_street(client, two_streets):
    r = logged_in(client, Role.STREET_STAFF, two_streets["b"]).get("/quotas/export.xlsx?year=2024")
    names = [row[0] for row in load_workbook(io.BytesIO(b"".join(r.streaming_content)))["2024年预算汇总"].iter_rows(min_row=2, values_only=True)
             if row[0]]
    assert "乙街" in names and "甲街" not in names


def test_what_if_shows_old_and_new_totals_and_writes_nothing(client, two_streets):
    # given the district admin and two communities of 2,000 households (¥100,000 each)
    logged_in(client, Role.DISTRICT_ADMIN)
    rules_before = PolicyRule.objects.count()
    history = get_history_model_for_model(PolicyRule)
    history_before = history.objects.count()
    next_year = timezone.localdate().year + 1
    # when the admin tries ¥120,000 for the lowest bracket from next January
    r = client.get("/quotas/what-if/", {
        "key": "community.work_funds", "effective_from": f"{next_year}-01-01",
        "n_0.min": 0, "n_0.value": 120000, "n_1.min": 3000, "n_1.value": 130000, "n_2.min": 5000, "n_2.value": 150000,
    })
    # then old and new totals are side by side
    assert r.status_code == 200
    rows = {row["label"]: row for row in r.context["rows"]}
    assert (rows["社区工作经费（元）"]["old"], rows["社区工作经费（元）"]["new"]) == (200000, 240000)
    assert rows["合计（元）"]["diff"] == 40000
    # and nothing was saved
    assert PolicyRule.objects.count() == rules_before
    assert history.objects.count() == history_before


BRACKETS = {"n_0.min": 0, "n_0.value": 100000, "n_1.min": 3000, "n_1.value": 130000, "n_2.min": 5000, "n_2.value": 150000}


@pytest.mark.parametrize("params, field", [
    ({"key": "community.work_funds", "effective_from": "2020-01-01", **BRACKETS}, "effective_from"),
    ({"key": "community.work_funds", "effective_from": "2099-01-01", **BRACKETS, "n_0.value": "十万"}, "n_0.value"),
    ({"key": "community.work_funds", "effective_from": "2099-01-01", **BRACKETS, "n_1.value": -5}, "n_1.value"),
    ({"key": "community.work_funds", "effective_from": "2099-01-01", **BRACKETS, "n_1.min": 0}, "__all__"),
    ({"key": "community.work_funds", "effective_from": "2099-01-01", **BRACKETS, "n_2.value": 10**12}, "n_2.value"),
])
def test_what_if_refuses_a_past_date_a_bad_number_or_brackets_out_of_order_with_400(client, two_streets, params, field):
    logged_in(client, Role.DISTRICT_ADMIN)
    before = PolicyRule.objects.count()
    r = client.get("/quotas/what-if/", params)
    assert r.status_code == 400 and field in r.context["form"].errors
    assert r.context["result"] is None
    assert PolicyRule.objects.count() == before


def test_what_if_offers_a_field_per_number_of_the_chosen_rule_in_words(client, two_streets):
    r = logged_in(client, Role.DISTRICT_ADMIN).get("/quotas/what-if/", {"key": "community.party_building_funds"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "社区党委基数（元）" in html and 'name="n_base.party_committee"' in html and 'value="50000"' in html
    assert "超出部分每人 200 元" in html
    assert "{" not in r.context["current"].title and '"base"' not in html  # no JSON on the page
    assert client.get("/quotas/what-if/", {"key": "no.such.rule"}).status_code == 400


def test_what_if_is_for_the_district_admin_only(client, two_streets):
    assert logged_in(client, Role.STREET_STAFF, two_streets["a"]).get("/quotas/what-if/").status_code == 403
    assert logged_in(client, Role.ORGDEPT_REVIEWER).get("/quotas/what-if/").status_code == 403


@pytest.mark.parametrize("n", [2, 12, 55])  # 55: more than a page (50) of communities
def test_district_page_and_export_run_a_constant_number_of_queries(client, django_assert_max_num_queries, n):
    street = f.street()
    for i in range(n):
        c = f.community(street, households=600 * i)
        f.post(PostKind.GRID_WORKER, community=c, person=f.person(community_service_start=datetime.date(2004, 3, 1)))
    logged_in(client, Role.DISTRICT_ADMIN)
    client.get("/quotas/?year=2024")
    # the totals in one grouped query and one for the communities changed since 1 January (two more when
    # some were), then the page: its count, its communities, their recorded figures
    with django_assert_max_num_queries(15):
        assert client.get("/quotas/?year=2024").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/quotas/?year=2024&page=2").status_code == 200
    # on PostgreSQL each figure counted once per change of the data (governance/derived.py) reads the data
    # generation first (three figures), and a test's transaction, which has written, recounts them
    with django_assert_max_num_queries(13 + (3 if connection.vendor == "postgresql" else 0)):
        assert client.get("/quotas/export.xlsx?year=2024").status_code == 200


def test_quota_page_builds_only_its_page_and_keeps_the_totals_whole(client):
    street = f.street()
    for i in range(53):
        f.community(street, code=f"pg{i:02d}", households=1000 + 100 * i)
    logged_in(client, Role.DISTRICT_ADMIN)
    first = client.get("/quotas/?year=2026")
    second = client.get("/quotas/?year=2026&page=2")
    assert len(first.context["community_page"].object_list) == 50
    rows = second.context["community_page"].object_list
    assert [c.code for c, _q in rows] == ["pg50", "pg51", "pg52"]
    assert rows[0][1].work_funds.value == 150_000  # 6,000 households: 5,000 or more (五(二))
    budget = second.context["budget"]
    assert budget.totals.communities == 53 == first.context["budget"].totals.communities
    assert budget.totals.households == sum(1000 + 100 * i for i in range(53))


def test_a_streets_quota_page_lists_its_own_communities_a_page_at_a_time(client, two_streets, django_assert_max_num_queries):
    # A street's staff page through their street's communities in code order (the index's order), counted by the
    # budget's own totals; another street's communities are not listed, and the query count stays the same.
    a = two_streets["a"]
    for i in range(52):
        f.community(a, code=f"qa{i:02d}", households=1000)
    f.community(two_streets["b"], code="qb-other", name="乙街的社区")
    logged_in(client, Role.STREET_STAFF, a)
    client.get("/quotas/?year=2026")
    with django_assert_max_num_queries(15) as first_queries:
        first = client.get("/quotas/?year=2026")
    with django_assert_max_num_queries(15) as second_queries:
        second = client.get("/quotas/?year=2026&page=2")
    assert len(second_queries.captured_queries) <= len(first_queries.captured_queries)
    page = first.context["community_page"]
    assert page.paginator.count == 53 == first.context["budget"].totals.communities
    codes = [c.code for c, _q in page.object_list] + [c.code for c, _q in second.context["community_page"].object_list]
    assert codes == sorted(Community.objects.filter(street=a).values_list("code", flat=True))
    assert "qb-other" not in codes and "乙街的社区" not in second.content.decode()
    assert not any('COUNT(*) AS "__count" FROM "communities_community"' in q["sql"]
                   for q in first_queries.captured_queries)


def test_the_district_quota_page_filtered_to_a_street_lists_that_street_only(client, two_streets):
    for side in ("a", "b"):
        for i in range(3):
            f.community(two_streets[side], code=f"{side}{i}", households=1000)
    logged_in(client, Role.DISTRICT_ADMIN)
    page = client.get(f"/quotas/?year=2026&street={two_streets['b'].pk}").context["community_page"]
    assert [c.code for c, _q in page.object_list] == sorted(
        Community.objects.filter(street=two_streets["b"]).values_list("code", flat=True))
    assert page.paginator.count == 4
    everyone = client.get("/quotas/?year=2026").context["community_page"]
    assert everyone.paginator.count == Community.objects.count()
    assert [c.street.code for c, _q in everyone.object_list] == sorted(c.street.code for c, _q in everyone.object_list)

"""Quota endpoints: figures, basis, actual and gaps; bad input; scope; constant queries."""

import datetime

import pytest

from communities.models import Community
from governance.models import PolicyRule, PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_community_quotas_return_figures_basis_actual_and_gaps(api_for, admin_user):
    # given a complex community of 3,200 households and 101 members with 2 两委 members and 1 grid worker
    street = f.street()
    c = f.community(street, households=3200, party_members=101, is_complex=True)
    f.post(PostKind.RC_DIRECTOR, community=c)
    f.post(PostKind.RC_MEMBER, community=c)
    f.post(PostKind.GRID_WORKER, community=c)
    # when the district admin asks for its quotas as of 2024-06-01
    r = api_for(admin_user).get(f"/api/v1/communities/{c.pk}/quotas/?as_of=2024-06-01")
    # then every figure is there, in whole yuan, with its basis
    assert r.status_code == 200, r.content
    d = r.json()
    assert d["party_organization"] == "party_committee"
    assert (d["committee_members"], d["grid_workers"], d["grid_workers_max"]) == (7, 7, 11)
    assert (d["grid_workers_covered_by_committee"], d["fulltime_grid_workers_to_hire"]) == (7, 0)
    assert (d["work_funds"], d["party_building_funds"]) == (130000, 50200)
    assert {"rule", "value", "effective_from", "clause"} <= set(d["basis"][0])
    assert {b["clause"] for b in d["basis"]} >= {"三(一)", "三(四)2", "五(二)"}
    # and the actual figures beside them, with the differences
    assert d["actual"]["committee_members"] == 2
    assert d["actual"]["party_organization"] == "party_committee"
    gaps = {g["item"]: g for g in d["gaps"]}
    assert (gaps["committee_members"]["difference"], gaps["committee_members"]["status"]) == (-5, "short")
    # one full-time grid worker above the standard is within the complex community's allowance (三(四)2)
    assert (gaps["fulltime_grid_workers"]["difference"], gaps["fulltime_grid_workers"]["status"]) == (1, "allowance")
    assert (gaps["grid_workers"]["actual"], gaps["grid_workers"]["status"]) == (3, "short")
    assert gaps["party_organization"]["status"] == "ok"


def test_community_quotas_show_a_mismatched_party_organisation(api_for, admin_user):
    # given a community created with 80 members (党总支) whose members rose to 150
    c = f.community(party_members=80)
    c.party_members = 150
    c.save(update_fields=["party_members"])
    d = api_for(admin_user).get(f"/api/v1/communities/{c.pk}/quotas/").json()
    gap = {g["item"]: g for g in d["gaps"]}["party_organization"]
    assert gap["status"] == "mismatch" and gap["quota"] == "社区党委" and gap["actual"] == "社区党总支"


def test_a_bad_as_of_is_a_400_with_a_field_error(api_for, admin_user):
    c = f.community()
    r = api_for(admin_user).get(f"/api/v1/communities/{c.pk}/quotas/?as_of=2024-13-01")
    assert r.status_code == 400
    assert "as_of" in r.json()


def test_an_as_of_before_any_rule_version_is_a_400_naming_the_rule(api_for, admin_user):
    street = f.street()
    for url in (f"/api/v1/communities/{f.community(street).pk}/quotas/?as_of=2010-01-01",
                f"/api/v1/streets/{street.pk}/quotas/?as_of=2010-01-01"):
        r = api_for(admin_user).get(url)
        assert r.status_code == 400
        body = r.json()
        # the rule is named by key and clause, and by its Chinese title in the message a clerk reads
        assert body["rule"] == "community.party_committee_threshold" and body["clause"] == "三(一)"
        assert "设立社区党委的直管党员人数" in body["as_of"][0] and "2010-01-01" in body["as_of"][0]
    r = api_for(admin_user).get("/api/v1/quotas/summary/?year=2010")
    assert r.status_code == 400 and "year" in r.json()


def test_a_rule_version_with_a_later_date_changes_the_api_figures_from_that_date(api_for, admin_user):
    c = f.community(households=1000)
    PolicyRule.objects.create(key="community.work_funds", title="社区工作经费（元/年）", clause="五(二)",
                              effective_from=datetime.date(2026, 1, 1),
                              value=[{"min": 0, "value": 110000}, {"min": 3000, "value": 140000},
                                     {"min": 5000, "value": 160000}])
    client = api_for(admin_user)
    old = client.get(f"/api/v1/communities/{c.pk}/quotas/?as_of=2025-12-31").json()
    new = client.get(f"/api/v1/communities/{c.pk}/quotas/?as_of=2026-01-01").json()
    assert (old["work_funds"], new["work_funds"]) == (100000, 110000)
    assert {b["figure"]: b for b in new["basis"]}["work_funds"]["effective_from"] == "2026-01-01"


def test_street_quotas_compare_2_2_with_the_streets_staff(api_for, admin_user):
    # given a street with 3 counted staff, 1 law-enforcement squad member and a seconded deputy
    street = f.street()
    f.street_staff(street, 3)
    f.street_staff(street, 1, category="law_enforcement")
    f.post(PostKind.STREET_PARTY_SECRETARY, street=street, staff_category="administrative")
    f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street, is_secondment=True, seconded_from="派出所所长",
           secondment_role="police_station_head")
    f.community(street, households=5000)
    # when
    d = api_for(admin_user).get(f"/api/v1/streets/{street.pk}/quotas/").json()
    # then
    assert (d["staff_cap"], d["principal_posts"], d["deputy_posts"]) == (30, 2, 4)
    assert d["actual"]["staff"] == 4 and d["actual"]["excluded_staff"] == {"law_enforcement": 1}
    assert d["actual"]["seconded_leaders"] == 1 and d["actual"]["deputy_posts"] == 0
    gaps = {g["item"]: g for g in d["gaps"]}
    assert gaps["staff"]["status"] == "ok" and gaps["staff"]["difference"] == -26
    assert gaps["principal_posts"]["status"] == "short"
    assert gaps["organisation_members"]["difference"] == -1
    assert gaps["npc_members"]["status"] == "short"
    assert {b["clause"] for b in d["basis"]} == {"二(二)1", "二(二)2"}
    assert d["community_totals"]["committee_members_quota"] == 9
    assert d["communities"][0]["work_funds"] == 150000


def test_street_staff_of_another_street_get_404_on_quotas(api_for, two_streets):
    client = api_for(f.user(Role.STREET_STAFF, two_streets["a"]))
    assert client.get(f"/api/v1/streets/{two_streets['b'].pk}/quotas/").status_code == 404
    assert client.get(f"/api/v1/communities/{two_streets['cb'].pk}/quotas/").status_code == 404
    assert client.get(f"/api/v1/streets/{two_streets['a'].pk}/quotas/").status_code == 200
    assert client.get(f"/api/v1/communities/{two_streets['ca'].pk}/quotas/").status_code == 200


def test_summary_is_scoped_to_the_street_staffs_street(api_for, two_streets):
    d = api_for(f.user(Role.STREET_STAFF, two_streets["a"])).get("/api/v1/quotas/summary/?year=2024").json()
    assert [line["street"] for line in d["lines"]] == [two_streets["a"].pk]
    assert d["totals"]["communities"] == 1


def test_anonymous_callers_get_no_quotas(api, two_streets):
    assert api.get("/api/v1/quotas/summary/").status_code == 401
    assert api.get(f"/api/v1/streets/{two_streets['a'].pk}/quotas/").status_code == 401


def test_summary_by_street_and_district_in_whole_yuan(api_for, admin_user):
    # given two streets: one with 2 communities, one with 1
    a, b = f.street(), f.street()
    f.community(a, households=2999, party_members=100)    # 100,000 + 30,000
    f.community(a, households=5000, party_members=110)    # 150,000 + 50,000 + 2,000
    f.community(b, households=3000, party_members=10)     # 130,000 + 30,000
    # and a grid worker completing 20 years in 2024, another with a violation record
    ca = a.communities.first()
    f.post(PostKind.GRID_WORKER, community=ca,
           person=f.person(community_service_start=datetime.date(2004, 5, 1)))
    f.post(PostKind.RC_MEMBER, community=ca, person=f.person(community_service_start=datetime.date(1994, 5, 1),
                                                             has_violation_record=True, is_party_member=True))
    # when
    d = api_for(admin_user).get("/api/v1/quotas/summary/?year=2024").json()
    lines = {line["street"]: line for line in d["lines"]}
    # then
    assert d["as_of"] == "2024-01-01"
    line_a = lines[a.pk]
    assert (line_a["work_funds"], line_a["party_building_funds"], line_a["awards"]) == (250000, 82000, 5000)
    assert lines[a.pk]["total"] == 337000
    assert (lines[b.pk]["work_funds"], lines[b.pk]["party_building_funds"]) == (130000, 30000)
    assert d["totals"]["total"] == 337000 + 160000
    awards = sorted(d["awards"], key=lambda x: x["years"])
    assert [(x["years"], x["amount"], x["eligible"]) for x in awards] == [(20, 5000, True), (30, 10000, False)]
    assert "违纪违法" in awards[1]["reason"]


@pytest.mark.parametrize("n", [2, 12])
def test_summary_and_street_quotas_run_a_constant_number_of_queries(api_for, admin_user, django_assert_max_num_queries,
                                                                   n):
    street = f.street()
    for i in range(n):
        c = f.community(street, households=1000 * i, party_members=90 + i, is_complex=bool(i % 2))
        f.post(PostKind.GRID_WORKER, community=c, person=f.person(community_service_start=datetime.date(2004, 3, 1)))
        f.post(PostKind.RC_MEMBER, community=c)
    client = api_for(admin_user)
    client.get("/api/v1/quotas/summary/?year=2024")  # warm the token/session path
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/quotas/summary/?year=2024")
    assert r.status_code == 200 and r.json()["totals"]["communities"] == n
    assert r.json()["totals"]["award_count"] == n
    with django_assert_max_num_queries(14):
        r = client.get(f"/api/v1/streets/{street.pk}/quotas/")
    assert r.status_code == 200 and len(r.json()["communities"]) == n


def test_the_schema_documents_the_quota_endpoints_without_warnings(api_for, admin_user, capsys):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/v1/quotas/summary/" in paths
    assert "/api/v1/communities/{id}/quotas/" in paths and "/api/v1/streets/{id}/quotas/" in paths
    captured = capsys.readouterr()
    out = (captured.err + captured.out).lower()
    assert "quota" not in out and "partyorganization" not in out and "warning" not in out


def test_a_streets_quota_api_pages_its_communities_counted_by_its_totals(api_for, two_streets,
                                                                        django_assert_max_num_queries):
    # A street's staff page through its communities, 50 a page; their number is the street's totals' (counted
    # once per change of the data), not a count of the street's communities on each request; another street's
    # communities are not listed.
    a = two_streets["a"]
    for i in range(51):
        f.community(a, code=f"sq{i:02d}", households=1000)
    f.community(two_streets["b"], code="sq-other")
    client = api_for(f.user(Role.STREET_STAFF, a))
    client.get(f"/api/v1/streets/{a.pk}/quotas/")
    with django_assert_max_num_queries(14) as first_queries:
        first = client.get(f"/api/v1/streets/{a.pk}/quotas/").json()
    with django_assert_max_num_queries(14) as second_queries:
        second = client.get(f"/api/v1/streets/{a.pk}/quotas/?page=2").json()
    assert len(second_queries.captured_queries) == len(first_queries.captured_queries)
    assert first["communities_count"] == 52 == first["community_totals"]["communities"]
    assert len(first["communities"]) == 50 and len(second["communities"]) == 2 and second["communities_next"] is None
    listed = {c["community"] for c in first["communities"] + second["communities"]}
    assert listed == set(Community.objects.filter(street=a).values_list("pk", flat=True))
    assert not any('COUNT(*) AS "__count" FROM "communities_community"' in q["sql"]
                   for q in first_queries.captured_queries)

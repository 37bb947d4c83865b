"""Pages of the joint party committee's four lists (三(一)3) and the co-building agreements with stationed
units (二(四)1): filters, versioned edits, scope with a user of another street, query counts."""

import datetime

import pytest

from governance.models import StationedUnit
from governance.roles import Role
from meetings.models import CoBuildingAgreement, FourListKind, JointCommitteeList
from meetings.services import agreement_create, four_list_create
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def four(w, side="a", kind=FourListKind.NEEDS, year=2025, community=None):
    return four_list_create(acting_user=None, community=community or w[f"c{side}"], year=year, kind=kind,
                            content="老旧小区加装电梯", agreed_on=D(year, 1, 10))


def table(response) -> str:
    """The rows of a list page, without its filters (which name every community in scope)."""
    return response.content.decode().split("<tbody>")[1]


def unit(w, side="a", name=None):
    return StationedUnit.objects.create(street=w[side], name=name or f"驻区单位{side}{StationedUnit.objects.count()}",
                                        level="city")


def agreement(w, side="a", **extra):
    fields = {"street": w[side], "stationed_unit": unit(w, side), "signed_on": D(2024, 3, 1), "content": "共建文明社区"}
    fields.update(extra)
    return agreement_create(acting_user=None, **fields)


# --- four lists ---


def test_a_community_records_its_four_lists_and_sees_what_is_missing(two_streets, client):
    w = two_streets
    client.force_login(f.user(Role.COMMUNITY_STAFF, w["ca"]))
    page = client.get("/meetings/four-lists/?year=2025").content.decode()
    assert page.count("未确定") == 4 and w["cb"].name not in page
    response = client.post("/meetings/four-lists/new/", {"community": w["ca"].pk, "year": 2025, "kind": "needs",
                                                        "content": "加装电梯", "agreed_on": "2025-01-10"})
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/four-lists/?year=2025&community={w['ca'].pk}"
    page = client.get("/meetings/four-lists/?year=2025").content.decode()
    assert "2025-01-10 确定" in page and page.count("未确定") == 3
    again = client.post("/meetings/four-lists/new/", {"community": w["ca"].pk, "year": 2025, "kind": "needs",
                                                     "content": "重复", "agreed_on": "2025-02-10"})
    assert again.status_code == 200
    assert JointCommitteeList.objects.count() == 1


def test_another_streets_community_cannot_read_or_write_the_lists(two_streets, client):
    w = two_streets
    mine = four(w)
    client.force_login(f.user(Role.COMMUNITY_STAFF, w["cb"]))
    assert client.get(f"/meetings/four-lists/{mine.pk}/").status_code == 404
    assert client.post(f"/meetings/four-lists/{mine.pk}/", {"content": "x", "agreed_on": "2025-01-01",
                                                            "expected_version": mine.version}).status_code == 404
    response = client.post("/meetings/four-lists/new/", {"community": w["ca"].pk, "year": 2025, "kind": "projects",
                                                        "content": "越权", "agreed_on": "2025-01-10"})
    assert response.status_code == 200
    assert JointCommitteeList.objects.count() == 1
    client.force_login(f.user(Role.STREET_STAFF, w["b"]))
    assert w["ca"].name not in client.get("/meetings/four-lists/?year=2025").content.decode()  # nor in its filter


def test_editing_a_list_is_versioned(two_streets, client):
    w = two_streets
    fl = four(w)
    client.force_login(f.user(Role.COMMUNITY_STAFF, w["ca"]))
    url = f"/meetings/four-lists/{fl.pk}/"
    stale = client.post(url, {"content": "改", "agreed_on": "2025-01-12", "expected_version": fl.version - 1})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    fl.refresh_from_db()
    assert fl.content == "老旧小区加装电梯"
    ok = client.post(url, {"content": "改", "agreed_on": "2025-01-12", "expected_version": fl.version})
    assert ok.status_code == 302
    fl.refresh_from_db()
    assert (fl.content, fl.agreed_on, fl.history.count()) == ("改", D(2025, 1, 12), 2)


def test_a_district_reviewer_reads_a_list_but_cannot_change_it(two_streets, client):
    fl = four(two_streets)
    client.force_login(f.user(Role.ORGDEPT_REVIEWER))
    page = client.get(f"/meetings/four-lists/{fl.pk}/")
    assert page.status_code == 200 and "老旧小区加装电梯" in page.content.decode()
    assert client.post(f"/meetings/four-lists/{fl.pk}/", {"content": "x", "agreed_on": "2025-01-01"}).status_code == 403
    assert client.get("/meetings/four-lists/new/").status_code == 403


def test_the_missing_filter_keeps_only_communities_short_of_a_list(two_streets, client):
    w = two_streets
    for kind in FourListKind.values:
        four(w, kind=kind)
    four(w, side="b", kind=FourListKind.NEEDS)
    four(w, side="b", kind=FourListKind.RESOURCES, year=2024)  # another year does not count
    client.force_login(f.user(Role.DISTRICT_ADMIN))
    page = table(client.get("/meetings/four-lists/?year=2025&missing=1"))
    assert w["cb"].name in page and w["ca"].name not in page
    page = table(client.get(f"/meetings/four-lists/?year=2025&community={w['ca'].pk}"))
    assert w["ca"].name in page and w["cb"].name not in page and "未确定" not in page


@pytest.mark.parametrize("query", ["?year=abc", "?year=99999999999999999", "?community=-1&missing=2", "?page=x"])
def test_bad_filters_do_not_break_the_four_lists(two_streets, client, query):
    client.force_login(f.user(Role.DISTRICT_ADMIN))
    assert client.get(f"/meetings/four-lists/{query}").status_code == 200


# --- co-building agreements ---


def test_a_street_records_an_agreement_with_one_of_its_stationed_units(two_streets, client):
    w = two_streets
    mine, theirs = unit(w, "a", "甲街驻区单位"), unit(w, "b", "乙街驻区单位")
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    form = client.get("/meetings/agreements/new/").content.decode()
    assert "甲街驻区单位" in form and "乙街驻区单位" not in form
    data = {"street": w["a"].pk, "stationed_unit": theirs.pk, "signed_on": "2024-03-01", "content": "共建"}
    assert client.post("/meetings/agreements/new/", data).status_code == 200
    assert not CoBuildingAgreement.objects.exists()
    assert client.post("/meetings/agreements/new/", {**data, "stationed_unit": mine.pk}).status_code == 302
    assert CoBuildingAgreement.objects.get().stationed_unit == mine


def test_a_community_records_an_agreement_without_naming_the_street(two_streets, client):
    w = two_streets
    mine = unit(w, "a", "甲街驻区单位")
    client.force_login(f.user(Role.COMMUNITY_STAFF, w["ca"]))
    response = client.post("/meetings/agreements/new/", {"community": w["ca"].pk, "stationed_unit": mine.pk,
                                                         "signed_on": "2024-03-01", "content": "共建"})
    assert response.status_code == 302
    assert CoBuildingAgreement.objects.get().street == w["a"]
    assert client.post("/meetings/agreements/new/", {"stationed_unit": mine.pk, "signed_on": "2024-03-01",
                                                     "content": "x"}).status_code == 200
    assert CoBuildingAgreement.objects.count() == 1


def test_another_street_neither_sees_nor_edits_an_agreement(two_streets, client):
    w = two_streets
    a = agreement(w, content="甲街共建")
    client.force_login(f.user(Role.STREET_STAFF, w["b"]))
    assert "甲街共建" not in client.get("/meetings/agreements/").content.decode()
    assert client.get(f"/meetings/agreements/{a.pk}/edit/").status_code == 404
    assert client.post(f"/meetings/agreements/{a.pk}/edit/", {"signed_on": "2024-03-01", "content": "改",
                                                               "expected_version": a.version}).status_code == 404
    a.refresh_from_db()
    assert a.content == "甲街共建"


def test_editing_an_agreement_is_versioned_and_checked(two_streets, client):
    w = two_streets
    a = agreement(w)
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    url = f"/meetings/agreements/{a.pk}/edit/"
    stale = client.post(url, {"signed_on": "2024-03-01", "content": "改", "expected_version": a.version - 1})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    backwards = client.post(url, {"signed_on": "2024-03-01", "valid_until": "2024-02-01", "content": "改",
                                  "expected_version": a.version})
    assert backwards.status_code == 200 and "有效期须晚于签订日期" in backwards.content.decode()
    a.refresh_from_db()
    assert a.content == "共建文明社区"
    ok = client.post(url, {"signed_on": "2024-03-01", "valid_until": "2027-03-01", "content": "改",
                           "expected_version": a.version})
    assert ok.status_code == 302
    a.refresh_from_db()
    assert (a.content, a.valid_until) == ("改", D(2027, 3, 1))


def test_the_state_filter_splits_valid_and_expired(two_streets, client):
    w = two_streets
    agreement(w, content="长期有效", valid_until=None)
    agreement(w, content="已经到期", valid_until=D(2024, 12, 31))
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    valid = client.get("/meetings/agreements/?state=valid").content.decode()
    expired = client.get("/meetings/agreements/?state=expired").content.decode()
    assert "长期有效" in valid and "已经到期" not in valid
    assert "已经到期" in expired and "长期有效" not in expired


@pytest.mark.parametrize("url", ["/meetings/four-lists/?year=2025", "/meetings/agreements/?state=valid"])
@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
def test_list_pages_run_a_constant_number_of_queries(two_streets, client, django_assert_max_num_queries, url, role):
    w = two_streets
    client.force_login(f.user(role, w["a"] if role == Role.STREET_STAFF else None))

    def grow(n):
        for _ in range(n):
            community = f.community(w["a"])
            four(w, community=community)
            four(w, community=community, kind=FourListKind.PROJECTS)
            agreement(w, community=community)
            agreement(w, side="b")

    grow(2)
    client.get(url)
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    grow(8)
    with django_assert_max_num_queries(25) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)

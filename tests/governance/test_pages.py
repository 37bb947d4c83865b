"""Pages: scope, home by role, breaches with clauses, the audit trail, and the language switch."""

import pytest

from governance.models import PostKind, StaffCategory
from governance.roles import Role
from governance.services import post_update
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def _login(role, unit=None):
        user = f.user(role, unit)
        client.force_login(user)
        return user
    return _login


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_street_staff_see_their_street_page_in_chinese(client, login, two_streets):
    login(Role.STREET_STAFF, two_streets["a"])
    html = text(client.get(f"/streets/{two_streets['a'].pk}/"))
    assert 'lang="zh-hans"' in html
    assert "甲街" in html and "甲一社区" in html
    assert "乙街" not in html and "乙一社区" not in html
    assert "问题清单" in html


def test_another_streets_page_is_404(client, login, two_streets):
    login(Role.STREET_STAFF, two_streets["a"])
    assert client.get(f"/streets/{two_streets['b'].pk}/").status_code == 404
    assert client.get(f"/communities/{two_streets['cb'].pk}/").status_code == 404
    assert client.get("/streets/999999/").status_code == 404


def test_community_staff_see_only_their_community_page(client, login, two_streets):
    sibling = f.community(two_streets["a"], name="甲二社区")
    login(Role.COMMUNITY_STAFF, two_streets["ca"])
    html = text(client.get(f"/communities/{two_streets['ca'].pk}/"))
    assert "甲一社区" in html
    assert client.get(f"/communities/{sibling.pk}/").status_code == 404
    assert client.get(f"/streets/{two_streets['a'].pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client, two_streets):
    response = client.get(f"/streets/{two_streets['a'].pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS])
def test_home_sends_district_roles_to_the_overview(client, login, two_streets, role):
    login(role)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/district/")
    html = text(client.get("/district/"))
    assert "甲街" in html and "乙街" in html


def test_home_sends_street_staff_to_their_street(client, login, two_streets):
    login(Role.STREET_STAFF, two_streets["a"])
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, f"/streets/{two_streets['a'].pk}/")


def test_home_sends_community_staff_to_their_community(client, login, two_streets):
    login(Role.COMMUNITY_STAFF, two_streets["ca"])
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, f"/communities/{two_streets['ca'].pk}/")


def test_district_overview_is_refused_to_street_staff(client, login, two_streets):
    login(Role.STREET_STAFF, two_streets["a"])
    assert client.get("/district/").status_code == 403


def test_breaches_page_lists_a_seeded_breach_with_its_clause(client, login, two_streets):
    # given a street over the staff cap by an approved excess, and a 党总支 with 150 members
    street = two_streets["a"]
    f.street_staff(street, 30)
    f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.PUBLIC_POST, approval_reference="批1")
    community = two_streets["ca"]
    from communities.services import community_update
    community_update(community=community, acting_user=None, party_members=150)
    login(Role.DISTRICT_ADMIN)
    # when the breaches page is opened
    html = text(client.get("/breaches/"))
    # then both breaches are listed with their clauses
    assert "超过上限 30 人" in html and "二(二)1" in html
    assert "直管党员 150 人" in html and "三(一)" in html


def test_breaches_page_of_street_staff_lists_only_their_street(client, login, two_streets):
    f.street_staff(two_streets["b"], 30)
    f.post(PostKind.STREET_STAFF, street=two_streets["b"], staff_category=StaffCategory.PUBLIC_POST,
           approval_reference="批2")
    login(Role.STREET_STAFF, two_streets["a"])
    html = text(client.get("/breaches/"))
    assert "乙街" not in html and "超过上限" not in html


def test_audit_page_shows_who_changed_a_post_and_before_after(client, login, two_streets):
    # given a post changed by a named clerk
    clerk = f.user(Role.STREET_STAFF, two_streets["a"], username="clerk-zhang")
    post = f.post(PostKind.STREET_STAFF, street=two_streets["a"], staff_category=StaffCategory.ADMINISTRATIVE,
                  note="旧备注")
    post_update(post=post, acting_user=clerk, note="新备注")
    # when a reviewer opens the audit page
    login(Role.ORGDEPT_REVIEWER)
    html = text(client.get("/audit/"))
    # then it shows who made the change and the value before and after
    assert "clerk-zhang" in html
    assert "旧备注" in html and "新备注" in html


def test_audit_page_is_refused_to_street_staff(client, login, two_streets):
    login(Role.STREET_STAFF, two_streets["a"])
    assert client.get("/audit/").status_code == 403


def test_language_can_be_switched_to_english(client, login, two_streets):
    login(Role.DISTRICT_ADMIN)
    assert 'lang="zh-hans"' in text(client.get("/district/"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/district/"})
    assert response.status_code == 302
    html = text(client.get("/district/"))
    assert 'lang="en"' in html
    assert "District overview" in html
    assert "全区概览" not in html


@pytest.mark.parametrize("role", [Role.STATION_WORKER, Role.GRID_WORKER])
def test_station_and_grid_workers_home_shows_only_their_unit(client, login, two_streets, role):
    # given a station and a grid on each street
    units = {side: (f.station(two_streets[side], two_streets[f"c{side}"]) if role == Role.STATION_WORKER
                    else f.grid(two_streets[f"c{side}"]))
             for side in ("a", "b")}
    login(role, units["a"])
    # when the worker opens home
    html = text(client.get("/", follow=True))  # a station or grid worker is sent on to their unit's page
    # then they see their own unit and nothing of the other street
    assert units["a"].name in html
    assert units["b"].name not in html and "乙街" not in html and "乙一社区" not in html
    # and the street and community pages are closed to them
    assert client.get(f"/streets/{two_streets['a'].pk}/").status_code == 404
    assert client.get(f"/communities/{two_streets['ca'].pk}/").status_code == 404


def test_user_without_a_role_sees_no_unit(client, two_streets):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("nobody", password="pw-Secret-2018"))
    html = text(client.get("/"))
    assert "甲街" not in html and "乙街" not in html
    assert "您的账号尚未分配管理范围" in html
    assert client.get(f"/streets/{two_streets['a'].pk}/").status_code == 404


def test_ending_a_station_post_from_the_pages_returns_to_the_street(client, login, two_streets):
    # given a station post that names no community (the API allows it), on street a
    station = f.station(two_streets["a"], two_streets["ca"])
    post = f.post(PostKind.STATION_STAFF, station=station)
    login(Role.STREET_STAFF, two_streets["a"])
    # when the street's clerk ends it
    response = client.post(f"/posts/{post.pk}/end/", {"end_date": post.start_date.isoformat(), "reason": "调任"})
    # then it is ended and the clerk is sent back to the street's page
    assert response.status_code == 302
    assert response["Location"] == f"/streets/{two_streets['a'].pk}/"
    post.refresh_from_db()
    assert post.end_date is not None


def test_ending_another_streets_post_from_the_pages_is_404_and_changes_nothing(client, login, two_streets):
    post = f.post(PostKind.STREET_STAFF, street=two_streets["b"], staff_category=StaffCategory.ADMINISTRATIVE)
    login(Role.STREET_STAFF, two_streets["a"])
    assert client.post(f"/posts/{post.pk}/end/").status_code == 404
    post.refresh_from_db()
    assert post.end_date is None and post.history.count() == 1

"""Bad input gets a 400 with field errors and writes nothing; a rule that blocks names its key and clause."""

from io import StringIO

import pytest
from django.core.management import call_command

from communities.models import Community, PartyOrganization, ResidentsCommittee
from governance.models import Person, Post, PostKind, StaffCategory, StationedUnit
from governance.roles import Role
from streets.models import Street, StreetOffice
from tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def street_a(two_streets):
    return two_streets["a"]


@pytest.fixture
def clerk(street_a, api_for):
    return api_for(f.user(Role.STREET_STAFF, street_a))


def counts(*models):
    return tuple(m.objects.count() for m in models)


COMMUNITY_TABLES = (Community, PartyOrganization, ResidentsCommittee)


@pytest.mark.parametrize(("change", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"households": -1}, "households"),
    ({"party_members": -5}, "party_members"),
    ({"households": "many"}, "households"),
    ({"street": 999999}, "street"),
    ({"street": None}, "street"),
    ({"code": ""}, "code"),
])
def test_bad_community_input_is_400_with_field_errors_and_writes_nothing(clerk, street_a, change, field):
    body = {"code": "c-new", "name": "新社区", "street": street_a.pk, "households": 10, "party_members": 5, **change}
    before = counts(*COMMUNITY_TABLES)
    response = clerk.post(f"{API}/communities/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert counts(*COMMUNITY_TABLES) == before


@pytest.mark.parametrize(("change", "field"), [({"name": ""}, "name"), ({"households": -1}, "households")])
def test_bad_community_update_is_400_and_changes_nothing(clerk, two_streets, change, field):
    community = two_streets["ca"]
    response = clerk.patch(f"{API}/communities/{community.pk}/", change, format="json")
    assert response.status_code == 400
    assert field in response.json()
    fresh = Community.objects.get(pk=community.pk)
    assert (fresh.name, fresh.households) == (community.name, community.households)


def test_duplicate_community_name_in_a_street_is_400(clerk, two_streets):
    before = counts(*COMMUNITY_TABLES)
    body = {"code": "dup", "name": two_streets["ca"].name, "street": two_streets["a"].pk}
    response = clerk.post(f"{API}/communities/", body, format="json")
    assert response.status_code == 400
    assert counts(*COMMUNITY_TABLES) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"code": "x1", "name": ""}, "name"),
    ({"code": "", "name": "新街"}, "code"),
    ({"code": "x2", "name": "新街", "administrative_posts": -1}, "administrative_posts"),
    ({"code": "x3", "name": "新街", "is_pilot": True}, None),  # a pilot street needs its start date
])
def test_bad_street_input_is_400_and_writes_nothing(api_for, admin_user, two_streets, body, field):
    client = api_for(admin_user)
    before = counts(Street, StreetOffice)
    response = client.post(f"{API}/streets/", body, format="json")
    assert response.status_code == 400
    if field:
        assert field in response.json()
    assert counts(Street, StreetOffice) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"name": ""}, "name"),
    ({"name": "甲", "street": 999999}, "street"),
    ({"name": "甲", "community": 999999}, "community"),
    ({"name": "甲", "gender": "X"}, "gender"),
])
def test_bad_person_input_is_400_and_writes_nothing(clerk, body, field):
    before = counts(Person)
    response = clerk.post(f"{API}/people/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert counts(Person) == before


def test_bad_stationed_unit_input_is_400_and_writes_nothing(clerk, street_a):
    before = counts(StationedUnit)
    for body, field in (({"street": street_a.pk, "name": "", "level": "city"}, "name"),
                        ({"street": street_a.pk, "name": "x", "level": "galaxy"}, "level"),
                        ({"street": 999999, "name": "x", "level": "city"}, "street")):
        response = clerk.post(f"{API}/stationed-units/", body, format="json")
        assert response.status_code == 400
        assert field in response.json()
    assert counts(StationedUnit) == before


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "emperor"}, "kind"),
    ({"person": 999999}, "person"),
    ({"start_date": "2024-05-01", "end_date": "2024-04-01"}, None),
    ({"staff_category": ""}, "staff_category"),
    ({"street": None}, None),
])
def test_bad_post_input_is_400_and_writes_nothing(clerk, street_a, change, field):
    person = f.person(street=street_a)
    body = {"person": person.pk, "kind": "street_staff", "street": street_a.pk,
            "staff_category": "administrative", **change}
    before = counts(Post)
    response = clerk.post(f"{API}/posts/", body, format="json")
    assert response.status_code == 400, response.content
    if field:
        assert field in response.json()
    assert counts(Post) == before


# --- a cap-breaking post: refused naming the rule and clause, unless an approval is recorded ---

def test_cap_breaking_post_via_api_is_400_naming_rule_and_clause(clerk, street_a):
    # given a street at its cap of 30
    f.street_staff(street_a, 30)
    person = f.person(street=street_a)
    before = counts(Post)
    # when the 31st counted person is posted without an approval
    response = clerk.post(f"{API}/posts/", {"person": person.pk, "kind": "street_staff", "street": street_a.pk,
                                            "staff_category": StaffCategory.PUBLIC_POST}, format="json")
    # then the answer names the rule and its clause, and nothing is written
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "street.staff_cap"
    assert body["clause"] == "二(二)1"
    assert "approval_reference" in body
    assert counts(Post) == before


def test_cap_breaking_post_with_approval_reference_is_201_and_audited(clerk, street_a):
    f.street_staff(street_a, 30)
    person = f.person(street=street_a)
    response = clerk.post(f"{API}/posts/", {"person": person.pk, "kind": "street_staff", "street": street_a.pk,
                                            "staff_category": StaffCategory.PUBLIC_POST,
                                            "approval_reference": "兴编发〔2019〕7号"}, format="json")
    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()["id"])
    record = post.history.get()
    assert record.approval_reference == "兴编发〔2019〕7号"
    assert record.history_user.username.startswith("street_staff")


def test_fifth_deputy_via_api_is_400_naming_rule_and_clause(clerk, street_a):
    for kind in (PostKind.STREET_DEPUTY_SECRETARY, PostKind.STREET_DEPUTY_SECRETARY,
                 PostKind.STREET_DEPUTY_DIRECTOR, PostKind.STREET_DEPUTY_DIRECTOR):
        f.post(kind, street=street_a)
    before = counts(Post)
    response = clerk.post(f"{API}/posts/", {"person": f.person(street=street_a).pk, "kind": "street_deputy_director",
                                            "street": street_a.pk}, format="json")
    assert response.status_code == 400
    assert (response.json()["rule"], response.json()["clause"]) == ("street.leadership_posts", "二(二)2")
    assert counts(Post) == before


def test_npc_member_not_a_deputy_via_api_is_400_naming_the_clause(clerk, street_a):
    before = counts(Post)
    response = clerk.post(f"{API}/posts/", {"person": f.person(street=street_a).pk, "kind": "npc_member",
                                            "street": street_a.pk}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["rule"], body["clause"]) == ("street.npc_committee", "二(二)2")
    assert "person" in body
    assert counts(Post) == before


def test_second_community_secretary_via_api_is_400(clerk, two_streets):
    community = two_streets["ca"]
    f.post(PostKind.COMMUNITY_SECRETARY, community=community)
    before = counts(Post)
    person = f.person(street=two_streets["a"], community=community, is_party_member=True)
    response = clerk.post(f"{API}/posts/", {"person": person.pk, "kind": "community_secretary",
                                            "community": community.pk}, format="json")
    assert response.status_code == 400
    assert "只能有一名在任人员" in response.content.decode()
    assert counts(Post) == before


def test_cap_breaking_update_via_api_is_400_and_changes_nothing(clerk, street_a):
    # given a street at its cap, plus one law-enforcement member (not counted)
    f.street_staff(street_a, 30)
    squad = f.post(PostKind.STREET_STAFF, street=street_a, staff_category=StaffCategory.LAW_ENFORCEMENT)
    # when that member is reclassified into a counted category
    response = clerk.patch(f"{API}/posts/{squad.pk}/", {"staff_category": "public_post"}, format="json")
    # then it is refused and the post is unchanged
    assert response.status_code == 400
    assert response.json()["clause"] == "二(二)1"
    squad.refresh_from_db()
    assert squad.staff_category == StaffCategory.LAW_ENFORCEMENT
    assert squad.history.count() == 1


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "该字段不能为空。"), ("en", "This field may not be blank.")])
def test_field_errors_follow_the_request_language(clerk, street_a, language, expected):
    before = counts(*COMMUNITY_TABLES)
    response = clerk.post(f"{API}/communities/", {"code": "c-x", "name": "", "street": street_a.pk},
                          format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json()["name"] == [expected]
    assert counts(*COMMUNITY_TABLES) == before



@pytest.mark.parametrize(("language", "expected"), [
    ("en", "A street normally has no more than 30 staff (including public-welfare posts (公岗), \"Three Supports "
           "and One Assistance\" (三支一扶) staff and policy-placement staff); with this one it would have 31. If the "
           "excess has been approved, enter the approval reference (basis: 二(二)1, 街道工作人员上限)"),
    ("zh-hans", "街道工作人员一般不超过 30 人（含公岗、三支一扶及政策性安置人员），增加后为 31 人；如经批准，请填写批准文号"
                "（依据：二(二)1，街道工作人员上限）"),
])
def test_rule_messages_follow_the_request_language(clerk, street_a, language, expected):
    # given a street at its cap of 30
    f.street_staff(street_a, 30)
    person = f.person(street=street_a)
    before = counts(Post)
    # when the 31st counted person is posted without an approval, asking for an answer in `language`
    response = clerk.post(f"{API}/posts/", {"person": person.pk, "kind": "street_staff", "street": street_a.pk,
                                            "staff_category": StaffCategory.PUBLIC_POST},
                          format="json", HTTP_ACCEPT_LANGUAGE=language)
    # then the rule's message is in that language, the rule and clause are still named, and nothing is written
    assert response.status_code == 400
    body = response.json()
    assert body["approval_reference"] == [expected]
    assert (body["rule"], body["clause"]) == ("street.staff_cap", "二(二)1")
    assert counts(Post) == before

@pytest.mark.django_db
def test_a_token_made_with_drf_create_token_authenticates_with_the_users_scope(api):
    street = f.street()
    clerk = f.user(Role.STREET_STAFF, street)
    out = StringIO()

    call_command("drf_create_token", clerk.username, stdout=out)
    key = out.getvalue().split()[2]

    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = api.get("/api/v1/streets/").json()
    assert [row["id"] for row in body["results"]] == [street.pk]

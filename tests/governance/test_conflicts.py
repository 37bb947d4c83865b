"""No silent lost update: an edit of a version someone else changed since is refused, on the API (ETag /
If-Match: 412; a stale version without If-Match: 409) and on the pages (the form's hidden version)."""

import pytest

from governance.exceptions import Conflict
from governance.models import Person
from governance.roles import Role
from governance.services import person_update
from tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def street(two_streets):
    return two_streets["a"]


@pytest.fixture
def clerk(street, api_for):
    return api_for(f.user(Role.STREET_STAFF, street))


def test_get_gives_an_etag_and_a_patch_with_it_succeeds_and_moves_it(clerk, street):
    person = f.person(street=street, phone="1")
    r = clerk.get(f"{API}/people/{person.pk}/")
    assert r["ETag"] == '"1"' and r.json()["version"] == 1
    r = clerk.patch(f"{API}/people/{person.pk}/", {"phone": "2"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200 and r["ETag"] == '"2"'
    assert Person.objects.get(pk=person.pk).phone == "2"


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(clerk, street):
    person = f.person(street=street, phone="1", name="甲")
    person_update(person=Person.objects.get(pk=person.pk), acting_user=None, phone="9")  # a colleague's change
    r = clerk.patch(f"{API}/people/{person.pk}/", {"name": "乙"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 412
    assert r.json()["current_version"] == 2 and r["ETag"] == '"2"'
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.name, fresh.phone, fresh.version) == ("甲", "9", 2)


@pytest.mark.parametrize("header", ['"abc"', "*", '"１"', 'W/"0"'])
def test_an_if_match_that_names_no_current_version_is_412(clerk, street, header):
    person = f.person(street=street)
    r = clerk.patch(f"{API}/people/{person.pk}/", {"phone": "5"}, format="json", HTTP_IF_MATCH=header)
    assert r.status_code == 412
    assert Person.objects.get(pk=person.pk).phone == ""


def test_an_unreadable_body_is_400_before_a_stale_if_match(clerk, street):
    # A malformed request is answered as one, whatever its preconditions say.
    person = f.person(street=street)
    r = clerk.generic("PATCH", f"{API}/people/{person.pk}/", b"\xff{", content_type="application/json",
                      HTTP_IF_MATCH='"99"')
    assert r.status_code == 400
    person.refresh_from_db()
    assert person.version == 1


def test_patch_without_if_match_changes_only_the_fields_sent(clerk, street):
    person = f.person(street=street, phone="1", name="甲")
    person_update(person=Person.objects.get(pk=person.pk), acting_user=None, phone="9")
    r = clerk.patch(f"{API}/people/{person.pk}/", {"name": "乙"}, format="json")
    assert r.status_code == 200
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.name, fresh.phone) == ("乙", "9")  # the colleague's phone survives


def test_the_service_refuses_a_stale_version():
    person = f.person()
    person_update(person=Person.objects.get(pk=person.pk), acting_user=None, phone="9")
    with pytest.raises(Conflict) as exc:
        person_update(person=Person.objects.get(pk=person.pk), acting_user=None, expected_version=1, phone="8")
    assert (exc.value.expected, exc.value.current) == (1, 2)
    assert Person.objects.get(pk=person.pk).phone == "9"


def test_the_person_page_refuses_a_form_opened_before_a_colleagues_change(street):
    person = f.person(street=street, phone="1", name="甲")
    client = f.client_for(f.user(Role.STREET_STAFF, street))
    form = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert 'name="expected_version" value="1"' in form
    person_update(person=Person.objects.get(pk=person.pk), acting_user=None, phone="9")
    r = client.post(f"/people/{person.pk}/edit/", {"name": "乙", "phone": "1", "expected_version": "1"})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.name, fresh.phone) == ("甲", "9")


def test_post_end_honours_if_match(clerk, street):
    post = f.street_staff(street, 1)[0]
    r = clerk.post(f"{API}/posts/{post.pk}/end/", {}, format="json", HTTP_IF_MATCH='"7"')
    assert r.status_code == 412
    r = clerk.post(f"{API}/posts/{post.pk}/end/", {}, format="json", HTTP_IF_MATCH=f'"{post.version}"')
    assert r.status_code == 200 and r.json()["end_date"] is not None


def test_a_community_clerk_cannot_move_a_person_out_of_their_community(two_streets, api_for):
    community = two_streets["ca"]
    person = f.person(community=community, street=community.street)
    clerk = api_for(f.user(Role.COMMUNITY_STAFF, community))
    r = clerk.patch(f"{API}/people/{person.pk}/", {"community": None}, format="json")
    assert r.status_code == 400 and "管辖范围" in r.json()["non_field_errors"][0]
    assert Person.objects.get(pk=person.pk).community_id == community.pk
    # and cannot create a record outside their community either
    r = clerk.post(f"{API}/people/", {"name": "新人", "street": community.street_id}, format="json")
    assert r.status_code == 400 and not Person.objects.filter(name="新人").exists()


def test_full_width_digits_in_a_body_are_not_an_id(clerk, street):
    person = f.person(street=street)
    r = clerk.post(f"{API}/posts/", {"person": "１", "kind": "street_staff", "street": street.pk,
                                     "staff_category": "career"}, format="json")
    assert r.status_code == 400 and "person" in r.json()
    assert r.json()["person"] != [] and person.pk  # refused as a wrong type, not looked up as id 1

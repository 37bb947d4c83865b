"""四办一中心 from the street page: duties and heads, the head a deputy leader (二(三))."""

import pytest

from governance.models import PostKind
from governance.roles import Role
from streets.models import StreetOffice
from tests import factories as f

login = f.client_for


@pytest.fixture
def street_and_clerk(db):
    street = f.street()
    return street, f.user(Role.STREET_STAFF, street)


def held_by_street_person(kind, street, **fields):
    return f.post(kind, street=street, person=f.person(street=street, is_party_member=True), **fields).person


def test_the_street_page_links_each_office_to_its_edit_page(street_and_clerk):
    street, clerk = street_and_clerk

    html = login(clerk).get(f"/streets/{street.pk}/").content.decode()

    assert all(f"/street-offices/{o.pk}/edit/" in html for o in street.offices.all())
    reviewer_html = login(f.user(Role.ORGDEPT_REVIEWER)).get(f"/streets/{street.pk}/").content.decode()
    assert "/street-offices/" not in reviewer_html


def test_a_clerk_edits_duties_and_names_a_deputy_as_head(street_and_clerk):
    street, clerk = street_and_clerk
    office = street.offices.get(kind=StreetOffice.Kind.GOVERNANCE)
    deputy = held_by_street_person(PostKind.STREET_DEPUTY_DIRECTOR, street, staff_category="administrative")
    client = login(clerk)
    assert client.get(f"/street-offices/{office.pk}/edit/").status_code == 200

    response = client.post(f"/street-offices/{office.pk}/edit/", {"duties": "基层治理、网格化服务", "head": deputy.pk})

    assert response.status_code == 302 and response["Location"] == f"/streets/{street.pk}/"
    office.refresh_from_db()
    assert (office.duties, office.head) == ("基层治理、网格化服务", deputy)
    assert office.history.first().history_user == clerk


def test_a_head_who_is_not_a_deputy_is_refused_and_nothing_changes(street_and_clerk):
    street, clerk = street_and_clerk
    office = street.offices.get(kind=StreetOffice.Kind.GOVERNANCE)
    before = (office.duties, office.head_id, office.history.count())
    staff = held_by_street_person(PostKind.STREET_STAFF, street, staff_category="career")

    response = login(clerk).post(f"/street-offices/{office.pk}/edit/", {"duties": "改过的职责", "head": staff.pk})

    assert response.status_code == 200
    assert "二(三)" in response.context["form"].errors["head"][0]
    office.refresh_from_db()
    assert (office.duties, office.head_id, office.history.count()) == before


def test_the_head_choices_are_the_streets_people(street_and_clerk):
    street, clerk = street_and_clerk
    office = street.offices.first()
    outsider_street = f.street()
    outsider = held_by_street_person(PostKind.STREET_DEPUTY_DIRECTOR, outsider_street, staff_category="administrative")

    response = login(clerk).post(f"/street-offices/{office.pk}/edit/", {"duties": office.duties, "head": outsider.pk})

    assert response.status_code == 200 and "head" in response.context["form"].errors
    office.refresh_from_db()
    assert office.head is None


def test_another_streets_clerk_gets_404_and_changes_nothing(street_and_clerk):
    street, _ = street_and_clerk
    office = street.offices.first()
    duties = office.duties
    client = login(f.user(Role.STREET_STAFF, f.street()))

    assert client.get(f"/street-offices/{office.pk}/edit/").status_code == 404
    assert client.post(f"/street-offices/{office.pk}/edit/", {"duties": "x"}).status_code == 404
    assert client.get("/street-offices/999999/edit/").status_code == 404
    office.refresh_from_db()
    assert office.duties == duties


def test_a_reviewer_or_community_clerk_cannot_edit_an_office(street_and_clerk):
    street, _ = street_and_clerk
    office = street.offices.first()
    duties = office.duties

    for user in (f.user(Role.ORGDEPT_REVIEWER), f.user(Role.COMMUNITY_STAFF, f.community(street))):
        client = login(user)
        assert client.get(f"/street-offices/{office.pk}/edit/").status_code == 403
        assert client.post(f"/street-offices/{office.pk}/edit/", {"duties": "x"}).status_code == 403
    office.refresh_from_db()
    assert office.duties == duties

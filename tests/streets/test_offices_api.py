"""四办一中心 through the API: a street edits its own offices' duties and heads (二(三))."""

import pytest

from governance.models import PostKind
from governance.roles import Role
from streets.models import StreetOffice
from tests import factories as f


@pytest.fixture
def street_and_clerk(db):
    street = f.street()
    return street, f.user(Role.STREET_STAFF, street)


def test_a_street_lists_its_five_offices_only(street_and_clerk, api_for):
    street, clerk = street_and_clerk
    f.street()  # another street, with its own five

    body = api_for(clerk).get("/api/v1/street-offices/").json()

    assert body["count"] == 5
    assert {row["street"] for row in body["results"]} == {street.pk}


def test_duties_are_editable_and_audited(street_and_clerk, api_for):
    street, clerk = street_and_clerk
    office = street.offices.get(kind=StreetOffice.Kind.PUBLIC_SERVICE)

    response = api_for(clerk).patch(f"/api/v1/street-offices/{office.pk}/", {"duties": "卫生与健康、就业创业"}, format="json")

    assert response.status_code == 200
    office.refresh_from_db()
    assert office.duties == "卫生与健康、就业创业"
    assert office.history.first().history_user == clerk


def test_an_office_head_must_be_a_deputy_leader(street_and_clerk, api_for):
    street, clerk = street_and_clerk
    office = street.offices.get(kind=StreetOffice.Kind.GOVERNANCE)
    staff = f.post(PostKind.STREET_STAFF, street=street, staff_category="career").person
    staff.street = street
    staff.save()
    deputy = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street, staff_category="administrative").person
    deputy.street = street
    deputy.save()

    refused = api_for(clerk).patch(f"/api/v1/street-offices/{office.pk}/", {"head": staff.pk}, format="json")
    accepted = api_for(clerk).patch(f"/api/v1/street-offices/{office.pk}/", {"head": deputy.pk}, format="json")

    assert refused.status_code == 400 and refused.json()["clause"] == "二(三)"
    assert accepted.status_code == 200
    office.refresh_from_db()
    assert office.head == deputy


def test_another_streets_clerk_cannot_read_or_change_the_offices(street_and_clerk, api_for):
    street, _ = street_and_clerk
    outsider = f.user(Role.STREET_STAFF, f.street())
    office = street.offices.first()

    assert api_for(outsider).get(f"/api/v1/street-offices/{office.pk}/").status_code == 404
    assert api_for(outsider).patch(f"/api/v1/street-offices/{office.pk}/", {"duties": "x"}, format="json").status_code == 404
    office.refresh_from_db()
    assert office.duties != "x"


def test_offices_list_runs_constant_queries(db, api_for, django_assert_max_num_queries):
    client = api_for(f.user(Role.DISTRICT_ADMIN))
    f.street()
    client.get("/api/v1/street-offices/")  # warm the permission cache (governance/authz_cache.py)
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/street-offices/")
    for _ in range(4):
        f.street()
    with django_assert_max_num_queries(12) as large:
        assert client.get("/api/v1/street-offices/").json()["count"] == 25
    assert len(large.captured_queries) == len(small.captured_queries)

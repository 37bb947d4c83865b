"""The demo seed: idempotent, one account per role and unit, each with its scope."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from communities.models import Community
from governance.district.management.commands.seed_demo import STREETS
from governance.roles import Role, user_role
from governance.scope import scope_for
from grids.models import Grid
from service_stations.models import ServiceStation
from streets.models import Street

pytestmark = pytest.mark.django_db

COUNTED = ["governance.Person", "governance.Post", "governance.Department", "governance.StationedUnit",
           "streets.Street", "streets.StreetOffice", "communities.Community", "communities.PartyOrganization",
           "grids.Grid", "service_stations.ServiceStation", "auth.User"]


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def seed():
    call_command("seed_demo", "--streets", "2", "--password", "x-pass-123", stdout=io.StringIO())


@pytest.fixture(scope="module")
def seeded_twice(django_db_setup, django_db_blocker):
    """Seed once for the whole module (seeding is slow), inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed()
            first = counts()
            seed()
            yield first, counts()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_twice, db):
    return seeded_twice[1]


def test_seed_demo_twice_is_idempotent(seeded_twice, db):
    first, second = seeded_twice
    assert second == first
    assert counts() == second
    seeded = second
    assert seeded["streets.Street"] == 2
    assert seeded["streets.StreetOffice"] == 10


def test_seed_demo_creates_the_named_accounts_with_their_roles(seeded):
    users = {u.username: u for u in get_user_model().objects.all()}
    expected = {"admin": Role.DISTRICT_ADMIN, "orgdept": Role.ORGDEPT_REVIEWER, "civil-affairs": Role.CIVIL_AFFAIRS,
                "dept-finance": Role.DEPARTMENT_USER, "street-fhbj": Role.STREET_STAFF,
                "community-fhbj-01": Role.COMMUNITY_STAFF, "station-fhbj-01": Role.STATION_WORKER,
                "grid-fhbj-01-g1": Role.GRID_WORKER}
    for street in Street.objects.all():
        expected[f"street-{street.code}"] = Role.STREET_STAFF
    for community in Community.objects.all():
        expected[f"community-{community.code}"] = Role.COMMUNITY_STAFF
    for station in ServiceStation.objects.all():
        # one account per station, named after the first community it serves (issue 8)
        first = station.communities.order_by("pk").first()
        expected[f"station-{first.code}"] = Role.STATION_WORKER
    for grid in Grid.objects.all():
        expected[f"grid-{grid.code}"] = Role.GRID_WORKER
    for username, role in expected.items():
        assert username in users, username
        assert user_role(users[username]) == role, username
        assert users[username].check_password("x-pass-123"), username


def test_seeded_accounts_have_working_scope(seeded):
    User = get_user_model()
    for street in Street.objects.all():
        scope = scope_for(User.objects.get(username=f"street-{street.code}"))
        assert not scope.district_wide
        assert scope.street_ids == {street.pk}
    community = Community.objects.order_by("pk").first()
    scope = scope_for(User.objects.get(username=f"community-{community.code}"))
    assert (scope.street_ids, scope.community_ids) == (frozenset(), {community.pk})
    station = ServiceStation.objects.filter(communities=community).get()
    assert scope_for(User.objects.get(username=f"station-{community.code}")).station_ids == {station.pk}
    grid = Grid.objects.order_by("pk").first()
    assert scope_for(User.objects.get(username=f"grid-{grid.code}")).grid_ids == {grid.pk}
    assert scope_for(User.objects.get(username="orgdept")).district_wide


def test_seeded_street_account_sees_its_street_only_through_the_api(seeded, api_for):
    street = Street.objects.order_by("code").first()
    client = api_for(get_user_model().objects.get(username=f"street-{street.code}"))
    response = client.get("/api/v1/streets/")
    assert [row["id"] for row in response.json()["results"]] == [street.pk]
    communities = client.get("/api/v1/communities/", {"page_size": 100}).json()
    assert communities["count"] == Community.objects.filter(street=street).count()


def test_seed_demo_flags_pilot_streets(seeded):
    pilots = {code for code, _, pilot in STREETS[:2] if pilot}
    for street in Street.objects.all():
        assert street.is_pilot == (street.code in pilots)
        assert (street.pilot_start is not None) == street.is_pilot
    assert Street.objects.filter(is_pilot=True).exists()


def test_seeded_district_has_no_unapproved_cap_breach(seeded):
    from governance.findings import findings_for

    found = findings_for(user=get_user_model().objects.get(username="admin"))
    caps = [x for x in found if x.rule in ("street.staff_cap", "street.leadership_posts") and not x.approved]
    assert caps == []

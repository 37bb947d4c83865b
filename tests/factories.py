"""Factories for tests: small, explicit, going through the services where a rule applies."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from communities.services import community_create
from governance.models import Department, District, PostKind, StaffCategory
from governance.roles import Role
from governance.services import department_create, person_create, post_create, user_create_with_role
from grids.services import grid_create
from service_stations.services import station_create
from streets.services import street_create

_seq = itertools.count(1)
START = datetime.date(2024, 1, 1)


def district():
    return District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})[0]


def street(**fields):
    n = next(_seq)
    data = {"code": f"s{n}", "name": f"测试{n}街", "is_pilot": False}
    data.update(fields)
    return street_create(acting_user=None, district=district(), **data)


def community(street_=None, **fields):
    n = next(_seq)
    data = {"code": f"c{n}", "name": f"测试{n}社区", "households": 2000, "party_members": 80}
    data.update(fields)
    return community_create(acting_user=None, street=street_ or street(), **data)


def person(**fields):
    n = next(_seq)
    data = {"name": f"人员{n}"}
    data.update(fields)
    return person_create(acting_user=None, **data)


def post(kind, **fields):
    fields.setdefault("start_date", START)
    if "person" not in fields:
        fields["person"] = person(is_party_member=True)
    return post_create(acting_user=None, kind=kind, **fields)


def street_staff(street_, n, category=StaffCategory.ADMINISTRATIVE, **fields):
    return [post(PostKind.STREET_STAFF, street=street_, staff_category=category, **fields) for _ in range(n)]


def department(**fields):
    n = next(_seq)
    data = {"code": f"d{n}", "name": f"部门{n}", "kind": Department.Kind.OTHER}
    data.update(fields)
    return department_create(acting_user=None, district=district(), **data)


def station(street_, *communities, **fields):
    n = next(_seq)
    return station_create(acting_user=None, street=street_, code=f"st{n}", name=f"服务站{n}",
                          communities=communities, **fields)


def grid(community_, **fields):
    n = next(_seq)
    return grid_create(acting_user=None, community=community_, code=f"g{n}", name=f"网格{n}", **fields)


def user(role: Role, unit=None, username=None):
    return user_create_with_role(username=username or f"{role.value}-{next(_seq)}", password="pw-Secret-2018",
                                 role=role, scope_object=unit)


def token_for(user_):
    return Token.objects.get_or_create(user=user_)[0].key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")


def client_for(user):
    """The one login helper: a page client signed in as `user` (API clients: tests/conftest.py: api_as)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client

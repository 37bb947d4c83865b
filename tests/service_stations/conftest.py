import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest

from governance.models import PostKind
from governance.roles import Role
from service_stations.models import ServiceItem
from service_stations.services import case_receive
from service_stations.validators import id_number_check_digit
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def id_number(birth="19800101", serial=None) -> str:
    first17 = f"640104{birth}{serial or next(_seq) % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def at(day: datetime.date, hour=9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def item(name="城乡居民最低生活保障申请") -> ServiceItem:
    """A default item (seeded by the migration)."""
    return ServiceItem.objects.get(name=name)


def case(station, user=None, *, service_item=None, received_at=None, materials=None, **fields):
    service_item = service_item or item()
    if materials is None:
        materials = list(service_item.required_materials)
    return case_receive(acting_user=user, station=station, service_item=service_item, applicant_name="马建华",
                        applicant_phone="13995112345", applicant_id_number=id_number(), materials_received=materials,
                        received_at=received_at or at(datetime.date(2025, 9, 29)), **fields)


@pytest.fixture
def stations(two_streets):
    """A station in each of two streets, a worker of each, the staff of street a and a district admin."""
    w = dict(two_streets)
    for side in ("a", "b"):
        w[f"station_{side}"] = f.station(w[side], w[f"c{side}"])
        w[f"worker_{side}"] = f.user(Role.STATION_WORKER, w[f"station_{side}"])
    w["street_a_user"] = f.user(Role.STREET_STAFF, w["a"])
    w["admin"] = f.user(Role.DISTRICT_ADMIN)
    w["orgdept"] = f.user(Role.ORGDEPT_REVIEWER)
    head = f.person(street=w["a"], user=w["worker_a"])
    f.post(PostKind.STATION_HEAD, station=w["station_a"], person=head)
    return w

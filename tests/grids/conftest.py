import pytest

from governance.models import Department
from governance.roles import Role
from grids.models import EventCategory
from tests import factories as f


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def w(two_streets):
    """Two streets, a community in each with a grid and its worker; users at every level."""
    w = dict(two_streets)
    for side in ("a", "b"):
        community = w[f"c{side}"]
        w[f"grid_{side}"] = f.grid(community, households=2000)
        w[f"gw_{side}"] = f.user(Role.GRID_WORKER, w[f"grid_{side}"])
        w[f"cs_{side}"] = f.user(Role.COMMUNITY_STAFF, community)
        w[f"ss_{side}"] = f.user(Role.STREET_STAFF, w[side])
    w["grid_a2"] = f.grid(w["ca"], households=0)
    w["gw_a2"] = f.user(Role.GRID_WORKER, w["grid_a2"])
    w["dept"] = f.department(name="城管局")
    w["other_dept"] = f.department(name="住建局")
    w["du"] = f.user(Role.DEPARTMENT_USER, w["dept"])
    w["du_other"] = f.user(Role.DEPARTMENT_USER, w["other_dept"])
    w["civil"] = f.user(Role.CIVIL_AFFAIRS)
    # Seeded by a data migration; made here too, since a transactional test before this one may have flushed it.
    parent, _ = EventCategory.objects.get_or_create(code="SG01", defaults={"name": "矛盾纠纷"})
    w["category"], _ = EventCategory.objects.get_or_create(code="SG0101", defaults={"name": "邻里纠纷", "parent": parent})
    assert Department.objects.count() >= 2
    return w

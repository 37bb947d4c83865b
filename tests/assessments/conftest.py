"""Fixtures for assessments: a world of two streets with people to assess and raters of each side."""

import pytest

from assessments.models import RaterKind, SubjectKind
from assessments.services import cycle_open, scheme_create
from governance.models import PostKind, StationedUnit
from governance.roles import Role
from tests import factories as f


def crit(*rows):
    return [{"name": name, "max_score": points} for name, points in rows]


@pytest.fixture
def world(two_streets):
    """Streets a and b, each with a community, two community workers, a grid worker, stationed units of
    each level, and one account per role and side."""
    w = dict(two_streets)
    for side in ("a", "b"):
        street, community = w[side], w[f"c{side}"]
        w[f"worker_{side}"] = f.post(PostKind.RC_MEMBER, community=community,
                                     person=f.person(street=street, community=community, name=f"社工{side}1")).person
        w[f"worker2_{side}"] = f.post(PostKind.RC_MEMBER, community=community,
                                      person=f.person(street=street, community=community, name=f"社工{side}2")).person
        w[f"grid_{side}"] = f.post(PostKind.GRID_WORKER, community=community,
                                   person=f.person(street=street, community=community, name=f"网格员{side}")).person
        w[f"region_{side}"] = StationedUnit.objects.create(street=street, name=f"自治区单位{side}", level="region")
        w[f"city_{side}"] = StationedUnit.objects.create(street=street, name=f"银川市单位{side}", level="city")
        w[f"street_user_{side}"] = f.user(Role.STREET_STAFF, street)
        w[f"community_user_{side}"] = f.user(Role.COMMUNITY_STAFF, community)
    w["orgdept"] = f.user(Role.ORGDEPT_REVIEWER)
    return w


@pytest.fixture
def worker_scheme(db):
    """Community workers: street 40% (two criteria, 60 + 40 points), community 60% (one criterion of 100)."""
    return scheme_create(acting_user=None, name="社区工作者测试考核", subject_kind=SubjectKind.COMMUNITY_WORKER,
                         period="half_yearly", components=[
                             {"rater_kind": RaterKind.STREET, "weight": 40, "criteria": crit(("实绩", 60), ("作风", 40))},
                             {"rater_kind": RaterKind.COMMUNITY, "weight": 60, "criteria": crit(("群众评价", 100))},
                         ])


@pytest.fixture
def unit_scheme(db):
    return scheme_create(acting_user=None, name="驻区单位党建测试", subject_kind=SubjectKind.STATIONED_UNIT,
                         period="annual", components=[
                             {"rater_kind": RaterKind.STREET, "weight": 40, "criteria": crit(("下基层", 100))},
                             {"rater_kind": RaterKind.COMMUNITY, "weight": 60, "criteria": crit(("党员报到", 100))},
                         ])


@pytest.fixture
def agency(world):
    """Street a's police-station head (stationed by the police bureau), street b's judicial-office head
    (the justice bureau), and a scheme: street 60% (100 points), department 40% (50 + 30 points)."""
    w = dict(world)
    w["police"] = f.department(name="兴庆区公安分局")
    w["justice"] = f.department(name="兴庆区司法局")
    w["head_a"] = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=w["a"], is_secondment=True,
                         seconded_from="兴庆区公安分局胜利派出所所长", secondment_role="police_station_head",
                         person=f.person(name="所长甲")).person
    w["head_b"] = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=w["b"], is_secondment=True,
                         seconded_from="兴庆区司法局司法所所长", secondment_role="judicial_office_head",
                         person=f.person(name="所长乙")).person
    w["police_user"] = f.user(Role.DEPARTMENT_USER, w["police"])
    w["justice_user"] = f.user(Role.DEPARTMENT_USER, w["justice"])
    w["scheme"] = scheme_create(acting_user=None, name="派驻机构负责人测试", subject_kind=SubjectKind.AGENCY_HEAD,
                                period="annual", components=[
                                    {"rater_kind": RaterKind.STREET, "weight": 60, "criteria": crit(("配合统筹", 100))},
                                    {"rater_kind": RaterKind.DEPARTMENT, "weight": 40,
                                     "criteria": crit(("部门业务", 50), ("队伍建设", 30))}])
    w["cycle"] = cycle_open(acting_user=None, scheme=w["scheme"], year=2024)
    return w

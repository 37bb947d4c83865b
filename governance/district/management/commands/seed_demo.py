"""Load the demo district: Xingqing's 11 streets, their communities, people, posts and one account per
role and unit. Idempotent: a street that exists is left as it is; accounts get the given password."""

import datetime
import math
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from admissions.demo import seed_admissions_demo
from assessments.demo import seed_assessment_schemes
from communities.models import Community
from communities.services import community_create
from governance.models import Department, District, PostKind, SecondmentRole, StaffCategory, StationedUnit
from governance.roles import Role
from governance.services import (
    department_create,
    instance_save,
    person_create,
    post_create,
    stationed_unit_create,
    user_create_with_role,
)
from grids.demo import community_divide
from grids.models import Grid
from meetings.demo import seed_meetings_demo
from service_stations.demo import demo_station_data
from service_stations.models import ServiceStation
from streets.models import Street
from streets.services import street_create

# (code, name, pilot): the 7 pilot streets of 六(二) from October 2018; the others from 2019.
STREETS = [
    ("fhbj", "凤凰北街", False), ("yhgbj", "玉皇阁北街", True), ("qjj", "前进街", True),
    ("zsnj", "中山南街", True), ("xhj", "新华街", True), ("jfxj", "解放西街", True),
    ("whj", "文化街", True), ("fnj", "富宁街", False), ("slj", "胜利街", True),
    ("ljj", "丽景街", False), ("ygl", "银古路", False),
]
PILOT_START = datetime.date(2018, 10, 1)
REFORM_START = datetime.date(2019, 1, 1)

DEPARTMENTS = [
    ("orgdept", "区委组织部", Department.Kind.ORGANISATION),
    ("civil-affairs", "民政局", Department.Kind.CIVIL_AFFAIRS),
    ("establishment", "区委编办", Department.Kind.ESTABLISHMENT),
    ("finance", "财政局", Department.Kind.FINANCE),
    ("approval", "行政审批服务中心", Department.Kind.ADMIN_APPROVAL),
    ("hr", "人力资源和社会保障局", Department.Kind.HUMAN_RESOURCES),
    ("civilisation", "文明办", Department.Kind.OTHER),
    ("politics-law", "政法委", Department.Kind.OTHER),
    ("housing", "住房和城乡建设局", Department.Kind.OTHER),
]
COMMUNITY_WORDS = ["东苑", "西苑", "南门", "北塔", "丽园", "康乐", "和平", "幸福", "文昌", "金凤", "湖滨", "玉泉",
                   "鼓楼", "新城", "银河", "富宁"]
SURNAMES = "王李张刘陈杨马赵黄周吴徐孙胡朱高林何郭罗"
GIVEN = ["建华", "秀兰", "志强", "丽娟", "海燕", "国庆", "红梅", "永刚", "晓东", "玉萍", "春生", "桂英", "文杰", "静", "磊", "娜"]


def index_in_district(street) -> int:
    return [code for code, _, _ in STREETS].index(street.code)


class Command(BaseCommand):
    help = "Load the demo district of Xingqing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="xingqing-demo-2018", help="Password for every demo account.")
        parser.add_argument("--streets", type=int, default=len(STREETS), help="Load only the first N streets (tests).")

    @transaction.atomic
    def handle(self, *args, password, streets, **options):
        self.hashed = make_password(password)  # one hash for all demo accounts keeps seeding fast
        self.rng = random.Random(2018)
        district, _ = District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})
        for code, name, kind in DEPARTMENTS:
            if not Department.objects.filter(code=code).exists():
                department_create(acting_user=None, district=district, code=code, name=name, kind=kind)
        self.account("admin", Role.DISTRICT_ADMIN, None, "区级管理员")
        self.account("orgdept", Role.ORGDEPT_REVIEWER, None, "区委组织部")
        self.account("civil-affairs", Role.CIVIL_AFFAIRS, None, "民政局")
        self.account("dept-finance", Role.DEPARTMENT_USER, Department.objects.get(code="finance"), "财政局")
        created = 0
        for index, (code, name, pilot) in enumerate(STREETS[:streets]):
            street = Street.objects.filter(code=code).first()
            if street is None:
                street = self.street(district, index, code, name, pilot)
                created += 1
            self.account(f"street-{code}", Role.STREET_STAFF, street, f"{name}街道")
            for community in Community.objects.filter(street=street):
                self.account(f"community-{community.code}", Role.COMMUNITY_STAFF, community, community.name)
                for station in ServiceStation.objects.filter(communities=community).order_by("pk")[:1]:
                    self.account(f"station-{community.code}", Role.STATION_WORKER, station, station.name)
            for grid in Grid.objects.filter(community__street=street, ended_on__isnull=True):
                self.account(f"grid-{grid.code}", Role.GRID_WORKER, grid, grid.name)
        seed_admissions_demo(account=self.account)
        seed_meetings_demo()
        seed_assessment_schemes()  # the policy's default assessment schemes (三(四)3, 二(四)2, 五(三))
        demo_station_data(rng=self.rng)
        self.stdout.write(self.style.SUCCESS(f"Demo district ready: {created} street(s) created, accounts updated."))

    def account(self, username, role, unit, display):
        user = user_create_with_role(username=username, password=None, role=role, scope_object=unit, display_name=display)
        get_user_model().objects.filter(pk=user.pk).update(password=self.hashed)

    def person(self, **fields):
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        return person_create(acting_user=None, name=name, gender=self.rng.choice("MF"), **fields)

    def street(self, district, index, code, name, pilot):
        street = street_create(
            acting_user=None, district=district, code=code, name=name, is_pilot=pilot,
            pilot_start=PILOT_START if pilot else None, party_committee_name=f"中共{name}街道工作委员会",
            office_name=f"{name}街道办事处", address=f"银川市兴庆区{name}", administrative_posts=12 + index % 4,
            career_posts=8 + index % 3,
        )
        rng = self.rng
        start = PILOT_START if pilot else REFORM_START
        post = lambda person, kind, **kw: post_create(acting_user=None, person=person, kind=kind, street=street,  # noqa: E731
                                                      start_date=start, **kw)
        secretary = self.person(street=street, is_party_member=True)
        post(secretary, PostKind.STREET_PARTY_SECRETARY, staff_category=StaffCategory.ADMINISTRATIVE)
        post(secretary, PostKind.NPC_DIRECTOR)
        director = self.person(street=street, is_party_member=True)
        post(director, PostKind.STREET_DIRECTOR, staff_category=StaffCategory.ADMINISTRATIVE)
        deputies = []
        for kind in (PostKind.STREET_DEPUTY_SECRETARY, PostKind.STREET_DEPUTY_SECRETARY,
                     PostKind.STREET_DEPUTY_DIRECTOR, PostKind.STREET_DEPUTY_DIRECTOR):
            deputy = self.person(street=street, is_party_member=True)
            post(deputy, kind, staff_category=StaffCategory.ADMINISTRATIVE)
            deputies.append(deputy)
        post(deputies[0], PostKind.NPC_DEPUTY_DIRECTOR)
        for _ in range(2):
            post(self.person(street=street, is_npc_deputy=True), PostKind.NPC_MEMBER)
        post(self.person(street=street, is_party_member=True), PostKind.ORGANISATION_MEMBER,
             staff_category=StaffCategory.CAREER)
        # 二(二)2: the police-station head is seconded as deputy party secretary (not counted).
        post(self.person(street=street, is_party_member=True), PostKind.STREET_DEPUTY_SECRETARY, is_secondment=True,
             seconded_from=f"{name}派出所所长", secondment_role=SecondmentRole.POLICE_STATION_HEAD)
        categories = [StaffCategory.ADMINISTRATIVE, StaffCategory.CAREER, StaffCategory.PUBLIC_POST,
                      StaffCategory.SANZHI_YIFU, StaffCategory.POLICY_PLACEMENT]
        for _ in range(rng.randint(14, 21)):
            post(self.person(street=street), PostKind.STREET_STAFF, staff_category=rng.choice(categories))
        for _ in range(rng.randint(3, 6)):
            post(self.person(street=street), PostKind.STREET_STAFF, staff_category=StaffCategory.LAW_ENFORCEMENT)
        if index == 0:
            # A street over the cap of 30 with the district's approval, so the findings page has
            # something real to show (二(二)1): listed, marked as approved.
            while len({p.person_id for p in street.posts.filter(kind=PostKind.STREET_STAFF)}) < 28:
                post(self.person(street=street), PostKind.STREET_STAFF, staff_category=StaffCategory.PUBLIC_POST,
                     approval_reference="兴编办发〔2019〕12号")
        offices = list(street.offices.order_by("kind"))
        for office, head in zip(offices, deputies + deputies[:1], strict=True):
            office.head = head
            instance_save(office, acting_user=None)
        for level, unit_name in ((StationedUnit.Level.REGION, "自治区{}厅机关"), (StationedUnit.Level.CITY, "银川市{}局"),
                                 (StationedUnit.Level.DISTRICT, "兴庆区{}中心")):
            stationed_unit_create(acting_user=None, street=street, level=level, name=unit_name.format(name[:2]),
                                  party_organization="机关党支部")
        shared_station = None
        for number in range(rng.randint(6, 12)):
            shared_station = self.community(street, f"{code}-{number + 1:02d}", name, number, start, shared_station)
        return street

    def community(self, street, code, street_name, number, start, shared_station):
        rng = self.rng
        households = rng.randint(1500, 8000)
        members = rng.randint(40, 300)
        community = community_create(
            acting_user=None, street=street, code=code, name=f"{COMMUNITY_WORDS[number % len(COMMUNITY_WORDS)]}社区",
            households=households, party_members=members, is_complex=rng.random() < 0.3,
            address=f"{street_name}{COMMUNITY_WORDS[number % len(COMMUNITY_WORDS)]}路{number + 1}号",
        )
        post = lambda person, kind, **kw: post_create(acting_user=None, person=person, kind=kind,  # noqa: E731
                                                      community=community, start_date=start, **kw)
        committee = 7 if households >= 3000 else 5
        party = [self.person(community=community, is_party_member=True,
                             community_service_start=datetime.date(rng.randint(1990, 2016), rng.randint(1, 12), 1))
                 for _ in range(7)]
        kinds = [PostKind.COMMUNITY_SECRETARY, PostKind.COMMUNITY_FULLTIME_DEPUTY, PostKind.COMMUNITY_DEPUTY_SECRETARY,
                 PostKind.COMMUNITY_DEPUTY_SECRETARY, PostKind.COMMUNITY_PARTY_MEMBER, PostKind.COMMUNITY_PARTY_MEMBER,
                 PostKind.COMMUNITY_PARTY_MEMBER]
        if number == 2 and index_in_district(street) % 3 == 0:
            party = party[:6]  # a committee one short of 7 (三(一)2): shows up on the findings page
        for person, kind in zip(party, kinds, strict=False):
            post(person, kind)
        # 交叉任职: the full-time deputy secretary chairs the residents' committee.
        post(party[1], PostKind.RC_DIRECTOR)
        for person in party[4:4 + max(0, committee - 5)]:
            post(person, PostKind.RC_MEMBER)
        for _ in range(2):
            post(self.person(community=community), PostKind.RC_MEMBER)
        needed = math.ceil(households / (300 if community.is_complex else 500))
        for _ in range(max(0, needed - committee - rng.randint(0, 3))):
            post(self.person(community=community, community_service_start=datetime.date(rng.randint(2000, 2018), 3, 1)),
                 PostKind.GRID_WORKER)
        community_divide(community, rng=rng)  # grids (三(四)2, 四(一)), their workers, ledgers and events
        # 三(二): one station per community; every fourth community shares its neighbour's.
        if shared_station is not None and number % 4 == 3:
            shared_station.communities.add(community)
            return None
        station = instance_save(ServiceStation(street=street, code=f"{code}-st", name=f"{community.name}服务站"), acting_user=None)
        station.communities.add(community)
        head = self.person(street=street)
        post_create(acting_user=None, person=head, kind=PostKind.STATION_HEAD, station=station, start_date=start,
                    community=community)
        for _ in range(rng.randint(1, 3)):
            post_create(acting_user=None, person=self.person(street=street), kind=PostKind.STATION_STAFF, station=station,
                        start_date=start, community=community)
        return station

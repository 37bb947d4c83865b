"""Load the demo district: Xingqing's 11 streets, their communities, people, posts and one account per
role and unit. Idempotent: a street that exists is left as it is; accounts get the given password.

Fast (issue 14): the rows are built in Python, validated as the services validate them (fields and
`clean()`, the units a post names, the one-holder and cap rules through the findings of the same rule
checks), then written in bulk with their history rows (`governance.bulk.create_with_history`, the rows
`bulk_create_with_history` writes): a few hundred
queries instead of 80,000. Another app adds its demo data with one call at the end of `handle()`."""

import datetime
import math
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from guardian.models import UserObjectPermission

from admissions.demo import seed_admissions_demo
from assessments.demo import seed_assessment_schemes
from assessments.quotas import committee_members_quota
from communities import checks as community_checks
from communities.models import Community, PartyOrganization, ResidentsCommittee
from governance import authz_cache
from governance.bulk import bulk_create_validated, create_with_history, rows_validate
from governance.findings import cover_key, findings_for
from governance.models import (
    POST_KINDS,
    Department,
    District,
    Person,
    Post,
    PostKind,
    SecondmentRole,
    StaffCategory,
    StationedUnit,
)
from governance.roles import Role, scope_permission
from governance.rules import RuleBook
from governance.services import _post_units_check, department_create, user_create_with_role
from grids.models import Grid, LedgerEntry
from grids.services import ledger_entry_build
from meetings.demo import seed_meetings_demo
from service_stations.demo import demo_station_data
from service_stations.models import ServiceStation
from streets.models import DEFAULT_OFFICE_DUTIES, Street, StreetOffice

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


# Rules a service refuses a write for; the seeded district may break them only with an approval.
REFUSED_RULES = {"street.staff_cap", "street.leadership_posts", "service_station.staff_cap"}


class Command(BaseCommand):
    help = "Load the demo district of Xingqing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="xingqing-demo-2018", help="Password for every demo account.")
        parser.add_argument("--streets", type=int, default=len(STREETS), help="Load only the first N streets (tests).")

    @transaction.atomic
    def handle(self, *args, password, streets, **options):
        self.hashed = make_password(password)  # one hash for all demo accounts keeps seeding fast
        self.rng = random.Random(2018)
        district = self.district_and_departments()
        created = self.streets(district, STREETS[:streets])
        self.accounts(STREETS[:streets])
        self.check_rules(created)
        self.place_stationed_units(created)
        # Each app's own demo data, one call each.
        seed_admissions_demo(account=self.account)
        seed_meetings_demo()
        seed_assessment_schemes()  # the policy's default assessment schemes (三(四)3, 二(四)2, 五(三))
        demo_station_data(rng=self.rng)
        self.stdout.write(self.style.SUCCESS(f"Demo district ready: {len(created)} street(s) created, accounts updated."))

    # --- the district --------------------------------------------------------------------------

    def district_and_departments(self):
        district, _ = District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})
        existing = set(Department.objects.values_list("code", flat=True))
        for code, name, kind in DEPARTMENTS:
            if code not in existing:
                department_create(acting_user=None, district=district, code=code, name=name, kind=kind)
        return district

    def streets(self, district, streets) -> list[Street]:
        """Build every missing street with its units, people and posts, validate, write in bulk."""
        existing = set(Street.objects.filter(code__in=[code for code, _, _ in streets]).values_list("code", flat=True))
        self.rows = defaultdict(list)  # model -> rows to write, in dependency order (WRITE_ORDER)
        self.links = []  # (station, community): the stations' communities
        self.rules = RuleBook()
        built = [self.street(district, index, code, name, pilot)
                 for index, (code, name, pilot) in enumerate(streets) if code not in existing]
        self.write()
        return built

    def write(self):
        for model in (Street, Community, PartyOrganization, ResidentsCommittee, Person, StreetOffice, StationedUnit,
                      Grid, ServiceStation):
            rows = self.rows[model]
            for row in rows:
                self._refresh_fks(row)
            _validate(rows)
            if rows:
                create_with_history(rows, model, batch_size=1000)
        Through = ServiceStation.communities.through
        Through.objects.bulk_create([Through(servicestation_id=s.pk, community_id=c.pk) for s, c in self.links])
        self._served = defaultdict(set)
        for station, community in self.links:
            self._served[station.pk].add(community.pk)
        posts = self.rows[Post]
        for post in posts:
            self._refresh_fks(post)
        _validate(posts)
        for post in posts:
            self._units_check(post)
        create_with_history(posts, Post, batch_size=1000)

    @staticmethod
    def _refresh_fks(row):
        """Rows were built before their parents had ids: take the ids now that the parents are written."""
        for f in row._meta.concrete_fields:
            if f.is_relation and f.name in row._state.fields_cache:
                parent = row._state.fields_cache[f.name]
                # Set the id without the descriptor, which would drop the cached parent.
                row.__dict__[f.attname] = parent.pk if parent is not None else None

    def _units_check(self, post):
        """The post service's unit checks (governance.services._post_units_check), a station's communities
        taken from the links just written instead of a query per station post."""
        _post_units_check(post, served=self._served[post.station_id] if post.station_id else None)

    def check_rules(self, streets):
        """The rules the post services refuse a write for, checked once over the result by the same rule
        checks (the findings): the demo breaks a cap only with an approval reference."""
        if not streets:
            return
        admin = get_user_model().objects.get(username="admin")
        ids = {s.pk for s in streets}
        refused = [f for f in findings_for(user=admin, rules=RuleBook()) if f.street_id in ids and f.rule in REFUSED_RULES
                   and not f.approved]
        if refused:
            raise CommandError("; ".join(f"{f.subject}: {f.message}" for f in refused))

    def place_stationed_units(self, streets):
        """四(一): every stationed unit placed in the grid it sits in (a ledger entry of its grid), built as
        grids.services.ledger_entry_create builds it (`ledger_entry_build`), written in bulk with history."""
        ids = [street.pk for street in streets]
        grids, units = defaultdict(list), defaultdict(list)
        for grid in Grid.objects.filter(community__street_id__in=ids).select_related("community").order_by("code"):
            grids[grid.community.street_id].append(grid)
        for unit in StationedUnit.objects.filter(street_id__in=ids).order_by("pk"):
            units[unit.street_id].append(unit)
        entries = []
        for street in streets:
            street_grids = grids[street.pk]
            for i, unit in enumerate(units[street.pk]):
                if street_grids:
                    entries.append(ledger_entry_build(grid=street_grids[(i * 7) % len(street_grids)],
                                                      kind=LedgerEntry.Kind.STATIONED_UNIT, name=unit.name,
                                                      stationed_unit=unit))
        bulk_create_validated(entries, LedgerEntry)

    # --- accounts ------------------------------------------------------------------------------

    def account(self, username, role, unit, display):
        """One more login, for an app's demo data (governance.services.user_create_with_role)."""
        user = user_create_with_role(username=username, password=None, role=role, scope_object=unit,
                                     display_name=display)
        if not user.has_usable_password():
            user.password = self.hashed
            user.save(update_fields=["password"])
        return user

    def accounts(self, streets):
        specs = [("admin", Role.DISTRICT_ADMIN, None, "区级管理员"), ("orgdept", Role.ORGDEPT_REVIEWER, None, "区委组织部"),
                 ("civil-affairs", Role.CIVIL_AFFAIRS, None, "民政局"),
                 ("dept-finance", Role.DEPARTMENT_USER, Department.objects.get(code="finance"), "财政局")]
        codes = [code for code, _, _ in streets]
        street_rows = Street.objects.filter(code__in=codes).order_by("code")
        communities = Community.objects.filter(street__code__in=codes).select_related("street").order_by("street_id", "code")
        first_station = {}
        for link in ServiceStation.communities.through.objects.filter(community__in=communities).select_related(
                "servicestation").order_by("servicestation_id"):
            first_station.setdefault(link.community_id, link.servicestation)
        grids = Grid.objects.filter(community__street__code__in=codes).order_by("community__street_id", "code")
        order = {code: i for i, code in enumerate(codes)}
        for street in sorted(street_rows, key=lambda s: order[s.code]):
            specs.append((f"street-{street.code}", Role.STREET_STAFF, street, f"{street.name}街道"))
        seen_stations = set()
        for community in communities:
            specs.append((f"community-{community.code}", Role.COMMUNITY_STAFF, community, community.name))
            station = first_station.get(community.pk)
            if station is not None and station.pk not in seen_stations:  # one account per station
                seen_stations.add(station.pk)
                specs.append((f"station-{community.code}", Role.STATION_WORKER, station, station.name))
        for grid in grids:
            specs.append((f"grid-{grid.code}", Role.GRID_WORKER, grid, grid.name))
        accounts_bulk(specs, hashed=self.hashed)

    # --- building the rows ---------------------------------------------------------------------

    def add(self, row):
        self.rows[type(row)].append(row)
        return row

    def person(self, **fields):
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        if fields.get("community") is not None:
            fields.setdefault("street", fields["community"].street)  # as governance.services._person_check
        return self.add(Person(name=name, gender=self.rng.choice("MF"), **fields))

    def post(self, person, kind, **fields):
        return self.add(Post(person=person, kind=kind, **fields))

    def street(self, district, index, code, name, pilot):
        street = self.add(Street(
            district=district, code=code, name=name, is_pilot=pilot,
            pilot_start=PILOT_START if pilot else None, party_committee_name=f"中共{name}街道工作委员会",
            office_name=f"{name}街道办事处", address=f"银川市兴庆区{name}", administrative_posts=12 + index % 4,
            career_posts=8 + index % 3,
        ))
        rng = self.rng
        start = PILOT_START if pilot else REFORM_START
        post = lambda person, kind, **kw: self.post(person, kind, street=street, start_date=start, **kw)  # noqa: E731
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
        organiser = self.person(street=street, is_party_member=True)
        post(organiser, PostKind.ORGANISATION_MEMBER, staff_category=StaffCategory.CAREER)
        post(organiser, PostKind.STREET_COMMITTEE_MEMBER)  # 二(二)2: 任党工委委员
        # 二(二)2: the police-station head is seconded as deputy party secretary (not counted).
        post(self.person(street=street, is_party_member=True), PostKind.STREET_DEPUTY_SECRETARY, is_secondment=True,
             seconded_from=f"{name}派出所所长", secondment_role=SecondmentRole.POLICE_STATION_HEAD)
        categories = [StaffCategory.ADMINISTRATIVE, StaffCategory.CAREER, StaffCategory.PUBLIC_POST,
                      StaffCategory.SANZHI_YIFU, StaffCategory.POLICY_PLACEMENT]
        staff = 0
        for _ in range(rng.randint(14, 21)):
            post(self.person(street=street), PostKind.STREET_STAFF, staff_category=rng.choice(categories))
            staff += 1
        for _ in range(rng.randint(3, 6)):
            post(self.person(street=street), PostKind.STREET_STAFF, staff_category=StaffCategory.LAW_ENFORCEMENT)
            staff += 1
        if index == 0:
            # A street over the cap of 30 with the district's approval, so the findings page has
            # something real to show (二(二)1): listed, marked as approved.
            while staff < 28:
                post(self.person(street=street), PostKind.STREET_STAFF, staff_category=StaffCategory.PUBLIC_POST,
                     approval_reference="兴编办发〔2019〕12号",
                     approval_covers=cover_key(self.rules["street.staff_cap"], "staff"))  # what it approves
                staff += 1
        # 二(三): "四办一中心", each headed by a deputy leader.
        for (kind, duties), head in zip(sorted(DEFAULT_OFFICE_DUTIES.items()), deputies + deputies[:1], strict=True):
            self.add(StreetOffice(street=street, kind=kind, duties=duties, head=head))
        for level, unit_name in ((StationedUnit.Level.REGION, "自治区{}厅机关"), (StationedUnit.Level.CITY, "银川市{}局"),
                                 (StationedUnit.Level.DISTRICT, "兴庆区{}中心")):
            self.add(StationedUnit(street=street, level=level, name=unit_name.format(name[:2]),
                                   party_organization="机关党支部"))
        shared_station = None
        for number in range(rng.randint(6, 12)):
            # 三(一)2: each party-member deputy leads a community party committee (the first four communities)
            secretary = deputies[number] if number < len(deputies) else None
            shared_station = self.community(street, f"{code}-{number + 1:02d}", name, number, start, shared_station,
                                            secretary=secretary)
        return street

    def community(self, street, code, street_name, number, start, shared_station, secretary=None):
        rng = self.rng
        members = rng.randint(40, 300)
        # 三(一): the organisation the members call for, decided where communities.services decides it.
        kind = community_checks.party_organization_required(party_members=members, rules=self.rules)
        kind = kind or PartyOrganization.Kind.GENERAL_BRANCH
        is_committee = kind == PartyOrganization.Kind.PARTY_COMMITTEE
        # A 社区党委 (7 members, 三(一)2) sits in a community whose "两委" quota is 7 or 9 (三(四)2).
        households = rng.randint(3000, 8000) if is_committee else rng.randint(1500, 8000)
        word = COMMUNITY_WORDS[number % len(COMMUNITY_WORDS)]
        community = self.add(Community(street=street, code=code, name=f"{street_name[:2]}{word}社区", households=households,
                                       party_members=members, is_complex=rng.random() < 0.3,
                                       address=f"{street_name}{word}路{number + 1}号"))
        self.add(PartyOrganization(community=community, kind=kind,
                                   name=f"{community.name}{PartyOrganization.Kind(kind).label.removeprefix('社区')}"))
        self.add(ResidentsCommittee(community=community, name=f"{community.name}居民委员会"))
        post = lambda person, kind, **kw: self.post(person, kind, community=community, start_date=start, **kw)  # noqa: E731
        committee = committee_members_quota(households=households, rules=self.rules).value  # 5 / 7 / 9 (三(四)2)
        if is_committee:  # 书记1, 专职副书记1, 副书记2, 委员3 (三(一)2)
            kinds = [PostKind.COMMUNITY_SECRETARY, PostKind.COMMUNITY_FULLTIME_DEPUTY, PostKind.COMMUNITY_DEPUTY_SECRETARY,
                     PostKind.COMMUNITY_DEPUTY_SECRETARY, PostKind.COMMUNITY_PARTY_MEMBER, PostKind.COMMUNITY_PARTY_MEMBER,
                     PostKind.COMMUNITY_PARTY_MEMBER]
            if number == 2 and index_in_district(street) % 3 == 0:
                kinds = kinds[:6]  # a committee one short of 7 (三(一)2): deliberate, on the findings page
        else:  # a 党总支 "参照" the committee: a secretary, the full-time deputy, a member
            kinds = [PostKind.COMMUNITY_SECRETARY, PostKind.COMMUNITY_FULLTIME_DEPUTY, PostKind.COMMUNITY_PARTY_MEMBER]
        if secretary is not None:  # 三(一)2: a street deputy leads this community's party organisation
            post(secretary, PostKind.COMMUNITY_SECRETARY)
            kinds = kinds[1:]
        party = [self.person(community=community, is_party_member=True,
                             community_service_start=datetime.date(rng.randint(1990, 2016), rng.randint(1, 12), 1))
                 for _ in kinds]
        for person, post_kind in zip(party, kinds, strict=True):
            post(person, post_kind)
        fulltime_deputy = party[kinds.index(PostKind.COMMUNITY_FULLTIME_DEPUTY)]
        # 交叉任职: the full-time deputy secretary chairs the residents' committee.
        post(fulltime_deputy, PostKind.RC_DIRECTOR)
        # "两委" sized by the households bracket: the party committee and residents' committee members beside it
        people = len(party) + (1 if secretary is not None else 0)
        residents = [self.person(community=community,
                                 community_service_start=datetime.date(rng.randint(2005, 2018), rng.randint(1, 12), 1))
                     for _ in range(max(committee - people, 0))]
        for person in residents:
            post(person, PostKind.RC_MEMBER)
        two_committees = party + residents
        # 三(四)2: one grid worker per 500 households; "两委" members serve first, full-time grid workers fill the
        # rest; 四(一): the community divided into that many grids, the households adding up, each with its worker.
        needed = math.ceil(households / 500)
        full_time = [self.person(community=community,
                                 community_service_start=datetime.date(rng.randint(2000, 2018), 3, 1))
                     for _ in range(max(0, needed - committee))]
        for person in full_time:
            post(person, PostKind.GRID_WORKER)
        workers = full_time + two_committees
        base, extra = divmod(households, needed)
        for g in range(needed):
            self.add(Grid(community=community, code=f"{code}-g{g + 1}", name=f"{community.name}第{g + 1}网格",
                          households=base + (1 if g < extra else 0), worker=workers[g % len(workers)]))
        # 三(二): one station per community; every fourth community shares its neighbour's.
        if shared_station is not None and number % 4 == 3:
            self.links.append((shared_station, community))
            return None
        station = self.add(ServiceStation(street=street, code=f"{code}-st", name=f"{community.name}服务站"))
        self.links.append((station, community))
        self.post(self.person(street=street), PostKind.STATION_HEAD, station=station, start_date=start,
                  community=community)
        for _ in range(rng.randint(1, 3)):
            self.post(self.person(street=street), PostKind.STATION_STAFF, station=station, start_date=start,
                      community=community)
        return station


def _validate(rows) -> None:
    """What `full_clean()` checks that needs no query, in bulk (`rows_validate`): fields (their relations are
    rows of this run) and `clean()`. The database's constraints hold the rest as the rows are written."""
    rows_validate(rows)
    for row in rows:
        if isinstance(row, Post):  # Post's check constraints, in Python
            unit = POST_KINDS[row.kind].unit
            if getattr(row, f"{unit}_id") is None or (row.end_date is not None and row.end_date < row.start_date):
                raise ValidationError(f"{row}: {unit} missing or ended before it started")


def accounts_bulk(specs, *, hashed: str) -> None:
    """One login per (username, role, unit, display name), as governance.services.user_create_with_role makes
    them (one role's group, the scope grant on its unit), written in a few queries. Idempotent."""
    User = get_user_model()
    names = [username for username, *_ in specs]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create([
        User(username=username, first_name=display[:150], is_staff=role == Role.DISTRICT_ADMIN, password=hashed)
        for username, role, _unit, display in specs if username not in existing
    ])
    User.objects.filter(username__in=names).update(password=hashed, is_superuser=False)
    users = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    groups = dict(Group.objects.values_list("name", "pk"))
    Membership = User.groups.through
    Membership.objects.filter(user_id__in=users.values()).delete()
    Membership.objects.bulk_create([Membership(user_id=users[username], group_id=groups[role.value])
                                    for username, role, _unit, _display in specs])
    permissions = {f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")}
    grants = []
    for username, role, unit, _display in specs:
        grant = scope_permission(role)
        if grant is None or unit is None:
            continue
        permission = permissions[grant[1]]
        grants.append(UserObjectPermission(user_id=users[username], permission=permission,
                                           content_type=permission.content_type, object_pk=str(unit.pk)))
    UserObjectPermission.objects.bulk_create(grants, ignore_conflicts=True)
    # Bulk writes and updates send no signals: the cached permissions and scopes are stale now.
    authz_cache.bump_all()

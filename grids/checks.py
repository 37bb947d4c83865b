"""The rules of grids (三(四)2, 四(一), 四(二)2), each decided by one function that the services (to refuse)
and the findings page (to report) call."""

import math

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Ceil, Coalesce
from django.utils.translation import gettext as _

from governance.exceptions import RuleViolation
from governance.findings import Breach, breaches_by_street, flag
from governance.registry import rule_check
from governance.roles import Role
from governance.rules import RuleBook

APP = "grids"


def grid_count_range(*, households: int, is_complex: bool, rules: RuleBook) -> tuple[int, int]:
    """三(四)2: the standard is one grid worker per 500 households, rounded up; a complex community may
    staff up to one per 300 (an allowance). A grid has one grid worker, so the grids follow the figure."""
    rule = rules["community.households_per_grid_worker"]
    low = math.ceil(households / rule.value["standard"])
    high = math.ceil(households / rule.value["complex"]) if is_complex else low
    return low, high


@rule_check("community.households_per_grid_worker.grids", app_label=APP)
def grid_count(*, community, grid_count: int, rules: RuleBook) -> list[Breach]:
    """三(四)2: about as many grids as the grid-worker figure of the community."""
    rule = rules["community.households_per_grid_worker"]
    low, high = grid_count_range(households=community.households, is_complex=community.is_complex, rules=rules)
    if low <= grid_count <= high:
        return []
    expected = str(low) if low == high else f"{low}—{high}"
    return [Breach(rule, "grid_count", _("划分网格 %(n)s 个，按 %(households)s 户应为 %(expected)s 个")
                   % {"n": grid_count, "households": community.households, "expected": expected},
                   excess=max(grid_count - high, 0), short=grid_count < low)]


def _grids_in_force(**where):
    from grids.models import Grid

    return Grid.objects.filter(ended_on__isnull=True, **where)


def _per_community(grids, aggregate):
    """Per community (an SQL subquery on OuterRef("pk")): `aggregate` over its grids in force, 0 if none."""
    return Coalesce(Subquery(grids.filter(community_id=OuterRef("pk")).order_by().values("community_id")
                             .annotate(value=aggregate).values("value")), 0)


@grid_count.counter
def grid_count_counts(*, communities, rules: RuleBook) -> dict:
    """The counting form of `grid_count` (issue 14), per street: the communities whose grids in force are
    outside `grid_count_range` (the same ceilings, in SQL); one grouped query."""
    rule = rules["community.households_per_grid_worker"]

    def ceiling(per):
        return Ceil(Cast(F("households"), FloatField()) / Value(float(per)))

    rows = communities.annotate(grids_in_force=_per_community(_grids_in_force(), Count("pk")),
                                low=ceiling(rule.value["standard"]), complex_high=ceiling(rule.value["complex"]))
    return breaches_by_street(rows, flag(Q(grids_in_force__lt=F("low")) | Q(is_complex=False, grids_in_force__gt=F("low"))
                                         | Q(is_complex=True, grids_in_force__gt=F("complex_high"))))


@rule_check("community.households_per_grid_worker.workers_on_grids", app_label=APP)
def workers_on_grids(*, unplaced: list[str], without_worker: list[str], rules: RuleBook) -> list[Breach]:
    """三(四)2 with 四(一) "人在格中": every grid worker is on a grid, every grid has its grid worker."""
    rule = rules["community.households_per_grid_worker"]
    found = []
    if unplaced:
        found.append(Breach(rule, "unplaced", _("专职网格员未分配网格：%(names)s") % {"names": "、".join(unplaced)},
                            excess=len(unplaced)))
    if without_worker:
        found.append(Breach(rule, "without_worker", _("网格未配备网格员：%(names)s") % {"names": "、".join(without_worker)},
                            short=True))
    return found


@workers_on_grids.counter
def workers_on_grids_counts(*, communities, rules: RuleBook) -> dict:
    """The counting form of `workers_on_grids` (issue 14), per street: a community with full-time grid workers
    on no grid in force (of the communities counted) is one breach, one with grids in force without their
    worker another, as `grids.selectors.community_grid_figures` finds them; one grouped query."""
    from governance.models import PostKind
    from governance.selectors import active_posts

    on_grid = _grids_in_force(community_id__in=communities.order_by().values("pk"), worker__isnull=False)
    unplaced = active_posts(on=rules.on).filter(kind=PostKind.GRID_WORKER, community_id=OuterRef("pk")).filter(
        Q(grid__isnull=True) | Q(grid__ended_on__isnull=False)).exclude(person_id__in=on_grid.values("worker_id"))
    without = _grids_in_force(community_id=OuterRef("pk"), worker__isnull=True)
    return breaches_by_street(communities, flag(Q(Exists(unplaced))) + flag(Q(Exists(without))))


@rule_check("grids.coverage", app_label=APP)
def households_add_up(*, community, grid_households: int, rules: RuleBook) -> list[Breach]:
    """四(一): the grids cover the whole community: their households add up to the community's."""
    rule = rules["grids.coverage"]
    gap = community.households - grid_households
    if abs(gap) <= rule.value["households_tolerance"]:
        return []
    return [Breach(rule, "households", _("各网格户数合计 %(sum)s 户，社区登记 %(households)s 户，相差 %(gap)s 户")
                   % {"sum": grid_households, "households": community.households, "gap": gap}, excess=abs(gap))]


@households_add_up.counter
def households_add_up_counts(*, communities, rules: RuleBook) -> dict:
    """The counting form of `households_add_up` (issue 14), per street: the communities whose grids in force
    miss their households by more than the tolerance; one grouped query."""
    tolerance = rules["grids.coverage"].value["households_tolerance"]
    rows = communities.annotate(grid_households=_per_community(_grids_in_force(), Sum("households")))
    rows = rows.annotate(gap=F("households") - F("grid_households"))
    return breaches_by_street(rows, flag(Q(gap__gt=tolerance) | Q(gap__lt=-tolerance)))


@rule_check("grids.single_network", app_label=APP)
def grid_creator(*, role: str | None, rules: RuleBook) -> None:
    """四(二)2 "多网合一": one set of grids for every purpose; a functional department cannot set up its own.
    四(一): a street's or community's change to the grids is proposed and takes effect on 民政局's approval."""
    if role == Role.DEPARTMENT_USER:
        raise RuleViolation(_("实行网格管理“多网合一”，职能部门不得另行设立网格"), rule=rules["grids.single_network"])
    if role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.STATION_WORKER,
                Role.ORGDEPT_REVIEWER):
        raise RuleViolation(_("网格调整须提交网格调整申请，经民政局审定后实施"), rule=rules["grids.change_approval"])


@rule_check("grids.change_approval", app_label=APP)
def change_approver(*, role: str | None, rules: RuleBook) -> None:
    """四(一): 街道对现有网格调整完善，须提前报民政局审定."""
    if role != Role.CIVIL_AFFAIRS:
        raise RuleViolation(_("网格调整须由民政局审定"), rule=rules["grids.change_approval"])


@rule_check("grids.event_escalation", app_label=APP)
def next_level(*, level: str, to_level: str | None, rules: RuleBook) -> str:
    """四(二)2: an event climbs one level at a time, grid → community → street → department; no skipping."""
    rule = rules["grids.event_escalation"]
    levels = rule.value["levels"]
    index = levels.index(level)
    if index + 1 >= len(levels):
        raise RuleViolation(_("事件已在最高层级（职能部门），不能再上报"), rule=rule, field="to_level")
    expected = levels[index + 1]
    if to_level and to_level != expected:
        raise RuleViolation(_("事件须逐级上报，下一级为%(level)s，不能越级") % {"level": _level_label(expected)},
                            rule=rule, field="to_level")
    return expected


def _level_label(level: str) -> str:
    from grids.models import Level

    return str(Level(level).label)


@rule_check("grids.event_escalation.holder", app_label=APP)
def holds_event(*, event, holding: bool, rules: RuleBook) -> None:
    """四(二)2: the level holding an event acts on it; a closed event is not acted on."""
    rule = rules["grids.event_escalation"]
    if event.is_closed:
        raise RuleViolation(_("事件已办结，不能再操作"), rule=rule)
    if not holding:
        raise RuleViolation(_("事件当前由%(level)s办理，只有该层级可以操作") % {"level": _level_label(event.level)},
                            rule=rule)


@rule_check("grids.coverage.stationed_units", app_label=APP)
def stationed_units_placed(*, unplaced: list[str], rules: RuleBook) -> list[Breach]:
    """四(一): 区域内各级机关、企事业单位……党组织纳入网格，全面列入管理服务: every stationed unit sits in a grid."""
    if not unplaced:
        return []
    return [Breach(rules["grids.coverage"], "stationed_units", _("驻区单位未纳入网格：%(names)s") % {"names": "、".join(unplaced)},
                   excess=len(unplaced))]


@stationed_units_placed.counter
def stationed_units_placed_counts(*, units, rules: RuleBook) -> dict:
    """The counting form of `stationed_units_placed` (issue 14): one breach per street with a stationed unit
    (of `units`) no grid's ledger places; one query."""
    return {street_id: 1 for street_id in units.filter(ledger_entry__isnull=True).order_by()
            .values_list("street_id", flat=True).distinct()}


@rule_check("grids.party_coverage", app_label=APP)
def party_coverage(*, grids: list[dict], rules: RuleBook) -> list[Breach]:
    """四(二)1: every grid has a party organisation in force (党支部, 党小组, 联合党支部 or 党建指导员), and
    at least the rule's number of party members' model posts or responsibility areas (党员示范岗、责任区).
    `grids`: the community's grids in force, each {"name", "organizations", "model_posts"}."""
    rule = rules["grids.party_coverage"]
    least = rule.value["model_posts_per_grid"]
    without_org = [g["name"] for g in grids if g["organizations"] < 1]
    few_posts = [g["name"] for g in grids if g["model_posts"] < least]
    found = []
    if without_org:
        found.append(Breach(rule, "party_organizations",
                            _("网格未设置网格党组织：%(names)s") % {"names": "、".join(without_org)}, short=True))
    if few_posts:
        found.append(Breach(rule, "party_model_posts",
                            _("网格设立的党员示范岗、责任区少于 %(n)s 个：%(names)s")
                            % {"n": least, "names": "、".join(few_posts)}, short=True))
    return found


@party_coverage.counter
def party_coverage_counts(*, communities, rules: RuleBook) -> dict:
    """The counting form of `party_coverage` (issue 14), per street: a community with a grid in force without
    a party organisation in force is one breach, one with a grid with fewer active model posts than the rule
    asks another; one grouped query."""
    from grids.models import GridPartyOrganization, PartyModelPost

    least = rules["grids.party_coverage"].value["model_posts_per_grid"]
    organisations = GridPartyOrganization.objects.filter(grid_id=OuterRef("pk"), ended_on__isnull=True)
    posts = (PartyModelPost.objects.filter(grid_id=OuterRef("pk"), is_active=True).order_by().values("grid_id")
             .annotate(n=Count("pk")).values("n"))
    grids = _grids_in_force(community_id=OuterRef("pk"))
    without_org = grids.filter(~Exists(organisations))
    few_posts = grids.annotate(model_posts=Coalesce(Subquery(posts), 0)).filter(model_posts__lt=least)
    return breaches_by_street(communities, flag(Q(Exists(without_org))) + flag(Q(Exists(few_posts))))

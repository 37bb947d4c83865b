"""Demo data for grids, called by `seed_demo` (governance/district) once per community it creates."""

import datetime

from django.utils import timezone

from governance.models import TWO_COMMITTEES_KINDS, Post, PostKind, StationedUnit
from governance.rules import RuleBook
from governance.selectors import active_posts
from grids.checks import grid_count_range
from grids.models import EventCategory, EventStep, GridEvent, GridPartyOrganization, LedgerEntry, Level
from grids.services import grid_create, ledger_entry_create, party_model_post_create, party_organization_create

COMPOUNDS = ["阳光花园", "丽景苑", "书香门第", "锦绣园", "康居小区", "和园", "金地小区", "文化家园"]
SHOPS = ["便民超市", "早点铺", "药店", "理发店", "五金店", "快递驿站"]


def community_divide(community, *, rng, rules: RuleBook | None = None) -> list:
    """Divide a community into grids as 三(四)2 sets them (one per 500 households; a complex community
    somewhere up to one per 300), the households adding up to the community's (四(一)); each grid gets a
    grid worker, full-time grid workers first placed, then "两委" members (三(四)2), and a small ledger."""
    rules = rules or RuleBook()
    low, high = grid_count_range(households=community.households, is_complex=community.is_complex, rules=rules)
    n = rng.randint(low, high)
    base, extra = divmod(community.households, n)
    posts = list(active_posts().filter(community=community).select_related("person").order_by("pk"))
    full_time = [p for p in posts if p.kind == PostKind.GRID_WORKER]
    committee = []
    for p in posts:
        if p.kind in TWO_COMMITTEES_KINDS and p.person not in committee and p.person not in [f.person for f in full_time]:
            committee.append(p.person)
    workers = [p.person for p in full_time] + committee
    grids = []
    for g in range(n):
        compound = COMPOUNDS[(g + community.pk) % len(COMPOUNDS)]
        grid = grid_create(acting_user=None, community=community, code=f"{community.code}-g{g + 1}",
                           name=f"{community.name}第{g + 1}网格", households=base + (1 if g < extra else 0),
                           area=f"{compound}{g * 4 + 1}—{g * 4 + 4}号楼",
                           worker=workers[g] if g < len(workers) else None)
        grids.append(grid)
        ledger_entry_create(acting_user=None, grid=grid, kind=LedgerEntry.Kind.COMPOUND, name=compound,
                            address=f"{community.address}{compound}", contact="物业服务中心")
        ledger_entry_create(acting_user=None, grid=grid, kind=LedgerEntry.Kind.SHOP,
                            name=f"{compound}{SHOPS[g % len(SHOPS)]}", phone=f"1380951{rng.randint(1000, 9999)}")
        # 四(二)1: a party organisation of some form in every grid, and a party member's responsibility area.
        kind = ["branch", "group", "instructor", "joint_branch"][g % 4]
        party_organization_create(acting_user=None, grid=grid, kind=kind,
                                  name=f"{grid.name}{dict(GridPartyOrganization.Kind.choices)[kind]}",
                                  leader=["李", "王", "张", "刘"][g % 4] + ("指导员" if kind == "instructor" else "书记"),
                                  members=0 if kind == "instructor" else rng.randint(5, 30))
        party_model_post_create(acting_user=None, grid=grid, kind="responsibility_area",
                                name=f"{compound}{g * 4 + 1}号楼党员责任区", member=["陈", "杨", "赵", "黄", "周"][g % 5] + "某某",
                                area=f"{compound}{g * 4 + 1}—{g * 4 + 2}号楼")
        if g == 0:
            ledger_entry_create(acting_user=None, grid=grid, kind=LedgerEntry.Kind.SPECIAL_GROUP, name="独居老人（示例）",
                                group=LedgerEntry.Group.ELDERLY_ALONE, id_number=f"64010419400101{rng.randint(1000, 9999)}",
                                phone=f"1399510{rng.randint(1000, 9999)}", address=f"{compound}1号楼")
    # The full-time grid workers' posts name the grid they serve (seed only: the posts were just made).
    for post, grid in zip(full_time, grids, strict=False):
        Post.objects.filter(pk=post.pk).update(grid=grid)
    # 四(一): the street's stationed units are placed in the grid they sit in (the first community's first grid).
    for unit in StationedUnit.objects.filter(street_id=community.street_id, ledger_entry__isnull=True)[:3]:
        ledger_entry_create(acting_user=None, grid=grids[0], kind=LedgerEntry.Kind.STATIONED_UNIT, name=unit.name,
                            stationed_unit=unit)
    _events(grids, rng=rng)
    return grids


def _events(grids, *, rng) -> None:
    """A few settled and open events per grid over the past year, for the queues and the dashboard."""
    categories = list(EventCategory.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    if not categories:
        return
    now = timezone.now()
    outcomes = [Level.GRID] * 6 + [Level.COMMUNITY] * 2 + [Level.STREET, None]
    for grid in grids[:3]:
        for i in range(rng.randint(1, 4)):
            reported = now - datetime.timedelta(days=rng.randint(2, 360), hours=rng.randint(0, 23))
            settled = rng.choice(outcomes)
            level = settled or rng.choice([Level.GRID, Level.COMMUNITY])
            event = GridEvent.objects.create(
                grid=grid, community_id=grid.community_id, street_id=grid.community.street_id,
                category_id=rng.choice(categories), title=["楼道堆物", "路灯不亮", "邻里噪音纠纷", "下水道堵塞"][i % 4],
                description="网格员巡查发现。", place=grid.area, level=level,
                status=GridEvent.Status.RESOLVED if settled else GridEvent.Status.SUBMITTED if level != Level.GRID
                else GridEvent.Status.ACCEPTED, level_since=reported, reported_at=reported,
                settled_level=settled or "", closed_at=reported + datetime.timedelta(days=1) if settled else None)
            EventStep.objects.create(event=event, action=EventStep.Action.REPORT, from_level=Level.GRID,
                                     to_level=Level.GRID, at=reported)
            path = [Level.GRID, Level.COMMUNITY, Level.STREET]
            for a, b in zip(path, path[1:], strict=False):
                if path.index(b) > path.index(level):
                    break
                EventStep.objects.create(event=event, action=EventStep.Action.ESCALATE, from_level=a, to_level=b,
                                         at=reported, reason="网格内无法协调解决。")
            if settled:
                EventStep.objects.create(event=event, action=EventStep.Action.RESOLVE, from_level=level, to_level=level,
                                         at=event.closed_at, reason="已处理完毕。")


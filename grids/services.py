"""Writes for grids (四): grids and their units, grid-change requests approved by 民政局 (四(一)), ledgers,
and events escalated level by level (四(二)2). Every write validates, runs in one transaction, saves
through `model_update` (versions) or `instance_save`, and leaves its history row."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.roles import Role, user_role
from governance.rules import RuleBook
from governance.scope import scope_for
from governance.services import instance_save, lock_current, model_update
from grids import checks
from grids.models import (
    LEVEL_ORDER,
    OPEN,
    EventCategory,
    EventPhoto,
    EventStep,
    Grid,
    GridChangeRequest,
    GridEvent,
    GridPartyOrganization,
    GridUnit,
    LedgerEntry,
    Level,
    PartyModelPost,
)

# ---------------------------------------------------------------- grids


def _role(user) -> str | None:
    return user_role(user) if user is not None and user.is_authenticated else None


def _grid_check(grid: Grid) -> None:
    if grid.worker_id and grid.worker.community_id and grid.worker.community_id != grid.community_id:
        raise ValidationError({"worker": [_("网格员的人员档案属于其他社区。")]})


@transaction.atomic
def grid_create(*, acting_user, **fields) -> Grid:
    """A grid set up directly: the district administrator or 民政局 (seeding, data administration). A street
    proposes a grid through a change request (四(一)); a department never sets one up (四(二)2)."""
    checks.grid_creator(role=_role(acting_user), rules=RuleBook())
    grid = Grid(**fields)
    grid.full_clean()
    _grid_check(grid)
    return instance_save(grid, acting_user=acting_user, validate=False)


@transaction.atomic
def grid_update(*, grid: Grid, acting_user, expected_version: int | None = None, **fields) -> Grid:
    checks.grid_creator(role=_role(acting_user), rules=RuleBook())
    grid = model_update(instance=grid, acting_user=acting_user, data=fields, expected_version=expected_version)
    _grid_check(grid)
    return grid


def _grid_apply(grid: Grid, *, acting_user, data: dict, reason: str) -> Grid:
    """An approved change applied to a grid (no role check: 民政局 approved it)."""
    grid._change_reason = reason[:100]
    grid = model_update(instance=grid, acting_user=acting_user, data=data)
    _grid_check(grid)
    return grid


def _held_on_a_grid(post, today: datetime.date) -> bool:
    """A grid-worker post held now on a grid in force (ended today or earlier: left)."""
    return bool(post.grid_id and post.start_date <= today and (post.end_date is None or post.end_date > today))


def grid_worker_post_changed(post, *, previous, acting_user, today: datetime.date | None = None) -> None:
    """三(四)2 "人在格中": the grid's `worker` follows its full-time grid worker's post (registered with
    registry.post_changed; the post services call it in their transaction, after the post is saved, so a
    refused appointment changes no grid). Appointed: the grid's worker is that person. Ended, moved to
    another grid or reassigned: the old grid's worker is cleared, or taken by another grid worker still
    holding a post there. A post starting later sets nothing today: grid_workers_follow_dated_posts applies it
    on its day (`today`, the day the posts are judged on)."""
    from governance.models import PostKind
    from governance.selectors import active_posts

    today = today or timezone.localdate()
    was = previous is not None and previous.kind == PostKind.GRID_WORKER and _held_on_a_grid(previous, today)
    now = post.kind == PostKind.GRID_WORKER and _held_on_a_grid(post, today)
    if was and not (now and (post.grid_id, post.person_id) == (previous.grid_id, previous.person_id)):
        grid = Grid.objects.select_for_update().get(pk=previous.grid_id)
        if grid.worker_id == previous.person_id:
            other = (active_posts(on=today).filter(kind=PostKind.GRID_WORKER, grid=grid)
                     .exclude(pk=post.pk).exclude(end_date=today).order_by("-start_date", "-pk").first())
            _grid_apply(grid, acting_user=acting_user, reason=_("专职网格员离任或调整"),
                        data={"worker": other.person if other else None})
    if now:
        grid = Grid.objects.select_for_update().get(pk=post.grid_id)
        if grid.ended_on is None and grid.worker_id != post.person_id:
            _grid_apply(grid, acting_user=acting_user, reason=_("任命专职网格员"), data={"worker": post.person})


DATED_POSTS_LOOKBACK_DAYS = 7


def grid_workers_follow_dated_posts(*, today: datetime.date | None = None,
                                    lookback_days: int = DATED_POSTS_LOOKBACK_DAYS) -> int:
    """三(四)2 "人在格中" for grid-worker posts dated ahead: a post appointed to start later, or ended with a
    later end date, changes no grid the day it is entered (grid_worker_post_changed: "a post starting later
    sets nothing today"). On the day it starts or ends, this daily job (grids.tasks) applies it through the
    same hook, as if the post had been saved that morning.

    It looks back `lookback_days`, so a day the beat missed is caught up, and it leaves alone a grid changed on
    or after the post's day: that change came later (the hook itself, an approved change of grid worker, or
    this job's earlier run) and stands. So a re-run, or a retried task, changes nothing. Each post is applied
    in its own transaction. Returns how many grids it changed."""
    import copy

    from governance.models import Post, PostKind

    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=lookback_days)
    posts = (Post.objects.filter(kind=PostKind.GRID_WORKER, grid__isnull=False)
             .filter(Q(start_date__gt=since, start_date__lte=today) | Q(end_date__gt=since, end_date__lte=today))
             .order_by("pk"))
    changed = 0
    for post in posts:
        day = post.end_date if post.end_date is not None and since < post.end_date <= today else post.start_date
        morning = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        with transaction.atomic():
            grid = Grid.objects.select_for_update().get(pk=post.grid_id)
            if grid.history.filter(history_date__gte=morning).exists():
                continue
            if day == post.end_date:  # held until that day: as if it had been ended that morning
                previous = copy.copy(post)
                previous.end_date = None
                grid_worker_post_changed(post, previous=previous, acting_user=None, today=today)
            else:
                grid_worker_post_changed(post, previous=None, acting_user=None, today=today)
            changed += Grid.objects.filter(pk=grid.pk).values_list("worker_id", flat=True).get() != grid.worker_id
    return changed


@transaction.atomic
def grid_unit_create(*, acting_user, **fields) -> GridUnit:
    """各社区可将每个网格再划分为若干小单元，设立楼栋长、片区长 (四(一)): the community's own detail, no approval."""
    return instance_save(GridUnit(**fields), acting_user=acting_user)


@transaction.atomic
def grid_unit_update(*, unit: GridUnit, acting_user, expected_version: int | None = None, **fields) -> GridUnit:
    return model_update(instance=unit, acting_user=acting_user, data=fields, expected_version=expected_version)


# ---------------------------------------------------------------- grid party organisations (四(二)1)


def _grid_in_force(grid: Grid) -> None:
    if grid.ended_on is not None:
        raise ValidationError({"grid": [_("网格已撤销。")]})


def _grid_kept(instance, fields: dict) -> None:
    if "grid" in fields and fields["grid"].pk != instance.grid_id:
        raise ValidationError({"grid": [_("不能移到其他网格。")]})


@transaction.atomic
def party_organization_create(*, acting_user, **fields) -> GridPartyOrganization:
    """以党支部、党小组、联合党支部或党建指导员等方式设置网格党组织 (四(二)1): one in force per grid."""
    organization = GridPartyOrganization(**fields)
    _grid_in_force(organization.grid)
    return instance_save(organization, acting_user=acting_user)


@transaction.atomic
def party_organization_update(*, organization: GridPartyOrganization, acting_user,
                              expected_version: int | None = None, **fields) -> GridPartyOrganization:
    _grid_kept(organization, fields)
    return model_update(instance=organization, acting_user=acting_user, data=fields, expected_version=expected_version)


def _party_post_check(post: PartyModelPost) -> None:
    if post.unit_id and post.unit.grid_id != post.grid_id:
        raise ValidationError({"unit": [_("小单元不属于该网格。")]})


@transaction.atomic
def party_model_post_create(*, acting_user, **fields) -> PartyModelPost:
    """以网格为单位设立党员示范岗、党员先锋岗、党员责任区 (四(二)1)."""
    post = PartyModelPost(**fields)
    _grid_in_force(post.grid)
    _party_post_check(post)
    return instance_save(post, acting_user=acting_user)


@transaction.atomic
def party_model_post_update(*, post: PartyModelPost, acting_user, expected_version: int | None = None,
                            **fields) -> PartyModelPost:
    _grid_kept(post, fields)
    post = model_update(instance=post, acting_user=acting_user, data=fields, expected_version=expected_version)
    _party_post_check(post)
    return post


# ---------------------------------------------------------------- grid-change requests (四(一))

PART_FIELDS = {"code", "name", "households", "area"}


def _parts_clean(parts, *, kind: str) -> list[dict]:
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        raise ValidationError({"parts": [_("调整后网格须为列表，每项含代码、名称、户数、覆盖范围。")]})
    needed = {GridChangeRequest.Kind.CREATE: (1, 1), GridChangeRequest.Kind.SPLIT: (2, 20),
              GridChangeRequest.Kind.REDRAW: (1, 1), GridChangeRequest.Kind.MERGE: (1, 1)}.get(kind, (0, 0))
    if not needed[0] <= len(parts) <= needed[1]:
        raise ValidationError({"parts": [_("%(kind)s须填写 %(min)s—%(max)s 个调整后网格。")
                                         % {"kind": GridChangeRequest.Kind(kind).label, "min": needed[0], "max": needed[1]}]})
    cleaned = []
    for part in parts:
        unknown = set(part) - PART_FIELDS
        households = part.get("households")
        if unknown or not isinstance(households, int) or isinstance(households, bool) or households < 0 \
                or not str(part.get("name", "")).strip() or len(str(part.get("name"))) > 50:
            raise ValidationError({"parts": [_("每个调整后网格须有名称（50字以内）和不小于0的户数。")]})
        cleaned.append({"code": str(part.get("code", ""))[:30], "name": str(part["name"]).strip(),
                        "households": households, "area": str(part.get("area", ""))})
    codes = [p["code"] for p in cleaned if p["code"]]
    if len(codes) != len(set(codes)):
        raise ValidationError({"parts": [_("调整后网格的代码不能重复。")]})
    return cleaned


@transaction.atomic
def grid_change_propose(*, acting_user, community, kind: str, reason: str, grid: Grid | None = None,
                        others=(), worker=None, parts=None) -> GridChangeRequest:
    """A street (or a community, for its street) proposes a change; nothing changes until 民政局 approves."""
    errors = {}
    if not str(reason or "").strip():
        errors["reason"] = [_("请填写调整理由。")]
    if kind != GridChangeRequest.Kind.CREATE and grid is None:
        errors["grid"] = [_("请选择要调整的网格。")]
    if grid is not None and grid.community_id != community.pk:
        errors["grid"] = [_("网格不属于所选社区。")]
    if grid is not None and grid.ended_on is not None:
        errors["grid"] = [_("网格已撤销。")]
    others = list(others or [])
    if kind == GridChangeRequest.Kind.MERGE:
        if not others:
            errors["others"] = [_("请选择并入的网格。")]
        elif any(o.community_id != community.pk or o.ended_on or (grid and o.pk == grid.pk) for o in others):
            errors["others"] = [_("并入的网格须为本社区其他在用网格。")]
    if kind == GridChangeRequest.Kind.REASSIGN:
        if worker is None:
            errors["worker"] = [_("请选择新网格员。")]
        elif worker.community_id and worker.community_id != community.pk:
            errors["worker"] = [_("网格员的人员档案属于其他社区。")]
    if errors:
        raise ValidationError(errors)
    parts = _parts_clean(parts or [], kind=kind) if kind != GridChangeRequest.Kind.REASSIGN else []
    change = GridChangeRequest(community=community, street_id=community.street_id, kind=kind, grid=grid,
                               worker=worker, parts=parts, reason=reason, proposed_by=acting_user
                               if acting_user and acting_user.is_authenticated else None)
    instance_save(change, acting_user=acting_user)
    if others:
        change.others.set(others)
    return change


def _next_codes(community, n: int, taken: set) -> list[str]:
    existing = set(Grid.objects.filter(code__startswith=f"{community.code}-g").values_list("code", flat=True)) | taken
    codes, i = [], 1
    while len(codes) < n:
        code = f"{community.code}-g{i}"
        if code not in existing:
            codes.append(code)
        i += 1
    return codes


def _create_part(community, part: dict, *, code: str, acting_user, reason: str) -> Grid:
    grid = Grid(community=community, code=part["code"] or code, name=part["name"], households=part["households"],
                area=part["area"])
    grid._change_reason = reason[:100]
    return instance_save(grid, acting_user=acting_user)


@transaction.atomic
def grid_change_approve(*, change: GridChangeRequest, acting_user, note: str = "",
                        expected_version: int | None = None, on: datetime.date | None = None) -> GridChangeRequest:
    """民政局 approves: the change takes effect now, each grid's history row dated and citing the request."""
    checks.change_approver(role=_role(acting_user), rules=RuleBook())
    lock_current(change, expected_version=expected_version)
    if change.status != GridChangeRequest.Status.PENDING:
        raise ValidationError(_("该申请已审定，不能重复审定。"))
    today = on or timezone.localdate()
    why = _("民政局审定：%(kind)s（申请 %(pk)s）") % {"kind": change.get_kind_display(), "pk": change.pk}
    community, kind = change.community, change.kind
    grid = Grid.objects.select_for_update().get(pk=change.grid_id) if change.grid_id else None
    if grid is not None and grid.ended_on is not None:
        raise ValidationError({"grid": [_("网格已撤销，申请不能实施。")]})
    taken = {p["code"] for p in change.parts if p["code"]}
    clash = Grid.objects.filter(code__in=taken).exclude(pk=change.grid_id).values_list("code", flat=True)
    if clash:
        raise ValidationError({"parts": [_("网格代码已被使用：%(codes)s") % {"codes": "、".join(clash)}]})
    if kind == GridChangeRequest.Kind.CREATE:
        code = _next_codes(community, 1, taken)[0]
        _create_part(community, change.parts[0], code=code, acting_user=acting_user, reason=why)
    elif kind == GridChangeRequest.Kind.REDRAW:
        part = change.parts[0]
        _grid_apply(grid, acting_user=acting_user, reason=why,
                    data={"name": part["name"], "households": part["households"], "area": part["area"]})
    elif kind == GridChangeRequest.Kind.REASSIGN:
        _grid_apply(grid, acting_user=acting_user, reason=why, data={"worker": change.worker})
    elif kind == GridChangeRequest.Kind.SPLIT:
        first, *rest = change.parts
        _grid_apply(grid, acting_user=acting_user, reason=why,
                    data={"name": first["name"], "households": first["households"], "area": first["area"]})
        codes = _next_codes(community, len(rest), taken)
        for part, code in zip(rest, codes, strict=True):
            _create_part(community, part, code=code, acting_user=acting_user, reason=why)
    elif kind == GridChangeRequest.Kind.MERGE:
        part = change.parts[0]
        for other in Grid.objects.select_for_update().filter(pk__in=change.others.values("pk")):
            if other.ended_on is not None:
                raise ValidationError({"others": [_("并入的网格已撤销，申请不能实施。")]})
            _grid_apply(other, acting_user=acting_user, reason=why, data={"ended_on": today, "worker": None})
        _grid_apply(grid, acting_user=acting_user, reason=why,
                    data={"name": part["name"], "households": part["households"], "area": part["area"]})
    return model_update(instance=change, acting_user=acting_user, data={
        "status": GridChangeRequest.Status.APPROVED, "decided_by": acting_user, "decided_at": timezone.now(),
        "decision_note": note[:200]})


@transaction.atomic
def grid_change_reject(*, change: GridChangeRequest, acting_user, note: str,
                       expected_version: int | None = None) -> GridChangeRequest:
    checks.change_approver(role=_role(acting_user), rules=RuleBook())
    lock_current(change, expected_version=expected_version)
    if change.status != GridChangeRequest.Status.PENDING:
        raise ValidationError(_("该申请已审定，不能重复审定。"))
    if not str(note or "").strip():
        raise ValidationError({"note": [_("请填写不予通过的理由。")]})
    return model_update(instance=change, acting_user=acting_user, data={
        "status": GridChangeRequest.Status.REJECTED, "decided_by": acting_user, "decided_at": timezone.now(),
        "decision_note": note[:200]})


# ---------------------------------------------------------------- ledgers (四(二)2)


def ledger_entry_build(**fields) -> LedgerEntry:
    entry = LedgerEntry(**fields)
    if entry.stationed_unit_id and entry.stationed_unit.street_id != entry.grid.community.street_id:
        raise ValidationError({"stationed_unit": [_("驻区单位不在网格所在街道。")]})
    return entry


@transaction.atomic
def ledger_entry_create(*, acting_user, **fields) -> LedgerEntry:
    return instance_save(ledger_entry_build(**fields), acting_user=acting_user)


@transaction.atomic
def ledger_entry_update(*, entry: LedgerEntry, acting_user, expected_version: int | None = None, **fields) -> LedgerEntry:
    if "grid" in fields and fields["grid"].pk != entry.grid_id:
        raise ValidationError({"grid": [_("台账不能移到其他网格。")]})
    return model_update(instance=entry, acting_user=acting_user, data=fields, expected_version=expected_version)


# ---------------------------------------------------------------- events (四(二)2)


def _department_ids(user) -> set[int]:
    from guardian.shortcuts import get_objects_for_user

    from governance.models import Department

    if getattr(user, "_grids_department_ids", None) is None:
        user._grids_department_ids = set(get_objects_for_user(
            user, "governance.access_department", klass=Department, accept_global_perms=False,
        ).values_list("pk", flat=True))
    return user._grids_department_ids


def holds(user, event: GridEvent) -> bool:
    """Whether the user belongs to the level that holds the event now (and only that level acts)."""
    if user is None or not user.is_authenticated:
        return False
    role, scope = _role(user), scope_for(user)
    if event.level == Level.GRID:
        return role == Role.GRID_WORKER and event.grid_id in scope.grid_ids
    if event.level == Level.COMMUNITY:
        return role == Role.COMMUNITY_STAFF and event.community_id in scope.community_ids
    if event.level == Level.STREET:
        return role == Role.STREET_STAFF and event.street_id in scope.street_ids
    return role == Role.DEPARTMENT_USER and event.department_id in _department_ids(user)


def _step(event, *, action, from_level, to_level, acting_user, reason="", at=None) -> EventStep:
    return EventStep.objects.create(event=event, action=action, from_level=from_level, to_level=to_level,
                                    actor=acting_user if acting_user and acting_user.is_authenticated else None,
                                    at=at or timezone.now(), reason=reason)


def photo_validate(upload) -> None:
    """Images only (the content decides, not the name), at most GRIDS_EVENT_PHOTO_MAX_BYTES each."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.GRIDS_EVENT_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"photos": [_("照片“%(name)s”超过 %(mb)s MB。") % {"name": upload.name, "mb": limit // (1024 * 1024)}]})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            if image.format not in ("JPEG", "PNG", "GIF", "WEBP"):
                raise ValidationError({"photos": [_("只能上传 JPEG、PNG、GIF 或 WebP 图片。")]})
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"photos": [_("“%(name)s”不是图片。") % {"name": upload.name}]}) from exc
    finally:
        upload.seek(0)


MAX_PHOTOS = 9


@transaction.atomic
def event_report(*, acting_user, grid: Grid, title: str, description: str, category: EventCategory,
                 place: str = "", photos=(), external_id: str | None = None, source: str = "grid") -> GridEvent:
    """A grid worker reports an event from their grid; the grid level holds it. An event pushed by another
    system with an `external_id` already received gives back that event (unique constraint)."""
    if external_id:
        existing = GridEvent.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing
    if grid.ended_on is not None:
        raise ValidationError({"grid": [_("网格已撤销。")]})
    if not category.is_active:
        raise ValidationError({"category": [_("事件类别已停用。")]})
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}]})
    for photo in photos:
        photo_validate(photo)
    now = timezone.now()
    community = grid.community
    event = GridEvent(grid=grid, community=community, street_id=community.street_id, category=category, title=title,
                      description=description, place=place, level=Level.GRID, status=GridEvent.Status.ACCEPTED,
                      level_since=now, reported_at=now, external_id=external_id or None, source=source or "grid",
                      reported_by=acting_user if acting_user and acting_user.is_authenticated else None)
    event.full_clean()
    try:
        with transaction.atomic():
            instance_save(event, acting_user=acting_user, validate=False)
    except ValidationError:
        if external_id:  # a concurrent push of the same external_id won the race: give back its event
            existing = GridEvent.objects.filter(external_id=external_id).first()
            if existing is not None:
                return existing
        raise
    _step(event, action=EventStep.Action.REPORT, from_level=Level.GRID, to_level=Level.GRID, acting_user=acting_user,
          at=now)
    for photo in photos:
        EventPhoto.objects.create(event=event, image=photo, uploaded_by=event.reported_by)
    return event


def _act(event: GridEvent, *, acting_user, expected_version: int | None) -> tuple[GridEvent, RuleBook]:
    rules = RuleBook()
    lock_current(event, expected_version=expected_version)
    checks.holds_event(event=event, holding=holds(acting_user, event), rules=rules)
    return event, rules


def _need_reason(reason: str) -> str:
    if not str(reason or "").strip():
        raise ValidationError({"reason": [_("请填写理由。")]})
    return reason.strip()


@transaction.atomic
def event_accept(*, event: GridEvent, acting_user, expected_version: int | None = None) -> GridEvent:
    event, _rules = _act(event, acting_user=acting_user, expected_version=expected_version)
    if event.status != GridEvent.Status.SUBMITTED:
        raise ValidationError(_("事件已受理。"))
    _step(event, action=EventStep.Action.ACCEPT, from_level=event.level, to_level=event.level, acting_user=acting_user)
    return model_update(instance=event, acting_user=acting_user, data={"status": GridEvent.Status.ACCEPTED})


@transaction.atomic
def event_resolve(*, event: GridEvent, acting_user, reason: str, expected_version: int | None = None) -> GridEvent:
    event, _rules = _act(event, acting_user=acting_user, expected_version=expected_version)
    reason = _need_reason(reason)
    if event.status != GridEvent.Status.ACCEPTED:
        raise ValidationError(_("请先受理事件再办结。"))
    now = timezone.now()
    _step(event, action=EventStep.Action.RESOLVE, from_level=event.level, to_level=event.level,
          acting_user=acting_user, reason=reason, at=now)
    return model_update(instance=event, acting_user=acting_user, data={
        "status": GridEvent.Status.RESOLVED, "settled_level": event.level, "closed_at": now})


@transaction.atomic
def event_escalate(*, event: GridEvent, acting_user, reason: str, to_level: str | None = None, department=None,
                   expected_version: int | None = None) -> GridEvent:
    event, rules = _act(event, acting_user=acting_user, expected_version=expected_version)
    reason = _need_reason(reason)
    levels = [str(level) for level in LEVEL_ORDER]
    default = levels[min(levels.index(event.level) + 1, len(levels) - 1)]
    target = checks.next_level(level=event.level, to_level=to_level, rules=rules) or to_level or default
    data = {"level": target, "status": GridEvent.Status.SUBMITTED, "level_since": timezone.now()}
    if target == Level.DEPARTMENT:
        if department is None:
            raise ValidationError({"department": [_("上报职能部门须选择承办部门。")]})
        data["department"] = department
    _step(event, action=EventStep.Action.ESCALATE, from_level=event.level, to_level=target, acting_user=acting_user,
          reason=reason, at=data["level_since"])
    return model_update(instance=event, acting_user=acting_user, data=data)


@transaction.atomic
def event_send_back(*, event: GridEvent, acting_user, reason: str, expected_version: int | None = None) -> GridEvent:
    """The level holding the event returns it to the level below, which handles it further."""
    event, rules = _act(event, acting_user=acting_user, expected_version=expected_version)
    reason = _need_reason(reason)
    if event.level == Level.GRID:
        from governance.exceptions import RuleViolation

        raise RuleViolation(_("事件已在网格层级，不能再退回"), rule=rules["grids.event_escalation"])
    levels = [str(level) for level in LEVEL_ORDER]
    target = levels[levels.index(event.level) - 1]
    now = timezone.now()
    _step(event, action=EventStep.Action.SEND_BACK, from_level=event.level, to_level=target, acting_user=acting_user,
          reason=reason, at=now)
    data = {"level": target, "status": GridEvent.Status.ACCEPTED, "level_since": now}
    if event.level == Level.DEPARTMENT:
        data["department"] = None
    return model_update(instance=event, acting_user=acting_user, data=data)


@transaction.atomic
def event_category_create(*, acting_user, **fields) -> EventCategory:
    category = EventCategory(**fields)
    if category.parent_id and category.parent.parent_id:
        raise ValidationError({"parent": [_("事件类别只有两级：大类下不能再设小类的小类。")]})
    return instance_save(category, acting_user=acting_user)


@transaction.atomic
def event_category_update(*, category: EventCategory, acting_user, expected_version: int | None = None,
                          **fields) -> EventCategory:
    parent = fields.get("parent", category.parent)
    if parent is not None and (parent.parent_id or parent.pk == category.pk):
        raise ValidationError({"parent": [_("事件类别只有两级：大类下不能再设小类的小类。")]})
    return model_update(instance=category, acting_user=acting_user, data=fields, expected_version=expected_version)


def event_reminders_send(*, hours: dict[str, float], now: datetime.datetime | None = None) -> int:
    """Record a reminder for each open event that has sat at its level longer than that level's hours.
    Idempotent: one reminder per event, level and arrival (unique constraint); returns how many are new."""
    from grids.models import EventReminder

    now = now or timezone.now()
    created = 0
    for level, limit in hours.items():
        if level not in Level.values:
            continue
        due = GridEvent.objects.filter(level=level, status__in=OPEN,
                                       level_since__lt=now - datetime.timedelta(hours=float(limit)))
        rows = [EventReminder(event_id=pk, level=level, level_since=since)
                for pk, since in due.values_list("pk", "level_since").iterator(chunk_size=2000)]
        before = EventReminder.objects.count()
        try:
            EventReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        except IntegrityError:  # pragma: no cover - ignore_conflicts covers it on SQLite and PostgreSQL
            pass
        created += EventReminder.objects.count() - before
    return created

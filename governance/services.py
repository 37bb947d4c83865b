"""Writes for the district-wide domain (STYLE.md 1): validate, apply the policy rule, save, audit.

Every write goes through one of these functions: the admin, the pages and the API all call them.
django-simple-history keeps who, when, before and after; services set the acting user explicitly so
that token-authenticated API calls are attributed too.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from governance.exceptions import RuleViolation
from governance.models import (
    COMMUNITY_KINDS,
    PARTY_KINDS,
    SINGLE_HOLDER_KINDS,
    STATION_KINDS,
    STREET_KINDS,
    Department,
    Person,
    PolicyRule,
    Post,
    PostKind,
    StationedUnit,
)
from governance.roles import SCOPE_PERMISSION, Role
from governance.scope import scope_reset

logger = logging.getLogger(__name__)


def instance_save(instance: models.Model, *, acting_user, update_fields: list[str] | None = None,
                  validate: bool = True) -> models.Model:
    """full_clean (fields and constraints) unless the caller just did, then save, attributing the
    history row to acting_user."""
    if validate:
        instance.full_clean()
    instance._history_user = acting_user if acting_user and acting_user.is_authenticated else None
    try:
        instance.save(update_fields=update_fields)
    except IntegrityError as exc:  # a race past full_clean: the constraint held; answer like a validation error
        logger.warning("integrity error saving %s: %s", instance._meta.label, exc)
        raise ValidationError(_("数据已被他人同时修改，未保存。请刷新页面后重试。")) from exc
    return instance


def model_update(*, instance: models.Model, acting_user, data: dict) -> models.Model:
    """Apply changed fields only, saved with update_fields so a concurrent change to others is kept."""
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    if not changed:
        return instance
    fk_names = {f.name: f.attname for f in instance._meta.concrete_fields if f.is_relation}
    return instance_save(instance, acting_user=acting_user, update_fields=[fk_names.get(n, n) for n in changed])


@transaction.atomic
def department_create(*, acting_user, **fields) -> Department:
    return instance_save(Department(**fields), acting_user=acting_user)


@transaction.atomic
def department_update(*, department: Department, acting_user, **fields) -> Department:
    return model_update(instance=department, acting_user=acting_user, data=fields)


@transaction.atomic
def stationed_unit_create(*, acting_user, **fields) -> StationedUnit:
    return instance_save(StationedUnit(**fields), acting_user=acting_user)


@transaction.atomic
def stationed_unit_update(*, unit: StationedUnit, acting_user, **fields) -> StationedUnit:
    return model_update(instance=unit, acting_user=acting_user, data=fields)


def _person_check(person: Person) -> None:
    if person.community_id and person.street_id and person.community.street_id != person.street_id:
        raise ValidationError({"community": [_("社区不属于所选街道。")]})
    if person.community_id and not person.street_id:
        person.street_id = person.community.street_id


@transaction.atomic
def person_create(*, acting_user, **fields) -> Person:
    person = Person(**fields)
    _person_check(person)
    return instance_save(person, acting_user=acting_user)


def person_update_check(*, person: Person, fields: dict) -> None:
    """The flags a held post depends on cannot be removed while it is held (forms call this in clean())."""
    from governance.selectors import active_posts

    held = set(active_posts().filter(person=person).values_list("kind", flat=True))
    if fields.get("is_npc_deputy") is False and person.is_npc_deputy and PostKind.NPC_MEMBER in held:
        raise RuleViolation(_("%(name)s现任人大街道工委委员，须为现任兴庆区人大代表；请先办理离任") % {"name": person.name},
                            rule="street.npc_committee", clause="二(二)2", field="is_npc_deputy")
    if fields.get("is_party_member") is False and person.is_party_member and held & PARTY_KINDS:
        raise RuleViolation(_("%(name)s现任社区党组织班子成员，须为中共党员；请先办理离任") % {"name": person.name},
                            rule="community.party_committee_size", clause="三(一)2", field="is_party_member")


@transaction.atomic
def person_update(*, person: Person, acting_user, **fields) -> Person:
    """Change a person's record (only the fields given, saved with update_fields)."""
    person_update_check(person=person, fields=fields)
    candidate = Person(**{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _person_check(candidate)
    data = {**fields, "street": candidate.street} if "community" in fields else fields
    return model_update(instance=person, acting_user=acting_user, data=data)


def _post_units_check(post: Post) -> None:
    """The units a post names must nest (community in street, grid in community, station serving them).

    Each unit a post names puts it in that unit's scope (governance.selectors.posts_for_user): a community
    post naming another street would be shown to that street's staff.
    """
    errors = {}
    if post.community_id and post.street_id and post.community.street_id != post.street_id:
        errors["street"] = [_("社区不属于所选街道。")]
    if post.grid_id and post.community_id and post.grid.community_id != post.community_id:
        errors["grid"] = [_("网格不属于所选社区。")]
    if post.station_id:
        if post.street_id and post.station.street_id != post.street_id:
            errors["station"] = [_("服务站不属于所选街道。")]
        elif post.community_id and not post.station.communities.filter(pk=post.community_id).exists():
            errors["station"] = [_("服务站不服务所选社区。")]
    if errors:
        raise ValidationError(errors)


def _single_holder_check(post: Post) -> None:
    """One holder at a time (e.g. 书记1名, 三(一)2): no two terms of such a post may overlap in one unit."""
    unit = SINGLE_HOLDER_KINDS.get(post.kind)
    if unit is None:
        return
    overlapping = Post.objects.filter(kind=post.kind, **{f"{unit}_id": getattr(post, f"{unit}_id")}).exclude(pk=post.pk)
    overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=post.start_date))
    if post.end_date is not None:
        overlapping = overlapping.filter(start_date__lte=post.end_date)
    other = overlapping.select_related("person").first()
    if other is not None:
        until = _("至 %(date)s") % {"date": other.end_date} if other.end_date else _("（在任）")
        raise ValidationError({"kind": [
            _("%(kind)s只能有一名在任人员：%(name)s任期 %(start)s %(until)s，与本次任期重叠。请先办理离任或调整任职日期。")
            % {"kind": PostKind(post.kind).label, "name": other.person.name, "start": other.start_date, "until": until}
        ]})


MAX_DAYS_AHEAD = 366  # an appointment may be entered up to a year ahead; further is a typing error


def _post_rules_check(post: Post) -> None:
    """The policy rules a post must satisfy, by the unit it belongs to; a date before a rule's first
    version is refused with that rule named (a 400 or a form error, never a 500)."""
    from governance.rules import RuleMissing

    latest = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if post.start_date and post.start_date > latest:
        raise ValidationError({"start_date": [_("任职日期不能晚于 %(date)s（至多提前一年录入）。") % {"date": latest.isoformat()}]})
    try:
        _post_rules_check_on_date(post)
    except RuleMissing as exc:
        raise exc.as_violation(field="start_date") from None


def _post_rules_check_on_date(post: Post) -> None:
    _post_units_check(post)
    _single_holder_check(post)
    if post.kind in STREET_KINDS:
        from streets.services import street_post_check

        street_post_check(post)
    elif post.kind in COMMUNITY_KINDS:
        from communities.services import community_post_check

        community_post_check(post)
    elif post.kind in STATION_KINDS:
        from service_stations.services import station_post_check

        station_post_check(post)


def _lock_unit(post: Post) -> None:
    """Serialise cap checks per unit: two clerks adding the 31st person at once cannot both pass."""
    from communities.models import Community
    from service_stations.models import ServiceStation
    from streets.models import Street

    if post.street_id:
        list(Street.objects.select_for_update().filter(pk=post.street_id))
    if post.community_id:
        list(Community.objects.select_for_update().filter(pk=post.community_id))
    if post.station_id:
        list(ServiceStation.objects.select_for_update().filter(pk=post.station_id))


def post_validate(post: Post) -> None:
    """Field, constraint and policy-rule validation of a post, without saving (forms call it in clean())."""
    post.full_clean()
    _post_rules_check(post)


@transaction.atomic
def post_create(*, acting_user, **fields) -> Post:
    post = Post(**fields)
    post.full_clean()
    _lock_unit(post)
    _post_rules_check(post)
    return instance_save(post, acting_user=acting_user, validate=False)


@transaction.atomic
def post_update(*, post: Post, acting_user, **fields) -> Post:
    for name, value in fields.items():
        setattr(post, name, value)
    post.full_clean()
    _lock_unit(post)
    _post_rules_check(post)
    return instance_save(post, acting_user=acting_user, validate=False)


@transaction.atomic
def post_end(*, post: Post, acting_user, end_date: datetime.date | None = None, reason: str = "") -> Post:
    post.end_date = end_date or timezone.localdate()
    if reason:
        post._change_reason = reason[:100]  # kept in the history row (history_change_reason)
    return instance_save(post, acting_user=acting_user, update_fields=["end_date"])


@transaction.atomic
def policy_rule_version_create(*, acting_user, key: str, value, effective_from: datetime.date, note: str = "") -> PolicyRule:
    """A new version of an existing rule, in force from `effective_from` (earlier versions stay for the past)."""
    current = PolicyRule.objects.filter(key=key).order_by("-effective_from").first()
    if current is None:
        raise ValidationError({"key": [_("未知的政策规则：%(key)s") % {"key": key}]})
    rule = PolicyRule(key=key, title=current.title, clause=current.clause, value=value,
                      effective_from=effective_from, note=note or current.note)
    return instance_save(rule, acting_user=acting_user)


@transaction.atomic
def user_create_with_role(*, username: str, password: str | None, role: Role, scope_object=None,
                          display_name: str = "") -> "models.Model":
    """Create or update a login with one role and, for scoped roles, the grant on its unit. Idempotent."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = display_name[:150]
    user.is_staff = role == Role.DISTRICT_ADMIN
    user.is_superuser = False
    if password:
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    if role in SCOPE_PERMISSION and scope_object is not None:
        _model, perm = SCOPE_PERMISSION[role]
        assign_perm(perm, user, scope_object)
    elif role in SCOPE_PERMISSION and role != Role.DEPARTMENT_USER:
        raise ValueError(f"Role {role} needs a unit to scope it.")
    scope_reset(user)
    return user

"""Writes for the district-wide domain (STYLE.md 1): validate, apply the policy rule, save, audit.

Every write goes through one of these functions: the admin, the pages and the API all call them.
django-simple-history keeps who, when, before and after; services set the acting user explicitly so
that token-authenticated API calls are attributed too.
"""

import copy
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

from governance.exceptions import Conflict, RuleViolation
from governance.identity import normalize_id_number
from governance.models import (
    POST_KINDS,
    Department,
    Person,
    PolicyRule,
    Post,
    PostKind,
    StationedUnit,
)
from governance.registry import registry
from governance.roles import Role, scope_permission
from governance.rules import RuleBook, RuleMissing
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


def lock_current(instance: models.Model, *, expected_version: int | None = None) -> models.Model:
    """Lock the row and load its current values into `instance`, so that what is checked and what the
    history records are the truth, not what the caller read earlier; refuse a stale `expected_version`."""
    fresh = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    for f in instance._meta.concrete_fields:
        setattr(instance, f.attname, getattr(fresh, f.attname))
    for cached in list(instance._state.fields_cache):
        instance._state.fields_cache.pop(cached, None)
    if expected_version is not None and getattr(instance, "version", expected_version) != expected_version:
        raise Conflict(instance=instance, expected=expected_version)
    return instance


@transaction.atomic
def model_update(*, instance: models.Model, acting_user, data: dict, expected_version: int | None = None,
                 validate: bool = True) -> models.Model:
    """Apply changed fields only, to the locked current row, saved with update_fields: a concurrent change
    to other fields is kept, the history row shows exactly this change, and an edit of a version that
    someone else has changed since is refused (Conflict)."""
    lock_current(instance, expected_version=expected_version)
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    if not changed:
        return instance
    fk_names = {f.name: f.attname for f in instance._meta.concrete_fields if f.is_relation}
    fields = [fk_names.get(n, n) for n in changed]
    if hasattr(instance, "version"):
        instance.version += 1
        fields.append("version")
    return instance_save(instance, acting_user=acting_user, update_fields=fields, validate=validate)


@transaction.atomic
def department_create(*, acting_user, **fields) -> Department:
    return instance_save(Department(**fields), acting_user=acting_user)


@transaction.atomic
def department_update(*, department: Department, acting_user, expected_version: int | None = None,
                      **fields) -> Department:
    return model_update(instance=department, acting_user=acting_user, data=fields, expected_version=expected_version)


@transaction.atomic
def stationed_unit_create(*, acting_user, **fields) -> StationedUnit:
    return instance_save(StationedUnit(**fields), acting_user=acting_user)


@transaction.atomic
def stationed_unit_update(*, unit: StationedUnit, acting_user, expected_version: int | None = None,
                          **fields) -> StationedUnit:
    return model_update(instance=unit, acting_user=acting_user, data=fields, expected_version=expected_version)


def _person_check(person: Person) -> None:
    person.id_number = normalize_id_number(person.id_number)
    if person.id_number and Person.objects.filter(id_number=person.id_number).exclude(pk=person.pk).exists():
        # Said on the field, without naming a record the clerk may not see (it may be another street's).
        raise ValidationError({"id_number": [_("该身份证号码已有人员档案（可能属于其他单位），请核对或在已有人员中查找。")]})
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
    """The flags a held post depends on cannot be removed while it is held: every registered person
    check sees the change and the kinds the person holds (forms call this in clean())."""
    from governance.selectors import active_posts

    held = frozenset(active_posts().filter(person=person).order_by().values_list("kind", flat=True))
    for check in registry.person_checks:
        check(person, fields, held)


@transaction.atomic
def person_update(*, person: Person, acting_user, expected_version: int | None = None, **fields) -> Person:
    """Change a person's record (only the fields given, saved with update_fields)."""
    # Lock the person first: a post check reads these flags under the same lock (post_create).
    lock_current(person, expected_version=expected_version)
    person_update_check(person=person, fields=fields)
    candidate = Person(**{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _person_check(candidate)
    if "id_number" in fields:
        fields = {**fields, "id_number": candidate.id_number}
    data = {**fields, "street": candidate.street} if "community" in fields else fields
    return model_update(instance=person, acting_user=acting_user, data=data)


def _post_units_check(post: Post, *, served: set[int] | None = None) -> None:
    """The units a post names must nest (community in street, grid in community, station serving them),
    and a person whose record belongs to a community holds posts in that community only.

    `served`: the ids of the communities the post's station serves, when the caller has them (a bulk write
    that has just written the stations' links); else one query.

    Each unit a post names puts it in that unit's scope (governance.selectors.posts_for_user): a community
    post naming another street would be shown to that street's staff.
    """
    errors = {}
    if post.community_id and post.street_id and post.community.street_id != post.street_id:
        errors["street"] = [_("社区不属于所选街道。")]
    if post.grid_id and post.community_id and post.grid.community_id != post.community_id:
        errors["grid"] = [_("网格不属于所选社区。")]
    if post.grid_id and not POST_KINDS[post.kind].grid:
        errors["grid"] = [_("%(kind)s不属于网格。") % {"kind": PostKind(post.kind).label}]
    if post.station_id:
        if post.street_id and post.station.street_id != post.street_id:
            errors["station"] = [_("服务站不属于所选街道。")]
        elif post.community_id and not (post.community_id in served if served is not None else
                                        post.station.communities.filter(pk=post.community_id).exists()):
            errors["station"] = [_("服务站不服务所选社区。")]
    if post.community_id and post.person.community_id and post.person.community_id != post.community_id:
        errors["person"] = [_("%(name)s的人员档案属于其他社区，不能在本社区任职；请先调整人员档案的所属社区。")
                            % {"name": post.person.name}]
    if errors:
        raise ValidationError(errors)
    # A post carries the street of its community or station too, so that scope is one indexed column
    # per level (governance.selectors.posts_for_user).
    if not post.street_id and (post.community_id or post.station_id):
        post.street_id = (post.community if post.community_id else post.station).street_id


def _single_holder_check(post: Post, rules: RuleBook) -> None:
    """One holder at a time (e.g. 书记1名, 三(一)2): no two terms of such a post may overlap in one unit."""
    spec = POST_KINDS[post.kind]
    if not spec.single_holder:
        return
    unit = spec.unit
    overlapping = Post.objects.filter(kind=post.kind, **{f"{unit}_id": getattr(post, f"{unit}_id")}).exclude(pk=post.pk)
    overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=post.start_date))
    if post.end_date is not None:
        overlapping = overlapping.filter(start_date__lte=post.end_date)
    other = overlapping.select_related("person").first()
    if other is not None:
        until = _("至 %(date)s") % {"date": other.end_date} if other.end_date else _("（在任）")
        raise RuleViolation(
            _("%(kind)s只能有一名在任人员：%(name)s任期 %(start)s %(until)s，与本次任期重叠。请先办理离任或调整任职日期。")
            % {"kind": PostKind(post.kind).label, "name": other.person.name, "start": other.start_date, "until": until},
            rule=rules[spec.single_holder], field="kind",
        )


MAX_DAYS_AHEAD = 366  # an appointment may be entered up to a year ahead; further is a typing error


def _post_rules_check(post: Post) -> None:
    """The policy rules a post must satisfy: the core's, then those the apps registered for its kind. A date
    before a rule's first version is refused naming that rule on the start date (never a 500)."""
    latest = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if post.start_date and post.start_date > latest:
        raise ValidationError({"start_date": [_("任职日期不能晚于 %(date)s（至多提前一年录入）。") % {"date": latest.isoformat()}]})
    try:
        _post_rules_check_on_date(post)
    except RuleMissing as exc:
        raise RuleMissing(exc.key, exc.on, field="start_date") from None


def _post_rules_check_on_date(post: Post) -> None:
    _post_units_check(post)
    rules = RuleBook(on=post.start_date)
    _single_holder_check(post, rules)
    for kinds, check in registry.post_checks:
        if post.kind in kinds:
            check(post, rules)


def _lock(post: Post) -> None:
    """Serialise the checks that read more than the post: two clerks adding the 31st person at once cannot
    both pass, nor can a party post be given while another clerk clears the person's party membership.
    Locks the units the post names (registered by the apps) and the person, always in that order."""
    for field_name, model in registry.post_units.items():
        pk = getattr(post, f"{field_name}_id", None)
        if pk:
            list(model.objects.select_for_update().filter(pk=pk))
    if post.person_id:
        list(Person.objects.select_for_update().filter(pk=post.person_id))
        post.person.refresh_from_db()


def _post_clean(post: Post) -> None:
    """Fields and check constraints. The one-holder constraints are left to _single_holder_check, which
    refuses with the rule and clause (the database still holds them against a race)."""
    post.full_clean(validate_constraints=False)
    errors: dict = {}
    for constraint in Post._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            try:
                constraint.validate(Post, post)
            except ValidationError as exc:
                errors.setdefault("__all__", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _post_changed(post: Post, *, previous: Post | None, acting_user) -> None:
    """Let the apps keep their records in step with a saved post (registry.post_changed), in this transaction."""
    for kinds, function in registry.post_changes:
        if post.kind in kinds or (previous is not None and previous.kind in kinds):
            function(post, previous=previous, acting_user=acting_user)


def post_validate(post: Post) -> None:
    """Field, constraint and policy-rule validation of a post, without saving (forms call it in clean())."""
    _post_clean(post)
    _post_rules_check(post)


@transaction.atomic
def post_create(*, acting_user, **fields) -> Post:
    post = Post(**fields)
    _post_clean(post)
    _lock(post)
    _post_rules_check(post)
    instance_save(post, acting_user=acting_user, validate=False)
    _post_changed(post, previous=None, acting_user=acting_user)
    return post


@transaction.atomic
def post_appoint(*, acting_user, person: Person | None = None, new_person: dict | None = None, **fields) -> Post:
    """Appoint an existing person, or a new one created here, to a post: one transaction, so a refused
    post leaves no new person behind (the pages and the API call this)."""
    if (person is None) == (new_person is None):
        raise ValidationError(_("请选择已有人员，或填写新增人员。"))
    if person is None:
        person = person_create(acting_user=acting_user, **new_person)
    return post_create(acting_user=acting_user, person=person, **fields)


@transaction.atomic
def post_update(*, post: Post, acting_user, expected_version: int | None = None, **fields) -> Post:
    """Change a post: only the fields that differ are set and saved, after the same checks as a new post."""
    lock_current(post, expected_version=expected_version)
    changed = {name: value for name, value in fields.items() if getattr(post, name) != value}
    if not changed:
        return post
    previous = copy.copy(post)
    for name, value in changed.items():
        setattr(post, name, value)
    street_before = post.street_id
    if {"community", "station"} & changed.keys() and "street" not in changed and POST_KINDS[post.kind].unit != "street":
        post.street = None  # derived again from the new unit (_post_units_check)
    _post_clean(post)
    _lock(post)
    covers = post.approval_covers
    _post_rules_check(post)  # an approval may now cover a breach this change causes (approval_covers)
    fk_names = {f.name: f.attname for f in Post._meta.concrete_fields if f.is_relation}
    post.version += 1
    derived = ["street_id"] if post.street_id != street_before and "street" not in changed else []
    fields = [*(fk_names.get(name, name) for name in changed), *derived, "version"]
    if post.approval_covers != covers:
        fields.append("approval_covers")
    instance_save(post, acting_user=acting_user, validate=False, update_fields=fields)
    _post_changed(post, previous=previous, acting_user=acting_user)
    return post


@transaction.atomic
def post_end(*, post: Post, acting_user, end_date: datetime.date | None = None, reason: str = "",
             expected_version: int | None = None) -> Post:
    """离任: end a post on `end_date` (today by default), with the clerk's reason kept in the history row
    (history_change_reason). Ending an ended post changes nothing."""
    lock_current(post, expected_version=expected_version)
    if post.end_date is not None and post.end_date <= timezone.localdate():
        return post
    if reason:
        post._change_reason = reason[:100]
    previous = copy.copy(post)
    post = model_update(instance=post, acting_user=acting_user, data={"end_date": end_date or timezone.localdate()})
    _post_changed(post, previous=previous, acting_user=acting_user)
    return post


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
    grant = scope_permission(role)
    if grant is not None and scope_object is not None:
        _model, perm = grant
        assign_perm(perm, user, scope_object)
    elif grant is not None and role != Role.DEPARTMENT_USER:
        raise ValueError(f"Role {role} needs a unit to scope it.")
    scope_reset(user)
    return user

"""Changes to clerks' accounts, each one audited (an AccountEvent with its history row). Only the district
administrator may make them; the admin pages check it too, and these functions check again."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AccountEvent
from governance.roles import Role, scope_permission, user_role
from governance.services import user_create_with_role


def may_manage_accounts(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user_role(user) == Role.DISTRICT_ADMIN)


def _check(acting_user) -> None:
    if not may_manage_accounts(acting_user):
        raise PermissionDenied(_("仅区级管理员可管理账号。"))


def _event(*, acting_user, account, action, detail="") -> AccountEvent:
    event = AccountEvent(actor=acting_user, account=account, name=account.get_username(), action=action,
                         detail=detail[:200])
    event._history_user = acting_user
    event.save()
    return event


@transaction.atomic
def account_create(*, acting_user, username: str, password: str, role: Role, unit=None, display_name: str = ""):
    """A new clerk's login with one role and, for a scoped role, its unit (street, community, station or grid)."""
    _check(acting_user)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("登录名“%(name)s”已被使用。") % {"name": username}]})
    grant = scope_permission(role)
    if grant is not None and role != Role.DEPARTMENT_USER and unit is None:
        raise ValidationError({"unit": [_("该角色须指定所属单位。")]})
    if unit is not None and (grant is None or unit._meta.label_lower != grant[0]):
        raise ValidationError({"unit": [_("所属单位与角色不符：%(role)s不能以%(kind)s为所属单位。") % {
            "role": Role(role).label, "kind": unit._meta.verbose_name}]})
    validate_password(password, user=User(username=username, first_name=display_name))
    user = user_create_with_role(username=username, password=password, role=role, scope_object=unit,
                                 display_name=display_name)
    where = f"，{unit._meta.verbose_name}：{unit}" if unit is not None else ""
    _event(acting_user=acting_user, account=user, action=AccountEvent.Action.CREATE,
           detail=f"{Role(role).label}{where}")
    return user


@transaction.atomic
def account_password_reset(*, acting_user, account, password: str) -> None:
    _check(acting_user)
    validate_password(password, user=account)
    account.set_password(password)
    account.save(update_fields=["password"])
    _event(acting_user=acting_user, account=account, action=AccountEvent.Action.PASSWORD_RESET)


@transaction.atomic
def account_unlock(*, acting_user, account) -> int:
    """Clear the failed logins that locked the account (django-axes), on every address it was tried from."""
    from axes.utils import reset

    _check(acting_user)
    cleared = reset(username=account.get_username())
    _event(acting_user=acting_user, account=account, action=AccountEvent.Action.UNLOCK,
           detail=_("清除 %(n)s 条失败登录记录") % {"n": cleared})
    return cleared


@transaction.atomic
def account_token_revoke(*, acting_user, account) -> bool:
    from rest_framework.authtoken.models import Token

    _check(acting_user)
    deleted, _rows = Token.objects.filter(user=account).delete()
    _event(acting_user=acting_user, account=account, action=AccountEvent.Action.TOKEN_REVOKE,
           detail=_("已吊销") if deleted else _("该账号没有令牌"))
    return bool(deleted)


@transaction.atomic
def account_set_active(*, acting_user, account, active: bool) -> None:
    _check(acting_user)
    if account.pk == acting_user.pk and not active:
        raise ValidationError(_("不能停用自己的账号。"))
    account.is_active = active
    account.save(update_fields=["is_active"])
    _event(acting_user=acting_user, account=account,
           action=AccountEvent.Action.ACTIVATE if active else AccountEvent.Action.DEACTIVATE)


@transaction.atomic
def account_update(*, acting_user, account, **fields) -> None:
    """Name and display name (role and scope change by creating the right account, not by editing one)."""
    _check(acting_user)
    allowed = {"username", "first_name", "last_name", "email"}
    changed = {k: v for k, v in fields.items() if k in allowed and getattr(account, k) != v}
    if "is_active" in fields and fields["is_active"] != account.is_active:
        account_set_active(acting_user=acting_user, account=account, active=fields["is_active"])
    if not changed:
        return
    for name, value in changed.items():
        setattr(account, name, value)
    account.full_clean(exclude=["password"])
    account.save(update_fields=list(changed))
    _event(acting_user=acting_user, account=account, action=AccountEvent.Action.UPDATE,
           detail="、".join(str(account._meta.get_field(k).verbose_name) for k in changed))

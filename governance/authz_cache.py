"""A user's permissions, scope and role across requests, in Django's cache, invalidated by generations.

Every API request needs the user's model permissions (governance.backends) and, for the scoped lists, their
scope (governance.scope.scope_for): two queries and ~5 ms of ORM building a request (issue 14) for data
that changes a few times a year. With `settings.AUTHZ_CACHE` on, they are kept in the cache, one entry per
user, tagged with two generations:

- the district's generation (`authz:gen`), bumped whenever anything that can change *any* user's
  permissions or scope changes: a user's groups or own permissions (m2m_changed), a group's permissions,
  a group or permission deleted, an object permission (guardian grant) saved or deleted, and by anything
  that writes those rows without signals (`bump_all()`, e.g. seed_demo's bulk_create);
- the user's generation (`authz:gen:<user id>`), bumped when the user is saved (is_active, is_superuser)
  or deleted, and by `governance.scope.scope_reset(user)`.

An entry is used only while both generations it was read under are the current ones, and only for the
same user id, `is_active` and `is_superuser` as the request's user (read fresh from the database by the
authentication): anything else is a miss and the data is read again. A missing generation (never set,
evicted, cache cleared) is a miss too. Each bump happens twice: at once, and again when the transaction
commits, so that a request which read the old rows between the change and its commit cannot keep them
under the new generation. When in doubt, bump: a bump costs one cache write and a miss.

The cache must be shared by every process that serves requests or changes grants (web workers, Celery):
settings turn AUTHZ_CACHE on by default only when DJANGO_CACHE_URL (Redis) is set; with the local-memory
cache a change made in one process would not reach another's.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

ALL_KEY = "authz:gen"
TIMEOUT = 300  # a backstop only: the generations decide validity
_ATTR = "_authz_entry"


def enabled() -> bool:
    return bool(getattr(settings, "AUTHZ_CACHE", False))


def _user_key(pk) -> str:
    return f"authz:gen:{pk}"


def _entry_key(pk) -> str:
    return f"authz:user:{pk}"


def _identity(user) -> tuple:
    return (user.pk, bool(user.is_active), bool(user.is_superuser))


class _Entry:
    """The request's view of one user's cached entry: read from the cache once, written when a part is
    computed."""

    __slots__ = ("identity", "gens", "parts")

    def __init__(self, identity, gens, parts):
        self.identity = identity
        self.gens = gens  # None: do not store (generations unknown this request)
        self.parts = parts


def _entry(user) -> _Entry | None:
    if not enabled() or user is None or getattr(user, "pk", None) is None or not user.is_authenticated:
        return None
    identity = _identity(user)
    found = user.__dict__.get(_ATTR)
    if found is not None and found.identity == identity:
        return found
    keys = [ALL_KEY, _user_key(user.pk), _entry_key(user.pk)]
    values = cache.get_many(keys)
    gens = (values.get(ALL_KEY), values.get(keys[1]))
    parts = {}
    if None in gens:
        # A generation is missing (new user, evicted, cleared): set it unless another process just did, and
        # read back the one that counts; the entry (if any) was stored under another generation.
        for key, gen in zip(keys[:2], gens, strict=True):
            if gen is None:
                cache.add(key, uuid.uuid4().hex, None)
        again = cache.get_many(keys[:2])
        gens = (again.get(ALL_KEY), again.get(keys[1]))
        if None in gens:
            gens = None  # store nothing this request
    else:
        stored = values.get(keys[2])
        if isinstance(stored, dict) and stored.get("gens") == gens and stored.get("identity") == identity:
            parts = dict(stored.get("parts", {}))
    found = _Entry(identity, gens, parts)
    user.__dict__[_ATTR] = found
    return found


MISSING = object()


def get(user, name: str):
    """The cached part `name` of the user's entry (e.g. "perms", "scope", "roles"), or MISSING."""
    entry = _entry(user)
    if entry is None:
        return MISSING
    return entry.parts.get(name, MISSING)


def put(user, name: str, value) -> None:
    """Keep part `name` of the user's entry, under the generations this request read."""
    entry = _entry(user)
    if entry is None:
        return
    entry.parts[name] = value
    if entry.gens is not None:
        # Another object of the same user (a request may hold two) may have stored other parts under the same
        # generations since this one read the entry: keep them (only on a miss: one more cache read).
        key = _entry_key(user.pk)
        stored = cache.get(key)
        parts = dict(entry.parts)
        if isinstance(stored, dict) and stored.get("gens") == entry.gens and stored.get("identity") == entry.identity:
            parts = {**stored.get("parts", {}), **parts}
        cache.set(key, {"gens": entry.gens, "identity": entry.identity, "parts": parts}, TIMEOUT)


def forget(user) -> None:
    """Forget this request's view of the entry (the next read goes to the cache again)."""
    user.__dict__.pop(_ATTR, None)


def _bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)


def _bump_now_and_on_commit(key: str) -> None:
    if not enabled():
        return
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def bump_all() -> None:
    """Every user's entry is stale (a group's permissions, a grant, a bulk write of either changed)."""
    _bump_now_and_on_commit(ALL_KEY)


def bump_user(pk) -> None:
    """This user's entry is stale."""
    if pk is not None:
        _bump_now_and_on_commit(_user_key(pk))


# Signal receivers (connected in governance.apps.GovernanceConfig.ready).

def on_user_saved(sender, instance, update_fields=None, **kwargs):
    # A login writes last_login only: nothing cached depends on it.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump_user(instance.pk)


def on_user_deleted(sender, instance, **kwargs):
    bump_user(instance.pk)
    bump_all()  # its group memberships and grants went with it


def on_any_change(sender, **kwargs):
    bump_all()


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from guardian.models import GroupObjectPermission, UserObjectPermission

    User = get_user_model()
    uid = "governance.authz_cache"
    post_save.connect(on_user_saved, sender=User, dispatch_uid=f"{uid}.user_saved")
    post_delete.connect(on_user_deleted, sender=User, dispatch_uid=f"{uid}.user_deleted")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(on_any_change, sender=through, dispatch_uid=f"{uid}.m2m.{through._meta.label}")
    for model in (Group, Permission, UserObjectPermission, GroupObjectPermission):
        post_save.connect(on_any_change, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
        post_delete.connect(on_any_change, sender=model, dispatch_uid=f"{uid}.delete.{model._meta.label}")

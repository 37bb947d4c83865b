"""What part of the district a user may see: read once per request from guardian's per-object grants
(and kept across requests by governance.authz_cache when settings.AUTHZ_CACHE is on).

Every scoped selector filters through `scoped(queryset, user, street=..., community=..., ...)`; nothing
else decides scope. Grants given to one of the user's groups count like grants given to the user.
Which permission fills which level is registered by the apps (`governance.registry.scope_grant`).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

LEVELS = ("street_ids", "community_ids", "station_ids", "grid_ids", "department_ids")


@dataclass(frozen=True)
class Scope:
    district_wide: bool
    street_ids: frozenset[int] = frozenset()
    community_ids: frozenset[int] = frozenset()
    station_ids: frozenset[int] = frozenset()
    grid_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.district_wide or self.street_ids or self.community_ids or self.station_ids or self.grid_ids)


NO_SCOPE = Scope(district_wide=False)


def _grant_levels() -> dict[tuple[str, str], str]:
    from governance.registry import registry

    levels = {("governance", "access_department"): "department_ids"}
    for grant in registry.scope_grants.values():
        app_label, codename = grant.permission.split(".")
        levels[(app_label, codename)] = grant.level
    return levels


def scope_for(user) -> Scope:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_governance_scope", None)
    if cached is not None:
        return cached
    from governance import authz_cache

    cached = authz_cache.get(user, "scope")
    if cached is not authz_cache.MISSING:
        user._governance_scope = cached
        return cached
    if user.is_superuser or user.has_perm("governance.view_district_wide"):
        scope = Scope(district_wide=True)
    else:
        from guardian.models import GroupObjectPermission, UserObjectPermission

        levels = _grant_levels()
        codenames = sorted({codename for _app, codename in levels})
        found: dict[str, set[int]] = {name: set() for name in LEVELS}
        fields = ("permission__content_type__app_label", "permission__codename", "object_pk")
        rows = UserObjectPermission.objects.filter(user=user, permission__codename__in=codenames).values_list(*fields)
        group_rows = GroupObjectPermission.objects.filter(
            group__user=user, permission__codename__in=codenames
        ).values_list(*fields)
        for app_label, codename, object_pk in rows.union(group_rows, all=True):  # one query
            level = levels.get((app_label, codename))
            if level and str(object_pk).isdigit():
                found[level].add(int(object_pk))
        scope = Scope(district_wide=False, **{k: frozenset(v) for k, v in found.items()})
    user._governance_scope = scope
    authz_cache.put(user, "scope", scope)
    return scope


class ScopeHolder:
    """Stands for a user in a read built from a scope alone (a compiled read, governance/lean_list.py): a scoped
    selector given it filters by `scope` exactly as it would for the user whose scope it is. It is signed in
    and active and has nothing else: a selector that reads more of the user fails on it (AttributeError)."""

    is_authenticated = True
    is_active = True

    def __init__(self, scope: Scope):
        self._governance_scope = scope


def scope_reset(user) -> None:
    """Forget the cached scope after a grant changes (services call this): on the user object, and in the
    cache across requests (governance.authz_cache; the grant's own signals bump it as well)."""
    from governance import authz_cache

    for attr in ("_governance_scope", "_perm_cache", "_user_perm_cache", "_group_perm_cache", "_role_names"):
        if hasattr(user, attr):
            delattr(user, attr)
    authz_cache.forget(user)
    authz_cache.bump_user(user.pk)


def scope_q(scope: Scope, **paths) -> Q | None:
    """The filter of a scope over a model: `paths` name, for each level the model belongs to, the lookup
    (or lookups) that hold that level's id, e.g. `street="street_id", community="community_id"`.
    None means "everything" (district-wide)."""
    if scope.district_wide:
        return None
    parts = [
        Q(**{f"{lookup}__in": sorted(ids)})
        for level, lookups in paths.items() if (ids := getattr(scope, f"{level}_ids"))
        for lookup in ((lookups,) if isinstance(lookups, str) else lookups)
    ]
    if not parts:
        return Q(pk__in=[])
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def scoped(queryset: QuerySet, user, **paths) -> QuerySet:
    """`queryset` limited to the user's scope; see scope_q for `paths`. A user with no scope sees nothing."""
    scope = scope_for(user)
    if scope.district_wide:
        return queryset
    if not any(getattr(scope, f"{level}_ids") for level in paths):
        return queryset.none()
    return queryset.filter(scope_q(scope, **paths))

"""What part of the district a user may see: read once per request from guardian's per-object grants.

Every scoped selector starts from `scope_for(user)`; nothing else decides scope.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser


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

_FIELDS = {
    ("streets", "access_street"): "street_ids",
    ("communities", "access_community"): "community_ids",
    ("service_stations", "access_station"): "station_ids",
    ("grids", "access_grid"): "grid_ids",
    ("governance", "access_department"): "department_ids",
}


def scope_for(user) -> Scope:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_governance_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.has_perm("governance.view_district_wide"):
        scope = Scope(district_wide=True)
    else:
        from guardian.models import UserObjectPermission

        found: dict[str, set[int]] = {name: set() for name in _FIELDS.values()}
        rows = UserObjectPermission.objects.filter(
            user=user, permission__codename__in=[codename for _, codename in _FIELDS]
        ).values_list("permission__content_type__app_label", "permission__codename", "object_pk")
        for app_label, codename, object_pk in rows:
            field = _FIELDS.get((app_label, codename))
            if field:
                found[field].add(int(object_pk))
        scope = Scope(district_wide=False, **{k: frozenset(v) for k, v in found.items()})
    user._governance_scope = scope
    return scope


def scope_reset(user) -> None:
    """Forget the cached scope after a grant changes (services call this)."""
    for attr in ("_governance_scope", "_perm_cache", "_user_perm_cache", "_group_perm_cache", "_role_names"):
        if hasattr(user, attr):
            delattr(user, attr)

"""Roles, their model permissions and their scope: the one place that says who may do what.

A role is a Django group holding model permissions (what kind of rows a user may view, add, change).
Scope (which rows) is a per-object grant held by django-guardian: a street's staff hold
`streets.access_street` on their street, community staff `communities.access_community` on their
community, and so on. District-wide roles hold `governance.view_district_wide` instead.
Selectors read both (governance/scope.py); pages and the API use the same selectors.
"""

from django.db import models


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "区级管理员"
    ORGDEPT_REVIEWER = "orgdept_reviewer", "区委组织部审核人员"
    CIVIL_AFFAIRS = "civil_affairs", "民政局"
    DEPARTMENT_USER = "department_user", "职能部门用户"
    STREET_STAFF = "street_staff", "街道工作人员"
    COMMUNITY_STAFF = "community_staff", "社区工作人员"
    STATION_WORKER = "station_worker", "服务站工作人员"
    GRID_WORKER = "grid_worker", "网格员"


DISTRICT_WIDE_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS, Role.DEPARTMENT_USER})

# The district-wide core's own models. Each app adds its models and its roles' permissions in its
# AppConfig.ready() (governance.registry.role_permissions / domain_models below).
CORE_MODELS = [
    "governance.department", "governance.stationedunit", "governance.person", "governance.post",
    "governance.policyrule",
]


def crud(model: str, *actions: str) -> list[str]:
    app, name = model.split(".")
    return [f"{app}.{action}_{name}" for action in actions]


def domain_models(*models: str) -> None:
    """Register an app's models: the district administrator manages them, district-wide roles read them."""
    from governance import registry

    registry.role_permissions(Role.DISTRICT_ADMIN, [p for m in models for p in crud(m, "view", "add", "change", "delete")])
    for role in (Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS, Role.DEPARTMENT_USER):
        registry.role_permissions(role, [p for m in models for p in crud(m, "view")])


_CORE_PERMISSIONS: dict[str, list[str]] = {
    Role.DISTRICT_ADMIN: ["governance.view_district_wide"],
    Role.ORGDEPT_REVIEWER: ["governance.view_district_wide"],
    Role.CIVIL_AFFAIRS: ["governance.view_district_wide"],
    Role.DEPARTMENT_USER: ["governance.view_district_wide"],
    Role.STREET_STAFF: [
        *crud("governance.stationedunit", "view", "add", "change"),
        *crud("governance.person", "view", "add", "change"),
        *crud("governance.post", "view", "add", "change"),
        *crud("governance.department", "view"),
        *crud("governance.policyrule", "view"),
    ],
    Role.COMMUNITY_STAFF: [
        *crud("governance.person", "view", "add", "change"),
        *crud("governance.post", "view", "add", "change"),
        *crud("governance.department", "view"),
        *crud("governance.policyrule", "view"),
    ],
    Role.STATION_WORKER: [*crud("governance.department", "view"), *crud("governance.policyrule", "view")],
    Role.GRID_WORKER: [*crud("governance.department", "view"), *crud("governance.policyrule", "view")],
}


def role_permissions() -> dict[str, list[str]]:
    """Every role's permissions: the core's and those the apps registered."""
    from governance.registry import registry

    result = {str(role): list(perms) for role, perms in _CORE_PERMISSIONS.items()}
    for model in CORE_MODELS:
        result[Role.DISTRICT_ADMIN].extend(crud(model, "view", "add", "change", "delete"))
        for role in (Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS, Role.DEPARTMENT_USER):
            result[role].extend(crud(model, "view"))
    for role, perms in registry.role_permissions.items():
        result.setdefault(role, []).extend(perms)
    return {role: sorted(set(perms)) for role, perms in result.items()}


def scope_permission(role) -> tuple[str, str] | None:
    """The (model label, permission) of the per-object grant that gives a scoped role its unit."""
    from governance.registry import registry

    if role == Role.DEPARTMENT_USER:
        return ("governance.department", "governance.access_department")
    grant = registry.scope_grants.get(str(role))
    return (grant.model_label, grant.permission) if grant else None


def roles_sync() -> None:
    """Write each role's group and exactly its permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    wanted_by_role = role_permissions()
    wanted = {perm for perms in wanted_by_role.values() for perm in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    missing = wanted - by_name.keys()
    if missing:
        raise LookupError(f"Permissions not found (run migrate): {sorted(missing)}")
    for role, perms in wanted_by_role.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([by_name[p] for p in perms])


def roles_sync_on_migrate(sender, **kwargs) -> None:
    # Permissions are created by contrib.auth's own post_migrate handler; ours runs for the governance
    # app, which comes after auth, contenttypes and the domain apps' permissions exist only once all
    # apps' handlers ran, so create them first.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    roles_sync()


def user_role(user) -> str | None:
    """The user's role key, from their group (a user holds one role)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.DISTRICT_ADMIN.value
    names = getattr(user, "_role_names", None)
    if names is None:
        from governance import authz_cache

        names = authz_cache.get(user, "roles")
        if names is authz_cache.MISSING:
            names = list(user.groups.values_list("name", flat=True))
            authz_cache.put(user, "roles", tuple(names))
        user._role_names = names
    for name in names:
        if name in Role.values:
            return name
    return None

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

# The object a scoped role's grant is held on: (app_label.model, scope permission codename).
SCOPE_PERMISSION = {
    Role.STREET_STAFF: ("streets.street", "streets.access_street"),
    Role.COMMUNITY_STAFF: ("communities.community", "communities.access_community"),
    Role.STATION_WORKER: ("service_stations.servicestation", "service_stations.access_station"),
    Role.GRID_WORKER: ("grids.grid", "grids.access_grid"),
    Role.DEPARTMENT_USER: ("governance.department", "governance.access_department"),
}

DOMAIN_MODELS = [
    "governance.department", "governance.stationedunit", "governance.person", "governance.post",
    "governance.policyrule", "streets.street", "streets.streetoffice", "communities.community",
    "communities.partyorganization", "communities.residentscommittee", "grids.grid",
    "service_stations.servicestation",
]


def _crud(model: str, *actions: str) -> list[str]:
    app, name = model.split(".")
    return [f"{app}.{action}_{name}" for action in actions]


def _view_all() -> list[str]:
    return [perm for model in DOMAIN_MODELS for perm in _crud(model, "view")]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DISTRICT_ADMIN: [
        "governance.view_district_wide",
        *[perm for model in DOMAIN_MODELS for perm in _crud(model, "view", "add", "change", "delete")],
    ],
    Role.ORGDEPT_REVIEWER: ["governance.view_district_wide", *_view_all()],
    Role.CIVIL_AFFAIRS: ["governance.view_district_wide", *_view_all()],
    Role.DEPARTMENT_USER: ["governance.view_district_wide", *_view_all()],
    Role.STREET_STAFF: [
        *_crud("streets.street", "view", "change"),
        *_crud("streets.streetoffice", "view", "change"),
        *_crud("communities.community", "view", "add", "change"),
        *_crud("communities.partyorganization", "view", "add", "change"),
        *_crud("communities.residentscommittee", "view", "add", "change"),
        *_crud("governance.stationedunit", "view", "add", "change"),
        *_crud("governance.person", "view", "add", "change"),
        *_crud("governance.post", "view", "add", "change"),
        *_crud("governance.department", "view"),
        *_crud("governance.policyrule", "view"),
        *_crud("grids.grid", "view"),
        *_crud("service_stations.servicestation", "view"),
    ],
    Role.COMMUNITY_STAFF: [
        *_crud("communities.community", "view", "change"),
        *_crud("communities.partyorganization", "view", "change"),
        *_crud("communities.residentscommittee", "view", "change"),
        *_crud("governance.person", "view", "add", "change"),
        *_crud("governance.post", "view", "add", "change"),
        *_crud("governance.department", "view"),
        *_crud("governance.policyrule", "view"),
        *_crud("grids.grid", "view"),
    ],
    Role.STATION_WORKER: [
        *_crud("service_stations.servicestation", "view"),
        *_crud("governance.department", "view"),
        *_crud("governance.policyrule", "view"),
    ],
    Role.GRID_WORKER: [
        *_crud("grids.grid", "view"),
        *_crud("governance.department", "view"),
        *_crud("governance.policyrule", "view"),
    ],
}


def roles_sync() -> None:
    """Write each role's group and exactly its permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    missing = wanted - by_name.keys()
    if missing:
        raise LookupError(f"Permissions not found (run migrate): {sorted(missing)}")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
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
        names = list(user.groups.values_list("name", flat=True))
        user._role_names = names
    for name in names:
        if name in Role.values:
            return name
    return None

"""Which pages a role has a use for: one answer for the menu, the links and the views.

Scope itself is decided in governance/scope.py; this only reads it.
"""

from governance.roles import Role, user_role
from governance.scope import scope_for

REVIEWER_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS})


def reads_units(user) -> bool:
    """Streets' and communities' figures (quotas, findings): district-wide roles, street and community staff.

    Station and grid workers are scoped to one station or grid; the quotas and findings of streets and
    communities are no part of their work.
    """
    scope = scope_for(user)
    return scope.district_wide or bool(scope.street_ids or scope.community_ids)


def reads_audit(user) -> bool:
    return user_role(user) in REVIEWER_ROLES


def may_open_street(user, street_id: int) -> bool:
    scope = scope_for(user)
    return scope.district_wide or street_id in scope.street_ids

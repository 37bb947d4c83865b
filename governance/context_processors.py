from governance.access import reads_audit, reads_units
from governance.roles import Role, user_role
from governance.scope import scope_for


def navigation(request):
    """The signed-in user's role and reach, for the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_role(user)
    return {
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        "is_district_wide": scope_for(user).district_wide,
        "is_reviewer": reads_audit(user),
        "reads_units": reads_units(user),
    }

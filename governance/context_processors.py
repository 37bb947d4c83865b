from governance.roles import Role, user_role


def navigation(request):
    """The signed-in user's role, for the menu; no queries for anonymous pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_role(user)
    return {"user_role": role, "user_role_label": Role(role).label if role else ""}

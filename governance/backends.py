"""Django's model-permission backend, reading a user's permissions in one query instead of two.

Every API request checks a model permission (governance.permissions.ScopedModelPermissions) and every
scoped one asks for `governance.view_district_wide` (governance.scope.scope_for): the user's own and
their groups' permissions are read together, once per request, and cached on the user like Django does, and across requests in Django's cache when settings.AUTHZ_CACHE is
on (governance.authz_cache: invalidated by generations that every change of a permission bumps).
"""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from governance import authz_cache


class ModelBackend(DjangoModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            cached = authz_cache.get(user_obj, "perms")
            if cached is not authz_cache.MISSING:
                user_obj._perm_cache = set(cached)
                return user_obj._perm_cache
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                # Two indexed subqueries, not `Q(user=...) | Q(group__user=...)`: that OR over two outer-join
                # chains joined every user's group memberships before filtering (22 ms at demo size, growing
                # with the number of accounts; issue 14). Each permission comes once: no DISTINCT either.
                User = type(user_obj)
                own = User.user_permissions.through.objects.filter(user_id=user_obj.pk).values("permission_id")
                groups = User.groups.through.objects.filter(user_id=user_obj.pk).values("group_id")
                by_group = Group.permissions.through.objects.filter(group_id__in=groups).values("permission_id")
                permissions = permissions.filter(Q(pk__in=own) | Q(pk__in=by_group))
            rows = permissions.order_by().values_list("content_type__app_label", "codename")
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
            authz_cache.put(user_obj, "perms", frozenset(user_obj._perm_cache))
        return user_obj._perm_cache

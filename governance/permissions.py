"""The API's permission class: model permissions from the user's role; rows from the scoped selectors."""

from rest_framework.permissions import DjangoModelPermissions


class ScopedModelPermissions(DjangoModelPermissions):
    """Like DjangoModelPermissions, but reading needs the view permission too.

    Which rows a user may touch is decided by the viewset's queryset, which always comes from a
    scoped selector: an object outside the user's scope is a 404, the same as a missing one.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        # An action that changes an existing row (e.g. POST /posts/{id}/end/) needs the change
        # permission, not the add permission DRF maps every POST to.
        if getattr(view, "action", None) in getattr(view, "change_actions", ()):
            if not (request.user and request.user.is_authenticated):
                return False
            model = view.get_queryset().model
            return request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        return super().has_permission(request, view)

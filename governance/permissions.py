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

    def _queryset(self, view):
        """The rows DRF reads the model from. A ServiceModelViewSet that keeps its get_queryset lists the model
        its serializer names (ServiceModelViewSet.get_queryset), so the permission check takes the model from
        there instead of building (and scoping) the list's queryset a second time per request; which rows are
        listed is still decided by get_queryset. Any other view: DRF's way."""
        from governance.api import ServiceModelViewSet

        if isinstance(view, ServiceModelViewSet) and type(view).get_queryset is ServiceModelViewSet.get_queryset:
            return view.get_serializer_class().Meta.model._default_manager.none()
        return super()._queryset(view)

    def has_permission(self, request, view):
        # An action that changes an existing row (e.g. POST /posts/{id}/end/) needs the change
        # permission, not the add permission DRF maps every POST to.
        if getattr(view, "action", None) in getattr(view, "change_actions", ()):
            if not (request.user and request.user.is_authenticated):
                return False
            model = self._queryset(view).model
            return request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        return super().has_permission(request, view)

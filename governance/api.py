"""API plumbing shared by every app: the error format and the service-backed viewset."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, mixins, routers, viewsets
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from governance.exceptions import RuleViolation
from governance.security import log_denied


def exception_handler(exc, context):
    """Service errors become 400s with field errors; a blocking rule names its key and clause."""
    rule = None
    if isinstance(exc, RuleViolation):
        rule = {"rule": exc.rule, "clause": exc.clause}
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None and response.status_code in (401, 403):
        log_denied(request, f"{response.status_code} {getattr(exc, 'default_code', type(exc).__name__)}")
    if response is not None and rule is not None and isinstance(response.data, dict):
        response.data.update(rule)
    if response is not None and isinstance(response.data, list):
        # A bare list of messages (e.g. from the search filter) becomes the documented error object.
        response.data = {"non_field_errors": response.data}
    return response


class ScopedObjectMixin:
    """get_object() from the scoped queryset; a row outside the scope is a 404 like a missing one,
    and the attempt is logged as a denied access."""

    # Ids are ASCII digits: the router's default `[^/.]+` and int() took full-width digits (１) as ids.
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            model = self.get_queryset().model
            if lookup is not None and str(lookup).isdigit() and model._default_manager.filter(pk=lookup).exists():
                log_denied(self.request, f"{model._meta.label} {lookup} outside the user's scope")
            raise


class ServiceModelViewSet(ScopedObjectMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                          mixins.UpdateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A viewset whose rows come from a scoped selector and whose writes go through services.

    Subclasses set `selector` (user -> queryset), `create_service` and `update_service` with
    `instance_kwarg`, the keyword the update service takes the instance by.
    """

    selector = None
    create_service = None
    update_service = None
    instance_kwarg = "instance"

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            acting_user=self.request.user, **{self.instance_kwarg: serializer.instance}, **serializer.validated_data
        )


class ScopedFieldsMixin:
    """Limits each relation field's choices to what the requesting user may see.

    `scoped_fields = {"street": streets_for_user, ...}`: an id outside the user's scope is answered
    like an unknown id ("对象不存在"), so scope does not leak through validation messages.
    """

    scoped_fields: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for name, selector in self.scoped_fields.items():
            if name in fields and not fields[name].read_only:
                if request is None:
                    fields[name].queryset = fields[name].queryset.none()
                else:
                    fields[name].queryset = selector(user=request.user)
        return fields



class Router(routers.DefaultRouter):
    """The API's router: an id in a URL is ASCII digits unless a viewset says otherwise (also for the
    viewsets that do not derive from ScopedObjectMixin, e.g. the read-only policy rules)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = ScopedObjectMixin.lookup_value_regex

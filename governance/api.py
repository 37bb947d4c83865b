"""API plumbing shared by every app: the error format and the service-backed viewset."""

import copy
import functools
import inspect

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, routers, serializers, viewsets
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from governance.exceptions import Conflict, RuleViolation
from governance.registry import registry, selector_for
from governance.security import log_denied


def etag(instance) -> str:
    """The entity tag of a versioned record: its version (governance.models.Versioned)."""
    return f'"{instance.version}"'


def if_match_version(request) -> int | None:
    """The version an `If-Match: "<version>"` header names; None without the header. A header that names
    no version of ours (or `*`) matches nothing but the current version's tag, so it is refused as stale."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isascii() and tag.isdigit() and len(tag) < 10 else -1


def exception_handler(exc, context):
    """Service errors become 400s with field errors; a blocking rule names its key and clause; an edit of
    a stale version answers 412 (it came with If-Match) or 409."""
    request = context.get("request")
    if isinstance(exc, Conflict):
        status = 412 if request is not None and "If-Match" in request.headers else 409
        response = Response({"detail": exc.message, "current_version": exc.current}, status=status)
        response["ETag"] = etag(exc.instance)
        return response
    rule = None
    if isinstance(exc, RuleViolation):
        rule = {"rule": exc.rule, "clause": exc.clause}
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
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

    The rows come from the selector its model registered (governance.registry.scoped_model): a model
    that declared no scope cannot be listed. A subclass may set `selector` to a richer selector of the
    same model (one that prefetches for its page). It sets `create_service` and `update_service` with
    `instance_kwarg`, the keyword the update service takes the instance by.
    """

    selector = None
    create_service = None
    update_service = None
    instance_kwarg = "instance"

    def get_queryset(self):
        model = self.get_serializer_class().Meta.model
        registered = selector_for(model)  # ImproperlyConfigured if the model declared no scope
        selector = type(self).selector or registered
        return selector(user=self.request.user)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.instance = type(self).create_service(acting_user=self.request.user, **serializer.validated_data)
            self._stays_in_scope(serializer.instance)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        return self._tagged(response)

    def update(self, request, *args, **kwargs):
        # The version If-Match names goes to the update service, which refuses a stale one (412) once the
        # body has been validated: an invalid request answers 400 whatever its precondition says.
        self._expected_version = if_match_version(request)
        return self._tagged(super().update(request, *args, **kwargs))

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.instance = type(self).update_service(
                acting_user=self.request.user, **{self.instance_kwarg: serializer.instance},
                **serializer.validated_data, expected_version=getattr(self, "_expected_version", None),
            )
            self._stays_in_scope(serializer.instance)

    def _stays_in_scope(self, instance):
        """Scope cannot be given away: a write whose result the writer could no longer see (a community's
        clerk moving a person out of the community) is refused and rolled back, like a write into another
        street."""
        if not self.get_queryset().filter(pk=instance.pk).exists():
            log_denied(self.request, f"{instance._meta.label} {instance.pk} would leave the user's scope")
            raise exceptions.ValidationError({"non_field_errors": [
                _("保存后该记录将不在您的管辖范围内，不能这样修改；如需调整归属，请联系上级单位。")]})

    def _tagged(self, response):
        version = response.data.get("version") if isinstance(response.data, dict) else None
        if version is not None:
            response["ETag"] = f'"{version}"'
        return response


class AsciiPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id in a body is an integer or ASCII digits: Python's int() would read full-width digits ("１") as 1."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not (data.isascii() and data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type="bool")
        return super().to_internal_value(data)

    def get_queryset(self):
        # ScopedFieldsMixin leaves the user's scoped queryset to be built when the field first needs its rows
        # (validating an id, listing choices): a list, which validates nothing, builds none (issue 14).
        pending = self.__dict__.pop("_scope_pending", None)
        if pending is not None:
            model, user = pending
            self.queryset = selector_for(model)(user=user)
        return super().get_queryset()


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field (what `get_<field>_display()` returns), read-only. Unlike
    `CharField(source="get_kind_display")` DRF does not inspect the method's signature on every row."""

    def __init__(self, choice_field: str, **kwargs):
        self.choice_field = choice_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        labels = _choice_labels(type(instance), self.choice_field)
        if labels is None:
            return getattr(instance, f"get_{self.choice_field}_display")()
        attname, choices = labels
        value = instance.__dict__[attname] if attname in instance.__dict__ else getattr(instance, attname)
        return force_str(choices.get(value if value.__class__ in (str, int) else make_hashable(value), value),
                         strings_only=True)


_CHOICE_LABELS: dict = {}


def _choice_labels(model, name: str):
    """(attname, {value: label}) of a model's choice field whose `get_<name>_display` is Django's own: what that
    method computes on every call (`dict(make_hashable(field.flatchoices))`, ~0.3 ms for a list's 50 rows and
    five labels), made once per model and field. The labels stay lazy: translated when each row is read. None
    when the model defines its own `get_<name>_display` or `_get_FIELD_display`."""
    key = (model, name)
    if key in _CHOICE_LABELS:
        return _CHOICE_LABELS[key]
    found = None
    method = inspect.getattr_static(model, f"get_{name}_display", None)
    if (isinstance(method, functools.partialmethod) and method.func is Model._get_FIELD_display
            and model._get_FIELD_display is Model._get_FIELD_display):
        field = method.keywords["field"]
        found = (field.attname, dict(make_hashable(field.flatchoices)))
    _CHOICE_LABELS[key] = found
    return found


_MODEL_FIELDS: dict = {}


def _model_fields(serializer) -> dict:
    """serializers.ModelSerializer.get_fields(serializer), built once per (class, language), copied."""
    key = (type(serializer), get_language())
    template = _MODEL_FIELDS.get(key)
    if template is None:
        template = _MODEL_FIELDS[key] = serializers.ModelSerializer.get_fields(serializer)
    return copy.deepcopy(template)


class LeanReadMixin:
    """A ModelSerializer that reads a row's plain columns straight from the instance (issue 14, lean requests).

    DRF reads every field through `get_attribute`, which asks of each value whether it is a callable to call
    (an isinstance chain per field and row): on a list of 50 rows of 20 fields that was most of the
    serialiser's time. Here a field whose source is one concrete column of the model (or, for a primary-key
    relation, its `<name>_id` column) is read from the instance's `__dict__` and given to the field's own
    `to_representation`; every other field (nested serializers, dotted sources, method fields) goes the DRF way.
    The output is the same, field for field (tests/governance/test_api_lean.py)."""

    def get_fields(self):
        # ModelSerializer builds its fields from the model on every instance, every request (field_mapping,
        # unique validators: ~1.5 ms a list; issue 14). What it builds depends on the class and the language
        # only (labels and messages), so it is built once per (class, language) and each instance gets a
        # deep copy, as DRF copies declared fields. ScopedFieldsMixin then scopes the copy's relations for
        # this request's user (never the cached template's).
        fields = _model_fields(self)
        if isinstance(self, ScopedFieldsMixin):
            return self.scope_fields(fields)
        return fields

    def _lean_plan(self):
        plan = getattr(self, "_lean_plan_cache", None)
        if plan is not None:
            return plan
        model = self.Meta.model
        columns = {f.name: f for f in model._meta.concrete_fields}
        plan = []
        for field in self._readable_fields:
            column = columns.get(field.source) if field.source_attrs == [field.source] else None
            if column is None or field.source == "*":
                plan.append((field, None, False))
            elif column.is_relation:
                pk_only = isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None
                plan.append((field, column.attname if pk_only else None, pk_only))
            else:
                plan.append((field, column.attname, False))
        self._lean_plan_cache = plan
        return plan

    def lean_rows(self, rows) -> list[dict]:
        """What this serializer answers for plain rows of its plan's columns (governance/lean_list.py: a lean list's
        page). A serializer with its own to_representation defines its own lean_rows, or has none."""
        from governance.lean_list import row_plan

        return row_plan(type(self)).represent(rows)

    def to_representation(self, instance):
        ret = {}
        values = instance.__dict__
        for field, attname, is_pk in self._lean_plan():
            if attname is not None and attname in values:  # a deferred column is read the DRF way
                value = values[attname]
                ret[field.field_name] = value if (is_pk or value is None) else field.to_representation(value)
                continue
            try:
                attribute = field.get_attribute(instance)
            except serializers.SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[field.field_name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


class ScopedFieldsMixin:
    """Limits each writable relation field's choices to what the requesting user may see, through the
    selector its model registered: an id outside the user's scope is answered like an unknown id
    ("对象不存在"), so scope does not leak through validation messages. Ids are ASCII digits."""

    serializer_related_field = AsciiPrimaryKeyRelatedField

    def get_fields(self):
        return self.scope_fields(super().get_fields())

    def scope_fields(self, fields):
        request = self.context.get("request")
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if field.read_only or queryset is None or queryset.model not in registry.scoped_models:
                continue
            if request is None:
                target.queryset = queryset.none()
            elif isinstance(target, AsciiPrimaryKeyRelatedField):
                # Scoped when first used (AsciiPrimaryKeyRelatedField.get_queryset); until then no rows at all
                # for whoever reads `.queryset` directly.
                target.queryset = queryset.none()
                target._scope_pending = (queryset.model, request.user)
            else:
                target.queryset = selector_for(queryset.model)(user=request.user)
        return fields



class Router(routers.DefaultRouter):
    """The API's router: an id in a URL is ASCII digits unless a viewset says otherwise (also for the
    viewsets that do not derive from ScopedObjectMixin, e.g. the read-only policy rules)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = ScopedObjectMixin.lookup_value_regex

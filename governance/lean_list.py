"""Lean API lists (issue 14): a list's page read as plain rows through a compiled query and written out as its
serializer writes it, without building the queryset, compiling it and making model instances on every request.

An API list's request spent most of its time building and compiling the page's query (~1 ms) and making 50 model
instances, each then read field by field by the serializer (benchmarks/request_profile.py). A viewset that mixes
in `LeanListMixin` answers a plain list request (no filter, no search; a page number; an ordering among its
`ordering_fields`) this way instead:

- the rows: the viewset's own scoped selector, given a `ScopeHolder` with the user's scope (governance/scope.py:
  the very filter the selector applies for that user), ordered as the OrderingFilter orders it, reduced to the
  columns the serializer shows (`values()`), with the list's count as a column (governance/pagination.py:
  `with_bounded_count`): compiled once per shape and process (governance/compiled_query.py) and run with the
  user's scope ids as its parameters. The page and the count are Paginator.page's (`CheapCountPaginator`).
- the JSON: the serializer's fields, each read from its column and given to the field's own `to_representation`
  (or passed as they are where that is the identity: an int to an IntegerField, a str to a CharField), a choice's
  label as `ChoiceLabelField` gives it, a nested serializer from its joined columns (`row_plan`). A serializer that
  shows what no column holds (a method field, a property, a list of related rows) has no plan, unless it says how:
  `lean_computed` (a field as a function of one column: PersonSerializer's birth year), `lean_filled` (fields its
  own `lean_rows` writes, and the columns they need: StreetSerializer's offices and career posts); else its list
  goes the usual way.

A filter whose FilterSet filter is plain (`field=value` with an object's id, a choice or a string, or a boolean:
`_plain_filter`) is validated by the FilterSet itself, as on the usual path (its 400s, ids outside the user's
scope), and applied by the compiled read, the value a parameter (a boolean in the shape). Anything else (another
filter, `?search=`, an ordering not among `ordering_fields`, a viewset with its own queryset or backends) goes the
usual way, DRF's. The serializer stays the schema and does every detail and write; the tests
hold the two paths to the same JSON (tests/governance/test_lean_list.py).
"""

import datetime
import functools
import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import ForeignObjectRel, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import BooleanFilter, CharFilter, ChoiceFilter, ModelChoiceFilter
from django_filters.utils import translate_validation
from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.settings import ISO_8601, api_settings

from governance import pagination
from governance.api import ChoiceLabelField, LeanReadMixin, ServiceModelViewSet, _choice_labels
from governance.compiled_query import CompiledQuery, NotCompilable
from governance.filter_values import StrictFilterBackend
from governance.filters import filters_unused
from governance.pagination import BOUNDED_COUNT, GovernancePagination, estimates, with_bounded_count
from governance.registry import selector_for
from governance.scope import LEVELS, Scope, ScopeHolder, scope_for

logger = logging.getLogger(__name__)

# How a row's value becomes the field's: IDENTITY (the field's to_representation would answer the value itself),
# CONVERT (the field's to_representation, None staying None), ROW (a function of the whole row, which may SKIP it).
IDENTITY, CONVERT, ROW = 0, 1, 2
SKIP = object()

_INTEGERS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
             "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}
_TEXTS = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


class NoPlan(Exception):
    """The serializer shows a field no column holds: its list goes the usual way."""


class RowPlan:
    """The columns a serializer's fields read (`columns`, as values() names them) and how each field is written
    (`entries`: name, column, how, function), in the serializer's order of fields."""

    def __init__(self, columns, entries):
        self.columns, self.entries = tuple(columns), tuple(entries)

    def represent(self, rows) -> list[dict]:
        entries = self.entries
        answered = []
        for row in rows:
            out = {}
            for name, column, how, fn in entries:
                if how == IDENTITY:
                    out[name] = row[column]
                elif how == CONVERT:
                    value = row[column]
                    out[name] = None if value is None else fn(value)
                else:
                    value = fn(row)
                    if value is not SKIP:
                        out[name] = value
            answered.append(out)
        return answered


def _placeholder(row):
    return None


def _identity(field, model_field) -> bool:
    """Whether `field.to_representation(v)` is `v` for every non-null value the model field's column gives."""
    kind = model_field.get_internal_type()
    cls = type(field)
    if cls is drf_fields.IntegerField:
        return kind in _INTEGERS
    if cls is drf_fields.CharField:
        return kind in _TEXTS
    if cls is drf_fields.BooleanField:
        return kind == "BooleanField"
    if cls is drf_fields.ChoiceField:
        return kind in _TEXTS and all(key == value for key, value in field.choice_strings_to_values.items())
    return False


def _iso_date(field, model_field) -> bool:
    """A DateField written in ISO 8601 (DRF's default) from a date column: `value.isoformat()`, as DRF writes it."""
    output = getattr(field, "format", api_settings.DATE_FORMAT)
    return (type(field) is drf_fields.DateField and model_field.get_internal_type() == "DateField"
            and isinstance(output, str) and output.lower() == ISO_8601)


def _date_isoformat(value, *, fallback):
    return value.isoformat() if value.__class__ is datetime.date else fallback(value)


def _lean_capable(serializer) -> bool:
    """A LeanReadMixin serializer whose rows are written by its plan: it has no to_representation of its own below
    the lean_rows that answers for it."""
    if not isinstance(serializer, LeanReadMixin):
        return False
    mro = type(serializer).__mro__
    writes = next(klass for klass in mro if "to_representation" in vars(klass))
    lean = next(klass for klass in mro if "lean_rows" in vars(klass))
    return issubclass(lean, writes)


def _hops(model, source_attrs):
    """The relation hops of a dotted source and its last field: [(field, nullable)], model field."""
    hops = []
    for attr in source_attrs[:-1]:
        relation = model._meta.get_field(attr)
        if relation.many_to_many or relation.one_to_many:
            raise NoPlan(f"{attr}: a list of related rows")
        # A reverse one-to-one that is missing reads as None (DRF: ObjectDoesNotExist), as its joined columns do.
        hops.append((relation, not isinstance(relation, ForeignObjectRel) and relation.null))
        model = relation.related_model
    return hops, model._meta.get_field(source_attrs[-1])


def _plan(serializer, model, prefix: str, columns: list) -> list:
    entries = []
    computed = getattr(type(serializer), "lean_computed", {})
    filled = getattr(type(serializer), "lean_filled", {})

    def column(name):
        name = f"{prefix}{name}"
        if name not in columns:
            columns.append(name)
        return name

    for field in serializer._readable_fields:
        name = field.field_name
        if name in filled:  # the serializer's lean_rows writes it, from these columns: its place kept here
            for source in filled[name]:
                column(source)
            entries.append((name, None, ROW, _placeholder))
            continue
        if name in computed:
            source, compute = computed[name]
            key = column(source)

            def write(row, key=key, compute=compute, field=field):
                value = compute(row[key])
                return None if value is None else field.to_representation(value)

            entries.append((name, None, ROW, write))
            continue
        if isinstance(field, ChoiceLabelField):
            key = column(model._meta.get_field(field.choice_field).attname)
            labels = _choice_labels(model, field.choice_field)
            if labels is None:
                raise NoPlan(f"{name}: a display method of the model's own")
            choices = labels[1]

            def label(row, key=key, choices=choices):
                value = row[key]
                return force_str(choices.get(value if value.__class__ in (str, int) else make_hashable(value), value),
                                 strings_only=True)

            entries.append((name, None, ROW, label))
            continue
        if isinstance(field, serializers.BaseSerializer):
            if getattr(field, "many", False) or isinstance(field, serializers.ListSerializer) or field.source == "*":
                raise NoPlan(f"{name}: a list of related rows")
            if not _lean_capable(field):
                raise NoPlan(f"{name}: a nested serializer that writes its rows itself")
            if len(field.source_attrs) != 1:
                raise NoPlan(f"{name}: a nested serializer through more than one relation")
            relation = model._meta.get_field(field.source)
            if relation.many_to_many or relation.one_to_many:
                raise NoPlan(f"{name}: a list of related rows")
            related = relation.related_model
            nested_prefix = f"{prefix}{field.source}__"
            present = column(f"{field.source}__{related._meta.pk.attname}")
            nested = _plan(field, related, nested_prefix, columns)
            nested_plan = RowPlan((), nested)

            def write_nested(row, present=present, nested_plan=nested_plan):
                return None if row[present] is None else nested_plan.represent((row,))[0]

            entries.append((name, None, ROW, write_nested))
            continue
        if field.source == "*" or isinstance(field, (serializers.SerializerMethodField, serializers.ManyRelatedField)):
            raise NoPlan(f"{name}: no column holds it")
        try:
            hops, model_field = _hops(model, field.source_attrs)
        except Exception as exc:  # FieldDoesNotExist: a property or a method of the model
            raise NoPlan(f"{name}: no column holds it ({exc})") from None
        if getattr(model_field, "many_to_many", False) or getattr(model_field, "one_to_many", False):
            raise NoPlan(f"{name}: a list of related rows")
        if isinstance(model_field, ForeignObjectRel):
            raise NoPlan(f"{name}: a reverse relation")
        path = "__".join(field.source_attrs[:-1])
        if model_field.is_relation:
            if not (isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None):
                raise NoPlan(f"{name}: a relation shown otherwise than by its id")
            key, how = column(f"{path}__{model_field.attname}" if path else model_field.attname), IDENTITY
        else:
            key = column(f"{path}__{model_field.attname}" if path else model_field.attname)
            how = IDENTITY if _identity(field, model_field) else CONVERT
            if how == CONVERT and _iso_date(field, model_field):
                entries.append((name, key, CONVERT, functools.partial(_date_isoformat, fallback=field.to_representation)))
                continue
        nullable = [relation for relation, null in hops if null]
        if nullable and not field.allow_null:
            # DRF: a read-only field through a missing row is left out (SkipField), or its default.
            if field.default is not drf_fields.empty or len(hops) > 1:
                raise NoPlan(f"{name}: a default through a missing row")
            guard = column(hops[0][0].attname)
            fn = None if how == IDENTITY else field.to_representation

            def guarded(row, key=key, guard=guard, fn=fn):
                if row[guard] is None:
                    return SKIP
                value = row[key]
                return value if value is None or fn is None else fn(value)

            entries.append((name, None, ROW, guarded))
            continue
        entries.append((name, key, how, None if how == IDENTITY else field.to_representation))
    return entries


@functools.cache
def row_plan(serializer_class) -> RowPlan | None:
    """The plan of a serializer class's rows (see RowPlan), or None when some field has none (NoPlan). The fields'
    to_representation do not depend on the request (ids, dates, labels translated when written)."""
    serializer = serializer_class(context={})
    if not _lean_capable(serializer):
        return None
    columns = []
    try:
        entries = _plan(serializer, serializer_class.Meta.model, "", columns)
    except NoPlan:
        return None
    return RowPlan(columns, entries)


_VALUE_FILTERS = (ModelChoiceFilter, ChoiceFilter, CharFilter)


def _plain_filter(flt) -> bool:
    """Whether a django-filter filter filters as `queryset.filter(<field>__<lookup>=value)` with its cleaned value (an
    object's id, a choice, a string) or a boolean: what a lean read can say with a parameter or in its shape."""
    if flt.method is not None or flt.distinct or flt.exclude or flt.extra.get("null_label") is not None:
        return False
    if not type(flt).__module__.startswith("django_filters."):  # django-filter's own classes only (their filter())
        return False
    if isinstance(flt, _VALUE_FILTERS):
        return flt.lookup_expr == "exact"
    return isinstance(flt, BooleanFilter) and flt.lookup_expr in ("exact", "isnull")


def _filter_shape(filterset) -> tuple[tuple, tuple] | None:
    """A validated FilterSet's filters as the build applies them: (lookup, a boolean or None) in the FilterSet's order
    (the shape), and the values of those that are not booleans (a parameter). None if a value is of no kind a
    compiled read takes."""
    shape, values = [], []
    for name, value in filterset.form.cleaned_data.items():
        if value in EMPTY_VALUES:
            continue  # django-filter's Filter.filter leaves the queryset as it is
        flt = filterset.filters[name]
        lookup = f"{flt.field_name}__{flt.lookup_expr}"
        if isinstance(value, bool):
            shape.append((lookup, value))
            continue
        if isinstance(value, Model):
            value = value.pk
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            return None
        shape.append((lookup, None))
        values.append(value)
    return tuple(shape), tuple(values)


def _build(*, selector, columns, district_wide, ordering, part, count_limit, filters=(), filter_values=(),
           estimate_of=None, **ids):
    """The list's queryset for a scope given by its ids: the selector's (its scope filter), in the OrderingFilter's
    order; `part` "model" is that queryset, "whole" its keys (what the count's estimate EXPLAINs), "counted" the
    page's columns with the list's count (`with_bounded_count`), "rows" the columns alone. `count_limit` is
    pagination.COUNT_EXACT_LIMIT, which the counted SQL holds: in the shape, so the cache follows it."""
    assert count_limit == pagination.COUNT_EXACT_LIMIT
    scope = Scope(district_wide=district_wide, **{level: frozenset(value) for level, value in ids.items()})
    queryset = selector(user=ScopeHolder(scope))
    values = iter(filter_values)
    for lookup, flag in filters:  # the FilterSet's filters, as Filter.filter applies them
        queryset = queryset.filter(**{lookup: next(values) if flag is None else flag})
    if ordering:
        queryset = queryset.order_by(*ordering)
    if part == "model":
        return queryset
    if part == "whole":
        return queryset.order_by().values("pk")
    counted = with_bounded_count(queryset, estimate_of=estimate_of) if part == "counted" else None
    if counted is not None:
        return counted.values(*columns, BOUNDED_COUNT)
    return queryset.values(*columns)


class LeanRead:
    """A viewset's list read for its serializer's plan, compiled once per shape (ordering, district-wide or not, the
    number of scope ids at each level)."""

    def __init__(self, selector, plan: RowPlan):
        self.build = functools.partial(_build, selector=selector, columns=plan.columns)
        self.query = CompiledQuery(self.build)
        self.plan = plan


class LeanRows:
    """A list's rows for one request: what CheapCountPaginator pages (`read_counted`, and `queryset` for a count
    no row carries)."""

    db = DEFAULT_DB_ALIAS

    def __init__(self, read: LeanRead, shape: dict, params: dict):
        self.read, self.shape, self.params = read, shape, params

    def read_counted(self, *, offset: int, limit: int):
        """The rows [offset:offset + limit] and the list's count their column gave (None when no row came, or the
        list cannot carry one)."""
        params = self.params
        query = self.read.query
        if estimates(self.db):
            sql, values = query.sql(shape={**self.shape, "part": "whole"}, **params)
            params = {**params, "estimate_of": connections[self.db].ops.compose_sql(sql, values) if sql else "-"}
        rows = query.rows(shape={**self.shape, "part": "counted"}, limit=limit, offset=offset, **params)
        counted = None
        if rows and BOUNDED_COUNT in rows[0]:
            counted = rows[0][BOUNDED_COUNT]
            for row in rows:
                del row[BOUNDED_COUNT]
        return rows, counted

    def queryset(self):
        return self.read.build(**self.shape, part="model", **self.params)


_DEFAULT_BACKENDS = (StrictFilterBackend, SearchFilter, OrderingFilter)
_READS: dict = {}


class LeanListMixin:
    """A ServiceModelViewSet whose plain list requests are answered from plain rows (see the module's docstring).
    `lean_ordering_terms`: the most terms of `?ordering=` read this way (each ordering is compiled once)."""

    lean_ordering_terms = 2

    def list(self, request, *args, **kwargs):
        rows = self.lean_list_rows(request)
        if rows is None:
            return super().list(request, *args, **kwargs)
        try:
            page = self.paginate_queryset(rows)
        except NotCompilable:  # a selector whose SQL its scope's values shape: it is read the usual way
            logger.warning("%s: the lean list's read cannot be compiled; read the usual way", type(self).__name__,
                           exc_info=True)
            return super().list(request, *args, **kwargs)
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        return self.get_paginated_response(serializer.lean_rows(page))

    def lean_list_rows(self, request) -> LeanRows | None:
        """This request's rows read lean, or None for the usual way."""
        cls = type(self)
        if (type(self.paginator) is not GovernancePagination or tuple(self.filter_backends) != _DEFAULT_BACKENDS
                or cls.get_queryset is not ServiceModelViewSet.get_queryset
                or tuple(api_settings.DEFAULT_FILTER_BACKENDS) != _DEFAULT_BACKENDS):
            return None
        params = request.query_params
        serializer_class = self.get_serializer_class()
        model = serializer_class.Meta.model
        backend = StrictFilterBackend()
        filterset_class = backend.get_filterset_class(self, model._default_manager.all())
        filter_names = () if filterset_class is None else filterset_class.base_filters
        if any(key not in ("page", "ordering") and key not in filter_names for key in params):
            return None
        read = self._lean_read(serializer_class)
        if read is None:
            return None
        filters = filter_values = ()
        if filterset_class is not None and not filters_unused(filterset_class, params):
            if not all(_plain_filter(filterset_class.base_filters[key]) for key in params if key in filter_names):
                return None
            # The FilterSet itself validates the values (400s, an id outside the user's scope: StrictFilterBackend,
            # ScopedFilterBackend), as on the usual path; the lean read applies what it cleaned.
            filterset = backend.get_filterset(request, model._default_manager.all(), self)
            if not filterset.is_valid():
                raise translate_validation(filterset.errors)
            found = _filter_shape(filterset)
            if found is None:
                return None
            filters, filter_values = found
        ordering = None
        if "ordering" in params:
            if not isinstance(getattr(self, "ordering_fields", None), (list, tuple)):
                return None  # DRF's default valid fields come from the serializer: the usual way
        ordering = OrderingFilter().get_ordering(request, None, self)
        if ordering:
            ordering = tuple(ordering)
            terms = [term.removeprefix("-") for term in ordering]
            if len(terms) > self.lean_ordering_terms or len(set(terms)) != len(terms):
                return None
        scope = scope_for(request.user)
        shape = {"district_wide": scope.district_wide, "ordering": ordering or None,
                 "count_limit": pagination.COUNT_EXACT_LIMIT, "filters": filters}
        params = {level: tuple(sorted(getattr(scope, level))) for level in LEVELS}
        if filter_values:
            params["filter_values"] = filter_values
        return LeanRows(read, shape, params)

    @classmethod
    def _lean_read(cls, serializer_class) -> LeanRead | None:
        key = (cls, serializer_class)
        if key not in _READS:
            plan = row_plan(serializer_class)
            selector = cls.selector or selector_for(serializer_class.Meta.model)
            _READS[key] = None if plan is None else LeanRead(selector, plan)
        return _READS[key]

"""The API's filter backend (kept apart from governance.api, which DRF's settings would import in a cycle)."""

from django_filters.filters import Filter, ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend

from governance.registry import registry, selector_for


class ScopedFilterBackend(DjangoFilterBackend):
    """Filters on a relation (``?street=``, ``?person=``...) accept only ids inside the user's scope.

    Otherwise an id from another street would answer an empty list while an unknown id answers 400,
    which tells a user which ids exist elsewhere. Both now answer 400 "not a valid choice".
    """

    _filterset_classes: dict = {}

    def get_filterset_class(self, view, queryset=None):
        """django-filter makes a FilterSet class from `filterset_fields` on every request (a metaclass building
        every filter from the model's fields, milliseconds each time); the class depends only on the viewset's
        class, its fields and the model, so it is made once (issue 14). The instance, and the scoped
        querysets below, are still made per request."""
        fields = getattr(view, "filterset_fields", None)
        if getattr(view, "filterset_class", None) is not None or not fields or queryset is None:
            return super().get_filterset_class(view, queryset)
        key = (type(view), queryset.model, repr(fields))
        filterset_class = self._filterset_classes.get(key)
        if filterset_class is None:
            filterset_class = self._filterset_classes[key] = super().get_filterset_class(view, queryset)
        return filterset_class

    def filter_queryset(self, request, queryset, view):
        """A request that names none of the list's filters gets the queryset as it is, without the FilterSet, its
        form and its filters made for it (~20% of a list's CPU; issue 14): a filter given no value filters
        nothing, so the rows are the same. Only where nothing else could: see `filters_unused`."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and filters_unused(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for name, flt in filterset.filters.items():
            model = getattr(getattr(flt, "queryset", None), "model", None)
            if isinstance(flt, ModelChoiceFilter) and model in registry.scoped_models:
                # A filter the request does not use validates no id: it gets no rows at all instead of the
                # user's scoped queryset, which costs ~0.5 ms to build per filter (issue 14).
                used = name in request.query_params
                flt.queryset = selector_for(model)(user=request.user) if used else model._default_manager.none()
        return filterset


_PLAIN_FILTERSETS: dict = {}


def _plain(filterset_class) -> bool:
    """Whether the FilterSet class filters only through its filters, each of which leaves the queryset as it is
    when given no value: it overrides none of FilterSet's filtering, and its filters are django-filter's own
    classes (whose `filter`, and a `method=`'s call, return the queryset unchanged on an empty value)."""
    plain = _PLAIN_FILTERSETS.get(filterset_class)
    if plain is None:
        own = all(_defined_by_django_filter(filterset_class, name)
                  for name in ("__init__", "filter_queryset", "get_form_class", "qs", "form", "is_valid", "errors"))
        plain = _PLAIN_FILTERSETS[filterset_class] = own and all(
            isinstance(flt, Filter) and type(flt).__module__.startswith("django_filters.")
            for flt in filterset_class.base_filters.values())
    return plain


def _defined_by_django_filter(cls, name) -> bool:
    owner = next(klass for klass in cls.__mro__ if name in vars(klass))
    return owner.__module__.startswith("django_filters.")


def filters_unused(filterset_class, query_params) -> bool:
    """True when no query parameter could be a value of one of the FilterSet class's filters (a parameter that
    begins with a filter's name counts as its value, so a range's `<name>_after` or `<name>_min` does too), and
    the class is plain (`_plain`): then the FilterSet would answer its queryset unfiltered."""
    if not _plain(filterset_class):
        return False
    names = filterset_class.base_filters.keys()
    return not any(key.startswith(name) for key in query_params for name in names)

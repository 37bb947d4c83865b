"""The API's filter backend (kept apart from governance.api, which DRF's settings would import in a cycle)."""

from django_filters.filters import ModelChoiceFilter
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

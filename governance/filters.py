"""The API's filter backend (kept apart from governance.api, which DRF's settings would import in a cycle)."""

from django_filters.filters import ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend

from governance.registry import registry, selector_for


class ScopedFilterBackend(DjangoFilterBackend):
    """Filters on a relation (``?street=``, ``?person=``...) accept only ids inside the user's scope.

    Otherwise an id from another street would answer an empty list while an unknown id answers 400,
    which tells a user which ids exist elsewhere. Both now answer 400 "not a valid choice".
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for flt in filterset.filters.values():
            model = getattr(getattr(flt, "queryset", None), "model", None)
            if isinstance(flt, ModelChoiceFilter) and model in registry.scoped_models:
                flt.queryset = selector_for(model)(user=request.user)
        return filterset

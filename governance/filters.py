"""The API's filter backend (kept apart from governance.api, which DRF's settings would import in a cycle)."""

from django_filters.filters import ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend


class ScopedFilterBackend(DjangoFilterBackend):
    """Filters on a relation (``?street=``, ``?person=``...) accept only ids inside the user's scope.

    Otherwise an id from another street would answer an empty list while an unknown id answers 400,
    which tells a user which ids exist elsewhere. Both now answer 400 "not a valid choice".
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        selectors = _scope_selectors()
        for flt in filterset.filters.values():
            model = getattr(getattr(flt, "queryset", None), "model", None)
            if isinstance(flt, ModelChoiceFilter) and model in selectors:
                flt.queryset = selectors[model](user=request.user)
        return filterset


def _scope_selectors() -> dict:
    from communities.models import Community
    from communities.selectors import communities_for_user
    from governance.models import Person
    from governance.selectors import people_for_user
    from grids.models import Grid
    from grids.selectors import grids_for_user
    from service_stations.models import ServiceStation
    from service_stations.selectors import stations_for_user
    from streets.models import Street
    from streets.selectors import streets_for_user

    return {Street: streets_for_user, Community: communities_for_user, Person: people_for_user,
            ServiceStation: stations_for_user, Grid: grids_for_user}

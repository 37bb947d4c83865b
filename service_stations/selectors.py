from django.db.models import Q, QuerySet

from governance.scope import scope_for
from service_stations.models import ServiceStation


def stations_for_user(*, user) -> QuerySet[ServiceStation]:
    scope = scope_for(user)
    qs = ServiceStation.objects.select_related("street").prefetch_related("communities")
    if scope.district_wide:
        return qs
    return qs.filter(
        Q(street_id__in=scope.street_ids) | Q(communities__in=scope.community_ids) | Q(pk__in=scope.station_ids)
    ).distinct()

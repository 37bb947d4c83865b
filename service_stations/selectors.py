from django.db.models import QuerySet

from governance.scope import scoped
from service_stations.models import ServiceStation


def stations_for_user(*, user) -> QuerySet[ServiceStation]:
    qs = ServiceStation.objects.select_related("street").prefetch_related("communities")
    # A station shared by two communities (三(二)) joins twice: distinct.
    return scoped(qs, user, street="street_id", community="communities__id", station="pk").distinct()


def street_page_section(request, street, **_shared) -> dict:
    """The street page's list of its service stations (registered in ServiceStationsConfig.ready())."""
    return {"stations": list(stations_for_user(user=request.user).filter(street=street))}

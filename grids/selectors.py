from django.db.models import Q, QuerySet

from governance.scope import scope_for
from grids.models import Grid


def grids_for_user(*, user) -> QuerySet[Grid]:
    scope = scope_for(user)
    qs = Grid.objects.select_related("community", "community__street")
    if scope.district_wide:
        return qs
    return qs.filter(
        Q(community__street_id__in=scope.street_ids) | Q(community_id__in=scope.community_ids) | Q(pk__in=scope.grid_ids)
    )

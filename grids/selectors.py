from django.db.models import QuerySet

from governance.scope import scoped
from grids.models import Grid


def grids_for_user(*, user) -> QuerySet[Grid]:
    return scoped(Grid.objects.select_related("community", "community__street"), user,
                  street="community__street_id", community="community_id", grid="pk")


def community_page_section(request, community, **_shared) -> dict:
    """The community page's list of its grids (registered in GridsConfig.ready())."""
    return {"grids": list(grids_for_user(user=request.user).filter(community=community))}

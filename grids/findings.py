"""Findings of the grid rules (三(四)2, 四(一)) for the findings page, registered in GridsConfig.ready()."""

from django.urls import reverse

from communities.selectors import communities_for_user
from governance.findings import Finding, finding
from governance.rules import RuleBook
from grids import checks
from grids.selectors import community_grid_figures


def community_grid_breaches(community, figures: dict, rules: RuleBook) -> list:
    return [
        *(checks.grid_count(community=community, grid_count=figures["count"], rules=rules) or []),
        *(checks.workers_on_grids(unplaced=figures["unplaced"], without_worker=figures["without_worker"],
                                  rules=rules) or []),
        *(checks.households_add_up(community=community, grid_households=figures["households"], rules=rules) or []),
    ]


def grid_findings(*, user, rules: RuleBook, street_id: int | None = None,
                  community_id: int | None = None) -> list[Finding]:
    """Grid findings of every community in the user's scope: four queries whatever the number of communities."""
    communities = communities_for_user(user=user)
    if street_id is not None:
        communities = communities.filter(street_id=street_id)
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    communities = list(communities)
    figures = community_grid_figures(community_ids=[c.pk for c in communities], on=rules.on)
    return [
        finding(breach, subject=c.name, street=c.street, url=reverse("community-page", args=[c.pk]))
        for c in communities
        for breach in community_grid_breaches(c, figures[c.pk], rules)
    ]

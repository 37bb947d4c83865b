"""Findings of the grid rules (三(四)2, 四(一), 四(二)1) for the findings page, registered in GridsConfig.ready()."""

from collections import Counter

from django.urls import reverse_lazy

from communities.selectors import communities_for_user
from governance.findings import Finding, finding, in_chunks
from governance.rules import RuleBook
from grids import checks
from grids.selectors import community_grid_figures


def community_grid_breaches(community, figures: dict, rules: RuleBook) -> list:
    return [
        *(checks.grid_count(community=community, grid_count=figures["count"], rules=rules) or []),
        *(checks.workers_on_grids(unplaced=figures["unplaced"], without_worker=figures["without_worker"],
                                  rules=rules) or []),
        *(checks.households_add_up(community=community, grid_households=figures["households"], rules=rules) or []),
        *(checks.party_coverage(grids=figures.get("party", []), rules=rules) or []),
    ]


def _communities(*, user, street_id, community_id):
    communities = communities_for_user(user=user)
    if street_id is not None:
        communities = communities.filter(street_id=street_id)
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    return communities


def _stationed_units(*, user, street_id):
    from governance.selectors import stationed_units_for_user

    units = stationed_units_for_user(user=user)
    return units.filter(street_id=street_id) if street_id is not None else units


def grid_finding_stream(*, user, rules: RuleBook, street_id: int | None = None, community_id: int | None = None,
                        need: int | None = None):
    """`grid_findings`, lazily: the communities read in chunks (`in_chunks`), five queries a chunk, then the
    stationed units (one query), read only if the reader gets that far."""
    def build(chunk):
        figures = community_grid_figures(community_ids=[c.pk for c in chunk], on=rules.on,
                                         placed_within=communities.order_by().values("pk") if need else None)
        return [finding(breach, subject=c.name, street=c.street, url=reverse_lazy("community-page", args=[c.pk]))
                for c in chunk for breach in community_grid_breaches(c, figures[c.pk], rules)]

    communities = _communities(user=user, street_id=street_id, community_id=community_id).order_by("street_id", "code")
    yield from in_chunks(communities, build, need=need)
    if community_id is None:
        yield from _stationed_unit_findings(user=user, rules=rules, street_id=street_id)


def grid_findings(*, user, rules: RuleBook, street_id: int | None = None,
                  community_id: int | None = None) -> list[Finding]:
    """Grid findings of every community in the user's scope: five queries whatever the number of communities."""
    return list(grid_finding_stream(user=user, rules=rules, street_id=street_id, community_id=community_id))


def _stationed_unit_findings(*, user, rules: RuleBook, street_id: int | None) -> list[Finding]:
    """四(一): the stationed units of each street in the user's scope that no grid's ledger places (one query)."""
    units = _stationed_units(user=user, street_id=street_id).filter(ledger_entry__isnull=True)
    by_street: dict = {}
    for unit in units.order_by("street__code", "name"):
        by_street.setdefault(unit.street_id, (unit.street, []))[1].append(unit.name)
    return [
        finding(breach, subject=street.name, street=street, url=reverse_lazy("street-page", args=[street.pk]))
        for street, names in by_street.values()
        for breach in (checks.stationed_units_placed(unplaced=names, rules=rules) or [])
    ]


def grid_finding_counts(*, user, rules: RuleBook, street_id: int | None = None,
                        community_id: int | None = None) -> Counter:
    """How many findings `grid_findings` lists, per (street id, approved), by the checks' counting forms: five
    grouped queries whatever the number of communities and grids (issue 14)."""
    communities = _communities(user=user, street_id=street_id, community_id=community_id)
    counts = (checks.grid_count_counts(communities=communities, rules=rules)
              + checks.workers_on_grids_counts(communities=communities, rules=rules)
              + checks.households_add_up_counts(communities=communities, rules=rules)
              + checks.party_coverage_counts(communities=communities, rules=rules))
    if community_id is None:
        counts += checks.stationed_units_placed_counts(units=_stationed_units(user=user, street_id=street_id),
                                                       rules=rules)
    return counts

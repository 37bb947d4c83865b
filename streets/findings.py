"""Findings of the street rules (二(二), 二(三)) for the findings page, registered in StreetsConfig.ready()."""

from django.urls import reverse_lazy

from governance.findings import Finding, finding
from governance.models import PostKind
from governance.rules import RuleBook
from governance.selectors import active_posts
from streets import checks
from streets.selectors import street_staffing, streets_for_user


def street_findings(*, user, rules: RuleBook, street_id: int | None = None,
                    community_id: int | None = None) -> list[Finding]:
    """Street-level findings in the user's scope: two queries (streets with offices, staffing)."""
    if community_id is not None:
        return []
    streets = streets_for_user(user=user).prefetch_related("offices")
    if street_id is not None:
        streets = streets.filter(pk=street_id)
    streets = list(streets)
    staffing = street_staffing(street_ids=[s.pk for s in streets], rules=rules)
    # which of the streets' party-member deputies lead a community party committee there (三(一)2): one query,
    # read by the deputies (a few a street), not over the district's community secretaries (issue 14)
    secretaries: dict[int, set] = {s.pk: set() for s in streets}
    deputies = sorted(set().union(*(staffing[s.pk].party_member_deputies for s in streets)))
    for street_id, person_id in active_posts(on=rules.on).filter(
            kind=PostKind.COMMUNITY_SECRETARY, community__street_id__in=list(secretaries), person_id__in=deputies,
    ).values_list("community__street_id", "person_id"):
        secretaries[street_id].add(person_id)
    return [
        finding(breach, subject=street.name, street=street, url=reverse_lazy("street-page", args=[street.pk]))
        for street in streets
        for breach in checks.street_breaches(street, staffing[street.pk], rules, secretaries[street.pk])
    ]

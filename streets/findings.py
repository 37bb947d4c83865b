"""Findings of the street rules (二(二), 二(三)) for the findings page, registered in StreetsConfig.ready()."""

from django.urls import reverse

from governance.findings import Finding, finding
from governance.rules import RuleBook
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
    return [
        finding(breach, subject=street.name, street=street, url=reverse("street-page", args=[street.pk]))
        for street in streets
        for breach in checks.street_breaches(street, staffing[street.pk], rules)
    ]

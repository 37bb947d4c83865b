"""Findings of the community rules (三(一), 三(一)2) for the findings page, registered in CommunitiesConfig.ready()."""

from collections import Counter

from django.urls import reverse_lazy

from communities import checks
from communities.models import PartyOrganization
from communities.selectors import communities_for_user, community_staffing
from governance.findings import Finding, finding, in_chunks
from governance.models import PostKind
from governance.rules import RuleBook


def actual_party_organization_kind(community) -> str | None:
    try:
        return community.party_organization.kind
    except PartyOrganization.DoesNotExist:
        return None


def community_breaches(community, staffing, rules: RuleBook) -> list:
    kind = actual_party_organization_kind(community)
    return [
        *checks.party_organization(party_members=community.party_members, actual_kind=kind, rules=rules),
        *(checks.party_committee(size=staffing.party_committee_size,
                                secretaries=staffing.count(PostKind.COMMUNITY_SECRETARY),
                                actual_kind=kind, rules=rules,
                                fulltime_deputies=staffing.count(PostKind.COMMUNITY_FULLTIME_DEPUTY),
                                deputies=staffing.count(PostKind.COMMUNITY_DEPUTY_SECRETARY),
                                members=staffing.count(PostKind.COMMUNITY_PARTY_MEMBER)) or []),
    ]


def _communities(*, user, street_id, community_id):
    communities = communities_for_user(user=user)
    if street_id is not None:
        communities = communities.filter(street_id=street_id)
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    return communities


def community_finding_stream(*, user, rules: RuleBook, street_id: int | None = None,
                             community_id: int | None = None, need: int | None = None):
    """`community_findings`, lazily: the communities read in chunks (`in_chunks`), three queries a chunk. Read for
    a page (`need`), only the communities with a breach (`checks.with_breaches`, decided in SQL in the
    communities' order) are read and built, four queries a chunk: a street's page of findings costs the same
    whether its thousand communities hold them densely or sparsely (issue 14)."""
    def build(chunk):
        staffing = community_staffing(community_ids=[c.pk for c in chunk], rules=rules)
        return [finding(breach, subject=c.name, street=c.street, url=reverse_lazy("community-page", args=[c.pk]))
                for c in chunk for breach in community_breaches(c, staffing[c.pk], rules)]

    communities = _communities(user=user, street_id=street_id, community_id=community_id).order_by("street_id", "code")
    if need is not None:  # a page: only the communities with a breach, found in order by their indexes
        return in_chunks(checks.with_breaches(communities, rules),
                         lambda ids: build(list(communities.filter(pk__in=ids))), need=need)
    return in_chunks(communities, build, need=need)


def community_findings(*, user, rules: RuleBook, street_id: int | None = None,
                       community_id: int | None = None) -> list[Finding]:
    """Community-level findings in the user's scope: three queries (communities, two for staffing)."""
    return list(community_finding_stream(user=user, rules=rules, street_id=street_id, community_id=community_id))


def community_finding_counts(*, user, rules: RuleBook, street_id: int | None = None,
                             community_id: int | None = None) -> Counter:
    """How many findings `community_findings` lists, per (street id, approved), by the checks' counting
    forms: two grouped queries, whatever the number of communities (issue 14)."""
    communities = _communities(user=user, street_id=street_id, community_id=community_id)
    return (checks.party_organization_counts(communities=communities, rules=rules)
            + checks.party_committee_counts(communities=communities, rules=rules))

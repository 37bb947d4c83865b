"""Breaches of the structural rules, district-wide: what the "breaches" page lists, each with its clause.

Caps (street staff, leadership posts, station staff) may be exceeded only with a recorded approval;
a breach with an approval is still listed, marked as approved, so that reviewers see it.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.rules import RuleBook


@dataclass(frozen=True)
class Finding:
    rule: str
    clause: str
    subject: str  # the street or community's name
    street: str
    message: str
    url: str = ""
    approved: bool = False


def findings_for(*, streets, communities, on: datetime.date | None = None) -> list[Finding]:
    """Findings for the given (already scoped) street and community querysets, in a constant number of queries."""
    from assessments.quotas import party_organization_quota
    from communities.models import PartyOrganization
    from communities.selectors import community_staffing
    from governance.models import PostKind
    from streets.models import StreetOffice
    from streets.selectors import street_staffing

    on = on or timezone.localdate()
    rules = RuleBook(on=on)
    findings: list[Finding] = []

    streets = list(streets.prefetch_related("offices"))
    staffing = street_staffing(street_ids=[s.pk for s in streets], on=on, rules=rules)
    cap = rules["street.staff_cap"]
    lead = rules["street.leadership_posts"]
    org = rules["street.organisation_members"]
    npc = rules["street.npc_committee"]
    extra = rules["street.extra_career_posts"]
    for street in streets:
        s = staffing[street.pk]
        url = reverse("street-page", args=[street.pk])

        def add(rule, message, approved=False, *, street=street, url=url):
            findings.append(Finding(rule=rule.key, clause=rule.clause, subject=street.name, street=street.name,
                                    message=message, url=url, approved=approved))

        if s.staff_count > cap.value["cap"]:
            add(cap, _("街道工作人员 %(count)s 人，超过上限 %(cap)s 人") % {"count": s.staff_count, "cap": cap.value["cap"]},
                approved=bool(s.approvals))
        if s.principal_count > lead.value["principal"]:
            add(lead, _("正职领导 %(count)s 名，超过 %(max)s 名") % {"count": s.principal_count, "max": lead.value["principal"]},
                approved=bool(s.approvals))
        if s.deputy_count > lead.value["deputy"]:
            add(lead, _("副职领导 %(count)s 名，超过 %(max)s 名") % {"count": s.deputy_count, "max": lead.value["deputy"]},
                approved=bool(s.approvals))
        if len(s.organisation_members) != org.value:
            add(org, _("专职组织委员 %(count)s 名，应为 %(expected)s 名") % {"count": len(s.organisation_members), "expected": org.value})
        if not s.npc_directors:
            add(npc, _("人大街道工委未设主任"))
        elif s.npc_directors != s.party_secretaries:
            add(npc, _("人大街道工委主任应由街道党工委书记兼任"))
        if len(s.npc_deputy_directors) != npc.value["deputy_directors"]:
            add(npc, _("人大街道工委副主任 %(count)s 名，应为 %(expected)s 名")
                % {"count": len(s.npc_deputy_directors), "expected": npc.value["deputy_directors"]})
        if not npc.value["members_min"] <= len(s.npc_members) <= npc.value["members_max"]:
            add(npc, _("人大街道工委委员 %(count)s 名，应为 %(min)s-%(max)s 名")
                % {"count": len(s.npc_members), "min": npc.value["members_min"], "max": npc.value["members_max"]})
        if s.npc_members_not_deputies:
            add(npc, _("%(count)s 名人大街道工委委员不是现任兴庆区人大代表") % {"count": len(s.npc_members_not_deputies)})
        if not street.extra_career_post_granted and extra.value:
            add(extra, _("尚未增加 %(n)s 名事业编制") % {"n": extra.value})
        present = {office.kind for office in street.offices.all()}
        missing = [label for kind, label in StreetOffice.Kind.choices if kind not in present]
        if missing:
            findings.append(Finding(rule="street.offices", clause="二(三)", subject=street.name, street=street.name,
                                    message=_("未设置：%(offices)s") % {"offices": "、".join(missing)}, url=url))

    communities = list(communities.select_related("street", "party_organization"))
    cstaff = community_staffing(community_ids=[c.pk for c in communities], on=on)
    threshold = rules["community.party_committee_threshold"]
    size = rules["community.party_committee_size"]
    station_cap = rules["service_station.staff_cap"]
    for community in communities:
        c = cstaff[community.pk]
        url = reverse("community-page", args=[community.pk])

        def add(rule, message, approved=False, *, community=community, url=url):
            findings.append(Finding(rule=rule.key, clause=rule.clause, subject=community.name,
                                    street=community.street.name, message=message, url=url, approved=approved))

        expected = PartyOrganization.Kind(party_organization_quota(party_members=community.party_members, rules=rules).value)
        org_row = getattr(community, "party_organization", None)
        if org_row is None:
            add(threshold, _("未设社区党组织（应设%(expected)s）") % {"expected": expected.label})
        elif org_row.kind != expected:
            add(threshold, _("直管党员 %(members)s 人，应设%(expected)s，现为%(actual)s")
                % {"members": community.party_members, "expected": expected.label, "actual": org_row.get_kind_display()})
        if c.count(PostKind.COMMUNITY_SECRETARY) == 0:
            add(size, _("社区党组织未设书记"))
        if org_row is not None and org_row.kind == PartyOrganization.Kind.PARTY_COMMITTEE:
            n = c.party_committee_size
            if not (size.value["min"] <= n <= size.value["max"]) or (size.value["odd"] and n % 2 == 0):
                add(size, _("社区党委班子 %(n)s 人，应为 %(min)s—%(max)s 人的单数") % {"n": n, "min": size.value["min"], "max": size.value["max"]})
        if c.station_staff_count > station_cap.value:
            add(station_cap, _("服务站工作人员 %(count)s 名，超过 %(max)s 名") % {"count": c.station_staff_count, "max": station_cap.value})
    return findings

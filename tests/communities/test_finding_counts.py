"""The counting forms of the community checks (issue 14) against their list forms, at the rules' boundaries:
三(一) (党委 above 100 directly-managed members, 党总支 at 100) and 三(一)2 (the committee's make-up)."""

import datetime

import pytest

from communities import checks
from communities.findings import community_breaches
from communities.models import Community, PartyOrganization
from communities.selectors import community_staffing
from governance.models import PostKind
from governance.rules import RuleBook
from tests import factories as f
from tests.finding_counts import assert_forms_agree, listed

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 6, 1)


def committee(community, *, secretaries=1, deputies=2, members=3, fulltime=1):
    kinds = [PostKind.COMMUNITY_SECRETARY] * secretaries + [PostKind.COMMUNITY_FULLTIME_DEPUTY] * fulltime
    kinds += [PostKind.COMMUNITY_DEPUTY_SECRETARY] * deputies + [PostKind.COMMUNITY_PARTY_MEMBER] * members
    return [f.post(kind, community=community) for kind in kinds]


def organisation(community, kind):
    PartyOrganization.objects.update_or_create(community=community, defaults={"kind": kind})


def counted(counter, street):
    return counter(communities=Community.objects.filter(street=street), rules=RuleBook(on=ON))


def assert_row_form_agrees(street):
    """`checks.with_breaches` (a page's communities with findings, decided row by row in SQL) gives, in their
    order, exactly the communities in which the checks themselves find a breach."""
    rules = RuleBook(on=ON)
    communities = list(Community.objects.filter(street=street).order_by("street_id", "code"))
    staffing = community_staffing(community_ids=[c.pk for c in communities], rules=rules)
    checked = [c.pk for c in communities if community_breaches(c, staffing[c.pk], rules)]
    assert checked, "the data has breaches"
    rows = checks.with_breaches(Community.objects.filter(street=street).order_by("street_id", "code"), RuleBook(on=ON))
    assert list(rows) == checked


def test_party_organization_counts_at_the_threshold():
    street = f.street()
    at = f.community(street, party_members=100)  # 100 included: 党总支
    above = f.community(street, party_members=101)  # 党委
    organisation(at, PartyOrganization.Kind.PARTY_COMMITTEE)  # wrong
    organisation(above, PartyOrganization.Kind.PARTY_COMMITTEE)  # right
    fine = f.community(street, party_members=100)
    organisation(fine, PartyOrganization.Kind.GENERAL_BRANCH)
    none = f.community(street, party_members=5)
    PartyOrganization.objects.filter(community=none).delete()  # no organisation at all: short
    for community in (at, above, fine):  # committees in shape: only the organisation's kind tells them apart
        committee(community)
    rule = "community.party_committee_threshold"
    assert listed(rule, on=ON, street_id=street.pk) == {(street.pk, False): 2}
    assert counted(checks.party_organization_counts, street) == {(street.pk, False): 2}
    assert_forms_agree(on=ON, street_id=street.pk)
    assert_row_form_agrees(street)
    assert list(checks.with_breaches(Community.objects.filter(street=street).order_by("code"), RuleBook(on=ON))) == [
        c.pk for c in sorted((at, none), key=lambda c: c.code)]


def test_party_committee_counts_at_its_figures():
    street = f.street()
    in_shape = f.community(street, party_members=150)
    organisation(in_shape, PartyOrganization.Kind.PARTY_COMMITTEE)
    committee(in_shape)  # 1 + 1 + 2 + 3 = 7: no breach
    even = f.community(street, party_members=150)
    organisation(even, PartyOrganization.Kind.PARTY_COMMITTEE)
    committee(even, members=4)  # 8: even (size)
    wide = f.community(street, party_members=150)
    organisation(wide, PartyOrganization.Kind.PARTY_COMMITTEE)
    committee(wide, deputies=3, members=2, fulltime=0)  # 6: size, no full-time deputy, 3 deputies, 2 members
    branch = f.community(street, party_members=50)
    organisation(branch, PartyOrganization.Kind.GENERAL_BRANCH)
    committee(branch, secretaries=0, members=1)  # a 党总支 only "参照": its size is not reported, the secretary is
    rule = "community.party_committee_size"
    assert listed(rule, on=ON, street_id=street.pk) == {(street.pk, False): 1 + 4 + 1}
    assert counted(checks.party_committee_counts, street) == {(street.pk, False): 6}
    assert_forms_agree(on=ON, street_id=street.pk)
    assert_row_form_agrees(street)


def test_forms_agree_district_wide_and_for_one_community():
    street = f.street()
    c = f.community(street, party_members=150)
    committee(c, members=5)
    other = f.community(f.street(), party_members=101)
    assert_forms_agree(on=ON)
    assert_forms_agree(on=ON, community_id=other.pk)

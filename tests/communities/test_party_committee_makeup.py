"""三(一)2: the party committee's make-up (书记1, 专职副书记1, 副书记2, 委员3-7, an odd 7-11) counted without the
兼职/挂职 副书记 and 委员 beside it, which the street party working committee approves; each street deputy
who is a party member leads a community party committee; the organisation member sits on the 党工委."""

import datetime

import pytest

from governance.exceptions import RuleViolation
from governance.findings import findings_for
from governance.models import Post, PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 6, 1)


def committee(community, *, deputies=2, members=3):
    kinds = [PostKind.COMMUNITY_SECRETARY, PostKind.COMMUNITY_FULLTIME_DEPUTY]
    kinds += [PostKind.COMMUNITY_DEPUTY_SECRETARY] * deputies + [PostKind.COMMUNITY_PARTY_MEMBER] * members
    return [f.post(kind, community=community) for kind in kinds]


def messages(rule, **where):
    return sorted(x.message for x in findings_for(user=f.user(Role.DISTRICT_ADMIN), on=ON, **where) if x.rule == rule)


def party_committee_community():
    return f.community(party_members=150)  # more than 100: a 社区党委


def test_a_committee_in_shape_has_no_finding():
    c = party_committee_community()
    committee(c)
    assert messages("community.party_committee_size", community_id=c.pk) == []


def test_three_deputy_secretaries_is_a_finding_even_at_an_odd_total():
    c = party_committee_community()
    committee(c, deputies=3, members=4)  # 1 + 1 + 3 + 4 = 9, odd, but 3 deputies
    assert messages("community.party_committee_size", community_id=c.pk) == ["社区党委副书记 3 名，应为 2 名"]


def test_two_committee_members_is_a_finding():
    c = party_committee_community()
    committee(c, deputies=2, members=2)
    found = messages("community.party_committee_size", community_id=c.pk)
    assert "社区党委委员 2 名，应为 3—7 名" in found


def test_a_concurrent_member_needs_the_street_committees_approval_and_is_not_counted():
    c = party_committee_community()
    committee(c)
    person = f.person(community=c, street=c.street, is_party_member=True)
    before = Post.objects.count()
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.COMMUNITY_PARTY_MEMBER, community=c, person=person, is_concurrent=True)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("community.party_committee_size", "三(一)2",
                                                                   "approval_reference")
    assert Post.objects.count() == before
    f.post(PostKind.COMMUNITY_PARTY_MEMBER, community=c, person=person, is_concurrent=True,
           approval_reference="兴庆街党工委批〔2024〕2号")
    # 7 in the committee proper, the concurrent one beside it: still in shape
    assert messages("community.party_committee_size", community_id=c.pk) == []
    # an 8th proper member makes the committee even
    f.post(PostKind.COMMUNITY_PARTY_MEMBER, community=c)
    assert any("8 人" in m for m in messages("community.party_committee_size", community_id=c.pk))


def test_a_secretary_cannot_be_concurrent():
    c = party_committee_community()
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.COMMUNITY_SECRETARY, community=c, is_concurrent=True, approval_reference="x")
    assert exc.value.field == "kind"


def test_each_party_member_deputy_of_the_street_leads_a_community_committee():
    street = f.street()
    community = f.community(street)
    deputy = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street,
                    person=f.person(street=street, name="马副主任", is_party_member=True)).person
    f.post(PostKind.STREET_DEPUTY_SECRETARY, street=street, person=f.person(street=street, is_party_member=False))
    found = messages("street.deputies_as_community_secretaries", street_id=street.pk)
    assert found == ["街道副职 马副主任 是中共党员，应至少兼任一个社区的党委书记"]
    f.post(PostKind.COMMUNITY_SECRETARY, community=community, person=deputy)
    assert messages("street.deputies_as_community_secretaries", street_id=street.pk) == []


def test_the_organisation_member_sits_on_the_party_working_committee():
    street = f.street()
    member = f.post(PostKind.ORGANISATION_MEMBER, street=street,
                    person=f.person(street=street, name="组织委员甲", is_party_member=True)).person
    assert "专职组织委员 组织委员甲 未任党工委委员" in messages("street.organisation_members", street_id=street.pk)
    f.post(PostKind.STREET_COMMITTEE_MEMBER, street=street, person=member)
    assert not any("未任党工委委员" in m for m in messages("street.organisation_members", street_id=street.pk))

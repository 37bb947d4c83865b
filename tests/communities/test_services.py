"""Community rules at their boundaries (三(一), 三(一)2)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communities.models import PartyOrganization, ResidentsCommittee
from communities.services import community_update
from governance.exceptions import RuleViolation
from governance.findings import findings_for
from governance.models import Post, PostKind
from governance.roles import Role
from governance.services import post_end
from tests import factories as f

pytestmark = pytest.mark.django_db


def community_findings(community, rule=None):
    found = findings_for(user=f.user(Role.DISTRICT_ADMIN), community_id=community.pk, on=datetime.date(2024, 6, 1))
    return [x for x in found if rule is None or x.rule == rule]


def party_committee(community, size):
    """A party committee of `size`: 1 secretary, 1 full-time deputy, 2 deputies, the rest members (三(一)2)."""
    kinds = [PostKind.COMMUNITY_SECRETARY, PostKind.COMMUNITY_FULLTIME_DEPUTY,
             PostKind.COMMUNITY_DEPUTY_SECRETARY, PostKind.COMMUNITY_DEPUTY_SECRETARY]
    kinds += [PostKind.COMMUNITY_PARTY_MEMBER] * (size - len(kinds))
    return [f.post(kind, community=community) for kind in kinds]


# --- one secretary (三(一)2) ---

def test_second_active_secretary_is_refused_with_a_clear_message():
    # given a community with a sitting secretary
    community = f.community()
    f.post(PostKind.COMMUNITY_SECRETARY, community=community)
    # when a second one is appointed
    with pytest.raises(ValidationError) as exc:
        f.post(PostKind.COMMUNITY_SECRETARY, community=community)
    # then it is refused saying there can be only one, and nothing is written
    assert "社区党组织书记只能有一名在任人员" in str(exc.value)
    assert Post.objects.filter(community=community, kind=PostKind.COMMUNITY_SECRETARY).count() == 1


def test_new_secretary_is_accepted_after_the_first_one_ends():
    # given a community whose secretary has left
    community = f.community()
    first = f.post(PostKind.COMMUNITY_SECRETARY, community=community)
    post_end(post=first, acting_user=None, end_date=datetime.date(2024, 3, 31))
    # when a new secretary is appointed
    second = f.post(PostKind.COMMUNITY_SECRETARY, community=community, start_date=datetime.date(2024, 4, 1))
    # then it is accepted and the first stays on record as ended
    first.refresh_from_db()
    assert first.end_date == datetime.date(2024, 3, 31)
    assert second.pk and second.end_date is None


# --- party committee size: 7–11, odd (三(一)2) ---

@pytest.mark.parametrize(("size", "reported"), [(6, True), (7, False), (8, True), (9, False), (10, True),
                                                (11, False), (12, True)])
def test_party_committee_size_outside_seven_to_eleven_or_even_is_reported(size, reported):
    # given a community with a party committee (more than 100 members) of `size` people
    community = f.community(party_members=150)
    assert community.party_organization.kind == PartyOrganization.Kind.PARTY_COMMITTEE
    party_committee(community, size)
    # when findings are computed
    found = [x for x in community_findings(community, "community.party_committee_size") if "班子" in x.message]
    # then a wrong size is reported citing 三(一)2
    assert bool(found) is reported
    for finding in found:
        assert finding.clause == "三(一)2"
        assert str(size) in finding.message


# --- party organisation kind: more than 100 → 党委, else 党总支 (三(一)) ---

@pytest.mark.parametrize(("members", "kind"), [(100, PartyOrganization.Kind.GENERAL_BRANCH),
                                                (101, PartyOrganization.Kind.PARTY_COMMITTEE)])
def test_community_create_sets_the_party_organisation_kind_and_residents_committee(members, kind):
    community = f.community(party_members=members, name="康乐社区")
    assert PartyOrganization.objects.get(community=community).kind == kind
    assert ResidentsCommittee.objects.get(community=community).name == "康乐社区居民委员会"
    assert community_findings(community, "community.party_committee_threshold") == []


@pytest.mark.parametrize(("members", "reported"), [(100, False), (101, True)])
def test_general_branch_with_more_than_100_members_is_reported(members, reported):
    # given a community set up as 党总支 with 100 members
    community = f.community(party_members=100)
    # when its membership becomes `members`
    community_update(community=community, acting_user=None, party_members=members)
    # then a 党总支 above 100 members is reported citing 三(一)
    found = community_findings(community, "community.party_committee_threshold")
    assert bool(found) is reported
    assert all(x.clause == "三(一)" for x in found)


@pytest.mark.parametrize(("members", "reported"), [(100, True), (101, False)])
def test_party_committee_with_100_members_or_fewer_is_reported(members, reported):
    community = f.community(party_members=150)
    community_update(community=community, acting_user=None, party_members=members)
    found = community_findings(community, "community.party_committee_threshold")
    assert bool(found) is reported


def test_non_party_member_is_refused_for_a_party_post():
    community = f.community()
    person = f.person(is_party_member=False)
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.COMMUNITY_PARTY_MEMBER, community=community, person=person)
    assert exc.value.clause == "三(一)2"
    assert "person" in exc.value.message_dict
    assert not Post.objects.filter(community=community).exists()


def test_non_party_member_may_sit_on_the_residents_committee():
    community = f.community()
    f.post(PostKind.RC_MEMBER, community=community, person=f.person(is_party_member=False))
    assert Post.objects.filter(community=community, kind=PostKind.RC_MEMBER).count() == 1


def test_a_new_secretary_cannot_overlap_a_term_that_ends_later(db):
    # given a secretary whose term ends on 30 June
    community = f.community()
    f.post(PostKind.COMMUNITY_SECRETARY, community=community, start_date=datetime.date(2024, 1, 1),
           end_date=datetime.date(2024, 6, 30))

    # when a successor is appointed from 1 June, the terms overlap: refused
    with pytest.raises(ValidationError) as exc:
        f.post(PostKind.COMMUNITY_SECRETARY, community=community, start_date=datetime.date(2024, 6, 1))
    assert "重叠" in str(exc.value)

    # from 1 July, the day after, it is accepted
    f.post(PostKind.COMMUNITY_SECRETARY, community=community, start_date=datetime.date(2024, 7, 1))


def test_a_communitys_street_is_not_changed_by_an_edit_of_its_figures(two_streets, admin_user):
    from tests.conftest import api_as

    community = two_streets["ca"]
    with pytest.raises(ValidationError) as refused:
        community_update(community=community, acting_user=None, street=two_streets["b"], households=10)
    assert "社区划转" in refused.value.message_dict["street"][0]
    community.refresh_from_db()
    assert (community.street_id, community.households) == (two_streets["a"].pk, community.households)
    assert community.households != 10  # nothing of the refused edit was written
    community_update(community=community, acting_user=None, street=two_streets["a"], households=10)  # its own street
    community.refresh_from_db()
    assert community.households == 10
    response = api_as(admin_user).patch(f"/api/v1/communities/{community.pk}/", {"street": two_streets["b"].pk},
                                        format="json", HTTP_IF_MATCH=f'"{community.version}"')
    assert response.status_code == 400 and "street" in response.json()

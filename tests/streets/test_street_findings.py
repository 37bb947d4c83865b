"""Street findings that only the findings page reports: the extra career post (二(二)1) and the four
offices and the centre (二(三))."""

import pytest

from governance.findings import findings_for
from governance.roles import Role
from streets.models import StreetOffice
from tests import factories as f

pytestmark = pytest.mark.django_db


def street_findings(street, rule):
    return [x for x in findings_for(user=f.user(Role.DISTRICT_ADMIN), street_id=street.pk) if x.rule == rule]


def test_a_street_without_its_extra_career_post_is_a_finding():
    granted, pending = f.street(extra_career_post_granted=True), f.street(extra_career_post_granted=False)
    assert street_findings(granted, "street.extra_career_posts") == []
    found = street_findings(pending, "street.extra_career_posts")
    assert len(found) == 1 and found[0].clause == "二(二)1" and "1 名事业编制" in found[0].message


def test_a_street_missing_an_office_is_a_finding_naming_it():
    street = f.street()
    assert street_findings(street, "street.offices_and_centre") == []
    StreetOffice.objects.filter(street=street, kind=StreetOffice.Kind.LIVELIHOOD_CENTRE).delete()
    found = street_findings(street, "street.offices_and_centre")
    assert len(found) == 1 and found[0].clause == "二(三)" and "民生服务管理中心" in found[0].message


def test_the_npc_deputy_director_must_be_a_street_deputy_leader():
    from governance.exceptions import RuleViolation
    from governance.models import PostKind

    street = f.street()
    f.post(PostKind.STREET_PARTY_SECRETARY, street=street)
    outsider = f.person(street=street)
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.NPC_DEPUTY_DIRECTOR, street=street, person=outsider)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("street.npc_committee", "二(二)2", "person")
    deputy = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street).person
    assert f.post(PostKind.NPC_DEPUTY_DIRECTOR, street=street, person=deputy).pk


def test_a_person_of_another_community_cannot_hold_a_post_in_this_one():
    from django.core.exceptions import ValidationError

    from governance.models import Post, PostKind

    street = f.street()
    here, there = f.community(street), f.community(street)
    person = f.person(community=there, street=street)
    before = Post.objects.count()
    with pytest.raises(ValidationError) as exc:
        f.post(PostKind.RC_MEMBER, community=here, person=person)
    assert "其他社区" in exc.value.message_dict["person"][0]
    assert Post.objects.count() == before
    assert f.post(PostKind.RC_MEMBER, community=there, person=person).pk

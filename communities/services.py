"""Writes for communities, and the rules a community post must satisfy (三(一), 三(四))."""

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.quotas import party_organization_quota
from communities.models import Community, PartyOrganization, ResidentsCommittee
from governance.exceptions import RuleViolation
from governance.models import PARTY_KINDS, Post
from governance.rules import RuleBook
from governance.services import instance_save, model_update


@transaction.atomic
def community_create(*, acting_user, **fields) -> Community:
    community = instance_save(Community(**fields), acting_user=acting_user)
    # 三(一): the organisation the community's directly-managed members call for, decided in one place.
    kind = party_organization_quota(party_members=community.party_members, rules=RuleBook()).value
    instance_save(PartyOrganization(community=community, kind=kind,
                            name=f"{community.name}{PartyOrganization.Kind(kind).label.removeprefix('社区')}"),
          acting_user=acting_user)
    instance_save(ResidentsCommittee(community=community, name=f"{community.name}居民委员会"), acting_user=acting_user)
    return community


@transaction.atomic
def community_update(*, community: Community, acting_user, **fields) -> Community:
    return model_update(instance=community, acting_user=acting_user, data=fields)


@transaction.atomic
def party_organization_update(*, organization: PartyOrganization, acting_user, **fields) -> PartyOrganization:
    return model_update(instance=organization, acting_user=acting_user, data=fields)


def community_post_check(post: Post) -> None:
    if post.kind in PARTY_KINDS and not post.person.is_party_member:
        raise RuleViolation(_("%(name)s不是中共党员，不能任社区党组织班子成员") % {"name": post.person.name},
                            rule="community.party_committee_size", clause="三(一)2", field="person")
    if post.person.community_id and post.person.community_id != post.community_id:
        raise RuleViolation(_("人员档案属于其他社区，不能在本社区任职"), rule="community.posts", clause="三(四)2", field="person")

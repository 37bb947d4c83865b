"""Writes for communities, and the rules a community post must satisfy (三(一), 三(四))."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities import checks
from communities.models import Community, PartyOrganization, ResidentsCommittee
from governance.models import Post
from governance.rules import RuleBook
from governance.services import instance_save, model_update


@transaction.atomic
def community_create(*, acting_user, **fields) -> Community:
    community = instance_save(Community(**fields), acting_user=acting_user)
    # 三(一): the organisation the community's directly-managed members call for, decided in one place.
    kind = checks.party_organization_required(party_members=community.party_members, rules=RuleBook())
    kind = kind or PartyOrganization.Kind.GENERAL_BRANCH  # (only when the rule guard turned the decision off)
    instance_save(PartyOrganization(community=community, kind=kind,
                            name=f"{community.name}{PartyOrganization.Kind(kind).label.removeprefix('社区')}"),
          acting_user=acting_user)
    instance_save(ResidentsCommittee(community=community, name=f"{community.name}居民委员会"), acting_user=acting_user)
    return community


@transaction.atomic
def community_update(*, community: Community, acting_user, expected_version: int | None = None,
                     **fields) -> Community:
    """Change a community's own figures. Its street is not changed here: the community's people, posts, meetings,
    agreements, tasks, events and assessments each carry the street they belong to (their scope, one indexed
    column, issue 14), and moving a community between streets (a boundary change) is a decision of its own for
    each of them, not a field edit that would leave them in the old street."""
    street = fields.get("street")
    if street is not None and getattr(street, "pk", street) != community.street_id:
        raise ValidationError({"street": [_("社区的所属街道不能在此修改：社区划转涉及其人员、岗位、会议、任务等记录，"
                                            "须由区里另行办理。")]})
    return model_update(instance=community, acting_user=acting_user, data=fields, expected_version=expected_version)


@transaction.atomic
def party_organization_update(*, organization: PartyOrganization, acting_user, expected_version: int | None = None,
                              **fields) -> PartyOrganization:
    return model_update(instance=organization, acting_user=acting_user, data=fields, expected_version=expected_version)


def community_post_check(post: Post, rules: RuleBook) -> None:
    """The rules a community post must pass (三(一)2)."""
    checks.post_holder_is_party_member(post, rules)
    checks.additional_member(post, rules)

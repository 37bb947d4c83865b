"""The rules of a community's party organisation (三(一), 三(一)2), each decided by one function that the
services (to refuse), the findings page (to report) and the quota calculators (to show) call."""

from django.utils.translation import gettext as _

from communities.models import PartyOrganization
from governance.exceptions import RuleViolation
from governance.findings import Breach
from governance.models import POST_KINDS, PostKind
from governance.registry import rule_check
from governance.rules import RuleBook

APP = "communities"


@rule_check("community.party_committee_threshold", app_label=APP)
def party_organization_required(*, party_members: int, rules: RuleBook) -> str:
    """三(一): more than 100 directly-managed members → 社区党委; otherwise (100 included) → 社区党总支."""
    threshold = rules["community.party_committee_threshold"]
    if party_members > threshold.value:
        return PartyOrganization.Kind.PARTY_COMMITTEE.value
    return PartyOrganization.Kind.GENERAL_BRANCH.value


def party_organization(*, party_members: int, actual_kind: str | None, rules: RuleBook) -> list[Breach]:
    """三(一): the organisation a community has against the one its members call for."""
    rule = rules["community.party_committee_threshold"]
    expected = party_organization_required(party_members=party_members, rules=rules)
    if expected is None:  # the rule guard turned the decision off
        return []
    expected_label = PartyOrganization.Kind(expected).label
    if actual_kind is None:
        return [Breach(rule, "party_organization", _("未设社区党组织（应设%(expected)s）") % {"expected": expected_label},
                       short=True)]
    if actual_kind != expected:
        return [Breach(rule, "party_organization", _("直管党员 %(members)s 人，应设%(expected)s，现为%(actual)s")
                       % {"members": party_members, "expected": expected_label,
                          "actual": PartyOrganization.Kind(actual_kind).label})]
    return []


@rule_check("community.party_committee_size", app_label=APP)
def party_committee(*, size: int, secretaries: int, actual_kind: str | None, rules: RuleBook) -> list[Breach]:
    """三(一)2: a secretary; a 社区党委 of 7-11 members, an odd number (a 党总支 only "参照" it: not reported)."""
    rule = rules["community.party_committee_size"]
    found = []
    if secretaries == 0:
        found.append(Breach(rule, "secretary", _("社区党组织未设书记"), short=True))
    if actual_kind == PartyOrganization.Kind.PARTY_COMMITTEE:
        v = rule.value
        if not (v["min"] <= size <= v["max"]) or (v["odd"] and size % 2 == 0):
            found.append(Breach(rule, "size", _("社区党委班子 %(n)s 人，应为 %(min)s—%(max)s 人的单数")
                                % {"n": size, "min": v["min"], "max": v["max"]}, short=size < v["min"]))
    return found


@rule_check("community.party_committee_size.party_member", app_label=APP)
def post_holder_is_party_member(post, rules: RuleBook) -> None:
    """三(一)2: the party organisation's committee is elected from party members."""
    if POST_KINDS[post.kind].party_member and not post.person.is_party_member:
        raise RuleViolation(_("%(name)s不是中共党员，不能任社区党组织班子成员") % {"name": post.person.name},
                            rule=rules["community.party_committee_size"], field="person")


@rule_check("community.party_committee_size.party_member_kept", app_label=APP)
def party_member_flag_kept(person, changes: dict, held: frozenset) -> None:
    """三(一)2 from the person's side: a sitting committee member stays a party member."""
    needs = {k for k in held if POST_KINDS[PostKind(k)].party_member}
    if changes.get("is_party_member") is False and person.is_party_member and needs:
        raise RuleViolation(_("%(name)s现任社区党组织班子成员，须为中共党员；请先办理离任") % {"name": person.name},
                            rule=RuleBook()["community.party_committee_size"], field="is_party_member")

"""The rules of a community's party organisation (三(一), 三(一)2), each decided by one function that the
services (to refuse), the findings page (to report) and the quota calculators (to show) call."""

from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Mod
from django.utils.translation import gettext as _

from communities.models import PartyOrganization
from governance.exceptions import RuleViolation
from governance.findings import Breach, breaches_by_street, flag
from governance.models import PARTY_KINDS, POST_KINDS, PostKind
from governance.registry import rule_check
from governance.rules import RuleBook

APP = "communities"


@rule_check("community.party_committee_threshold", app_label=APP)
def party_organization_required(*, party_members, rules: RuleBook, sql: bool = False):
    """三(一): more than 100 directly-managed members → 社区党委; otherwise (100 included) → 社区党总支.

    With `sql`, `party_members` names a column (or annotation) and the same decision comes back as an SQL
    expression, for totals summed over many communities (assessments.quotas.community_quota_sql, issue 14)."""
    threshold = rules["community.party_committee_threshold"]
    if sql:
        return Case(When(**{f"{party_members}__gt": threshold.value},
                         then=Value(PartyOrganization.Kind.PARTY_COMMITTEE.value)),
                    default=Value(PartyOrganization.Kind.GENERAL_BRANCH.value), output_field=CharField())
    if party_members > threshold.value:
        return PartyOrganization.Kind.PARTY_COMMITTEE.value
    return PartyOrganization.Kind.GENERAL_BRANCH.value


@party_organization_required.counter
def party_organization_counts(*, communities, rules: RuleBook) -> dict:
    """The counting form of `party_organization` (issue 14), per street: the communities with no party
    organisation, or with another kind than their members call for (one grouped query)."""
    return breaches_by_street(*_party_organization_rows(communities, rules))


def _party_organization_rows(communities, rules: RuleBook):
    """(`communities` with what each needs, the SQL integer of each row's breaches of `party_organization`):
    summed per street by the counting form, read row by row by `with_breaches`."""
    expected = party_organization_required(party_members="party_members", rules=rules, sql=True)
    if expected is None:  # the rule guard turned the decision off: no breach
        return communities, Value(0, output_field=IntegerField())
    return communities.annotate(expected_kind=expected), Case(
        When(party_organization__isnull=True, then=Value(1)),
        When(party_organization__kind=F("expected_kind"), then=Value(0)),
        default=Value(1), output_field=IntegerField())


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
def party_committee(*, size: int, secretaries: int, actual_kind: str | None, rules: RuleBook,
                    fulltime_deputies: int | None = None, deputies: int | None = None,
                    members: int | None = None) -> list[Breach]:
    """三(一)2: a secretary; a 社区党委 of 7-11 members, an odd number: 书记1名, 专职副书记1名, 副书记2名, 委员3-7名,
    counted without the 兼职/挂职 副书记 and 委员 beside them (a 党总支 only "参照" it: not reported)."""
    rule = rules["community.party_committee_size"]
    found = []
    if secretaries == 0:
        found.append(Breach(rule, "secretary", _("社区党组织未设书记"), short=True))
    if actual_kind == PartyOrganization.Kind.PARTY_COMMITTEE:
        v = rule.value
        if not (v["min"] <= size <= v["max"]) or (v["odd"] and size % 2 == 0):
            found.append(Breach(rule, "size", _("社区党委班子 %(n)s 人，应为 %(min)s—%(max)s 人的单数（不含兼职、挂职）")
                                % {"n": size, "min": v["min"], "max": v["max"]}, short=size < v["min"]))
        for item, count, low, high, label in (
            ("fulltime_deputy", fulltime_deputies, v["fulltime_deputy"], v["fulltime_deputy"], _("专职副书记")),
            ("deputies", deputies, v["deputy"], v["deputy"], _("副书记")),
            ("members", members, v["members_min"], v["members_max"], _("委员")),
        ):
            if count is None or low <= count <= high:
                continue
            expected = str(low) if low == high else f"{low}—{high}"
            found.append(Breach(rule, item, _("社区党委%(label)s %(n)s 名，应为 %(expected)s 名")
                                % {"label": label, "n": count, "expected": expected},
                                excess=max(count - high, 0), short=count < low))
    return found


def _committee_breaches(v: dict, committee: Q):
    """Per row (an SQL integer), the breaches of `party_committee` from the row's `secretaries`, `size`,
    `size_odd`, `fulltime_deputies`, `deputies` and `members`; `committee`: the row is a 社区党委's."""
    size_wrong = Q(size__lt=v["min"]) | Q(size__gt=v["max"])
    if v["odd"]:
        size_wrong |= Q(size_odd=0)
    return (flag(Q(secretaries=0)) + flag(committee & size_wrong)
            + flag(committee & (Q(fulltime_deputies__lt=v["fulltime_deputy"]) | Q(fulltime_deputies__gt=v["fulltime_deputy"])))
            + flag(committee & (Q(deputies__lt=v["deputy"]) | Q(deputies__gt=v["deputy"])))
            + flag(committee & (Q(members__lt=v["members_min"]) | Q(members__gt=v["members_max"]))))


@party_committee.counter
def party_committee_counts(*, communities, rules: RuleBook) -> dict:
    """The counting form of `party_committee` (issue 14), per street: a missing secretary, and for a
    社区党委 its size and each kind of post outside the rule's figures. The people are counted as
    `communities.selectors.community_staffing` counts them (each once; a 兼职/挂职 post beside the committee,
    not in it): one grouped query over the committees' posts (a row per community) and one for the
    communities with no such post."""
    v = rules["community.party_committee_size"].value
    committee_kind = PartyOrganization.Kind.PARTY_COMMITTEE
    # (a community's post carries its street: the street's index finds a street's posts, not a scan of the
    # district's; issue 14, the count after a write)
    posts = _committee_posts(rules).filter(community_id__in=communities.order_by().values("pk"),
                                           street_id__in=communities.order_by().values("street_id"))
    per_community = _committee_per_community(posts, rules)
    counts: dict = {}
    for street_id, n in per_community.values_list("community__street_id", "breaches"):
        if n:
            counts[street_id] = counts.get(street_id, 0) + n
    none = communities.exclude(pk__in=posts.values("community_id")).annotate(
        **{name: Value(0, output_field=IntegerField())
           for name in ("secretaries", "size", "size_odd", "fulltime_deputies", "deputies", "members")})
    for street_id, n in breaches_by_street(none, _committee_breaches(v, Q(party_organization__kind=committee_kind))).items():
        counts[street_id] = counts.get(street_id, 0) + n
    return counts


def _committee_posts(rules: RuleBook):
    """The posts a party committee is counted from: active party posts, without the 兼职/挂职 beside it."""
    from governance.selectors import active_posts

    return active_posts(on=rules.on).filter(kind__in=sorted(PARTY_KINDS), is_secondment=False,
                                            is_concurrent=False).order_by()


def _committee_per_community(posts, rules: RuleBook):
    """`posts` grouped per community (a row per community that has one) with its committee's figures and
    `breaches`, the SQL integer of its breaches of `party_committee`."""
    v = rules["community.party_committee_size"].value

    def people(kind=None):
        return Count("person_id", distinct=True, filter=Q(kind=kind) if kind else None)

    return posts.values("community_id", "community__street_id", "community__party_organization__kind").annotate(
        secretaries=people(PostKind.COMMUNITY_SECRETARY), size=people(),
        fulltime_deputies=people(PostKind.COMMUNITY_FULLTIME_DEPUTY), deputies=people(PostKind.COMMUNITY_DEPUTY_SECRETARY),
        members=people(PostKind.COMMUNITY_PARTY_MEMBER),
    ).annotate(size_odd=Mod(F("size"), 2)).annotate(
        breaches=_committee_breaches(v, Q(community__party_organization__kind=PartyOrganization.Kind.PARTY_COMMITTEE)))


def with_breaches(communities, rules: RuleBook):
    """The pks of `communities` (in their order) that `party_organization` or `party_committee` finds a breach
    in (issue 14: a page of findings reads the communities that hold its findings, not every community before
    them). Each row is decided by correlated reads by the indexes of its party organisation and its posts, with
    the counting forms' own SQL (`party_organization_required`, `_committee_per_community` for the one
    community), so that the query walks the communities in their index order and stops at its LIMIT; no join
    (a join made PostgreSQL decide every community of the scope first). A community with no committee post has
    no secretary: a breach of 三(一)2. Its callers hold it to the checks: `tests/communities/test_with_breaches.py`."""
    from communities.models import PartyOrganization

    expected = party_organization_required(party_members="party_members", rules=rules, sql=True)
    rows = communities.select_related(None)  # in their order: the pks only
    if expected is None:  # the rule guard turned the decision off: no breach of it
        organization = Value(0, output_field=IntegerField())
    else:  # as the counting form: no organisation, or another kind than expected
        rows = rows.annotate(expected_kind=expected)
        organization = Case(When(Exists(PartyOrganization.objects.filter(
            community_id=OuterRef("pk"), kind=OuterRef("expected_kind"))), then=Value(0)),
            default=Value(1), output_field=IntegerField())
    committee = _committee_per_community(_committee_posts(rules).filter(community_id=OuterRef("pk")), rules)
    return rows.annotate(breaches_found=organization + Coalesce(
        Subquery(committee.values("breaches")[:1], output_field=IntegerField()), Value(1))).filter(
        breaches_found__gt=0).values_list("pk", flat=True)


@rule_check("community.party_committee_size.additional", app_label=APP)
def additional_member(post, rules: RuleBook) -> None:
    """三(一)2: 兼职、挂职副书记和委员 beside the committee are approved by the street party working committee
    (its reference on the post); a secretary or full-time deputy secretary is never one of them."""
    rule = rules["community.party_committee_size"]
    if post.kind not in {PostKind.COMMUNITY_DEPUTY_SECRETARY, PostKind.COMMUNITY_PARTY_MEMBER, PostKind.COMMUNITY_SECRETARY,
                         PostKind.COMMUNITY_FULLTIME_DEPUTY} or not (post.is_secondment or post.is_concurrent):
        return
    if post.kind in (PostKind.COMMUNITY_SECRETARY, PostKind.COMMUNITY_FULLTIME_DEPUTY):
        raise RuleViolation(_("兼职、挂职只能任社区党委副书记或委员"), rule=rule, field="kind")
    if not post.approval_reference:
        raise RuleViolation(_("社区党委兼职、挂职副书记和委员须报街道党工委审批，请填写审批文号"), rule=rule,
                            field="approval_reference")


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

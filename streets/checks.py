"""The rules of a street (二(二)1, 二(二)2, 二(三)), each decided by one function.

Each function reads a street's counts (`streets.selectors.StreetStaffing`) and the rule versions of a
`RuleBook`, and returns the breaches it finds. The appointment service refuses what a new post would
break (`governance.findings.refuse_new_breaches`), the findings page lists them, the gap table shows them.
"""

from django.utils.translation import gettext as _

from governance.exceptions import RuleViolation
from governance.findings import Breach, cover_key
from governance.registry import rule_check
from governance.rules import RuleBook
from streets.models import StreetOffice
from streets.selectors import StreetStaffing

APP = "streets"


@rule_check("street.staff_cap", app_label=APP)
def staff_cap(s: StreetStaffing, rules: RuleBook) -> list[Breach]:
    """二(二)1: at most 30 staff, counting 公岗, 三支一扶 and policy placements, not the law-enforcement squad
    or station staff; one person counts once."""
    cap = rules["street.staff_cap"]
    if s.staff_count <= cap.value["cap"]:
        return []
    return [Breach(cap, "staff", _("街道工作人员 %(count)s 人，超过上限 %(cap)s 人（含公岗、三支一扶及政策性安置人员）")
                   % {"count": s.staff_count, "cap": cap.value["cap"]},
                   excess=s.staff_count - cap.value["cap"], approvable=True,
                   approvals=tuple(s.approvals.get(cover_key(cap, "staff"), ())))]


@rule_check("street.leadership_posts", app_label=APP)
def leadership_posts(s: StreetStaffing, rules: RuleBook) -> list[Breach]:
    """二(二)2: 2 principal and 4 deputy leadership posts; seconded (挂职) leaders are not counted."""
    lead = rules["street.leadership_posts"]
    found = []
    for item, count, allowed, label in (
        ("principal", s.principal_count, lead.value["principal"], _("正职领导")),
        ("deputy", s.deputy_count, lead.value["deputy"], _("副职领导")),
    ):
        if count > allowed:
            found.append(Breach(lead, item, _("%(label)s %(count)s 名，超过 %(max)s 名（挂职领导不计）")
                                % {"label": label, "count": count, "max": allowed},
                                excess=count - allowed, approvable=True,
                                approvals=tuple(s.approvals.get(cover_key(lead, item), ()))))
    return found


@rule_check("street.organisation_members", app_label=APP)
def organisation_member(s: StreetStaffing, rules: RuleBook) -> list[Breach]:
    """二(二)2: one full-time organisation member (专职组织委员) per street."""
    org = rules["street.organisation_members"]
    n = len(s.organisation_members)
    if n == org.value:
        return []
    return [Breach(org, "organisation_members", _("专职组织委员 %(count)s 名，应为 %(expected)s 名")
                   % {"count": n, "expected": org.value}, excess=max(n - org.value, 0), short=n < org.value,
                   field="kind")]


@rule_check("street.npc_committee", app_label=APP)
def npc_committee(s: StreetStaffing, rules: RuleBook) -> list[Breach]:
    """二(二)2: the NPC working committee's director is the party secretary, its one deputy director a
    street deputy leader, and its 1-3 members sitting district NPC deputies."""
    npc = rules["street.npc_committee"]
    found = []
    if not s.npc_directors:
        found.append(Breach(npc, "director", _("人大街道工委未设主任"), short=True))
    elif s.npc_directors - s.party_secretaries:
        found.append(Breach(npc, "director_is_secretary", _("人大街道工委主任由街道党工委书记兼任"),
                            excess=len(s.npc_directors - s.party_secretaries), field="person"))
    n_deputy = len(s.npc_deputy_directors)
    if n_deputy != npc.value["deputy_directors"]:
        found.append(Breach(npc, "deputy_directors", _("人大街道工委副主任 %(count)s 名，应为 %(expected)s 名")
                            % {"count": n_deputy, "expected": npc.value["deputy_directors"]},
                            excess=max(n_deputy - npc.value["deputy_directors"], 0),
                            short=n_deputy < npc.value["deputy_directors"]))
    not_deputy_leaders = s.npc_deputy_directors - s.deputy_holders
    if not_deputy_leaders:
        found.append(Breach(npc, "deputy_director_is_deputy", _("人大街道工委副主任由街道副书记或副主任兼任"),
                            excess=len(not_deputy_leaders), field="person"))
    n_members = len(s.npc_members)
    if n_members > npc.value["members_max"] or n_members < npc.value["members_min"]:
        found.append(Breach(npc, "members", _("人大街道工委委员 %(count)s 名，应为 %(min)s-%(max)s 名")
                            % {"count": n_members, "min": npc.value["members_min"], "max": npc.value["members_max"]},
                            excess=max(n_members - npc.value["members_max"], 0),
                            short=n_members < npc.value["members_min"], field="kind"))
    if s.npc_members_not_deputies:
        found.append(Breach(npc, "members_are_deputies",
                            _("%(count)s 名人大街道工委委员不是现任兴庆区人大代表")
                            % {"count": len(s.npc_members_not_deputies)},
                            excess=len(s.npc_members_not_deputies), field="person"))
    return found


@rule_check("street.seconded_leaders", app_label=APP)
def secondment(*, kind: str, secondment_role: str, rules: RuleBook) -> list[Breach]:
    """二(二)2: the secondments (挂职) left out of the 2 + 4 and of the staff count are those the clause names —
    the police-station head as 副书记 or 副主任; the law-enforcement squad leader and the judicial-office head as
    党工委委员 and 副主任. Any other secondment needs an approval."""
    rule = rules["street.seconded_leaders"]
    if kind in rule.value.get(secondment_role, ()):
        return []
    return [Breach(rule, "secondment", _("挂职人员只能按二(二)2任职：派出所所长挂职党工委副书记或办事处副主任，"
                                         "综合执法中队队长、司法所所长挂职党工委委员、办事处副主任"),
                   approvable=True)]


@rule_check("street.npc_committee.member_is_deputy", app_label=APP)
def npc_member_flag_kept(person, changes: dict, held: frozenset) -> None:
    """二(二)2 from the person's side: a sitting NPC working-committee member stays a district NPC deputy."""
    from governance.models import PostKind

    if changes.get("is_npc_deputy") is False and person.is_npc_deputy and PostKind.NPC_MEMBER in held:
        raise RuleViolation(_("%(name)s现任人大街道工委委员，须为现任兴庆区人大代表；请先办理离任") % {"name": person.name},
                            rule=RuleBook()["street.npc_committee"], field="is_npc_deputy")


@rule_check("street.extra_career_posts", app_label=APP)
def extra_career_post(street, rules: RuleBook) -> list[Breach]:
    """二(二)1: each street gets one more career post (事业编制)."""
    extra = rules["street.extra_career_posts"]
    if street.extra_career_post_granted or not extra.value:
        return []
    return [Breach(extra, "extra_career_posts", _("尚未增加 %(n)s 名事业编制") % {"n": extra.value}, short=True)]


@rule_check("street.offices_and_centre", app_label=APP)
def offices(street, rules: RuleBook) -> list[Breach]:
    """二(三): the four offices and the centre, each present (read from a prefetched `offices`)."""
    rule = rules["street.offices_and_centre"]
    present = {office.kind for office in street.offices.all()}
    labels = dict(StreetOffice.Kind.choices)
    missing = [labels.get(kind, kind) for kind in rule.value["offices"] if kind not in present]
    if not missing:
        return []
    return [Breach(rule, "offices", _("未设置：%(offices)s") % {"offices": "、".join(missing)}, short=True)]


@rule_check("street.offices_and_centre.head", app_label=APP)
def office_head(*, head, deputy_ids, rules: RuleBook) -> list[Breach]:
    """二(三): “四办一中心”主管人员由班子成员副职兼任."""
    rule = rules["street.offices_and_centre"]
    if head is None or head.pk in deputy_ids:
        return []
    return [Breach(rule, "head", _("主管领导须由街道班子成员副职兼任"), field="head")]


@rule_check("street.deputies_as_community_secretaries", app_label=APP)
def deputies_lead_communities(s: StreetStaffing, community_secretaries: set, rules: RuleBook) -> list[Breach]:
    """三(一)2: "街道领导班子中的党员副职，每人至少兼任一个社区的党委书记" — one finding per deputy who does not."""
    rule = rules["street.deputies_as_community_secretaries"]
    return [Breach(rule, f"deputy:{pid}", _("街道副职 %(name)s 是中共党员，应至少兼任一个社区的党委书记")
                   % {"name": s.names.get(pid, pid)}, short=True)
            for pid in sorted(s.party_member_deputies - community_secretaries)]


@rule_check("street.organisation_members.committee", app_label=APP)
def organisation_member_on_committee(s: StreetStaffing, rules: RuleBook) -> list[Breach]:
    """二(二)2: the full-time organisation member "任党工委委员": holds a 党工委委员 post too."""
    rule = rules["street.organisation_members"]
    return [Breach(rule, f"committee:{pid}", _("专职组织委员 %(name)s 未任党工委委员") % {"name": s.names.get(pid, pid)},
                   short=True)
            for pid in sorted(s.organisation_members - s.committee_members)]


def street_breaches(street, s: StreetStaffing, rules: RuleBook, community_secretaries: set = frozenset()) -> list[Breach]:
    """Every rule of a street, for the findings page."""
    return [
        *(deputies_lead_communities(s, community_secretaries, rules) or []),
        *(organisation_member_on_committee(s, rules) or []),
        *(staff_cap(s, rules) or []), *(leadership_posts(s, rules) or []), *(organisation_member(s, rules) or []),
        *(npc_committee(s, rules) or []), *(extra_career_post(street, rules) or []), *(offices(street, rules) or []),
    ]


def staffing_breaches(s: StreetStaffing, rules: RuleBook) -> list[Breach]:
    """The rules an appointment can break, compared before and after it."""
    return [*(staff_cap(s, rules) or []), *(leadership_posts(s, rules) or []), *(organisation_member(s, rules) or []),
            *(npc_committee(s, rules) or [])]

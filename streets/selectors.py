"""Reads for streets: scope, and the street's staffing as the caps of 二(二) count it."""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum

from governance.compiled_query import CompiledQuery
from governance.findings import covers_of
from governance.models import (
    NPC_KINDS,
    STREET_DEPUTY_KINDS,
    STREET_KINDS,
    STREET_PRINCIPAL_KINDS,
    PostKind,
)
from governance.rules import RuleBook
from governance.scope import scoped
from governance.selectors import active_posts
from streets.models import Street, StreetOffice


def streets_for_user(*, user) -> QuerySet[Street]:
    return scoped(Street.objects.select_related("district"), user, street="pk")


def street_offices_for_user(*, user) -> QuerySet[StreetOffice]:
    return scoped(StreetOffice.objects.select_related("street", "head"), user, street="street_id")


def street_detail_queryset(*, user) -> QuerySet[Street]:
    return streets_for_user(user=user).prefetch_related(
        Prefetch("offices", queryset=_OFFICES_PREFETCHED),
    )


_OFFICES_PREFETCHED = StreetOffice.objects.select_related("head")


def _offices_of(*, columns, street_ids):
    return _OFFICES_PREFETCHED.filter(street_id__in=street_ids).values(*columns)


_OFFICE_READS: dict = {}


def street_offices_of(*, street_ids, columns) -> dict[int, list[dict]]:
    """The offices of these streets (already scoped: a page of street_detail_queryset's) as plain rows of `columns`,
    by street, in the order its prefetch gives them: a lean street list's (governance/lean_list.py), compiled once."""
    columns = tuple(dict.fromkeys((*columns, "street_id")))
    read = _OFFICE_READS.get(columns)
    if read is None:
        read = _OFFICE_READS[columns] = CompiledQuery(functools.partial(_offices_of, columns=columns))
    by_street = defaultdict(list)
    for row in read.rows(street_ids=tuple(sorted(street_ids))):
        by_street[row["street_id"]].append(row)
    return by_street


@dataclass
class StreetStaffing:
    """What a street has, counted as 二(二)1 and 二(二)2 count it (one person, one count)."""

    street_id: int
    staff: set = field(default_factory=set)  # person ids counted toward the cap
    excluded: dict = field(default_factory=lambda: defaultdict(set))  # category -> person ids not counted
    principals: set = field(default_factory=set)
    deputies: set = field(default_factory=set)
    seconded_leaders: set = field(default_factory=set)
    deputy_holders: set = field(default_factory=set)  # anyone holding a deputy post, seconded or not
    party_member_deputies: set = field(default_factory=set)  # non-seconded deputies who are party members
    committee_members: set = field(default_factory=set)  # 党工委委员
    names: dict = field(default_factory=dict)  # person id -> name, for the findings' messages
    organisation_members: set = field(default_factory=set)
    party_secretaries: set = field(default_factory=set)
    npc_directors: set = field(default_factory=set)
    npc_deputy_directors: set = field(default_factory=set)
    npc_members: set = field(default_factory=set)
    npc_members_not_deputies: set = field(default_factory=set)
    # approval references on active posts, by what each approves (governance.findings.cover_key)
    approvals: dict = field(default_factory=lambda: defaultdict(list))

    @property
    def staff_count(self) -> int:
        return len(self.staff)

    @property
    def principal_count(self) -> int:
        return len(self.principals)

    @property
    def deputy_count(self) -> int:
        # A person who holds a principal post and a deputy one (交叉任职) counts once, as a principal.
        return len(self.deputies - self.principals)

    @property
    def leadership_count(self) -> int:
        return len(self.principals | self.deputies)


def staffing_add(s: StreetStaffing, *, person_id, kind, is_secondment, staff_category, is_npc_deputy,
                 approval_reference, excluded_categories, approval_covers: str = "", is_party_member=False,
                 name: str = "") -> None:
    """Count one post into a street's staffing: the single place the counting rules of 二(二) live."""
    if name:
        s.names[person_id] = name
    if kind == PostKind.STREET_COMMITTEE_MEMBER:
        s.committee_members.add(person_id)
    if kind in STREET_DEPUTY_KINDS and not is_secondment and is_party_member:
        s.party_member_deputies.add(person_id)
    if approval_reference:
        for key in covers_of(approval_covers):
            s.approvals[key].append(approval_reference)
    if kind in NPC_KINDS:
        {PostKind.NPC_DIRECTOR: s.npc_directors, PostKind.NPC_DEPUTY_DIRECTOR: s.npc_deputy_directors,
         PostKind.NPC_MEMBER: s.npc_members}[kind].add(person_id)
        if kind == PostKind.NPC_MEMBER and not is_npc_deputy:
            s.npc_members_not_deputies.add(person_id)
        return  # NPC working-committee posts are held concurrently or by NPC deputies: not street staff
    if kind == PostKind.STREET_PARTY_SECRETARY:
        s.party_secretaries.add(person_id)
    if kind in STREET_DEPUTY_KINDS:
        s.deputy_holders.add(person_id)
    if is_secondment:
        # 二(二)2: seconded leaders are not counted in the 6 posts, nor as the street's own staff.
        if kind in STREET_PRINCIPAL_KINDS | STREET_DEPUTY_KINDS:
            s.seconded_leaders.add(person_id)
        return
    if kind in STREET_PRINCIPAL_KINDS:
        s.principals.add(person_id)
    elif kind in STREET_DEPUTY_KINDS:
        s.deputies.add(person_id)
    elif kind == PostKind.ORGANISATION_MEMBER:
        s.organisation_members.add(person_id)
    # 二(二)1: law-enforcement squad and station staff are not counted toward the 30.
    if staff_category in excluded_categories:
        if person_id not in s.staff:
            s.excluded[staff_category].add(person_id)
    else:
        s.staff.add(person_id)
        for ids in s.excluded.values():
            ids.discard(person_id)


def street_staffing(*, street_ids, on: datetime.date | None = None, rules: RuleBook | None = None,
                    exclude_post_id: int | None = None) -> dict[int, StreetStaffing]:
    """Staffing of several streets in one query (二(二)1, 二(二)2), counted once per RuleBook (one request):
    the page, the findings and the gap table share the counts."""
    rules = rules or RuleBook(on=on)
    on = rules.on
    cache = rules.cache.setdefault("street_staffing", {}) if not exclude_post_id else {}
    missing = [sid for sid in street_ids if sid not in cache]
    if not missing:
        return {sid: cache[sid] for sid in street_ids}
    excluded_categories = set(rules["street.staff_cap"].value["excluded_categories"])
    result = {sid: StreetStaffing(street_id=sid) for sid in missing}
    rows = active_posts(on=on).filter(street_id__in=list(result), kind__in=sorted(STREET_KINDS)).order_by()
    if exclude_post_id:
        rows = rows.exclude(pk=exclude_post_id)
    for street_id, person_id, kind, seconded, category, npc_deputy, approval, covers, party, name in rows.values_list(
        "street_id", "person_id", "kind", "is_secondment", "staff_category", "person__is_npc_deputy",
        "approval_reference", "approval_covers", "person__is_party_member", "person__name",
    ):
        staffing_add(result[street_id], person_id=person_id, kind=kind, is_secondment=seconded,
                     staff_category=category, is_npc_deputy=npc_deputy, approval_reference=approval,
                     excluded_categories=excluded_categories, approval_covers=covers, is_party_member=party,
                     name=name)
    cache.update(result)
    return {sid: cache.get(sid) or result[sid] for sid in street_ids}


def street_community_sums(*, street_ids) -> dict[int, tuple[int, int]]:
    """{street id: (communities, households)} of these streets (all their communities): one grouped query over
    the district's communities, summed once per change of the data (governance/derived.py, issue 14)."""
    from governance import derived

    ids = sorted(street_ids)

    def sums() -> dict[int, tuple[int, int]]:
        rows = (Street.objects.filter(pk__in=ids).order_by()
                .annotate(n=Count("communities"), households=Sum("communities__households"))
                .values_list("pk", "n", "households"))
        return {pk: (n, households or 0) for pk, n, households in rows}

    return derived.figure("streets.community_sums", tuple(ids), sums)


# The rules street_career_posts_total reads (a list of streets reads only these: RuleBook(keys=...)).
STREET_CAREER_POSTS_RULES = ("street.extra_career_posts",)


def street_career_posts_total(*, street: Street, rules: RuleBook) -> int:
    """Career establishment with the extra post of 二(二)1 once it has been granted."""
    extra = rules["street.extra_career_posts"].value if street.extra_career_post_granted else 0
    return street.career_posts + extra

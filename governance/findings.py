"""Breaches of the rules: one check function per rule returns `Breach`es, and three callers share them.

- a service refuses a write that would introduce a breach or make one worse (`refuse_new_breaches`);
- the findings page lists every breach in the user's scope (`findings_for`, from the providers the apps
  registered with `governance.registry.findings`);
- the gap tables show the same breaches beside the quotas.

Caps may be exceeded only with a recorded approval; a breach with an approval is still listed, marked
as approved, so that reviewers see it.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from governance.exceptions import RuleViolation
from governance.registry import registry
from governance.rules import RuleBook


@dataclass(frozen=True)
class Breach:
    """A state a rule does not allow, found by the rule's check function.

    `item` tells breaches of one rule apart (e.g. principal and deputy posts of 二(二)2); `excess` says
    by how much a cap is passed (1 for a state that is simply wrong); `short` marks a missing holder,
    which a report lists but no appointment is refused for; `approvable` caps may be passed with an
    approval reference. `approvals` lists the references that cover this breach: each approves the one
    excess its post caused, of this rule, item and rule version (`cover_key`), nothing else.
    """

    rule: object  # the RuleValue the check read
    item: str
    message: str
    excess: int = 1
    short: bool = False
    approvable: bool = False
    field: str | None = None
    approvals: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule.key, self.item)

    @property
    def cover_key(self) -> str:
        return cover_key(self.rule, self.item)

    @property
    def uncovered(self) -> int:
        """The excess no approval covers."""
        return max(self.excess - len(self.approvals), 0) if self.approvable else self.excess

    @property
    def approved(self) -> bool:
        return self.approvable and not self.short and self.uncovered == 0

    def violation(self, hint: str = "") -> RuleViolation:
        return RuleViolation(self.message + hint, rule=self.rule, field=self.field)


def cover_key(rule, item: str) -> str:
    """What an approval reference on a post approves: one rule, one item of it, one rule version."""
    return f"{rule.key}:{item}@{rule.effective_from.isoformat()}"


def covers_of(approval_covers: str) -> list[str]:
    return [key for key in (approval_covers or "").split(",") if key]


def refuse_new_breaches(*, before: list[Breach], after: list[Breach], approval_reference: str = "",
                        post=None) -> None:
    """Refuse a write whose result breaks a rule the state before it did not break, or breaks it further.

    A missing holder (`short`) is never a reason to refuse; an approvable cap may be passed when the
    write records an approval reference, which then covers that breach only: its cover key is added to
    `post.approval_covers` (see Breach.approvals).
    """
    was = {b.key: b.excess for b in before}
    for breach in after:
        if breach.short or breach.excess <= was.get(breach.key, 0):
            continue
        if breach.approvable:
            if approval_reference:
                if post is not None:
                    covers = set(covers_of(post.approval_covers)) | {breach.cover_key}
                    post.approval_covers = ",".join(sorted(covers))
                continue
            raise RuleViolation(breach.message + _("；如经批准，请填写批准文号"), rule=breach.rule,
                                field="approval_reference")
        raise breach.violation()


@dataclass(frozen=True)
class Finding:
    rule: str
    clause: str
    title: str
    subject: str  # the street's, community's or station's name
    street: str
    street_id: int | None
    message: str
    url: str = ""  # reverse_lazy: resolved when shown, so a caller that only counts or checks never loads the URLconf
    approved: bool = False
    approvals: tuple[str, ...] = ()  # the approval references that cover it
    uncovered: int = 0  # the excess no approval covers


def finding(breach: Breach, *, subject: str, street, url: str = "") -> Finding:
    return Finding(rule=breach.rule.key, clause=breach.rule.clause, title=breach.rule.title, subject=subject,
                   street=street.name if street else "", street_id=street.pk if street else None,
                   message=breach.message, url=url, approved=breach.approved,
                   approvals=tuple(breach.approvals) if breach.approvable else (),
                   uncovered=breach.uncovered if breach.approvable else 0)


def findings_for(*, user, on: datetime.date | None = None, rules: RuleBook | None = None,
                 street_id: int | None = None, community_id: int | None = None) -> list[Finding]:
    """Every finding in the user's scope (optionally of one street or community), from every registered
    provider, each in a constant number of queries."""
    rules = rules or RuleBook(on=on)
    found: list[Finding] = []
    for provider in registry.findings:
        found.extend(provider(user=user, rules=rules, street_id=street_id, community_id=community_id))
    return found


# --- counts and pages (issue 14: the district's counts are counted, not built) ---------------------------

def _counted(*, user, rules: RuleBook, street_id, community_id) -> dict:
    """Every counting form's counts ({provider: Counter}), counted once per change of the data: kept under the
    data generation (governance/derived.py), keyed by the user's scope, the unit asked for and the rules' date."""
    from governance import derived

    counters = [(provider, registry.finding_counts[provider]) for provider in registry.findings
                if provider in registry.finding_counts]

    def count() -> dict:
        return {_name(provider): Counter(fn(user=user, rules=rules, street_id=street_id, community_id=community_id))
                for provider, fn in counters}

    key = (derived.scope_key(user), street_id, community_id, rules.figure_key, [_name(p) for p, _fn in counters])
    by_name = derived.figure("findings.counts", key, count, cacheable=rules.figure_key is not None)
    return {provider: by_name[_name(provider)] for provider, _fn in counters}


def _name(provider) -> str:
    return f"{provider.__module__}.{provider.__qualname__}"


def _counts_of(provider, *, user, rules: RuleBook, street_id, community_id, built: dict, counted: dict) -> Counter:
    """One provider's findings per (street id, approved): its counting form's (`counted`, from _counted) if it
    registered one, else by building its findings (kept in `built`, so that a page of them is not built twice)."""
    if provider in counted:
        return counted[provider]
    found = provider(user=user, rules=rules, street_id=street_id, community_id=community_id)
    built[provider] = found
    return Counter((f.street_id, f.approved) for f in found)


def finding_counts(*, user, on: datetime.date | None = None, rules: RuleBook | None = None,
                   street_id: int | None = None, community_id: int | None = None) -> Counter:
    """How many findings `findings_for` lists, per (street id, approved), counted by the providers' counting
    forms (SQL aggregates, a constant number of queries, cached under the data generation) where they have one."""
    rules = rules or RuleBook(on=on)
    total: Counter = Counter()
    built: dict = {}
    counted = _counted(user=user, rules=rules, street_id=street_id, community_id=community_id)
    for provider in registry.findings:
        total.update(_counts_of(provider, user=user, rules=rules, street_id=street_id, community_id=community_id,
                                built=built, counted=counted))
    return total


def _wanted(approved: bool, status: str) -> bool:
    return not status or approved == (status == "approved")


@dataclass(frozen=True)
class FindingsPage:
    findings: list  # the findings of this page, in the order of the whole list
    number: int  # 1-based, within 1..pages
    pages: int
    total: int  # after the status filter
    open_count: int
    approved_count: int
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def findings_page(*, user, rules: RuleBook | None = None, street_id: int | None = None, status: str = "",
                  page: int = 1, per_page: int = 50, sort_key=None, street_names=None) -> FindingsPage:
    """One page of `findings_for` (after the status filter: "", "open" or "approved"), ordered by street as
    `sort_key(street name)` orders them (a street's findings in provider order), with the whole list's
    totals, building only the findings of the (street, provider) parts the page shows: the totals come from
    the counting forms. `street_names(ids)` returns {street id: name} for the counted streets."""
    rules = rules or RuleBook()
    built: dict = {}
    counted = _counted(user=user, rules=rules, street_id=street_id, community_id=None)
    per_provider = [(provider, _counts_of(provider, user=user, rules=rules, street_id=street_id, community_id=None,
                                          built=built, counted=counted)) for provider in registry.findings]
    open_count = sum(n for _p, counts in per_provider for (_s, approved), n in counts.items() if not approved)
    approved_count = sum(n for _p, counts in per_provider for (_s, approved), n in counts.items() if approved)
    streets = {s for _p, counts in per_provider for (s, _a), n in counts.items() if n}
    names = street_names([s for s in streets if s is not None]) if street_names else {}
    order = sorted(streets, key=lambda s: (sort_key or str)(names.get(s, "") if s is not None else ""))
    total = sum(n for _p, counts in per_provider for (_s, approved), n in counts.items() if _wanted(approved, status))
    pages = max((total + per_page - 1) // per_page, 1)
    number = min(max(page, 1), pages)
    start, end = (number - 1) * per_page, number * per_page
    # The (street, provider) parts the page shows; each provider is then called once: for its one street on the
    # page, or (on a page spanning streets) for all of them, so that a page costs a constant number of queries.
    parts: list = []
    at = 0
    for street in order:
        for index, (_provider, counts) in enumerate(per_provider):
            n = sum(counts[(street, approved)] for approved in (False, True) if _wanted(approved, status))
            if n and at < end and at + n > start:
                parts.append((street, index, max(start - at, 0), end - at))
            at += n
    # A provider with a stream (`registry.findings(fn, stream=)`) shown for one street reads only the units that
    # hold the part on the page: the stream is read lazily, up to the part's last finding (issue 14).
    streamed: dict = {}
    for index, (provider, _counts) in enumerate(per_provider):
        wanted = {street for street, i, _a, _b in parts if i == index}
        if provider in built or not wanted:
            continue
        one = next(iter(wanted)) if len(wanted) == 1 and None not in wanted else street_id
        stream = registry.finding_streams.get(provider)
        if stream is not None and one is not None and len(wanted) == 1:
            _street, _i, first, last = next(part for part in parts if part[1] == index)
            found = (f for f in stream(user=user, rules=rules, street_id=one, community_id=None, need=last)
                     if f.street_id == one and _wanted(f.approved, status))
            streamed[index] = list(itertools.islice(found, first, last))
        else:
            built[provider] = provider(user=user, rules=rules, street_id=one, community_id=None)
    shown: list = []
    for street, index, first, last in parts:
        if index in streamed:
            shown.extend(streamed[index])
            continue
        found = [f for f in built[per_provider[index][0]] if f.street_id == street and _wanted(f.approved, status)]
        shown.extend(found[first:last])
    return FindingsPage(findings=shown, number=number, pages=pages, total=total, open_count=open_count,
                        approved_count=approved_count, per_page=per_page)


def in_chunks(units, build: Callable[[list], Iterable], *, need: int | None = None) -> Iterator:
    """What `build(chunk)` finds for the units of `units` (a queryset in a total order), chunk after chunk, in
    the units' order: a provider's paging (issue 14), the rules staying in its checks.

    Without `need`, one chunk: every unit, read at once (the full list, a constant number of queries). With
    `need` (the findings its reader wants from the start), at most three chunks, each read only when the reader
    asks for more: the first `need` units, then as many as the findings found so far suggest (half as many again),
    then the rest; so a page's first findings are found by reading the first few units, and a page costs at
    most three times a provider's queries. `build` is called once per chunk, in order, and may keep state
    between its calls."""
    if need is None:
        chunk = list(units)
        if chunk:
            yield from build(chunk)
        return
    read, found, size = 0, 0, max(need, 1)
    for last in (False, False, True):
        chunk = list(units[read:] if last else units[read:read + size])
        if not chunk:
            return
        for item in build(chunk):
            found += 1
            yield item
        read += len(chunk)
        if len(chunk) < size:
            return
        # (a reader past `need` wants more than it said: at least one unit more, then the rest)
        size = max(math.ceil((need - found) * read / found * 1.5), 1) if found else read * 8


def breaches_by_street(queryset, breaches, *, street: str = "street_id", approved=None) -> dict:
    """The counting forms' common end: `breaches`, an integer SQL expression of each row of `queryset` (how
    many breaches of one check the row has), summed per street in one grouped query: {street_id: n}; with
    `approved` (a Q of the row: its breaches are approved), {(street_id, approved): n}."""
    from django.db.models import IntegerField, Sum

    if approved is None:
        rows = (queryset.order_by().annotate(breaches_of_row=breaches).values(street)
                .annotate(n=Sum("breaches_of_row", output_field=IntegerField())).values_list(street, "n"))
        return {street_id: n for street_id, n in rows if n}
    rows = (queryset.order_by().annotate(breaches_of_row=breaches).values(street).annotate(
        open=Sum("breaches_of_row", filter=~approved, output_field=IntegerField()),
        approved=Sum("breaches_of_row", filter=approved, output_field=IntegerField()))
        .values_list(street, "open", "approved"))
    counts = {}
    for street_id, open_, approved_ in rows:
        counts.update({key: n for key, n in (((street_id, False), open_), ((street_id, True), approved_)) if n})
    return counts


def flag(condition, value: int = 1):
    """An SQL integer: `value` where `condition` (a Q) holds, else 0 (one breach per row that breaks it)."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())

"""Holding a check's counting form to its list form (issue 14): the counts the district pages show come from
SQL aggregates (`@check.counter`), the findings from the check itself; both must give the same numbers."""

from collections import Counter

from governance.findings import findings_for
from governance.registry import registry
from governance.roles import Role
from governance.rules import RuleBook
from tests import factories as f


def listed(rule: str, *, on, user=None, **where) -> Counter:
    """The findings of `rule` the list form gives, per (street id, approved)."""
    user = user or f.user(Role.DISTRICT_ADMIN)
    return Counter((x.street_id, x.approved) for x in findings_for(user=user, on=on, **where) if x.rule == rule)


def provider_forms(*, on, user=None, **where) -> list[tuple[str, Counter, Counter]]:
    """Each provider with a counting form: (its name, what its list form gives, what its counting form gives),
    per (street id, approved)."""
    user = user or f.user(Role.DISTRICT_ADMIN)
    forms = []
    for provider, count in registry.finding_counts.items():
        kwargs = {"street_id": None, "community_id": None, **where}
        built = provider(user=user, rules=RuleBook(on=on), **kwargs)
        forms.append((provider.__qualname__, Counter((x.street_id, x.approved) for x in built),
                      Counter(count(user=user, rules=RuleBook(on=on), **kwargs))))
    return forms


def assert_forms_agree(*, on, user=None, **where) -> None:
    for name, built, counted in provider_forms(on=on, user=user, **where):
        assert +counted == +built, name


def listed_matching(text: str, *, on=None, user=None, **where) -> Counter:
    """The findings whose message holds `text` (one check's findings, where checks share a rule), per
    (street id, approved)."""
    user = user or f.user(Role.DISTRICT_ADMIN)
    return Counter((x.street_id, x.approved) for x in findings_for(user=user, on=on, **where) if text in x.message)

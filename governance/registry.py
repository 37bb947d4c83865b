"""What the district-wide core must know of the apps above it, registered by each app in its
`AppConfig.ready()`.

The core (`governance`: models, services, selectors, rules, roles, scope, audit, its API) imports no
app. An app imports the core and registers here:

- `scoped_model(Model, selector)`: how rows of a model are scoped to a user (every relation field,
  filter and list of that model then uses it; a viewset cannot list a model that did not declare it);
- `post_unit(field, Model)`: a unit a post names, locked while a post's rules are checked;
- `rule_check(name, ...)`: a rule check, by name, so that the rule-guard run can turn each one off
  and prove a test fails without it (`tests/rule_guard.py`); `@check.counter` gives it a counting form
  (how many breaches it finds per street, as SQL aggregates, for the district's counts: issue 14), written
  beside it in the same checks.py and turned off with it;
- `post_check(kinds, fn)` / `person_check(fn)`: the rule checks a post or a change of a person's
  record must pass;
- `post_changed(kinds, fn)`: what an app keeps in step when a post of those kinds is saved or ended,
  called by the post services in the same transaction, `fn(post, previous=, acting_user=)` (`previous`:
  the post as it was, None for a new one);
- `findings(fn, count=, stream=)`: a provider of findings (states the rules do not allow) for the findings
  page, with `count`, its counting form (`{(street_id, approved): n}`, from its checks' counters), if it has
  one, and `stream`, its lazy form that reads its units in chunks (a page builds only what it shows);
- `audited(*labels)`: models whose history the audit trail shows;
- `role_permissions(role, perms)`, `scope_grant(role, model_label, permission, level)`: what each role
  may do, and the per-object grant that gives a scoped role its unit;
- `page_section(page, fn)`: a section another app adds to a unit's page (e.g. quotas on a street page).
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class RuleCheck:
    name: str  # the policy rule key it enforces, or a name for a structural check
    function: Callable
    app_label: str


@dataclass(frozen=True)
class ScopeGrant:
    role: str
    model_label: str  # "streets.street"
    permission: str  # "streets.access_street"
    level: str  # the Scope field its objects fill: "street_ids", "community_ids", ...


@dataclass
class _Registry:
    scoped_models: dict = field(default_factory=dict)  # model -> selector(user=) -> QuerySet
    post_units: dict = field(default_factory=dict)  # Post field name -> model
    rule_checks: dict = field(default_factory=dict)  # name -> RuleCheck
    rule_counters: dict = field(default_factory=dict)  # name -> the counting form of that rule check
    post_checks: list = field(default_factory=list)  # (frozenset of kinds, fn(post, context))
    post_changes: list = field(default_factory=list)  # (frozenset of kinds, fn(post, previous=, acting_user=))
    person_checks: list = field(default_factory=list)  # fn(person, changes, held_kinds)
    findings: list = field(default_factory=list)  # fn(*, user, rules, street_id, community_id) -> list
    finding_counts: dict = field(default_factory=dict)  # findings fn -> its counting form (same keywords)
    finding_streams: dict = field(default_factory=dict)  # findings fn -> its lazy form (same keywords and `need`)
    audited: list = field(default_factory=list)  # "app.Model"
    role_permissions: dict = field(default_factory=dict)  # role value -> list of "app.codename"
    scope_grants: dict = field(default_factory=dict)  # role value -> ScopeGrant
    page_sections: dict = field(default_factory=dict)  # page name -> [fn(request, obj, context) -> dict]


registry = _Registry()

# Names of rule checks turned off for one test run, and whether calls are traced (tests/rule_guard.py sets
# both; never in production).
_DISABLED = frozenset(filter(None, os.environ.get("GOVERNANCE_DISABLED_RULE_CHECKS", "").split(",")))
TRACE_CALLS = bool(os.environ.get("GOVERNANCE_TRACE_RULE_CHECKS"))
traced: set[str] = set()


def scoped_model(model, selector: Callable) -> None:
    registry.scoped_models[model] = selector


def selector_for(model) -> Callable:
    try:
        return registry.scoped_models[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} declares no scope: register its selector with "
            "governance.registry.scoped_model() in its app's AppConfig.ready()."
        ) from None


def post_unit(field_name: str, model) -> None:
    registry.post_units[field_name] = model


def rule_check(name: str, *, app_label: str) -> Callable:
    """Decorator: register a rule check under `name`; when the rule guard turns it off, it does nothing."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if TRACE_CALLS:
                traced.add(name)
            if name in _DISABLED:
                return None
            return function(*args, **kwargs)

        if name in registry.rule_checks and registry.rule_checks[name].function is not function:
            raise ImproperlyConfigured(f"Two rule checks are named {name!r}.")
        registry.rule_checks[name] = RuleCheck(name=name, function=function, app_label=app_label)
        wrapper.counter = _counter_of(name)
        return wrapper

    return decorate


def _counter_of(name: str) -> Callable:
    """Decorator (`@check.counter`): the counting form of the rule check `name`, a function returning how
    many breaches the check finds, `{street_id: n}` or `{(street_id, approved): n}` (a bare street id counts
    as not approved), computed with SQL aggregates instead of building each breach. It reads the same
    RuleBook values as the check, and a test holds both to the same numbers at the rule's boundaries. When
    the rule guard turns the check off, its counter counts nothing, as the check finds nothing."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs) -> Counter:
            if TRACE_CALLS:
                traced.add(name)
            if name in _DISABLED:
                return Counter()
            counts: Counter = Counter()
            for key, n in function(*args, **kwargs).items():
                if n:
                    counts[key if isinstance(key, tuple) else (key, False)] += n
            return counts

        if name in registry.rule_counters and registry.rule_counters[name] is not function:
            raise ImproperlyConfigured(f"Two counters are given for the rule check {name!r}.")
        registry.rule_counters[name] = function
        return wrapper

    return decorate


def post_check(kinds: Iterable[str], function: Callable) -> None:
    registry.post_checks.append((frozenset(kinds), function))


def post_changed(kinds: Iterable[str], function: Callable) -> None:
    registry.post_changes.append((frozenset(kinds), function))


def person_check(function: Callable) -> None:
    registry.person_checks.append(function)


def findings(function: Callable, *, count: Callable | None = None, stream: Callable | None = None) -> None:
    """Register a findings provider; `count`, its counting form, returns `{(street_id, approved): n}` for
    the same keywords, without building the findings (providers without one are counted by building);
    `stream`, its lazy form, yields the same findings in the same order for the same keywords, reading its
    units in chunks (`governance.findings.in_chunks`) with `need=` the findings its reader wants, so that a
    page of them builds only the units it shows (issue 14)."""
    registry.findings.append(function)
    if count is not None:
        registry.finding_counts[function] = count
    if stream is not None:
        registry.finding_streams[function] = stream


def audited(*labels: str) -> None:
    for label in labels:
        if label not in registry.audited:
            registry.audited.append(label)


def role_permissions(role, perms: Iterable[str]) -> None:
    registry.role_permissions.setdefault(str(role), []).extend(perms)


def scope_grant(role, *, model_label: str, permission: str, level: str) -> None:
    registry.scope_grants[str(role)] = ScopeGrant(str(role), model_label, permission, level)


def page_section(page: str, function: Callable) -> None:
    registry.page_sections.setdefault(page, []).append(function)


def page_sections(page: str, request, obj, **shared) -> dict:
    """The context every section registered for `page` adds for `obj` (`shared`: what the page already
    read, e.g. its RuleBook, passed on so that nothing is read twice)."""
    context: dict = {}
    for function in registry.page_sections.get(page, []):
        context.update(function(request, obj, **shared))
    return context

import os

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from governance.roles import Role
from tests import factories as f

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str):
    """A missing service skips locally and fails in CI (DEVELOPERS.md)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure)")
    pytest.skip(reason)



_RULE_CHECK_CALLS: dict[str, list[str]] = {}


@pytest.fixture(autouse=True)
def _trace_rule_checks(request):
    """With GOVERNANCE_TRACE_RULE_CHECKS set (tests/rule_guard.py), record which rule checks each test ran."""
    from governance import registry

    if not registry.TRACE_CALLS:
        yield
        return
    registry.traced.clear()
    yield
    _RULE_CHECK_CALLS[request.node.nodeid] = sorted(registry.traced)


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("GOVERNANCE_TRACE_RULE_CHECKS")
    if path and _RULE_CHECK_CALLS:
        import json

        with open(path, "w", encoding="utf-8") as out:
            json.dump(_RULE_CHECK_CALLS, out, ensure_ascii=False, indent=0)


@pytest.fixture(autouse=True)
def _default_language():
    """The language middleware activates the request's language in the test's thread and leaves it active;
    start each test in the default language (zh-hans), so rule messages a test reads do not depend on order."""
    translation.deactivate()
    yield
    translation.deactivate()

@pytest.fixture(autouse=True)
def _empty_cache():
    """The API throttles count in the cache (local memory in tests): each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def two_streets(db):
    """Two streets, each with a community; the usual setting for scope tests."""
    a, b = f.street(name="甲街"), f.street(name="乙街")
    return {"a": a, "b": b, "ca": f.community(a, name="甲一社区"), "cb": f.community(b, name="乙一社区")}


@pytest.fixture
def admin_user(db):
    return f.user(Role.DISTRICT_ADMIN)


@pytest.fixture
def api():
    return APIClient()


def api_as(user_):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.token_for(user_)}")
    return client


@pytest.fixture
def api_for():
    return api_as


# The data migrations' seeds, each idempotent (get_or_create): what `migrate` leaves in a new database.
MIGRATION_SEEDS = [
    ("governance.migrations.0004_the_district", "create_district"),
    ("service_stations.migrations.0004_seed_calendar_catalogue_reminders", "seed"),
    ("grids.migrations.0004_seed_event_categories_and_reminders", "seed"),
    ("admissions.migrations.0002_default_lists", "create_defaults"),
]


def restore_migration_seeds() -> None:
    """A transactional test's flush empties what the data migrations seeded (rules, the district, the working
    calendar, the 33 service items, the event categories, the admission lists); a later transactional test
    that needs them, seed_demo above all, puts them back first."""
    from importlib import import_module

    from django.apps import apps

    from governance.rules import rules_seed

    rules_seed()
    for module, function in MIGRATION_SEEDS:
        getattr(import_module(module), function)(apps, None)

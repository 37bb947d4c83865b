"""Figures derived from the whole district's data (counts, sums), kept in Django's cache under a *data generation*.

Some figures are aggregates over every community, grid or post of a scope: the findings' counts (the checks'
`@check.counter` forms), a street's and the district's quota totals. Indexes and plans make them cheaper, but
a count over 10,000 communities still grows with the district (issue 14). Such a figure changes only when the
data changes, so it is computed once per change, not once per request:

    figure("findings.counts", (scope_key(user), street_id, rules.on), lambda: ...)

The figure is stored under a key that carries the **data generation**: a PostgreSQL sequence
(`governance_data_generation`, migration governance/0019) that every write Django sends moves on. Reading it is
one cheap query per figure (`SELECT last_value`: a sequence is not transactional, every session sees its
latest value at once). How it moves:

- A connection `execute_wrapper`, installed on every connection (`connection_created`), looks at each
  statement. Outside a transaction (autocommit) a writing statement (INSERT, UPDATE, DELETE, MERGE, TRUNCATE,
  COPY, DDL; also inside WITH or raw SQL: the words are looked for anywhere but in `FOR UPDATE`) bumps the
  generation right after it ran, i.e. after it committed.
- Inside `transaction.atomic`, the first writing statement bumps it at once (nextval is not transactional)
  and registers a bump on commit (`transaction.on_commit`). A reader that read the generation before the
  commit and computed from a snapshot that missed the write stores its figure under a generation that the
  commit's bump then supersedes; one that reads the generation after the commit's bump computes from a
  snapshot taken after it. The only window is between the COMMIT and the bump right after it, the time of one
  round trip: a figure served there is as old as the write, as if the write had committed a moment later.
- A transaction that has written (PostgreSQL assigned it a transaction id: `txid_current_if_assigned()`, read
  with the generation) neither serves nor stores a figure: it reads its own uncommitted writes, which may yet
  roll back (Django has no on_rollback), and an entry computed before its writes would hide them from it. This
  covers the tests too: pytest-django runs each test in a transaction it rolls back, so a test that wrote
  always computes afresh and stores nothing, and a later test never meets an earlier one's rolled-back data.
- A statement that writes only bookkeeping (`BOOKKEEPING_TABLES`: sessions, the login guard's logs, tokens, Celery
  beat's runs) moves nothing: no figure reads those tables (a test traces every figure's SQL), and a login or a
  beat tick would otherwise recount every figure of the district.
- Under an isolation level other than READ COMMITTED (one snapshot for the whole transaction, maybe older than
  the generation read) nothing is served or stored.

Every process reads the generation from the database, so each one is right on its own with the local-memory
cache (one copy per gunicorn worker), and they share entries with Redis (DJANGO_CACHE_URL).

What it cannot see: writes that bypass Django's connections (psql, another system writing the database, a raw
psycopg connection). Entries expire after `settings.DERIVED_CACHE_TTL` seconds (300 by default): such a write
shows in the figures within that time, or at once after any write through Django. `bump()` moves the
generation by hand (e.g. after an import run outside Django).

The key carries everything a figure depends on besides the data: the caller gives which figure and its inputs
(scope, street, the date the rules are read on, the year...); `figure()` adds today's date (counts of overdue
things and "figures as of today" change at midnight) and the rule checks turned off for the rule guard
(`GOVERNANCE_DISABLED_RULE_CHECKS`, so that a turned-off counter is never hidden by a figure counted with it
on). Policy rules are data: a new rule version is a write, which moves the generation. A RuleBook with
overrides (the what-if) is never cached: callers pass `cacheable=False`.

`settings.DERIVED_CACHE` turns it off (the figures are then computed on every request, as before). SQLite,
the embedded single-process default, has no sequence outside transactions: nothing is cached there (its demo
district is small, and a one-row counter table would be one more write in every transaction, locking the
whole file).

Only figures: never cache lists or pages of rows with this (their size and their keys are unbounded).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils import timezone

T = TypeVar("T")

SEQUENCE = "governance_data_generation"
_PREFIX = "derived"

# A statement writes if it has one of these words (outside `FOR [NO KEY] UPDATE`, a row lock of a read). A false
# positive costs one bump (a miss of every figure), never a wrong figure.
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|CREATE|ALTER|DROP)\b", re.IGNORECASE)
_ROW_LOCK = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.IGNORECASE)


# Tables no figure reads, whose writes come with no change of the district's data: sessions (a login, a message),
# the login guard's attempts and logs, API tokens, the admin's log (its change is written beside), Celery beat's
# bookkeeping (every run of a periodic task updates its row) and task results. A statement that writes only one
# of them moves nothing: otherwise each login or beat tick would recount every figure. A figure that comes to
# read one of them must take it out of this list (tests/governance/test_derived.py checks the figures' tables).
BOOKKEEPING_TABLES = ("django_session", "axes_", "authtoken_token", "django_admin_log", "django_celery_beat_",
                      "django_celery_results_")
# A statement that writes one table and nothing else: INSERT INTO / UPDATE / DELETE FROM "table" ..., with no
# other writing word after it (a WITH, a second statement or a data-modifying CTE is a write as any).
_SINGLE_TARGET = re.compile(r'\A\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)


def enabled(using: str = "default") -> bool:
    return bool(getattr(settings, "DERIVED_CACHE", True)) and connections[using].vendor == "postgresql"


def is_write(sql: str) -> bool:
    found = _WRITES.search(sql)
    if found is None:
        return False
    if found.group(1).upper() != "UPDATE":
        return True
    return _WRITES.search(_ROW_LOCK.sub(" ", sql)) is not None


def moves_figures(sql: str) -> bool:
    """Whether a statement may change what a figure reads: a write (`is_write`), unless it writes only one of the
    BOOKKEEPING_TABLES."""
    if not is_write(sql):
        return False
    target = _SINGLE_TARGET.match(sql)
    if target is None or not target.group(1).startswith(BOOKKEEPING_TABLES):
        return True
    rest = sql[target.end():]
    return ";" in rest or _WRITES.search(_ROW_LOCK.sub(" ", rest)) is not None


# --- the generation ------------------------------------------------------------------------------------

def _raw_bump(connection) -> None:
    """nextval on the connection's own DB-API connection: not through Django's cursor (no wrapper, no query
    log: a write's query count stays what it was)."""
    with connection.connection.cursor() as cursor:
        # NULL, not an error, before the migration that creates it (migrate itself writes)
        cursor.execute(f"SELECT nextval(to_regclass('{SEQUENCE}'))")


def bump(using: str = "default") -> None:
    """Move the generation on: every figure is computed again on its next read."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    _raw_bump(connection)


def _bump_on_commit_of(connection) -> Callable[[], None]:
    found = getattr(connection, "_derived_bump_on_commit", None)
    if found is None:
        def found():
            _raw_bump(connection)

        connection._derived_bump_on_commit = found
    return found


def write_watcher(execute, sql, params, many, context):
    """The execute_wrapper every PostgreSQL connection runs its statements through (see the module's doc)."""
    connection = context["connection"]
    if not isinstance(sql, str) or not moves_figures(sql):
        return execute(sql, params, many, context)
    if connection.in_atomic_block:
        on_commit = _bump_on_commit_of(connection)
        if not any(function is on_commit for _sids, function, *_rest in connection.run_on_commit):
            _raw_bump(connection)  # at once: other readers' entries of this moment are superseded
            connection.on_commit(on_commit)  # and again once the write is visible
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    _raw_bump(connection)  # autocommit: the statement has committed (or a manual transaction: bumped early)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: watch the connection's writes (PostgreSQL only)."""
    if connection is None or connection.vendor != "postgresql":
        return
    if write_watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(write_watcher)


def connect() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(install, dispatch_uid="governance.derived.install")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)


def generation(using: str = "default") -> int | None:
    """The current data generation, or None when this connection may neither serve nor store a figure (caching
    off, SQLite, a transaction that has written, an isolation level other than READ COMMITTED)."""
    if not enabled(using):
        return None
    connection = connections[using]
    if connection.in_atomic_block:
        from django.db.backends.postgresql.psycopg_any import IsolationLevel

        if connection.isolation_level != IsolationLevel.READ_COMMITTED:
            return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_regclass('{SEQUENCE}') IS NOT NULL, pg_sequence_last_value(to_regclass('{SEQUENCE}')),"
                       " txid_current_if_assigned() IS NOT NULL")
        exists, value, wrote = cursor.fetchone()
    return None if wrote or not exists else int(value or 0)


# --- figures ---------------------------------------------------------------------------------------------

def scope_key(user) -> tuple:
    """What a user's figures depend on of the user: their scope (governance.scope.scope_for), as a key."""
    from governance.scope import LEVELS, scope_for

    scope = scope_for(user)
    return ("district",) if scope.district_wide else tuple(tuple(sorted(getattr(scope, level))) for level in LEVELS)


def queryset_key(queryset) -> tuple:
    """A queryset as a key: its SQL and params (which rows it reads, the scope's filter included)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing (`.none()`): one key for all of them
        return (queryset.db, None, ())
    return (queryset.db, sql, tuple(repr(p) for p in params))


def _key(name: str, gen: int, key, using: str) -> str:
    from governance.registry import _DISABLED

    # the database too: two databases (a deployment's copies, the benchmark's sizes) may share one Redis, and
    # their generations say nothing of each other
    database = connections[using].settings_dict.get("NAME")
    raw = repr((key, database, timezone.localdate().isoformat(), tuple(sorted(_DISABLED))))
    return f"{_PREFIX}:{name}:{gen}:{hashlib.sha256(raw.encode()).hexdigest()}"


def figure(name: str, key, compute: Callable[[], T], *, using: str = "default", cacheable: bool = True) -> T:
    """`compute()`, or the figure it gave under the same `name` and `key` (a repr-stable value: tuples, ids,
    dates) since the data last changed. The value is pickled by the cache: a copy comes back."""
    gen = generation(using) if cacheable else None
    if gen is None:
        return compute()
    full = _key(name, gen, key, using)
    stored = cache.get(full)
    if isinstance(stored, tuple) and len(stored) == 1:
        return stored[0]
    value = compute()
    cache.set(full, (value,), getattr(settings, "DERIVED_CACHE_TTL", 300))
    return value

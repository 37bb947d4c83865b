"""Figures cached under the data generation (governance/derived.py): the generation moves on every kind of write
and on commit, a figure is never served once the data it was computed from changed, a transaction that wrote
never serves or stores one, and a user's figure is never another scope's.

Caching is PostgreSQL's (SQLite caches nothing): most of these tests run there only
(DATABASE_URL=postgres://...)."""

import itertools
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from communities.models import Community, PartyOrganization
from governance import derived
from governance.findings import finding_counts
from governance.roles import Role
from streets.selectors import street_community_sums
from tests import factories as f
from tests.conftest import api_as, restore_migration_seeds

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                    reason="the data generation is a PostgreSQL sequence (SQLite caches nothing)")


@pytest.fixture(autouse=True)
def seeded(request):
    """A test here starts from what the data migrations seeded (a transactional test's flush empties it)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
        restore_migration_seeds()


def current(using="default") -> int:
    """The sequence's value, read directly (whatever the transaction did)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT pg_sequence_last_value('{derived.SEQUENCE}')")
        return cursor.fetchone()[0] or 0


def stored_figures() -> list[str]:
    return [key for key in cache._cache if ":derived:" in key]


class Counting:
    """A figure's compute that counts its calls."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value() if callable(self.value) else self.value


def sums_of(street):
    return street_community_sums(street_ids=[street.pk])[street.pk]


def short_community(street):
    """A community without a party organisation: one finding (三(一), a missing organisation)."""
    community = f.community(street, party_members=5)
    PartyOrganization.objects.filter(community=community).delete()
    return community


# --- which statements write ------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    'INSERT INTO "x" VALUES (1)', 'UPDATE "x" SET a = 1', 'DELETE FROM "x"', "TRUNCATE x",
    'WITH moved AS (DELETE FROM "x" RETURNING id) SELECT id FROM moved', "select 1; update x set a = 2",
    'SELECT "a" FROM "x" FOR UPDATE; INSERT INTO "y" VALUES (1)', "CREATE INDEX i ON x (a)",
])
def test_a_writing_statement_is_seen(sql):
    assert derived.is_write(sql)


@pytest.mark.parametrize("sql", [
    'SELECT "x"."updated_at", "x"."deleted" FROM "x"', 'SELECT "a" FROM "x" WHERE "id" = %s FOR UPDATE',
    'SELECT "a" FROM "x" FOR NO KEY UPDATE OF "x"', "SAVEPOINT s1", "RELEASE SAVEPOINT s1",
])
def test_a_read_is_not_a_write(sql):
    assert not derived.is_write(sql)


@pytest.mark.parametrize("sql", [
    'UPDATE "django_session" SET "session_data" = %s, "expire_date" = %s WHERE "session_key" = %s',
    'INSERT INTO "django_session" ("session_key", "session_data", "expire_date") VALUES (%s, %s, %s)',
    'DELETE FROM "django_session" WHERE "session_key" IN (%s)',
    'INSERT INTO "axes_accesslog" ("user_agent", "ip_address") VALUES (%s, %s) RETURNING "axes_accesslog"."id"',
    'UPDATE "django_celery_beat_periodictask" SET "last_run_at" = %s, "total_run_count" = %s WHERE "id" = %s',
    'UPDATE "authtoken_token" SET "created" = %s WHERE "key" = %s',
])
def test_a_write_of_bookkeeping_alone_moves_no_figure(sql):
    assert derived.is_write(sql) and not derived.moves_figures(sql)


@pytest.mark.parametrize("sql", [
    'UPDATE "communities_community" SET "households" = %s',
    'UPDATE "django_session" SET "a" = 1; UPDATE "communities_community" SET "households" = 2',
    'DELETE FROM "django_session" WHERE "session_key" IN (SELECT 1 FROM "x"); DELETE FROM "governance_post"',
    'WITH s AS (DELETE FROM "django_session" RETURNING 1) INSERT INTO "governance_post" SELECT * FROM s',
    'UPDATE "axes_accessattempt" SET "failures" = 1 FROM (DELETE FROM "governance_post" RETURNING id) d',
    'INSERT INTO "governance_person" VALUES (1)',
    "TRUNCATE django_session",  # not the single-table form: a write like any
])
def test_a_write_of_district_data_or_more_than_bookkeeping_moves_the_figures(sql):
    assert derived.moves_figures(sql)


@pytest.mark.django_db
def test_no_figure_reads_a_bookkeeping_table(monkeypatch, settings, admin_user):
    """What BOOKKEEPING_TABLES leaves out of the generation must be read by no figure: every figure the pages and
    reports compute, traced."""
    settings.DERIVED_CACHE = False
    street = f.street(name="壬街")
    short_community(street)
    f.community(street, households=5200, party_members=130)
    read = []
    original = derived.figure

    def traced_figure(name, key, compute, **kwargs):
        def traced():
            with CaptureQueriesContext(connection) as queries:
                value = compute()
            read.extend((name, query["sql"]) for query in queries.captured_queries)
            return value
        return original(name, key, traced, **kwargs)

    monkeypatch.setattr(derived, "figure", traced_figure)
    client, api = f.client_for(admin_user), api_as(admin_user)
    for path in ("/district/", "/breaches/", f"/streets/{street.pk}/", "/quotas/", "/meetings/compliance/"):
        assert client.get(path).status_code == 200
    for path in ("/api/v1/quotas/summary/?year=2026", f"/api/v1/streets/{street.pk}/quotas/",
                 "/api/v1/meetings/compliance/"):
        assert api.get(path).status_code == 200
    names = {name for name, _sql in read}
    assert {"findings.counts", "streets.community_sums", "assessments.award_totals"} <= names, names
    assert len(names) >= 5, names
    for name, sql in read:
        assert not any(f'"{table}' in sql for table in derived.BOOKKEEPING_TABLES), (name, sql)


@pytest.mark.django_db
def test_sqlite_or_the_setting_off_caches_nothing(settings):
    settings.DERIVED_CACHE = False
    compute = Counting(7)
    assert [derived.figure("test.off", (1,), compute) for _ in range(2)] == [7, 7]
    assert compute.calls == 2
    assert derived.generation() is None


# --- the generation moves on every write -----------------------------------------------------------------

_codes = itertools.count(1)


def _bulk(street):
    n = next(_codes)
    Community.objects.bulk_create([Community(street=street, code=f"bulk{n}", name=f"批量{n}社区", households=1,
                                             party_members=1)])


# Each kind of write, given a community of the street that it may change or delete.
WRITES = {
    "service": lambda street, community: f.community(street),
    "bulk_create": lambda street, community: _bulk(street),
    "update": lambda street, community: Community.objects.filter(street=street).update(households=4321),
    "delete": lambda street, community: PartyOrganization.objects.filter(community=community).delete(),
    "raw cursor": lambda street, community: connection.cursor().execute(
        "UPDATE communities_community SET households = households + 1 WHERE street_id = %s", [street.pk]),
}


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", sorted(WRITES))
def test_every_kind_of_write_moves_the_generation_in_autocommit_and_on_commit(kind):
    street = f.street()
    first, second = f.community(street), f.community(street)
    before = current()
    WRITES[kind](street, first)  # autocommit: bumped once it ran
    after_autocommit = current()
    assert after_autocommit > before
    with transaction.atomic():
        WRITES[kind](street, second)
        at_once = current()
        assert at_once > after_autocommit  # the first write of the transaction bumps at once
        WRITES[kind](street, second)
        assert current() == at_once  # later writes of the same transaction: once is enough
    assert current() > at_once  # and again on commit


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_moves_nothing_and_a_write_keeps_its_query_count():
    street = f.street()
    before = current()
    list(Community.objects.all())
    assert current() == before
    with CaptureQueriesContext(connection) as queries:
        Community.objects.filter(street=street).update(households=1)
    assert len(queries) == 1  # the bump goes round the query log: a write's query count is what it was
    assert current() > before


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_session_saved_or_a_beat_tick_moves_no_figure_and_a_data_write_beside_it_does():
    from django.contrib.sessions.backends.db import SessionStore
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    task = PeriodicTask.objects.create(name="tick", task="x", interval=IntervalSchedule.objects.create(every=1,
                                                                                                     period="days"))
    before = current()
    session = SessionStore()
    session["seen"] = 1
    session.save()  # a login's, a message's
    session["seen"] = 2
    session.save()
    PeriodicTask.objects.filter(pk=task.pk).update(total_run_count=F("total_run_count") + 1)  # beat, each run
    assert current() == before
    with transaction.atomic():
        session["seen"] = 3
        session.save()
        f.street()
    assert current() > before


# --- transactions that wrote, test transactions ------------------------------------------------------------

@needs_postgres
@pytest.mark.django_db
def test_a_transaction_that_wrote_neither_serves_nor_stores():
    """pytest-django's test transaction is one: a write earlier in the same test shows at once, and nothing this
    test computed can reach a later test (its data rolls back)."""
    cache.clear()
    street = f.street()
    f.community(street)
    assert derived.generation() is None  # this transaction has written
    compute = Counting(lambda: sums_of(street))
    assert derived.figure("test.wrote", (street.pk,), compute) == (1, 2000)
    f.community(street)
    assert sums_of(street) == (2, 4000)  # the write made earlier in the same test
    assert stored_figures() == []


@needs_postgres
@pytest.mark.django_db
def test_the_district_page_shows_a_write_made_earlier_in_the_same_test(admin_user):
    street = f.street(name="丙街")
    client = f.client_for(admin_user)
    short_community(street)
    first = client.get("/district/")
    assert first.context["community_total"] == 1 and first.context["finding_count"] >= 1
    found = first.context["finding_count"]
    short_community(street)
    again = client.get("/district/")
    assert again.context["community_total"] == 2
    assert again.context["finding_count"] > found


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_figure_is_computed_once_per_change_and_anew_after_a_committed_write(admin_user):
    street = f.street(name="丁街")
    short_community(street)
    client = f.client_for(admin_user)
    first = client.get("/district/").context
    with CaptureQueriesContext(connection) as warm:
        second = client.get("/district/").context
    assert (second["community_total"], second["finding_count"]) == (first["community_total"], first["finding_count"])
    with CaptureQueriesContext(connection) as cold:
        cache.clear()
        client.get("/district/")
    assert len(warm) < len(cold)  # the counting queries are not run again
    with transaction.atomic():
        short_community(street)
    after = client.get("/district/").context
    assert after["community_total"] == first["community_total"] + 1
    assert after["finding_count"] > first["finding_count"]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_is_never_served():
    street = f.street()
    f.community(street)
    assert sums_of(street) == (1, 2000)  # stored
    with pytest.raises(RuntimeError), transaction.atomic():
        f.community(street)
        assert sums_of(street) == (2, 4000)  # the transaction sees its write (not the stored figure)
        assert derived.generation() is None
        raise RuntimeError("rolled back")
    assert sums_of(street) == (1, 2000)
    with pytest.raises(RuntimeError), transaction.atomic():
        Community.objects.filter(street=street).update(households=1)
        with transaction.atomic():  # a savepoint that wrote is the transaction's write too
            sums_of(street)
        raise RuntimeError("rolled back")
    assert sums_of(street) == (1, 2000)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_that_computed_before_the_commit_never_serves_its_figure_after_it():
    """Two connections: the writer's transaction wrote and has not committed; the reader computes (without the
    write) and stores; once the writer has committed, the reader's next read is the new figure."""
    street = f.street()
    f.community(street)
    written, read = threading.Event(), threading.Event()
    errors = []

    def writer():
        try:
            with transaction.atomic():  # a bare write: nothing else it queues on commit writes again
                Community.objects.filter(street=street).update(households=F("households") + 1000)
                written.set()
                assert read.wait(20)
        except Exception as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)
            written.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(20)
    compute = Counting(lambda: sums_of_uncached(street))
    assert derived.figure("test.race", (street.pk,), compute) == (1, 2000)  # computed without the write
    assert derived.figure("test.race", (street.pk,), compute) == (1, 2000)
    assert compute.calls == 1  # stored
    read.set()
    thread.join(20)
    assert errors == []
    assert derived.figure("test.race", (street.pk,), compute) == (1, 3000)
    assert compute.calls == 2
    assert sums_of(street) == (1, 3000)


def sums_of_uncached(street):
    return (Community.objects.filter(street=street).count(),
            sum(Community.objects.filter(street=street).values_list("households", flat=True)))


# --- scope and keys --------------------------------------------------------------------------------------

@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_street_users_figure_is_never_served_to_another_streets_user():
    a, b = f.street(name="戊街"), f.street(name="己街")
    short_community(a)
    short_community(b)
    short_community(b)
    user_a, user_b = f.user(Role.STREET_STAFF, a), f.user(Role.STREET_STAFF, b)
    counts_a = finding_counts(user=user_a)
    assert {street for street, _approved in counts_a} == {a.pk}
    assert finding_counts(user=user_a) == counts_a  # served
    counts_b = finding_counts(user=user_b)
    assert {street for street, _approved in counts_b} == {b.pk}
    assert sum(counts_b.values()) > sum(counts_a.values())
    page = f.client_for(user_b).get(f"/streets/{b.pk}/")
    assert page.status_code == 200
    assert page.context["findings_page"].total == sum(counts_b.values())


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_key_carries_the_date_and_the_figure(monkeypatch):
    compute = Counting(1)
    derived.figure("test.key", ("x",), compute)
    derived.figure("test.key", ("x",), compute)
    derived.figure("test.other", ("x",), compute)
    derived.figure("test.key", ("y",), compute)
    assert compute.calls == 3
    import datetime

    from django.utils import timezone
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2031, 1, 2))
    derived.figure("test.key", ("x",), compute)
    assert compute.calls == 4  # a new day: counted again


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_figures_are_the_same_with_the_cache_on_and_off(settings, admin_user):
    street = f.street(name="庚街")
    short_community(street)
    f.community(street, households=5200, party_members=130)
    client = f.client_for(admin_user)
    api = api_as(admin_user)

    def figures():
        district = client.get("/district/").context
        summary = api.get("/api/v1/quotas/summary/?year=2026").json()
        street_quotas = api.get(f"/api/v1/streets/{street.pk}/quotas/").json()
        breaches = client.get("/breaches/").context
        return (district["community_total"], district["finding_count"], summary, street_quotas,
                breaches["page"].total if "page" in breaches else None)

    settings.DERIVED_CACHE = True
    on = figures()
    assert figures() == on  # warm
    settings.DERIVED_CACHE = False
    assert figures() == on


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_meetings_compliance_totals_are_counted_once_per_change(admin_user):
    from governance.rules import RuleBook
    from meetings.models import MeetingKind
    from meetings.services import meeting_record

    street = f.street(name="辛街")
    community = f.community(street)
    api = api_as(admin_user)

    def missing():
        totals = api.get("/api/v1/meetings/compliance/").json()["totals"]
        return {t["kind"]: t["missing"] for t in totals["requirements"]}[MeetingKind.DELIBERATION]

    before = missing()
    with CaptureQueriesContext(connection) as warm:
        assert missing() == before
    with CaptureQueriesContext(connection) as cold:
        cache.clear()
        assert missing() == before
    assert len(warm) < len(cold)  # the totals' grouped queries are not run again
    meeting_record(acting_user=None, kind=MeetingKind.DELIBERATION, community=community, held_on=RuleBook().on,
                   attendees="x", agenda="y")
    assert missing() == before - 1  # the committed meeting counts at once


@pytest.mark.django_db
def test_an_empty_scope_has_a_key_too():
    assert derived.queryset_key(Community.objects.none()) == derived.queryset_key(Community.objects.none())
    assert derived.queryset_key(Community.objects.none()) != derived.queryset_key(Community.objects.all())

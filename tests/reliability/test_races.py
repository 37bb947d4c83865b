"""No rule broken by a race, no audit row that lies (issue 7): each rule that spans two rows holds when two
clerks write at the same moment, and fifty clerks changing one person leave a history in which every row
shows exactly the one field its request changed. Real threads, real PostgreSQL row locks."""

import datetime
import threading

import pytest
from django.db import connection, connections

from governance.exceptions import RuleViolation
from governance.models import Person, Post, PostKind, StaffCategory
from governance.rules import rules_seed
from governance.services import person_update, post_create
from tests import factories as f
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]
START = datetime.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("the race tests need PostgreSQL's row locks: set DATABASE_URL=postgres://... (SQLite in use)")
    rules_seed()  # a transactional test's flush removed the rules the migrations seeded


def race(*writes):
    """Run the writes at the same moment in threads of their own; return what each raised (None: it wrote)."""
    barrier = threading.Barrier(len(writes))
    outcome = [None] * len(writes)

    def run(i, write):
        try:
            barrier.wait()
            write()
        except (RuleViolation, Exception) as exc:  # noqa: B014 - any refusal is an outcome to inspect
            outcome[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcome


@pytest.mark.parametrize("attempt", range(5))
def test_a_party_post_and_clearing_party_membership_never_both_succeed(attempt):
    community = f.community()
    person = f.person(community=community, street=community.street, is_party_member=True)
    race(lambda: post_create(acting_user=None, person=Person.objects.get(pk=person.pk),
                             kind=PostKind.COMMUNITY_PARTY_MEMBER, community=community, start_date=START),
         lambda: person_update(person=Person.objects.get(pk=person.pk), acting_user=None, is_party_member=False))
    fresh = Person.objects.get(pk=person.pk)
    holds = Post.objects.filter(person=person, kind=PostKind.COMMUNITY_PARTY_MEMBER, end_date__isnull=True).exists()
    assert not (holds and not fresh.is_party_member), "三(一)2 broken: a party post held by a non-member"


@pytest.mark.parametrize("attempt", range(5))
def test_a_community_worker_post_and_a_station_post_never_both_succeed_without_approval(attempt):
    street = f.street()
    community = f.community(street)
    station = f.station(street, community)
    person = f.person(street=street)
    race(lambda: post_create(acting_user=None, person=Person.objects.get(pk=person.pk), kind=PostKind.RC_MEMBER,
                             community=community, start_date=START),
         lambda: post_create(acting_user=None, person=Person.objects.get(pk=person.pk), kind=PostKind.STATION_STAFF,
                             station=station, start_date=START))
    kinds = set(Post.objects.filter(person=person).values_list("kind", flat=True))
    assert kinds != {PostKind.RC_MEMBER, PostKind.STATION_STAFF}, "三(二)2 broken: a community worker doubling"


@pytest.mark.parametrize("attempt", range(5))
def test_an_npc_member_post_and_clearing_the_deputy_flag_never_both_succeed(attempt):
    street = f.street()
    person = f.person(street=street, is_npc_deputy=True)
    race(lambda: post_create(acting_user=None, person=Person.objects.get(pk=person.pk), kind=PostKind.NPC_MEMBER,
                             street=street, start_date=START),
         lambda: person_update(person=Person.objects.get(pk=person.pk), acting_user=None, is_npc_deputy=False))
    fresh = Person.objects.get(pk=person.pk)
    holds = Post.objects.filter(person=person, kind=PostKind.NPC_MEMBER).exists()
    assert not (holds and not fresh.is_npc_deputy), "二(二)2 broken: an NPC member who is not a deputy"


@pytest.mark.parametrize("attempt", range(3))
def test_two_clerks_adding_the_31st_staff_member_cannot_both_pass(attempt):
    street = f.street()
    f.street_staff(street, 29)
    people = [f.person(street=street) for _ in range(2)]
    race(*[lambda p=p: post_create(acting_user=None, person=Person.objects.get(pk=p.pk), kind=PostKind.STREET_STAFF,
                                   street=street, staff_category=StaffCategory.CAREER, start_date=START)
           for p in people])
    assert Post.objects.filter(street=street, kind=PostKind.STREET_STAFF).count() == 30, "二(二)1 broken"


def test_fifty_clerks_changing_one_person_leave_a_true_audit_trail():
    person = f.person(name="原名", phone="0")
    fields = ["phone", "name", "gender", "has_violation_record", "community_service_start"]

    def value(i):
        field = fields[i % len(fields)]
        return field, {"phone": f"1390000{i:04d}", "name": f"名{i}", "gender": "MF"[i % 2],
                       "has_violation_record": bool(i % 2), "community_service_start": START + datetime.timedelta(i)}[field]

    writes = [lambda i=i: person_update(person=Person.objects.get(pk=person.pk), acting_user=None,
                                        **dict([value(i)])) for i in range(50)]
    outcome = race(*writes)
    assert outcome == [None] * 50  # different fields: every change is kept, none refused
    history = list(Person.history.filter(id=person.pk).order_by("history_date", "history_id"))
    compared = ["name", "gender", "phone", "has_violation_record", "community_service_start"]
    for before, after in zip(history, history[1:], strict=False):
        changed = [name for name in compared if getattr(before, name) != getattr(after, name)]
        # each row shows the one field its request changed (a request setting a value already there shows none)
        assert len(changed) <= 1, changed
        assert after.version == before.version + (1 if changed else 0)
    final = Person.objects.get(pk=person.pk)
    last = history[-1]
    assert all(getattr(final, name) == getattr(last, name) for name in compared)

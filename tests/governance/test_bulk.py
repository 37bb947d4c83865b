"""governance.bulk (issue 14): the seed's bulk writes leave the rows and history rows that django-simple-history's
`bulk_create_with_history` leaves, and validate as `clean_fields()` + `clean()` would, row by row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from governance.bulk import create_with_history, row_validate, rows_validate
from governance.models import Person


def _people(street, tag):
    return [Person(name=f"{tag}{i}", gender="MF"[i % 2], street=street, is_party_member=i % 3 == 0,
                   community_service_start=datetime.date(2010 + i % 4, 1, 1)) for i in range(7)]


def _rows(model, ids, *, skip=("id", "history_id", "history_date", "name")):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    return [tuple(getattr(r, f) for f in fields) for r in model._base_manager.filter(id__in=ids).order_by("pk")]


def test_create_with_history_writes_what_the_library_writes(two_streets, admin_user):
    street = two_streets["a"]
    before = timezone.now()
    ours = create_with_history(_people(street, "甲"), Person, default_user=admin_user, batch_size=3)
    theirs = bulk_create_with_history(_people(street, "乙"), Person, default_user=admin_user, batch_size=3)
    assert all(p.pk and not p._state.adding for p in ours)
    assert Person.objects.get(pk=ours[4].pk).name == "甲4"  # the ids returned are the rows' own, in order
    assert _rows(Person, [p.pk for p in ours]) == _rows(Person, [p.pk for p in theirs])
    History = Person.history.model
    mine = History.objects.filter(id__in=[p.pk for p in ours]).order_by("history_id")
    assert [h.id for h in mine] == [p.pk for p in ours] and [h.name for h in mine] == [p.name for p in ours]
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in mine} == {("+", admin_user.pk, None)}
    assert all(before <= h.history_date <= timezone.now() for h in mine)
    assert _rows(History, [p.pk for p in ours]) == _rows(History, [p.pk for p in theirs])


def test_create_with_history_takes_each_rows_own_history_user(two_streets, admin_user):
    people = _people(two_streets["a"], "丙")
    people[2]._history_user = admin_user
    create_with_history(people, Person)
    users = list(Person.history.filter(id__in=[p.pk for p in people]).order_by("history_id")
                 .values_list("history_user_id", flat=True))
    assert users == [None, None, admin_user.pk, None, None, None, None]


def test_create_with_history_leaves_a_row_with_its_pk_set_to_the_library(two_streets):
    person = Person(pk=987654, name="丁", street=two_streets["a"])
    create_with_history([person], Person)
    assert Person.history.get(id=987654).history_type == "+"


def test_rows_validate_raises_what_clean_fields_raises_on_every_row(two_streets):
    street = two_streets["a"]
    good, bad, bad_again = (Person(name="戊", gender="M", street=street), Person(name="己", gender="X", street=street),
                            Person(name="庚", gender="X", street=street))
    rows_validate([good])
    with pytest.raises(ValidationError) as theirs:
        row_validate(bad)
    with pytest.raises(ValidationError) as ours:
        rows_validate([good, bad])
    assert ours.value.message_dict == theirs.value.message_dict
    with pytest.raises(ValidationError):  # the same bad value, once more: checked again, not remembered as good
        rows_validate([bad_again])
    with pytest.raises(ValidationError):
        rows_validate([Person(name="辛" * 51, street=street)])  # max_length, a value seen for the first time


def test_rows_validate_cleans_values_as_clean_fields_does(two_streets):
    rows = [Person(name="壬", street=two_streets["a"], community_service_start="2019-03-01") for _ in range(2)]
    rows_validate(rows)
    assert [r.community_service_start for r in rows] == [datetime.date(2019, 3, 1)] * 2

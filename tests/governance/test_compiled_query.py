"""governance.compiled_query: the SQL compiled once gives exactly the ORM's rows, for any values of its params; a
different shape is compiled anew; a build whose SQL depends on its values is refused rather than cached."""

import datetime

import pytest
from django.db.models import F, Q
from django.utils import timezone

from governance.compiled_query import CompiledQuery, NotCompilable
from governance.models import PolicyRule

pytestmark = pytest.mark.django_db

FIELDS = ("id", "key", "value", "effective_from")
TEST_KEYS = ("test.", "test/")  # the keys from "test." up to "test/": the made-up rules below


def rules(*, newest_first=False, keys, since, ids=()):
    qs = PolicyRule.objects.filter(key__gte=keys[0], key__lt=keys[1], effective_from__gte=since)
    if ids:
        qs = qs.filter(pk__in=ids)
    return qs.order_by(*(("-effective_from", "-pk") if newest_first else ("effective_from", "pk"))).values(*FIELDS)


@pytest.fixture
def versions():
    """Versions of two made-up rules over four years (the seeded rules stay beside them)."""
    made = []
    for year in (2021, 2022, 2023, 2024):
        for key in ("test.alpha", "test.beta"):
            made.append(PolicyRule.objects.create(key=key, title=key, value={"cap": year, "k": key},
                                                  effective_from=datetime.date(year, 3, 1), clause="x"))
    return made


def test_the_cached_sql_gives_the_orms_rows_for_other_values(versions, django_assert_num_queries):
    query = CompiledQuery(rules)
    query.rows(keys=TEST_KEYS, since=datetime.date(2000, 1, 1))  # compiled here
    for keys, since in [(("test.a", "test.b"), datetime.date(2022, 1, 1)), (TEST_KEYS, datetime.date(2023, 6, 1)),
                        (("test.beta", "test.c"), datetime.date(1990, 1, 1)),
                        (("nothing", "nothinh"), datetime.date(2022, 1, 1))]:
        expected = list(rules(keys=keys, since=since))
        with django_assert_num_queries(1):
            assert query.rows(keys=keys, since=since) == expected
    assert query.rows(keys=("test.a", "test.b"), since=datetime.date(2022, 1, 1))[0]["value"] == {"cap": 2022,
                                                                                          "k": "test.alpha"}


def test_limits_offsets_and_slices_are_the_orms(versions):
    query = CompiledQuery(rules)
    since = datetime.date(2000, 1, 1)
    everything = list(rules(keys=TEST_KEYS, since=since))
    assert len(everything) == 8
    assert query.rows(keys=TEST_KEYS, since=since, limit=3) == everything[:3]
    assert query.rows(keys=TEST_KEYS, since=since, limit=3, offset=2) == everything[2:5]
    assert query.rows(keys=TEST_KEYS, since=since, offset=6) == everything[6:]
    assert query.rows(keys=TEST_KEYS, since=since, limit=0) == []
    bound = query.bind(keys=TEST_KEYS, since=since)
    assert bound[1:4] == everything[1:4] and bound[7:20] == everything[7:] and list(bound) == everything


def test_a_changed_shape_is_compiled_anew_not_reused(versions):
    query = CompiledQuery(rules)
    since = datetime.date(2000, 1, 1)
    oldest = query.rows(shape={"newest_first": False}, keys=TEST_KEYS, since=since)
    newest = query.rows(shape={"newest_first": True}, keys=TEST_KEYS, since=since)
    assert newest == list(rules(newest_first=True, keys=TEST_KEYS, since=since)) == oldest[::-1]
    # A tuple of another length is another shape (IN with more places); an empty one, the ORM's empty query.
    ids = [v.pk for v in versions]
    for chosen in ([ids[0]], [ids[1], ids[5]], ids[2:7], []):
        assert query.rows(keys=TEST_KEYS, since=since, ids=tuple(chosen)) == list(
            rules(keys=TEST_KEYS, since=since, ids=chosen))
    # The active time zone is part of the key: a __date lookup names it in the SQL.
    by_day = CompiledQuery(lambda *, day: PolicyRule.history.filter(history_date__date=day).values("history_id"))
    day = timezone.localdate()
    in_shanghai = by_day.sql(day=day)
    with timezone.override("America/New_York"):
        assert by_day.sql(day=day) != in_shanghai
        assert by_day.rows(day=day) == list(PolicyRule.history.filter(history_date__date=day).values("history_id"))


def test_datetimes_and_values_lists(versions):
    history = PolicyRule.history.model
    query = CompiledQuery(lambda *, after, key: history.objects.filter(history_date__gte=after, key=key)
                          .order_by("history_id").values_list("history_id", "key", "history_date"))
    for after in (timezone.now() - datetime.timedelta(days=1), timezone.now() + datetime.timedelta(days=1)):
        expected = list(history.objects.filter(history_date__gte=after, key="test.beta").order_by("history_id")
                        .values_list("history_id", "key", "history_date"))
        assert query.rows(after=after, key="test.beta") == expected
    assert len(query.rows(after=timezone.now() - datetime.timedelta(days=1), key="test.beta")) == 4


def test_a_build_whose_sql_depends_on_its_values_is_refused(versions):
    # __contains wraps the value in %...%: the SQL would carry a constant, not the call's value.
    contains = CompiledQuery(lambda *, word: PolicyRule.objects.filter(key__contains=word).values("id"))
    with pytest.raises(NotCompilable):
        contains.rows(word="alpha")
    # A build that branches on its value (here on the text of the sentinel the first compiling passes it).
    picky = CompiledQuery(lambda *, key: PolicyRule.objects.filter(
        Q(key=key) if key[-5:-4] == "1" else Q(title=key)).values("id"))
    with pytest.raises(NotCompilable):
        picky.rows(key="test.alpha")
    # A flag or None is shape, not a param.
    with pytest.raises(TypeError):
        CompiledQuery(rules).rows(keys=TEST_KEYS, since=datetime.date(2000, 1, 1), newest_first=True)
    with pytest.raises(TypeError):
        CompiledQuery(rules).rows(keys=TEST_KEYS, since=None)
    # Model instances are not what it returns.
    with pytest.raises(NotCompilable):
        CompiledQuery(lambda *, key: PolicyRule.objects.filter(key=key)).rows(key="test.alpha")


def test_empty_values_are_shape_and_expressions_of_a_value_are_params(versions):
    optional = CompiledQuery(lambda *, key: (PolicyRule.objects.filter(key=key) if key else PolicyRule.objects.all())
                             .order_by("pk").values("id"))
    assert optional.rows(key="test.alpha") == list(PolicyRule.objects.filter(key="test.alpha").order_by("pk")
                                                   .values("id"))
    assert optional.rows(key="") == list(PolicyRule.objects.order_by("pk").values("id"))
    assert len(optional.rows(key="")) > 8
    shifted = CompiledQuery(lambda *, n: PolicyRule.objects.order_by("pk").annotate(m=F("pk") + n + 1).values("m"))
    for n in (5, 70, 0):
        assert shifted.rows(n=n) == list(PolicyRule.objects.order_by("pk").annotate(m=F("pk") + n + 1).values("m"))

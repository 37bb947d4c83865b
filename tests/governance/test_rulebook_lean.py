"""RuleBook's `keys` and `lazy` (issue 14): a list that needs one rule reads that rule only, and only when a row
asks for it; what it answers is what a full book answers."""

import pytest

from governance.rules import RuleBook, RuleMissing

pytestmark = pytest.mark.django_db


def test_a_book_of_some_keys_answers_as_the_full_book(django_assert_num_queries):
    full = RuleBook()
    key = next(iter(full._rules))
    with django_assert_num_queries(1):
        some = RuleBook(keys=[key])
    assert some[key] == full[key]
    other = next(k for k in full._rules if k != key)
    assert other in full and other not in some
    with pytest.raises(RuleMissing):
        some[other]


def test_a_lazy_book_reads_when_first_asked(django_assert_num_queries):
    key = next(iter(RuleBook()._rules))
    with django_assert_num_queries(0):
        book = RuleBook(keys=[key], lazy=True)
    with django_assert_num_queries(1):
        value = book[key]
        assert book[key] is value and key in book

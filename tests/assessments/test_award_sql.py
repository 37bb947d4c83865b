"""The long-service award list decided in SQL (assessments.quotas.long_service_award_sql, read by
assessments.selectors.award_posts_sql) equals the one decided in Python (long_service_award, _awards_from): the
same people, community, tier, anniversary, amount and order, and the same totals by street, at the rule's
boundaries (issue 14)."""

import datetime

import pytest

from assessments.quotas import SqlFormUnavailable, long_service_award_sql, rules_on
from assessments.selectors import AwardRows, district_budget, long_service_awards
from governance.models import PostKind
from governance.roles import Role
from governance.rules import RuleValue
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
SINCE = D(2018, 10, 1)  # no post before the rules (2018-10-01)


def worker(community, start, *, name, posts=((SINCE, None),), violation=False, kind=PostKind.GRID_WORKER):
    """A person whose community service began on `start`, holding `posts` ((start, end), ...) in `community`
    (a post given as (community, start, end) goes to that community)."""
    person = f.person(name=name, community_service_start=start, has_violation_record=violation)
    for post in posts:
        where, begin, end = post if len(post) == 3 else (community, *post)
        f.post(kind, community=where, person=person, start_date=begin, end_date=end)
    return person


@pytest.fixture
def boundary_workers():
    a, b = f.street(code="sa"), f.street(code="sb")
    ca, cb = f.community(a, code="ca"), f.community(b, code="cb")
    worker(ca, D(2004, 6, 15), name="A满20")                                      # 20 years on 2024-06-15
    worker(cb, D(1994, 6, 15), name="B满30")                                      # 30 years on 2024-06-15
    worker(ca, D(2004, 1, 1), name="C元旦满20")                                    # first day of the year
    worker(ca, D(2004, 12, 31), name="D除夕满20")                                  # last day of the year
    worker(ca, D(2003, 12, 31), name="E前一日")                                    # 20 years the day before 2024
    worker(ca, D(2005, 1, 1), name="F后一日")                                      # 20 years the day after 2024
    worker(ca, D(2004, 6, 15), name="G离任前一日", posts=((SINCE, D(2024, 6, 14)),))  # post ended the day before
    worker(ca, D(2004, 6, 15), name="H当日离任", posts=((SINCE, D(2024, 6, 15)),))    # ended on the anniversary
    worker(ca, D(2004, 6, 15), name="I次日到任", posts=((D(2024, 6, 16), None),))     # took up the post a day late
    worker(ca, D(2004, 6, 15), name="J当日到任", posts=((D(2024, 6, 15), None),))
    # a break in service: the rule counts from community_service_start and asks for a post on the anniversary
    worker(ca, D(2004, 6, 15), name="K间断", posts=((SINCE, D(2024, 3, 1)), (D(2024, 9, 1), None)))
    worker(ca, D(2004, 10, 1), name="L复职", posts=((SINCE, D(2024, 3, 1)), (cb, D(2024, 9, 1), None)))
    # two posts held on the anniversary: the first by start date gives the community
    worker(cb, D(2004, 8, 1), name="M两岗", posts=((cb, SINCE, None), (ca, D(2018, 11, 1), None)))
    worker(ca, D(2004, 5, 1), name="N违纪", violation=True)
    f.post(PostKind.STREET_STAFF, street=a, staff_category="administrative", start_date=SINCE,
           person=f.person(name="P街道人员", community_service_start=D(2004, 5, 1)))
    # 29 February: a leap-year anniversary (2024) and a common-year one (30 years on 28 February 2026)
    worker(ca, D(2004, 2, 29), name="Q闰日", posts=((SINCE, D(2024, 2, 28)),))
    worker(ca, D(2004, 2, 29), name="R闰日在岗", posts=((SINCE, D(2024, 2, 29)),))
    worker(cb, D(1996, 2, 29), name="S闰日平年", posts=((SINCE, D(2026, 2, 28)),))
    worker(cb, D(1996, 2, 28), name="T二月末", posts=((SINCE, D(2026, 2, 27)),))
    # the first budget year (2019) pays the highest tier reached, once, to whoever holds a post on 1 January
    worker(ca, D(1985, 3, 1), name="U补发30")
    worker(ca, D(1990, 3, 1), name="V补发20")
    worker(cb, D(1990, 3, 1), name="W补发未在岗", posts=((D(2019, 1, 2), None),))
    worker(cb, D(1999, 7, 1), name="X当年满20", posts=((D(2019, 7, 1), None),))
    return a, b


def rows_of(awards) -> list[tuple]:
    return [(r.person.name, r.community.code, r.award.years, r.award.anniversary, r.award.amount, r.award.eligible,
             r.award.reason) for r in awards]


def lines_of(budget) -> dict:
    return {line.street.code: (line.awards, line.award_count) for line in budget.lines} | {
        "total": (budget.totals.awards, budget.totals.award_count)}


@pytest.mark.parametrize("year", [2019, 2023, 2024, 2025, 2026])
def test_sql_award_list_and_totals_equal_the_python_rule(boundary_workers, year):
    admin = f.user(Role.DISTRICT_ADMIN)
    in_python = district_budget(user=admin, year=year)  # every community built, the awards decided in Python
    in_sql = district_budget(user=admin, year=year, keep_communities=False)
    assert isinstance(in_sql.awards, AwardRows) and isinstance(in_python.awards, list)
    assert rows_of(in_sql.awards) == rows_of(in_python.awards) == rows_of(long_service_awards(user=admin, year=year))
    assert len(in_sql.awards) == len(in_python.awards)
    assert lines_of(in_sql) == lines_of(in_python)


def test_the_boundaries_are_decided_as_the_policy_says(boundary_workers):
    """The reference itself at the boundaries, so that both forms agreeing on a wrong list fails too."""
    admin = f.user(Role.DISTRICT_ADMIN)
    got = {r[0]: r[1:3] for r in rows_of(district_budget(user=admin, year=2024, keep_communities=False).awards)}
    assert got == {"A满20": ("ca", 20), "B满30": ("cb", 30), "C元旦满20": ("ca", 20), "D除夕满20": ("ca", 20),
                   "H当日离任": ("ca", 20), "J当日到任": ("ca", 20), "L复职": ("cb", 20), "M两岗": ("cb", 20),
                   "N违纪": ("ca", 20), "R闰日在岗": ("ca", 20)}
    budget = district_budget(user=admin, year=2024, keep_communities=False)
    assert lines_of(budget)["total"] == (5000 * 8 + 10000, 9)  # N违纪 listed, not paid
    assert {r[0] for r in rows_of(district_budget(user=admin, year=2026, keep_communities=False).awards)} == {
        "S闰日平年"}
    first = {r[0]: r[2] for r in rows_of(district_budget(user=admin, year=2019, keep_communities=False).awards)}
    # B满30, S and T had 20-odd years in 2019: the 20-year award then, the 30-year one in its year
    assert first == {"U补发30": 30, "V补发20": 20, "X当年满20": 20, "B满30": 20, "S闰日平年": 20, "T二月末": 20}


def test_a_page_of_the_sql_list_builds_only_its_rows(boundary_workers, django_assert_num_queries):
    awards = district_budget(user=f.user(Role.DISTRICT_ADMIN), year=2024, keep_communities=False).awards
    with django_assert_num_queries(1):  # the length came with the totals; the slice is one query
        page = awards[2:5]
        assert len(awards) == 10
    assert rows_of(page) == rows_of(list(awards))[2:5]


def test_a_fractional_amount_has_no_sql_form():
    old = rules_on(D(2024, 1, 1))["awards.long_service"]
    tiers = [{**tier, "amount": tier["amount"] + 0.5} for tier in old.value]
    odd = rules_on(D(2024, 1, 1), overrides={"awards.long_service": RuleValue(
        key=old.key, title=old.title, value=tiers, effective_from=old.effective_from, clause=old.clause)})
    with pytest.raises(SqlFormUnavailable):
        long_service_award_sql(service_start="s", has_violation_record="v", year=2024, rules=odd, first_year=2019)

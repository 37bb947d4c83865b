"""The Excel export streams: its peak memory does not grow with its rows (issue 14).

The communities are read in chunks and written in openpyxl's write-only mode to a temporary file, so
exporting four times the communities takes about the same memory (tracemalloc's peak)."""

import tracemalloc

import pytest

from assessments.exports import budget_workbook
from assessments.selectors import budget_communities, budget_community_rows, district_budget
from communities.models import Community
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def _grow(street, start, n):
    Community.objects.bulk_create(
        Community(street=street, code=f"mem{i}", name=f"内存{i}社区", households=1000 + i * 7 % 6000,
                  party_members=40 + i % 200, address=f"兴庆区某路{i}号")
        for i in range(start, start + n))


def _export_peak(user) -> int:
    tracemalloc.start()
    try:
        budget = district_budget(user=user, year=2024, keep_communities=False)
        out = budget_workbook(budget, budget_community_rows(budget_communities(user=user), rules=budget.book))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out.close()
    return peak


def test_export_memory_is_flat_in_its_rows():
    street = f.street()
    admin = f.user(Role.DISTRICT_ADMIN)
    _grow(street, 0, 400)  # more than a chunk of the reads (assessments.selectors.budget_community_rows)
    _export_peak(admin)  # warm: imports, templates of the workbook, translations
    small = _export_peak(admin)
    _grow(street, 400, 1200)
    large = _export_peak(admin)
    # 4x the rows; the peak stays within a small margin (the workbook's shared strings grow a little).
    assert large < small * 1.25, (small, large)


def test_the_page_keeps_every_community_but_the_export_keeps_none():
    street = f.street()
    _grow(street, 0, 5)
    admin = f.user(Role.DISTRICT_ADMIN)
    assert len(district_budget(user=admin, year=2024).communities) == 5
    streamed = district_budget(user=admin, year=2024, keep_communities=False)
    assert streamed.communities == [] and streamed.totals.communities == 5

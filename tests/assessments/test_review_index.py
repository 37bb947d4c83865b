"""The review page at the district's size: its cycles 50 a page in a stable order (page 2 holds the rest,
each cycle's progress whole), a constant number of queries, and the opening form's community entered by
code (the district's communities are never listed)."""

import datetime

import pytest

from assessments.models import AssessmentCycle, RaterKind, SubjectKind
from assessments.services import cycle_open, scheme_create
from streets.models import Street
from tests.assessments.conftest import crit

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_scheme(db):
    return scheme_create(acting_user=None, name="网格员季度测试", subject_kind=SubjectKind.GRID_WORKER,
                         period="quarterly", components=[
                             {"rater_kind": RaterKind.COMMUNITY, "weight": 100, "criteria": crit(("走访", 100))}])


def _tied_cycles(world, scheme, n):
    """n street cycles of one scheme and period: they tie on the listed order (year, part, scheme name)."""
    streets = Street.objects.bulk_create(Street(district=world["a"].district, code=f"tie{i}", name=f"并列{i}街")
                                         for i in range(n))
    return AssessmentCycle.objects.bulk_create(
        AssessmentCycle(scheme=scheme, year=2030, part=1, street=s, deadline=datetime.date(2030, 6, 30))
        for s in streets)


def _page_ids(response):
    return [row["cycle"].pk for row in response.context["rows"]]


def test_review_page_two_holds_the_rest_with_progress_whole(client, world, worker_scheme,
                                                            django_assert_max_num_queries):
    counted = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)  # listed last (oldest year)
    tied = _tied_cycles(world, worker_scheme, 50)
    client.force_login(world["orgdept"])
    with django_assert_max_num_queries(14):
        first = client.get("/assessments/review/")
    with django_assert_max_num_queries(14):
        second = client.get("/assessments/review/?page=2")
    assert first.status_code == second.status_code == 200
    page1, page2 = _page_ids(first), _page_ids(second)
    assert len(page1) == 50 and page2 == [counted.pk]
    assert set(page1) == {c.pk for c in tied}  # the tied cycles each once, none repeated on page 2
    assert second.context["rows"][0]["progress"].sheets == counted.sheets.count() > 0
    assert first.context["cycles"].paginator.count == 51


@pytest.mark.parametrize("n", [0, 60])
def test_review_page_queries_do_not_grow_with_cycles(client, world, worker_scheme, django_assert_max_num_queries, n):
    _tied_cycles(world, worker_scheme, n)
    client.force_login(world["orgdept"])
    with django_assert_max_num_queries(12):
        assert client.get("/assessments/review/?page=2").status_code == 200


def test_the_opening_form_picks_a_community_and_lists_none(client, world, grid_scheme):
    """The district's communities are picked by search (communities.picker), never listed; a wrong, overlong
    or NUL value is a form error; the picked id, the code or the exact name typed opens the cycle."""
    client.force_login(world["orgdept"])
    page = client.get("/assessments/review/").content.decode()
    assert world["ca"].name not in page and world["cb"].name not in page  # no select of every community
    assert "data-community-picker" in page
    data = {"scheme": grid_scheme.pk, "year": 2024, "part": 2}
    for wrong in ({"community_text": "no-such-code"}, {"community_text": "x" * 300}, {"community": "9" * 40},
                  {"community": "a\x00b"}, {"community_text": "a\x00b"}):
        response = client.post("/assessments/review/", {**data, **wrong})
        assert response.status_code == 200 and "找不到该社区" in response.content.decode()
    assert not AssessmentCycle.objects.exists()
    response = client.post("/assessments/review/", {**data, "community_text": world["ca"].code})
    assert response.status_code == 302 and AssessmentCycle.objects.get().community == world["ca"]
    response = client.post("/assessments/review/", {**data, "part": 3, "community": world["cb"].pk})
    assert response.status_code == 302 and AssessmentCycle.objects.get(part=3).community == world["cb"]


def test_a_street_picks_only_its_own_communities(client, world, grid_scheme):
    client.force_login(world["street_user_a"])
    page = client.get("/assessments/cycles/open/").content.decode()
    assert world["ca"].name not in page and "data-community-picker" in page
    data = {"scheme": grid_scheme.pk, "year": 2024, "part": 2, "street": world["a"].pk}
    for other in ({"community_text": world["cb"].code}, {"community": world["cb"].pk}):  # another street's
        response = client.post("/assessments/cycles/open/", {**data, **other})
        assert response.status_code == 200 and "找不到该社区" in response.content.decode()
        assert not AssessmentCycle.objects.exists()
    response = client.post("/assessments/cycles/open/", {**data, "community": world["ca"].pk})
    assert response.status_code == 302 and AssessmentCycle.objects.get().community == world["ca"]

"""Assessment pages: to-do and scoring form, scope between raters, the review page (constant queries),
the published ranking and its Excel export."""

import io

import pytest
from openpyxl import load_workbook

from assessments.models import RaterKind, Score, ScoreSheet
from assessments.services import cycle_open, cycle_publish, sheet_approve, sheet_save
from governance.models import PostKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_todo_and_scoring_form_save_then_submit(client, world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    login(client, world["street_user_a"])
    page = client.get("/assessments/todo/")
    assert page.status_code == 200 and "社工a1" in page.content.decode() and "社工b1" not in page.content.decode()
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    first, second = sheet.component.criteria.all()
    form = client.get(f"/assessments/sheets/{sheet.pk}/")
    assert form.status_code == 200 and "实绩（满分 60）" in form.content.decode()
    response = client.post(f"/assessments/sheets/{sheet.pk}/", {f"c{first.pk}": "50", "expected_version": sheet.version,
                                                               "save": "1"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and Score.objects.get(sheet=sheet).value == 50
    # a form opened at an older version is refused, with what was typed kept
    stale = client.post(f"/assessments/sheets/{sheet.pk}/", {f"c{first.pk}": "10", "expected_version": 1, "save": "1"})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    over = client.post(f"/assessments/sheets/{sheet.pk}/", {f"c{second.pk}": "41", "expected_version": sheet.version,
                                                           "submit": "1"})
    assert over.status_code == 200 and ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.DRAFT
    done = client.post(f"/assessments/sheets/{sheet.pk}/", {f"c{first.pk}": "50", f"c{second.pk}": "40",
                                                           "expected_version": sheet.version, "submit": "1"})
    assert done.status_code == 302
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.SUBMITTED


def test_another_street_s_sheet_is_404_and_unchanged(client, world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    login(client, world["street_user_b"])
    assert client.get(f"/assessments/sheets/{sheet.pk}/").status_code == 404
    first = sheet.component.criteria.first()
    assert client.post(f"/assessments/sheets/{sheet.pk}/", {f"c{first.pk}": "5", "submit": "1"}).status_code == 404
    assert not Score.objects.exists()
    assert client.get("/assessments/review/").status_code == 403
    assert client.get(f"/assessments/review/{cycle.pk}/").status_code == 403
    assert client.post(f"/assessments/review/sheets/{sheet.pk}/", {"decision": "approve"}).status_code == 403


def _fill_all(cycle):
    for sheet in cycle.sheets.select_related("component"):
        sheet_save(sheet=sheet, acting_user=None, submit=True,
                   scores={c.pk: c.max_score for c in sheet.component.criteria.all()})


def _grow(world, n):
    for i in range(n):
        street = f.street()
        community = f.community(street)
        f.post(PostKind.RC_MEMBER, community=community, person=f.person(street=street, community=community, name=f"增{i}"))


@pytest.mark.parametrize("n", [0, 5])
def test_review_page_queries_do_not_grow(client, world, worker_scheme, django_assert_max_num_queries, n):
    _grow(world, n)
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    _fill_all(cycle)
    login(client, world["orgdept"])
    with django_assert_max_num_queries(16):
        page = client.get(f"/assessments/review/{cycle.pk}/")
    assert page.status_code == 200 and "progress-chart" in page.content.decode()
    with django_assert_max_num_queries(14):
        assert client.get("/assessments/review/").status_code == 200
    login(client, world["street_user_a"])
    with django_assert_max_num_queries(14):
        assert client.get("/assessments/todo/").status_code == 200


def test_review_returns_approves_and_publishes(client, world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024, street=world["a"])
    _fill_all(cycle)
    login(client, world["orgdept"])
    sheet = cycle.sheets.first()
    client.post(f"/assessments/review/sheets/{sheet.pk}/", {"decision": "return", "comment": "请补充说明"})
    sheet.refresh_from_db()
    assert (sheet.status, sheet.review_comment) == (ScoreSheet.Status.RETURNED, "请补充说明")
    sheet_save(sheet=sheet, acting_user=None, scores={}, submit=True)
    client.post(f"/assessments/review/{cycle.pk}/publish/", {"approve_street": str(world["a"].pk)})
    assert not cycle.sheets.exclude(status=ScoreSheet.Status.APPROVED).exists()
    client.post(f"/assessments/review/{cycle.pk}/publish/")
    cycle.refresh_from_db()
    assert cycle.status == "published"


def test_published_ranking_and_export(client, world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    _fill_all(cycle)
    for sheet in cycle.sheets.all():
        sheet_approve(sheet=sheet, acting_user=None)
    login(client, world["street_user_a"])
    assert client.get(f"/assessments/cycles/{cycle.pk}/ranking/").status_code == 403  # not yet published
    cycle_publish(cycle=cycle, acting_user=None)
    page = client.get(f"/assessments/cycles/{cycle.pk}/ranking/").content.decode()
    assert "社工a1" in page and "社工b1" not in page  # a street sees its own in the published ranking
    response = client.get(f"/assessments/cycles/{cycle.pk}/ranking.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("名次", "考核对象", "街道")
    assert {r[1] for r in rows[2:]} == {"社工a1", "社工a2", "网格员a"}
    assert all(r[4] == 100 for r in rows[2:])
    login(client, world["orgdept"])
    response = client.get(f"/assessments/cycles/{cycle.pk}/ranking.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 6


def test_community_sees_its_workers_results(client, world, worker_scheme):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    login(client, world["community_user_b"])
    page = client.get(f"/assessments/results/?cycle={cycle.pk}").content.decode()
    assert "社工b1" in page and "社工a1" not in page
    assert client.get("/assessments/results/").status_code == 200


def test_score_changes_show_in_the_audit_trail(client, world, worker_scheme, admin_user):
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    sheet = cycle.sheets.get(assessment__person=world["worker_a"], rater_kind=RaterKind.STREET)
    first = sheet.component.criteria.first()
    sheet_save(sheet=sheet, acting_user=world["street_user_a"], scores={first.pk: 30})
    sheet_save(sheet=ScoreSheet.objects.get(pk=sheet.pk), acting_user=world["street_user_a"], scores={first.pk: 45})
    login(client, world["orgdept"])
    page = client.get("/audit/").content.decode()
    assert "指标得分" in page and "45" in page


def test_orgdept_opens_a_cycle_from_the_review_page(client, world, unit_scheme):
    login(client, world["orgdept"])
    response = client.post("/assessments/review/", {"scheme": unit_scheme.pk, "year": 2024, "part": 1})
    cycle = unit_scheme.cycles.get()
    assert response.status_code == 302 and cycle.deadline.isoformat() == "2024-12-20"
    again = client.post("/assessments/review/", {"scheme": unit_scheme.pk, "year": 2024, "part": 1})
    assert again.status_code == 200 and unit_scheme.cycles.count() == 1
    bad = client.post("/assessments/review/", {"scheme": unit_scheme.pk, "year": 2025, "part": 2})
    assert bad.status_code == 200 and "期次须在1至1之间" in bad.content.decode() and unit_scheme.cycles.count() == 1
    login(client, world["street_user_a"])
    assert client.post("/assessments/review/", {"scheme": unit_scheme.pk, "year": 2025}).status_code == 403


@pytest.mark.parametrize("n", [0, 5])
def test_results_and_ranking_pages_queries_do_not_grow(client, world, worker_scheme, django_assert_max_num_queries, n):
    _grow(world, n)
    cycle = cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    _fill_all(cycle)
    login(client, world["orgdept"])
    with django_assert_max_num_queries(14):
        assert client.get(f"/assessments/cycles/{cycle.pk}/ranking/").status_code == 200
    login(client, world["street_user_a"])
    with django_assert_max_num_queries(14):
        assert client.get(f"/assessments/results/?cycle={cycle.pk}").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/assessments/results/").status_code == 200


def test_missing_unit_scores_after_20_december_are_findings(client, world, unit_scheme):
    import datetime

    from django.utils import timezone

    from assessments.findings import late_score_findings
    from governance.rules import RuleBook

    year = timezone.localdate().year - 1  # last year's deadline has passed
    cycle_open(acting_user=None, scheme=unit_scheme, year=year)
    rules = RuleBook()
    found = late_score_findings(user=world["street_user_a"], rules=rules)
    assert found and {x.street for x in found} == {world["a"].name}
    assert all((x.rule, x.clause) == ("stationed_unit.score_deadline", "二(四)2") for x in found)
    assert {x.subject for x in found} == {world["a"].name, world["ca"].name}
    login(client, world["orgdept"])
    assert "驻区单位党建考核赋分尚有" in client.get("/breaches/").content.decode()
    assert datetime.date(year, 12, 20) < timezone.localdate()

"""Schemes: weights summing to 100 and the floors of 五(三), each at and just below its limit."""

import pytest
from django.core.exceptions import ValidationError

from assessments.demo import seed_assessment_schemes
from assessments.models import AssessmentScheme, Period, RaterKind, SubjectKind
from assessments.services import scheme_create, scheme_update
from governance.exceptions import RuleViolation

pytestmark = pytest.mark.django_db

FLOORS = [
    # (subject kind, the rater with the floor, the other rater, floor, rule key)
    (SubjectKind.AGENCY_HEAD, RaterKind.STREET, RaterKind.DEPARTMENT, 50, "assessment.street_weight_on_agency_heads"),
    (SubjectKind.STREET_STAFF, RaterKind.RESIDENTS_COMMITTEE, RaterKind.STREET, 30,
     "assessment.residents_weight_on_street_staff"),
    (SubjectKind.STATION_STAFF, RaterKind.COMMUNITY_PARTY_ORGANIZATION, RaterKind.STREET, 50,
     "assessment.party_weight_on_station_staff"),
]


def create(subject_kind, weights, name="方案"):
    return scheme_create(acting_user=None, name=name, subject_kind=subject_kind, period=Period.ANNUAL,
                         components=[{"rater_kind": k, "weight": w} for k, w in weights.items()])


@pytest.mark.parametrize(("subject", "rater", "other", "floor", "key"), FLOORS)
def test_floor_at_its_limit_is_accepted(subject, rater, other, floor, key):
    scheme = create(subject, {rater: floor, other: 100 - floor})
    assert {c.rater_kind: c.weight for c in scheme.components.all()} == {rater: floor, other: 100 - floor}


@pytest.mark.parametrize(("subject", "rater", "other", "floor", "key"), FLOORS)
def test_floor_just_below_its_limit_is_refused_with_the_clause(subject, rater, other, floor, key):
    with pytest.raises(RuleViolation) as exc:
        create(subject, {rater: floor - 1, other: 101 - floor})
    assert (exc.value.rule, exc.value.clause, exc.value.field) == (key, "五(三)", "components")
    assert not AssessmentScheme.objects.exists()


@pytest.mark.parametrize(("subject", "rater", "other", "floor", "key"), FLOORS)
def test_floor_missing_rater_is_refused(subject, rater, other, floor, key):
    with pytest.raises(RuleViolation) as exc:
        create(subject, {other: 100})
    assert exc.value.rule == key


@pytest.mark.parametrize("weights", [{RaterKind.STREET: 40, RaterKind.COMMUNITY: 59},
                                     {RaterKind.STREET: 40, RaterKind.COMMUNITY: 61}])
def test_weights_not_summing_to_100_are_refused(weights):
    with pytest.raises(ValidationError) as exc:
        create(SubjectKind.COMMUNITY_WORKER, weights)
    assert "components" in exc.value.message_dict
    assert "100%" in exc.value.message_dict["components"][0]
    assert not AssessmentScheme.objects.exists()


def test_a_floor_is_checked_on_update_too():
    scheme = create(SubjectKind.STREET_STAFF, {RaterKind.RESIDENTS_COMMITTEE: 30, RaterKind.STREET: 70})
    with pytest.raises(RuleViolation) as exc:
        scheme_update(scheme=scheme, acting_user=None, components=[
            {"rater_kind": RaterKind.RESIDENTS_COMMITTEE, "weight": 29}, {"rater_kind": RaterKind.STREET, "weight": 71}])
    assert exc.value.rule == "assessment.residents_weight_on_street_staff"
    assert {c.rater_kind: c.weight for c in scheme.components.all()}[RaterKind.RESIDENTS_COMMITTEE] == 30


def test_stationed_unit_scheme_is_rated_by_street_and_community():
    with pytest.raises(RuleViolation) as exc:
        create(SubjectKind.STATIONED_UNIT, {RaterKind.STREET: 100})
    assert (exc.value.rule, exc.value.clause) == ("stationed_unit.score_weights", "二(四)2")


def test_default_schemes_follow_the_rules_and_are_idempotent():
    assert seed_assessment_schemes() == 6
    assert seed_assessment_schemes() == 0
    workers = AssessmentScheme.objects.get(subject_kind=SubjectKind.COMMUNITY_WORKER)
    grids = AssessmentScheme.objects.get(subject_kind=SubjectKind.GRID_WORKER)
    assert (workers.period, grids.period) == (Period.HALF_YEARLY, Period.QUARTERLY)  # 三(四)3
    assert [c.rater_kind for c in workers.components.all()] == [RaterKind.STREET]
    assert [c.rater_kind for c in grids.components.all()] == [RaterKind.COMMUNITY]
    units = AssessmentScheme.objects.get(subject_kind=SubjectKind.STATIONED_UNIT)
    assert {c.rater_kind: c.weight for c in units.components.all()} == {RaterKind.STREET: 40, RaterKind.COMMUNITY: 60}


def test_admin_words_a_criterion_but_not_its_marks_once_used(client, world, worker_scheme, admin_user):
    from assessments.services import cycle_open

    criterion = worker_scheme.components.get(rater_kind=RaterKind.STREET).criteria.first()
    client.force_login(admin_user)
    assert client.get("/admin/assessments/assessmentscheme/").status_code == 200
    assert client.get(f"/admin/assessments/assessmentscheme/{worker_scheme.pk}/change/").status_code == 200
    cycle_open(acting_user=None, scheme=worker_scheme, year=2024)
    url = f"/admin/assessments/criterion/{criterion.pk}/change/"
    body = {"component": criterion.component_id, "name": "工作实绩", "max_score": 50, "order": 0}
    response = client.post(url, body)
    assert response.status_code == 200 and "不能修改满分" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.max_score == 60
    response = client.post(url, {**body, "max_score": 60})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.name == "工作实绩"

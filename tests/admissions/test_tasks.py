"""Tasks pushed down: accepted on the list, refused off it naming 二(一)/三(五), approved exceptions (编委会)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from admissions.models import Level, TaskAssignment, TaskKind, TaskRefusal
from admissions.selectors import tasks_for_user
from admissions.services import admission_item_create, admission_list_create, task_file, task_preview
from governance.exceptions import RuleViolation
from governance.roles import Role
from tests import factories as f
from tests.admissions.conftest import task_body

pytestmark = pytest.mark.django_db

EXCEPTION = {"approval_document": "兴编发〔2024〕3号", "transferred_powers": "检查权", "transferred_staff": 1,
             "transferred_funds": 80000}


@pytest.mark.parametrize(("level", "item", "clause"), [("street", "street_item", "二(一)"),
                                                       ("community", "community_item", "三(五)")])
def test_a_task_on_the_list_is_accepted(lists, level, item, clause):
    task = task_file(acting_user=None, **task_body(lists, level=level, admission_item=lists[item]))
    assert task.status == TaskAssignment.Status.ACCEPTED
    assert (task.rule, task.clause) == (f"admission.{level}_list", clause)


@pytest.mark.parametrize(("level", "clause"), [("street", "二(一)"), ("community", "三(五)")])
def test_a_task_off_the_list_is_refused_naming_the_clause_and_recorded_as_refused(lists, level, clause):
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, level=level))
    assert (exc.value.rule, exc.value.clause) == (f"admission.{level}_list", clause)
    assert not TaskAssignment.objects.exists()
    refusal = TaskRefusal.objects.get()
    assert (refusal.department, refusal.clause) == (lists["dept"], clause)


def test_an_item_of_the_other_level_is_not_on_the_list(lists):
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, level="street", admission_item=lists["community_item"]))
    assert exc.value.clause == "二(一)"


def test_an_item_of_another_department_is_not_on_its_list(lists):
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, level="community", department=lists["other"],
                                                admission_item=lists["community_item"]))
    assert exc.value.clause == "三(五)"
    assert "测试局" in exc.value.text


def test_an_item_of_a_superseded_list_version_is_not_on_the_list(lists):
    newer = admission_list_create(acting_user=None, level=Level.STREET, title="街道清单（修订）",
                                  effective_from=datetime.date(2021, 1, 1))
    admission_item_create(acting_user=None, admission_list=newer, number=1, name="新事项", department=lists["dept"],
                          basis="二(一)")
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
    assert exc.value.rule == "admission.street_list"


@pytest.mark.parametrize(("level", "clause"), [("street", "二(一)"), ("community", "三(五)")])
def test_an_approved_exception_records_the_document_and_what_was_transferred(lists, level, clause):
    task = task_file(acting_user=None, **task_body(lists, level=level, **EXCEPTION))
    task.refresh_from_db()
    assert task.status == TaskAssignment.Status.APPROVED_EXCEPTION
    assert (task.clause, task.approval_document, task.transferred_staff, task.transferred_funds) == (
        clause, "兴编发〔2024〕3号", 1, 80000)


@pytest.mark.parametrize("missing", ["transferred_powers", "transferred_staff", "transferred_funds"])
def test_an_exception_without_its_resources_is_refused(lists, missing):
    body = {**EXCEPTION, missing: "" if missing == "transferred_powers" else None}
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, **body))
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("admission.street_list", "二(一)", "transferred_powers")
    assert not TaskAssignment.objects.exists()


@pytest.mark.parametrize("kind", [TaskKind.OFFICE, TaskKind.PLAQUE])
def test_an_office_or_plaque_in_a_community_is_refused_even_with_a_document(lists, kind):
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, level="community", kind=kind,
                                                admission_item=lists["community_item"], **EXCEPTION))
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("admission.community_offices", "三(五)", "kind")
    assert TaskRefusal.objects.get().rule == "admission.community_offices"


def test_a_departments_own_evaluation_of_a_community_is_refused(lists):
    with pytest.raises(RuleViolation) as exc:
        task_file(acting_user=None, **task_body(lists, level="community", kind=TaskKind.EVALUATION,
                                                admission_item=lists["community_item"]))
    assert (exc.value.rule, exc.value.clause) == ("admission.community_evaluations", "三(五)")


def test_an_evaluation_kept_by_a_higher_level_is_accepted(lists):
    task = task_file(acting_user=None, **task_body(lists, level="community", kind=TaskKind.EVALUATION,
                                                   admission_item=lists["community_item"],
                                                   higher_level_reference="宁党办〔2019〕1号 保留"))
    assert task.status == TaskAssignment.Status.ACCEPTED


def test_a_department_user_files_only_for_their_own_department(lists):
    user = f.user(Role.DEPARTMENT_USER, lists["dept"])
    task_file(acting_user=user, **task_body(lists, admission_item=lists["street_item"]))
    with pytest.raises(ValidationError) as exc:
        task_file(acting_user=user, **task_body(lists, department=lists["other"]))
    assert "department" in exc.value.message_dict
    assert TaskAssignment.objects.count() == 1
    assert not TaskRefusal.objects.exists()


def test_a_task_names_exactly_one_target(lists):
    body = task_body(lists, admission_item=lists["street_item"])
    with pytest.raises(ValidationError) as exc:
        task_file(acting_user=None, **{**body, "target_community": lists["ca"]})
    assert "target_street" in exc.value.message_dict


def test_the_preview_answers_without_writing(lists):
    ok = task_preview(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
    refused = task_preview(acting_user=None, **task_body(lists, level="community"))
    assert (ok["admissible"], ok["clause"]) == (True, "二(一)")
    assert (refused["admissible"], refused["rule"], refused["clause"]) == (False, "admission.community_list", "三(五)")
    assert not TaskAssignment.objects.exists() and not TaskRefusal.objects.exists()


def test_the_shipped_default_lists_are_in_force_and_marked_for_confirmation(db):
    from admissions.selectors import admission_list_in_force

    for level in Level.values:
        shipped = admission_list_in_force(level=level)
        assert shipped.is_default and shipped.confirmed_at is None
        assert shipped.items.count() >= 10


def test_a_task_carries_the_street_it_lands_in_and_a_street_sees_the_same_tasks_as_through_its_targets(lists):
    # Issue 14: a street's scope reads the task's own street column (one index) instead of an OR across the
    # communities join; the column is the target street, or the target community's street.
    made = {}
    for side in ("a", "b"):
        made[side] = task_file(acting_user=None, **task_body(lists, side=side, admission_item=lists["street_item"]))
        made[f"c{side}"] = task_file(acting_user=None, **task_body(
            lists, level="community", side=side, admission_item=lists["community_item"]))
    assert {k: t.street_id for k, t in made.items()} == {
        "a": lists["a"].pk, "ca": lists["a"].pk, "b": lists["b"].pk, "cb": lists["b"].pk}
    for side in ("a", "b"):
        street = lists[side]
        old = TaskAssignment.objects.filter(Q(target_street=street) | Q(target_community__street=street))
        new = tasks_for_user(user=f.user(Role.STREET_STAFF, street))
        assert list(new.values_list("pk", flat=True)) == list(old.values_list("pk", flat=True))
        assert set(new.values_list("pk", flat=True)) == {made[side].pk, made[f"c{side}"].pk}


def test_a_task_whose_street_is_not_its_target_street_is_refused_by_the_database(lists):
    task = task_file(acting_user=None, **task_body(lists, admission_item=lists["street_item"]))
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskAssignment.objects.filter(pk=task.pk).update(street=lists["b"])

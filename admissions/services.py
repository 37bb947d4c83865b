"""Writes for admission lists, tasks pushed down and honours consultations (二(一), 二(四)2, 三(五)).

A department files a task with `task_file`: on the list in force it is accepted; outside it, it is refused
naming 二(一) (street) or 三(五) (community), unless a 编委会 document approved it with the powers, staff and
funds that go with it. A refusal writes no task: it is recorded as a `TaskRefusal` after the refused
write was rolled back, so that the district's report counts it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions import checks
from admissions.models import (
    AdmissionItem,
    AdmissionList,
    HonoursConsultation,
    HonoursOpinion,
    Level,
    TaskAssignment,
    TaskRefusal,
)
from admissions.selectors import admission_list_in_force, departments_filing_for_user
from governance.exceptions import RuleViolation
from governance.findings import Breach, refuse_new_breaches
from governance.rules import RuleBook
from governance.services import instance_save, lock_current, model_update
from service_stations.selectors import working_calendar

# --- admission lists ---


@transaction.atomic
def admission_list_create(*, acting_user, **fields) -> AdmissionList:
    return instance_save(AdmissionList(**fields), acting_user=acting_user)


@transaction.atomic
def admission_list_update(*, admission_list: AdmissionList, acting_user, expected_version: int | None = None,
                          **fields) -> AdmissionList:
    return model_update(instance=admission_list, acting_user=acting_user, data=fields,
                        expected_version=expected_version)


@transaction.atomic
def admission_list_confirm(*, admission_list: AdmissionList, acting_user,
                           expected_version: int | None = None) -> AdmissionList:
    """The district administrator confirms a list (the shipped defaults stay marked until then)."""
    lock_current(admission_list, expected_version=expected_version)
    if admission_list.confirmed_at is not None:
        return admission_list
    return model_update(instance=admission_list, acting_user=acting_user,
                        data={"confirmed_by": acting_user, "confirmed_at": timezone.now()})


@transaction.atomic
def admission_item_create(*, acting_user, **fields) -> AdmissionItem:
    return instance_save(AdmissionItem(**fields), acting_user=acting_user)


@transaction.atomic
def admission_item_update(*, item: AdmissionItem, acting_user, expected_version: int | None = None,
                          **fields) -> AdmissionItem:
    return model_update(instance=item, acting_user=acting_user, data=fields, expected_version=expected_version)


# --- tasks pushed down ---


def _department_check(*, acting_user, department) -> None:
    """A department user files only for their own department; the district administrator for any."""
    if acting_user is None or department is None:
        return
    if not departments_filing_for_user(user=acting_user).filter(pk=department.pk).exists():
        raise ValidationError({"department": [_("您只能以本部门的名义填报。")]})


def _target_check(task: TaskAssignment) -> None:
    if (task.target_street_id is None) == (task.target_community_id is None):
        raise ValidationError({"target_street": [_("请选择一个承接街道或一个承接社区。")]})
    # The street the task lands in, kept on the task so that a street's scope is one indexed column (issue 14).
    task.street_id = task.target_street_id or task.target_community.street_id


def task_breaches(task: TaskAssignment, rules: RuleBook) -> list[Breach]:
    """Every rule a task breaks, read once against the lists in force on the RuleBook's date."""
    found = []
    for level, check in ((Level.STREET, checks.street_list), (Level.COMMUNITY, checks.community_list)):
        in_force = admission_list_in_force(level=level, on=rules.on)
        found += check(task=task, rules=rules, in_force_list_id=in_force.pk if in_force else None) or []
    found += checks.community_offices(task=task, rules=rules) or []
    found += checks.community_evaluations(task=task, rules=rules) or []
    return found


def _decide(task: TaskAssignment, rules: RuleBook) -> None:
    """Refuse, or set the status and the rule the task stands on."""
    breaches = task_breaches(task, rules)
    refuse_new_breaches(before=[], after=breaches, approval_reference=task.approval_document)
    level = Level.STREET if task.target_street_id else Level.COMMUNITY
    rule = rules[checks.LIST_RULES[level]]
    task.status = (TaskAssignment.Status.APPROVED_EXCEPTION if any(b.approvable for b in breaches)
                   else TaskAssignment.Status.ACCEPTED)
    task.rule, task.clause = rule.key, rule.clause


def task_preview(*, acting_user, **fields) -> dict:
    """What filing would answer, without writing: the filing form shows it as the clerk types."""
    task = TaskAssignment(**fields)
    try:
        _department_check(acting_user=acting_user, department=task.department if task.department_id else None)
        _target_check(task)
        _decide(task, RuleBook())
    except RuleViolation as exc:
        return {"admissible": False, "message": exc.text, "rule": exc.rule, "clause": exc.clause, "field": exc.field}
    except ValidationError as exc:
        return {"admissible": False, "message": "；".join(exc.messages), "rule": None, "clause": None, "field": None}
    return {"admissible": True, "status": task.status, "status_label": task.get_status_display(),
            "message": _("可以交办：%(status)s（依据：%(clause)s）") % {
                "status": task.get_status_display(), "clause": task.clause},
            "rule": task.rule, "clause": task.clause, "field": None}


@transaction.atomic
def task_assign(*, acting_user, **fields) -> TaskAssignment:
    """File a task that the rules admit (one transaction); a refusal raises RuleViolation and writes nothing."""
    task = TaskAssignment(**fields)
    _department_check(acting_user=acting_user, department=task.department if task.department_id else None)
    _target_check(task)
    task.full_clean(exclude=["status", "rule", "clause"], validate_constraints=False)
    _decide(task, RuleBook())
    task.filed_by = acting_user if acting_user and acting_user.is_authenticated else None
    return instance_save(task, acting_user=acting_user)


@transaction.atomic
def task_refusal_record(*, acting_user, violation: RuleViolation, **fields) -> TaskRefusal:
    keep = {k: fields.get(k) for k in ("title", "kind", "department", "target_street", "target_community")}
    keep["kind"] = keep["kind"] or TaskAssignment._meta.get_field("kind").default
    return TaskRefusal.objects.create(
        **keep, rule=violation.rule, clause=violation.clause, message=violation.text,
        filed_by=acting_user if acting_user and acting_user.is_authenticated else None,
    )


def task_file(*, acting_user, **fields) -> TaskAssignment:
    """File a task; a refused one is recorded (TaskRefusal) once its own transaction is rolled back, then
    the refusal is raised to the caller (400 naming the clause / a form error). Not itself atomic: the
    refusal record must survive the refused write's rollback."""
    try:
        return task_assign(acting_user=acting_user, **fields)
    except RuleViolation as exc:
        task_refusal_record(acting_user=acting_user, violation=exc, **fields)
        raise


# --- honours consultations (二(四)2) ---


def _honours_check(consultation: HonoursConsultation, rules: RuleBook) -> None:
    if consultation.community_id and consultation.community.street_id != consultation.street_id:
        raise ValidationError({"community": [_("社区不属于所选街道。")]})
    refuse_new_breaches(before=[], after=checks.honours_notice(
        opened_on=consultation.opened_on, decision_date=consultation.decision_date, rules=rules,
        calendar=working_calendar()) or [])


@transaction.atomic
def honours_consultation_open(*, acting_user, opened_on: datetime.date | None = None, **fields) -> HonoursConsultation:
    consultation = HonoursConsultation(opened_on=opened_on or timezone.localdate(), **fields)
    _department_check(acting_user=acting_user,
                      department=consultation.department if consultation.department_id else None)
    consultation.full_clean()
    _honours_check(consultation, RuleBook(on=consultation.opened_on))
    consultation.filed_by = acting_user if acting_user and acting_user.is_authenticated else None
    return instance_save(consultation, acting_user=acting_user, validate=False)


@transaction.atomic
def honours_consultation_update(*, consultation: HonoursConsultation, acting_user,
                                expected_version: int | None = None, **fields) -> HonoursConsultation:
    """Move the decision date (or correct the record): the 10-working-day notice is checked again."""
    lock_current(consultation, expected_version=expected_version)
    _department_check(acting_user=acting_user, department=consultation.department)
    if "department" in fields:
        _department_check(acting_user=acting_user, department=fields["department"])
    candidate = HonoursConsultation(**{f.attname: getattr(consultation, f.attname)
                                       for f in HonoursConsultation._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _honours_check(candidate, RuleBook(on=candidate.opened_on))
    return model_update(instance=consultation, acting_user=acting_user, data=fields)


@transaction.atomic
def honours_opinion_record(*, acting_user, consultation: HonoursConsultation, street, community=None,
                           opinion: str, recommends_veto: bool = False) -> HonoursOpinion:
    """The street's or community's opinion, a veto recommendation included, recorded before the decision."""
    if street.pk != consultation.street_id or (community is not None and community.street_id != street.pk):
        raise ValidationError({"street": [_("只能对征求本街道、社区意见的评选表彰提出意见。")]})
    if timezone.localdate() > consultation.decision_date:
        raise ValidationError({"opinion": [_("该评选已于 %(date)s 研究决定，不能再提出意见。")
                                           % {"date": consultation.decision_date}]})
    row = HonoursOpinion(consultation=consultation, street=street, community=community, opinion=opinion,
                         recommends_veto=recommends_veto,
                         recorded_by=acting_user if acting_user and acting_user.is_authenticated else None)
    return instance_save(row, acting_user=acting_user)

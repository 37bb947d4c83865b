"""Reads for admission lists, tasks and honours consultations, scoped to the user (governance.scope)."""

import datetime

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from admissions.models import (
    AdmissionItem,
    AdmissionList,
    HonoursConsultation,
    HonoursOpinion,
    TaskAssignment,
    TaskRefusal,
)
from governance.models import Department
from governance.roles import Role, user_role
from governance.scope import scoped


def admission_lists_for_user(*, user) -> QuerySet[AdmissionList]:
    """The lists are the district's rules for everyone: every signed-in user reads them."""
    if not user.is_authenticated:
        return AdmissionList.objects.none()
    items = AdmissionItem.objects.select_related("department").order_by("number")
    return AdmissionList.objects.select_related("confirmed_by").prefetch_related(Prefetch("items", queryset=items))


def admission_items_for_user(*, user) -> QuerySet[AdmissionItem]:
    if not user.is_authenticated:
        return AdmissionItem.objects.none()
    return AdmissionItem.objects.select_related("admission_list", "department")


def admission_list_in_force(*, level: str, on: datetime.date | None = None) -> AdmissionList | None:
    on = on or timezone.localdate()
    return AdmissionList.objects.filter(level=level, effective_from__lte=on).order_by("-effective_from").first()


def departments_filing_for_user(*, user) -> QuerySet[Department]:
    """The departments a user may file tasks or honours consultations for: a department user their own
    (`governance.access_department`), the district administrator any."""
    role = user_role(user)
    if role == Role.DISTRICT_ADMIN:
        return Department.objects.all()
    if role == Role.DEPARTMENT_USER:
        return get_objects_for_user(user, "governance.access_department", klass=Department, accept_global_perms=False)
    return Department.objects.none()


# What a task's row shows (TASK_RELATED): its department, its street (the target street, or the target
# community's: TaskAssignment.street), its target community and the list item it rests on. Every further join
# made the page's query dearer to plan than to run, and more so as the tables grew (issue 14: eight tables
# took 9 ms to plan at x1, 18-27 ms at x100, for 1 ms of execution); the filer is not shown.
TASK_RELATED = ("department", "street", "target_community", "admission_item__admission_list")


def tasks_for_user(*, user) -> QuerySet[TaskAssignment]:
    return scoped(
        TaskAssignment.objects.select_related(*TASK_RELATED),
        user, street="street_id", community="target_community_id",  # street: the task's (its target's) street
    )


def task_refusals_for_user(*, user) -> QuerySet[TaskRefusal]:
    return scoped(TaskRefusal.objects.select_related("department", "target_street", "target_community"), user,
                  street=("target_street_id", "target_community__street_id"), community="target_community_id")


def task_counts_by_department(*, user) -> list[dict]:
    """Per department: tasks accepted, approved as exceptions, and refused, in three queries whatever the
    number of departments or tasks (the district's report)."""
    tasks = {
        row["department_id"]: row for row in tasks_for_user(user=user).order_by().values("department_id").annotate(
            accepted=Count("pk", filter=Q(status=TaskAssignment.Status.ACCEPTED)),
            approved=Count("pk", filter=Q(status=TaskAssignment.Status.APPROVED_EXCEPTION)),
        )
    }
    refused = dict(task_refusals_for_user(user=user).order_by().values("department_id")
                   .annotate(n=Count("pk")).values_list("department_id", "n"))
    rows = []
    for department in Department.objects.order_by("code"):
        counts = tasks.get(department.pk, {})
        row = {"department": department, "department_id": department.pk, "department_name": department.name,
               "accepted": counts.get("accepted", 0), "approved_exception": counts.get("approved", 0),
               "refused": refused.get(department.pk, 0)}
        if row["accepted"] or row["approved_exception"] or row["refused"]:
            rows.append(row)
    return rows


def honours_for_user(*, user) -> QuerySet[HonoursConsultation]:
    opinions = HonoursOpinion.objects.select_related("street", "community", "recorded_by")
    return scoped(
        HonoursConsultation.objects.select_related("department", "street", "community")
        .prefetch_related(Prefetch("opinions", queryset=opinions)),
        user, street="street_id", community="community_id",
    )


def honours_opinions_for_user(*, user) -> QuerySet[HonoursOpinion]:
    return scoped(HonoursOpinion.objects.select_related("consultation", "street", "community"), user,
                  street="street_id", community="community_id")


def admission_findings(*, user, rules, street_id: int | None = None, community_id: int | None = None) -> list:
    """A shipped default list nobody has confirmed yet is a finding for the district (附件1/附件3 were not
    published with the document): one query."""
    from admissions.checks import LIST_RULES
    from governance.findings import Breach, finding
    from governance.scope import scope_for

    if street_id is not None or community_id is not None or not scope_for(user).district_wide:
        return []
    found = []
    for level in LIST_RULES:
        current = admission_list_in_force(level=level, on=rules.on)
        if current is not None and current.is_default and current.confirmed_at is None:
            breach = Breach(rules[LIST_RULES[level]], "unconfirmed",
                            f"{current.title}为系统默认内容，尚待区级管理员确认", short=True)
            found.append(finding(breach, subject="全区", street=None))
    return found


def honours_notice_status(consultation: HonoursConsultation, *, rules, calendar) -> dict:
    """Whether the 10-working-day notice of 二(四)2 holds for a consultation, by the rule's own check
    (admissions.checks.honours_notice), with the working days counted for the page. No query once the
    RuleBook has read the rule; `calendar` is the stored working calendar
    (`service_stations.selectors.working_calendar`), read once by the page."""
    from admissions.checks import honours_notice

    rule = rules["honours.consultation_working_days"]
    breaches = honours_notice(opened_on=consultation.opened_on, decision_date=consultation.decision_date,
                              rules=rules, calendar=calendar) or []
    return {"holds": not breaches,
            "working_days": calendar.working_days_between(consultation.opened_on, consultation.decision_date),
            "required": rule.value, "clause": rule.clause,
            "earliest": calendar.add_working_days(consultation.opened_on, rule.value),
            "message": breaches[0].message if breaches else ""}


# --- sections of the street and community pages (registered in AdmissionsConfig.ready()) ---

SECTION_ROWS = 10


def _incoming(request, tasks) -> dict:
    """The newest tasks pushed down and how many there are: one query whatever their number (the total is a
    scalar subquery, counted once by the scope's index: a window count joined every task's related rows before
    the limit, issue 14)."""
    if not request.user.has_perm("admissions.view_taskassignment"):
        return {"incoming_tasks": None}
    total = tasks.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    rows = list(tasks.annotate(total=Subquery(total, output_field=IntegerField()))[:SECTION_ROWS])
    return {"incoming_tasks": rows, "incoming_tasks_total": rows[0].total if rows else 0}


def street_page_section(request, street, **_shared) -> dict:
    """What was pushed to the street and to its communities, on what basis (二(一), 三(五))."""
    # the task's street is its target street or its target community's (services.task_assign): one indexed column
    tasks = tasks_for_user(user=request.user).filter(street=street)
    return _incoming(request, tasks)


def community_page_section(request, community, **_shared) -> dict:
    """What was pushed to the community, on what basis (三(五))."""
    return _incoming(request, tasks_for_user(user=request.user).filter(target_community=community))

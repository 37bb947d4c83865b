"""Pages: the admission lists, a department's task filing form (with a live admissibility check), the
tasks a street or community received and on what basis, and the district's report per department."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from admissions.checks import LIST_NAMES
from admissions.forms import TaskFilingForm
from admissions.models import Level
from admissions.selectors import (
    admission_items_for_user,
    admission_list_in_force,
    admission_lists_for_user,
    departments_filing_for_user,
    task_counts_by_department,
    tasks_for_user,
)
from admissions.services import task_file, task_preview
from communities.selectors import communities_for_user
from governance.filter_values import id_param
from governance.forms import form_add_service_errors
from governance.views import get_scoped_or_404, require_district_wide
from streets.selectors import streets_for_user


@login_required
def admission_lists(request):
    """The list in force of one level (`?level=`), or an older version (`?version=`), 50 items a page."""
    if not request.user.has_perm("admissions.view_admissionlist"):
        raise PermissionDenied(_("您的角色不能查看准入清单。"))
    level = request.GET.get("level") if request.GET.get("level") in Level.values else Level.STREET
    versions = list(admission_lists_for_user(user=request.user).filter(level=level).order_by("-effective_from")
                    .values("pk", "title", "effective_from"))
    version = request.GET.get("version", "")
    current = None
    if id_param(version) is not None:
        current = get_scoped_or_404(request, admission_lists_for_user(user=request.user), id_param(version))
        level = current.level
    else:
        in_force = admission_list_in_force(level=level)
        if in_force is not None:
            current = admission_lists_for_user(user=request.user).get(pk=in_force.pk)
    items = Paginator(current.items.all() if current else [], 50).get_page(request.GET.get("page"))
    return render(request, "admissions/lists.html", {
        "level": level, "levels": Level.choices, "versions": versions, "current": current, "items": items,
        "list_name": LIST_NAMES[level], "extra": f"&version={current.pk}" if current else "",
    })


def _filing_form(request, data=None):
    return TaskFilingForm(
        data, departments=departments_filing_for_user(user=request.user),
        streets=streets_for_user(user=request.user), communities=communities_for_user(user=request.user),
        items=admission_items_for_user(user=request.user).filter(
            admission_list__in=[lst.pk for lvl in Level.values if (lst := admission_list_in_force(level=lvl))]),
        user=request.user,
    )


@login_required
def task_new(request):
    if not request.user.has_perm("admissions.add_taskassignment"):
        raise PermissionDenied(_("您的角色不能交办工作事项。"))
    form = _filing_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_file(acting_user=request.user, **form.task_fields())
        except ValidationError as exc:
            form_add_service_errors(form, exc)  # a refusal is recorded; the task is not
        else:
            messages.success(request, _("已交办：%(title)s（%(status)s，依据 %(clause)s）。") % {
                "title": task.title, "status": task.get_status_display(), "clause": task.clause})
            return redirect("admission-tasks")
    return render(request, "admissions/task_form.html", {"form": form})


@login_required
@require_POST
def task_check(request):
    """JSON for the filing form: would this task be admitted, and on which clause? Writes nothing."""
    if not request.user.has_perm("admissions.add_taskassignment"):
        raise PermissionDenied(_("您的角色不能交办工作事项。"))
    form = _filing_form(request, request.POST)
    form.is_valid()
    fields = form.task_fields()
    missing = [str(form.fields[name].label) for name in ("department", "target_street")
               if name in form.errors or (name == "department" and not fields.get("department"))]
    if missing:
        result = {"admissible": None, "message": _("请先选择：%(fields)s") % {"fields": "、".join(missing)}, "rule": None, "clause": None,
                  "field": None}
    else:
        result = task_preview(acting_user=request.user, **fields)
    return JsonResponse(result)


@login_required
def task_list(request):
    """What was pushed down: a street or community sees what reached it and on what basis; the district
    sees every task."""
    if not request.user.has_perm("admissions.view_taskassignment"):
        raise PermissionDenied(_("您的角色不能查看下沉工作事项。"))
    tasks = Paginator(tasks_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "admissions/task_list.html", {
        "tasks": tasks, "can_file": request.user.has_perm("admissions.add_taskassignment")})


@login_required
def task_report(request):
    """Per department: tasks accepted, approved as exceptions by the 编委会, and refused."""
    require_district_wide(request)
    return render(request, "admissions/task_report.html", {"rows": task_counts_by_department(user=request.user)})

"""Pages: the district quota and budget page, its Excel export, and the what-if for a rule change."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assessments.exports import XLSX_CONTENT_TYPE, budget_workbook
from assessments.forms import RuleWhatIfForm
from assessments.quotas import NOTES
from assessments.selectors import budget_communities, budget_community_rows, budget_what_if, district_budget
from governance.exceptions import RuleViolation
from governance.roles import Role, user_role
from governance.rules import RuleBook
from governance.scope import scope_for

PAGE_SIZE = 50


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 2999 else timezone.localdate().year


def _require_scope(request):
    if scope_for(request.user).is_empty:
        raise PermissionDenied("没有可查看的街道或社区。")


@login_required
def quotas_overview(request):
    """District-wide users see every street; a street's staff see their street (scoped selectors)."""
    _require_scope(request)
    year = _year(request)
    context = {"year": year, "notes": NOTES, "can_what_if": user_role(request.user) == Role.DISTRICT_ADMIN,
               "district_wide": scope_for(request.user).district_wide}
    try:
        context["budget"] = budget = district_budget(user=request.user, year=year)
    except RuleViolation as exc:
        context["error"] = exc.text
    else:
        context["basis_rows"] = [{**b, "value_json": _json(b["value"])} for b in budget.basis]
        # Long lists 50 a page; the totals above them stay whole (issue 14).
        context["community_page"] = Paginator(budget.communities, PAGE_SIZE).get_page(request.GET.get("page"))
        context["award_page"] = Paginator(budget.awards, PAGE_SIZE).get_page(request.GET.get("awards_page"))
    return render(request, "assessments/quotas.html", context)


@login_required
def quotas_export(request):
    _require_scope(request)
    year = _year(request)
    try:
        budget = district_budget(user=request.user, year=year, keep_communities=False)
    except RuleViolation as exc:
        return HttpResponse(exc.text, status=400, content_type="text/plain; charset=utf-8")
    # Written to a temporary file in write-only mode, then streamed: memory flat in the number of rows.
    rows = budget_community_rows(budget_communities(user=request.user), rules=budget.book)
    return FileResponse(budget_workbook(budget, rows), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                        filename=f"xingqing-quota-budget-{year}.xlsx")


@login_required
def quota_what_if(request):
    """A district administrator tries a new rule value: old and new totals side by side, nothing saved."""
    if user_role(request.user) != Role.DISTRICT_ADMIN:
        raise PermissionDenied("仅区级管理员可进行规则测算。")
    form = RuleWhatIfForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = budget_what_if(user=request.user, key=form.cleaned_data["key"], value=form.cleaned_data["value"],
                                    effective_from=form.cleaned_data["effective_from"])
        except RuleViolation as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text)
    current = {}
    rules = RuleBook()
    for key, _label in form.fields["key"].choices:
        try:
            current[key] = _json(rules[key].value)
        except LookupError:
            pass
    rows = []
    if result:
        for label, attr in [("社区工作经费（元）", "work_funds"), ("社区党建经费（元）", "party_building_funds"),
                            ("特殊荣誉奖励（元）", "awards"), ("合计（元）", "total"),
                            ("“两委”成员职数", "committee_members"), ("网格员定额", "grid_workers"),
                            ("须招聘专职网格员", "fulltime_grid_workers")]:
            old, new = getattr(result.before.totals, attr), getattr(result.after.totals, attr)
            rows.append({"label": label, "old": old, "new": new, "diff": new - old})
        streets = [(b, a) for b, a in zip(result.before.lines, result.after.lines, strict=True)]
    else:
        streets = []
    values = {"before": _json(result.rule_before.value), "after": _json(result.rule_after.value)} if result else {}
    return render(request, "assessments/what_if.html", {"form": form, "result": result, "rows": rows,
                                                         "streets": streets, "current": current, "values": values})

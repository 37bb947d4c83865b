"""Pages: the district quota and budget page, its Excel export, and the what-if for a rule change."""

from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.exports import XLSX_CONTENT_TYPE, budget_workbook
from assessments.forms import RULE_CHOICES, RuleWhatIfForm
from assessments.quotas import NOTES
from assessments.selectors import (
    award_page_start,
    budget_communities,
    budget_community_rows,
    budget_what_if,
    district_budget,
)
from governance.access import reads_units
from governance.exceptions import RuleViolation
from governance.filter_values import id_param
from governance.roles import Role, user_role
from governance.rules import RuleBook
from governance.scope import scope_for

# The budget years the rules can answer: the reform began in 2018; a few years ahead for planning.
FIRST_YEAR, YEARS_AHEAD = 2018, 10
PAGE_SIZE = 50


class BadParameter(ValueError):
    pass


def _year(request) -> int:
    """The budget year asked for (this year when none); anything else is refused with a message."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return timezone.localdate().year
    last = timezone.localdate().year + YEARS_AHEAD
    try:
        year = int(raw)
    except ValueError:
        raise BadParameter(_("预算年度须为 %(first)s—%(last)s 之间的四位数年份，“%(raw)s”不是年份。")
                           % {"first": FIRST_YEAR, "last": last, "raw": raw[:20]}) from None
    if not FIRST_YEAR <= year <= last:
        raise BadParameter(_("预算年度须为 %(first)s—%(last)s 之间的年份（改革自 2018 年起实施）。")
                           % {"first": FIRST_YEAR, "last": last})
    return year


def _require_scope(request):
    if not reads_units(request.user):
        raise PermissionDenied(_("定额与预算仅限区级用户、街道和社区工作人员查看。"))


@login_required
def quotas_overview(request):
    """District-wide users see every street; a street's staff see their street (scoped selectors)."""
    _require_scope(request)
    context = {"notes": NOTES, "can_what_if": user_role(request.user) == Role.DISTRICT_ADMIN,
               "district_wide": scope_for(request.user).district_wide}
    try:
        context["year"] = year = _year(request)
    except BadParameter as exc:
        context.update(year=request.GET.get("year", "")[:20], error=str(exc))
        return render(request, "assessments/quotas.html", context, status=400)
    try:
        # totals summed in SQL, only the page's communities built (issue 14)
        context["budget"] = budget = district_budget(
            user=request.user, year=year, keep_communities=False,
            award_start=award_page_start(request.GET.get("awards_page")))  # its page read with the totals
    except RuleViolation as exc:
        context["error"] = exc.text
    else:
        context["basis_rows"] = budget.basis
        street_ids = {line.street.pk: line.street for line in budget.lines}
        raw = request.GET.get("street", "").strip()
        chosen = id_param(raw)
        chosen = chosen if chosen in street_ids else None
        if raw and chosen is None:
            context["error"] = _("所选街道不存在或不在您的管理范围内。")
            return render(request, "assessments/quotas.html", context, status=400)
        context["street_choices"] = list(street_ids.values()) if len(street_ids) > 1 else []
        context["chosen_street"] = chosen
        # One street's communities (the street chosen, or a street's own page) in the index's order; a district's
        # in its streets' code order.
        one_street = chosen if chosen is not None else (next(iter(street_ids)) if len(street_ids) == 1 else None)
        communities = budget_communities(user=request.user, street_id=one_street)
        # Long lists 50 a page; the totals above them stay whole (issue 14). The number of communities is the
        # budget's own (its lines count the same communities, once per change of the data): no count of the
        # district's or street's communities on each request.
        paginator = Paginator(communities, PAGE_SIZE)
        paginator.count = budget.community_count(one_street)
        context["community_page"] = community_page = paginator.get_page(request.GET.get("page"))
        community_page.object_list = list(budget_community_rows(list(community_page.object_list), rules=budget.book))
        context["award_page"] = award_page = Paginator(budget.awards, PAGE_SIZE).get_page(request.GET.get("awards_page"))
        keep = {"year": year, **({"street": chosen} if chosen else {})}
        context["community_extra"] = urlencode({**keep, "awards_page": award_page.number})
        context["award_extra"] = urlencode({**keep, "page": community_page.number})
        context["chart_budget"] = {
            "categories": [line.street.name for line in budget.lines],
            "series": [
                {"name": _("工作经费"), "data": [line.work_funds for line in budget.lines]},
                {"name": _("党建经费"), "data": [line.party_building_funds for line in budget.lines]},
                {"name": _("特殊荣誉奖励"), "data": [line.awards for line in budget.lines]},
            ],
            "unit": _("元"),
        }
    return render(request, "assessments/quotas.html", context)


@login_required
def quotas_export(request):
    _require_scope(request)
    try:
        year = _year(request)
        budget = district_budget(user=request.user, year=year, keep_communities=False)
    except BadParameter as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    except RuleViolation as exc:
        return HttpResponse(exc.text, status=400, content_type="text/plain; charset=utf-8")
    # Written to a temporary file in write-only mode, then streamed: memory flat in the number of rows.
    rows = budget_community_rows(budget_communities(user=request.user), rules=budget.book)
    response = FileResponse(budget_workbook(budget, rows), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=f"xingqing-quota-budget-{year}.xlsx")
    chinese = _("%(year)s年定额与经费预算") % {"year": year} + ".xlsx"
    response["Content-Disposition"] = (f'attachment; filename="xingqing-quota-budget-{year}.xlsx"; '
                                       f"filename*=UTF-8''{quote(chinese)}")
    return response


@login_required
def quota_what_if(request):
    """A district administrator tries new numbers for a rule: old and new totals side by side, nothing saved.

    Choosing the rule (only `key` in the query) shows its numbers as they are; submitting them with an
    effective date computes. A bad rule or number answers 400 with the form's messages.
    """
    if user_role(request.user) != Role.DISTRICT_ADMIN:
        raise PermissionDenied(_("仅区级管理员可进行规则测算。"))
    rules = RuleBook()
    key = request.GET.get("key") or RULE_CHOICES[0][0]
    status = 200
    if key not in dict(RULE_CHOICES):
        key, status = RULE_CHOICES[0][0], 400
    try:
        current = rules[key]
    except LookupError:
        return render(request, "assessments/what_if.html", {"error": _("该规则今天没有生效的版本，无法测算。")}, status=400)
    computing = "effective_from" in request.GET
    form = RuleWhatIfForm(request.GET if computing else None, key=key, current_value=current.value)
    if status == 400:
        form = RuleWhatIfForm(None, key=key, current_value=current.value)
        form.errors_text = _("没有这条可测算的规则，请从列表中选择。")
    result = None
    if computing:
        if form.is_valid():
            try:
                result = budget_what_if(user=request.user, key=key, value=form.cleaned_data["value"],
                                        effective_from=form.cleaned_data["effective_from"])
            except RuleViolation as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.text)
        if form.errors:
            status = 400
    rows = []
    streets = []
    if result:
        for label, attr, is_money in [(_("社区工作经费（元）"), "work_funds", True), (_("社区党建经费（元）"), "party_building_funds", True),
                                      (_("特殊荣誉奖励（元）"), "awards", True), (_("合计（元）"), "total", True),
                                      (_("“两委”成员职数"), "committee_members", False), (_("网格员定额"), "grid_workers", False),
                                      (_("须招聘专职网格员"), "fulltime_grid_workers", False)]:
            old, new = getattr(result.before.totals, attr), getattr(result.after.totals, attr)
            rows.append({"label": label, "old": old, "new": new, "diff": new - old, "money": is_money})
        streets = list(zip(result.before.lines, result.after.lines, strict=True))
    return render(request, "assessments/what_if.html", {
        "form": form, "result": result, "rows": rows, "streets": streets, "current": current,
        "rule_choices": RULE_CHOICES, "key": key,
    }, status=status)

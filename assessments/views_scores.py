"""Assessment pages: a rater's to-do list and scoring form, a street's or community's view of its scores,
the organisation department's review (progress by street, charts, approve, return, publish), the
published ranking and its Excel export. Page view order: login, permission, scoped fetch, form, service,
form errors (CONTRIBUTING.md 6)."""

import json
import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import services
from assessments.exports import XLSX_CONTENT_TYPE
from assessments.models import AssessmentCycle, AssessmentScheme, ScoreSheet
from assessments.score_selectors import (
    REVIEW,
    TodoRow,
    assessments_for_user,
    cycle_progress,
    cycle_totals,
    cycles_for_user,
    cycles_progress,
    is_late,
    rater_sheets_for_user,
    reminders_for_user,
    schemes_for_user,
    sheet_scores,
    sheets_for_user,
    todo_rows,
)
from communities.picker import CommunityField
from communities.selectors import communities_for_user
from governance.exceptions import Conflict
from governance.filter_values import id_param
from governance.forms import VersionedForm, form_add_service_errors
from governance.scope import scope_for
from governance.views import get_scoped_or_404
from streets.models import Street
from streets.selectors import streets_for_user

PAGE = 50


def _page(request, items):
    return Paginator(items, PAGE).get_page(request.GET.get("page"))


def _cycles_page(request, cycles):
    """A page of cycles in their listed order with the pk as tie-break: several cycles share a scheme and a
    period (one per street or community), so without it page 2 could repeat or skip some."""
    return _page(request, cycles.order_by(*AssessmentCycle._meta.ordering, "pk"))


def _require(request, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


@login_required
def scores_todo(request):
    """待办评分: what this user's unit still has to score, returned sheets first, late ones marked."""
    _require(request, "assessments.view_scoresheet", _("您的角色不参与考核评分。"))
    sheets = _page(request, todo_rows(user=request.user))
    today = timezone.localdate()
    rows = [{"sheet": s, "late": s.late(today)} for s in (TodoRow(*t) for t in sheets)]
    return render(request, "assessments/todo.html", {"sheets": sheets, "rows": rows,
                                                     "reminders": list(reminders_for_user(user=request.user)[:5])})


class SheetForm(VersionedForm):
    """One field per criterion (0 to its full marks); the service decides what may be saved."""

    submit = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for row in criteria:
            c = row["criterion"]
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=_("%(name)s（满分 %(max_score)s）") % {"name": c.name, "max_score": c.max_score}, required=False, min_value=0, max_value=c.max_score,
                max_digits=6, decimal_places=2)

    def scores(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()
                if name.startswith("c") and name[1:].isdigit() and value is not None}


@login_required
def sheet_edit(request, pk):
    """评分表: enter the scores per criterion, save as a draft or submit."""
    _require(request, "assessments.change_scoresheet", _("您的角色不能评分。"))
    sheet = get_scoped_or_404(request, rater_sheets_for_user(user=request.user), pk)
    criteria = sheet_scores(sheet)
    initial = {f"c{row['criterion'].pk}": row["value"] for row in criteria}
    form = SheetForm.for_instance(request.POST or None, sheet, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                services.sheet_save(sheet=sheet, acting_user=request.user, scores=form.scores(), submit=submit,
                                    expected_version=form.cleaned_data.get("expected_version"))
        except (ValidationError, Conflict) as exc:
            sheet.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已提交评分。") if submit else _("已保存草稿。"))
            return redirect("assessment-todo" if submit else "assessment-sheet", **({} if submit else {"pk": sheet.pk}))
    return render(request, "assessments/sheet_form.html", {"form": form, "sheet": sheet, "criteria": criteria,
                                                           "late": is_late(sheet)})


def _cycle_or_none(request, cycles):
    cycle = id_param(request.GET.get("cycle"))
    if cycle is None:
        return None
    return get_scoped_or_404(request, cycles, cycle)


@login_required
def my_scores(request):
    """本单位考核结果: how a street's or community's own people and units were scored, with the computation."""
    _require(request, "assessments.view_assessment", _("您的角色不能查看考核结果。"))
    cycles = cycles_for_user(user=request.user)
    cycle = _cycle_or_none(request, cycles)
    totals = None
    if cycle is not None:
        mine = assessments_for_user(user=request.user).filter(cycle=cycle)
        totals = _page(request, cycle_totals(cycle=cycle, assessments=mine))
    return render(request, "assessments/my_scores.html", {"cycles": _cycles_page(request, cycles) if cycle is None else None,
                                                          "cycle": cycle, "totals": totals})


def _require_review(request):
    _require(request, REVIEW, _("仅区委组织部可审核考核结果。"))


class CycleOpenForm(forms.Form):
    """Open a scheme for a period (the service decides the rest: deadline, subjects, raters)."""

    scheme = forms.ModelChoiceField(queryset=AssessmentScheme.objects.none(), label=gettext_lazy("考核方案"))
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2018, max_value=2100)
    part = forms.IntegerField(label=gettext_lazy("期次"), min_value=1, max_value=4, initial=1,
                              help_text=gettext_lazy("年度为1；半年为1-2；季度为1-4。"))
    street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False, label=gettext_lazy("范围（街道）"),
                                    empty_label=gettext_lazy("全区"))
    community = CommunityField(required=False, label=gettext_lazy("范围（社区）"), empty_label=gettext_lazy("不限"),
                               help_text=gettext_lazy("社区考核本社区专职网格员等社区一级人员（三(四)3）。"))
    deadline = forms.DateField(required=False, label=gettext_lazy("报送截止日期"),
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=gettext_lazy("留空：驻区单位为当年12月20日（二(四)2），其他为期末。"))
    excellent_share = forms.IntegerField(required=False, min_value=0, max_value=100,
                                         label=gettext_lazy("优秀比例上限（%）"))
    community_tilt = forms.IntegerField(required=False, min_value=0, max_value=100, initial=0,
                                        label=gettext_lazy("向社区倾斜（百分点）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes_for_user(user=user).filter(is_active=True)
        self.fields["street"].queryset = streets_for_user(user=user)
        scope = scope_for(user)
        # The district's (or a street's) communities grow with it: a district or street user picks by search
        # (a select of every community is what made this page unbounded), a community user from a select.
        self.fields["community"].scope_to(communities_for_user(user=user), user=user)
        if not scope.district_wide:  # a street opens for its street, a community for itself (the service decides)
            if scope.street_ids:
                self.fields["street"].empty_label = None
            else:
                del self.fields["street"]


def _cycle_open_posted(request, form):
    """Open the cycle the form asks for (the service decides who may open what: PermissionDenied is 403);
    the new cycle, or None with the service's errors on the form."""
    if not form.is_valid():
        return None
    data = {k: v for k, v in form.cleaned_data.items() if v is not None}
    try:
        with transaction.atomic():
            cycle = services.cycle_open(acting_user=request.user, **data)
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return None
    messages.success(request, _("已开始考核：%(cycle)s，共 %(n)s 份评分表。")
                     % {"cycle": cycle, "n": cycle.sheets.count()})
    return cycle


@login_required
def cycle_open(request):
    """开始考核 (a street or a community): open a scheme for a period for the subjects of one's own unit —
    a street its community workers each half year, a community its grid workers each quarter (三(四)3).
    The organisation department opens district-wide cycles on the review page."""
    _require(request, "assessments.add_assessmentcycle", _("您的角色不能开始考核。"))
    form = CycleOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and _cycle_open_posted(request, form) is not None:
        return redirect("assessment-cycles")
    return render(request, "assessments/cycle_open.html", {"form": form})


@login_required
def cycles_list(request):
    """本单位考核周期: the cycles a street or community sees, its own and the district's, with their progress."""
    _require(request, "assessments.view_assessmentcycle", _("您的角色不能查看考核周期。"))
    cycles = _cycles_page(request, cycles_for_user(user=request.user))
    progress = cycles_progress(cycle_ids=[c.pk for c in cycles])
    rows = [{"cycle": c, "progress": progress.get(c.pk)} for c in cycles]
    return render(request, "assessments/cycles.html", {
        "cycles": cycles, "rows": rows, "can_open": request.user.has_perm("assessments.add_assessmentcycle")})


@login_required
def review_index(request):
    """审核: every cycle with its progress; the organisation department opens a new cycle here."""
    _require_review(request)
    can_open = request.user.has_perm("assessments.add_assessmentcycle")
    form = CycleOpenForm(request.POST or None, user=request.user) if can_open else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您的角色不能开始考核。"))
        cycle = _cycle_open_posted(request, form)
        if cycle is not None:
            return redirect("assessment-review-cycle", pk=cycle.pk)
    cycles = _cycles_page(request, cycles_for_user(user=request.user))
    progress = cycles_progress(cycle_ids=[c.pk for c in cycles])
    rows = [{"cycle": c, "progress": progress.get(c.pk)} for c in cycles]
    return render(request, "assessments/review_index.html", {"cycles": cycles, "rows": rows, "form": form})


class ReturnForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("审核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def review_cycle(request, pk):
    """One cycle: progress by street (table and chart), the sheets awaiting review, publish."""
    _require_review(request)
    cycle = get_scoped_or_404(request, cycles_for_user(user=request.user), pk)
    progress = cycle_progress(cycle=cycle)
    status = request.GET.get("status", ScoreSheet.Status.SUBMITTED)
    if status not in ScoreSheet.Status.values:
        status = ScoreSheet.Status.SUBMITTED
    sheets = sheets_for_user(user=request.user).filter(cycle=cycle, status=status)
    street = id_param(request.GET.get("street"))
    if street is not None:
        sheets = sheets.filter(street_id=street)
    sheets = _page(request, sheets.order_by("street_id", "assessment__subject_name", "pk"))
    chart = {"streets": [p.street for p in progress],
             "series": [{"name": label, "data": [getattr(p, value) for p in progress]}
                        for value, label in ScoreSheet.Status.choices],
             "late": [p.late for p in progress]}
    return render(request, "assessments/review_cycle.html", {
        "cycle": cycle, "progress": progress, "sheets": sheets, "status": status, "street": street,
        "statuses": ScoreSheet.Status.choices, "chart_json": json.dumps(chart, ensure_ascii=False),
        "return_form": ReturnForm(), "all_approved": all(p.approved == p.sheets for p in progress)})


@login_required
@require_POST
def review_sheet(request, pk):
    """Approve a submitted sheet, or return it with comments."""
    _require_review(request)
    sheet = get_scoped_or_404(request, sheets_for_user(user=request.user), pk)
    try:
        with transaction.atomic():
            if request.POST.get("decision") == "return":
                services.sheet_return(sheet=sheet, acting_user=request.user, comment=request.POST.get("comment", ""))
                messages.success(request, _("已退回：%(name)s") % {"name": sheet})
            else:
                services.sheet_approve(sheet=sheet, acting_user=request.user)
                messages.success(request, _("已审核通过：%(name)s") % {"name": sheet})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assessment-review-cycle", pk=sheet.cycle_id)


@login_required
@require_POST
def review_publish(request, pk):
    _require_review(request)
    cycle = get_scoped_or_404(request, cycles_for_user(user=request.user), pk)
    try:
        with transaction.atomic():
            if request.POST.get("approve_street"):
                n = services.cycle_approve_submitted(cycle=cycle, acting_user=request.user,
                                                     street_id=id_param(request.POST["approve_street"]))
                messages.success(request, _("已审核通过 %(n)s 份评分表。") % {"n": n})
            else:
                services.cycle_publish(cycle=cycle, acting_user=request.user)
                messages.success(request, _("考核结果已公布。"))
    except (ValidationError, Conflict) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("assessment-review-cycle", pk=cycle.pk)


def _published(request, pk):
    cycle = get_scoped_or_404(request, cycles_for_user(user=request.user), pk)
    if cycle.status != AssessmentCycle.Status.PUBLISHED and not request.user.has_perm(REVIEW):
        raise PermissionDenied(_("考核结果尚未公布。"))
    return cycle


@login_required
def ranking(request, pk):
    """排名: the published totals of a cycle, each with how it was computed."""
    _require(request, "assessments.view_assessmentcycle", _("您的角色不能查看考核结果。"))
    cycle = _published(request, pk)
    assessments = None if scope_for(request.user).district_wide else assessments_for_user(user=request.user)
    totals = _page(request, cycle_totals(cycle=cycle, assessments=assessments))
    return render(request, "assessments/ranking.html", {"cycle": cycle, "totals": totals})


@login_required
def ranking_export(request, pk):
    """The published ranking as Excel, written row by row (openpyxl write-only) to a spooled file."""
    from openpyxl import Workbook

    _require(request, "assessments.view_assessmentcycle", _("您的角色不能查看考核结果。"))
    cycle = _published(request, pk)
    assessments = None if scope_for(request.user).district_wide else assessments_for_user(user=request.user)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("考核结果"))
    sheet.append([str(cycle)])
    sheet.append([_("名次"), _("考核对象"), _("街道"), _("社区"), _("加权得分"), _("满分（权重）"), _("百分制"), _("优秀"), _("计算过程")])
    for t in cycle_totals(cycle=cycle, assessments=assessments):
        sheet.append([t.rank, t.subject_name, t.street, t.community, float(t.total), float(t.full_weight),
                      float(t.percent), _("优秀") if t.excellent else "", t.formula])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"assessment-{cycle.pk}-{cycle.year}.xlsx",
                        content_type=XLSX_CONTENT_TYPE)

"""The audit trail page for reviewers: filters (who, from–to, object, action), 50 a page, print and Excel.

Supersedes `governance.views.audit_log` (same URL name, `audit-log`)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from governance.access import reads_audit
from governance.audit_trail import ACTIONS, PAGE_SIZE, AuditFilters, audit_count, audit_iter, audit_page, audited_models
from governance.exports import Column, export_filenames, xlsx_response
from governance.page_forms import AuditFilterForm


class _CountedList:
    """What Paginator needs from the trail: its length (one COUNT) and a slice (one page of rows)."""

    def __init__(self, filters: AuditFilters):
        self.filters = filters
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = audit_count(self.filters)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice):
        return audit_page(self.filters, offset=window.start or 0, limit=(window.stop or 0) - (window.start or 0))


def _form(request):
    if not reads_audit(request.user):
        raise PermissionDenied(_("审计记录仅限区级管理员和审核人员查看。"))
    users = get_user_model().objects.order_by("username")
    form = AuditFilterForm(request.GET, users=users, models=audited_models(), actions=ACTIONS)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, AuditFilters(user_id=data["user"].pk if data["user"] else None, model=data["model"],
                              action=data["action"], date_from=data["date_from"], date_to=data["date_to"])


@login_required
def audit_log(request):
    form, filters = _form(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "query": query.urlencode()}
    if filters is None:
        context["error"] = form.error_text()
        return render(request, "governance/audit_log.html", context, status=400)
    paginator = Paginator(_CountedList(filters), PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        context["error"] = _("没有第 %(page)s 页：共 %(pages)s 页。") % {
            "page": request.GET.get("page", "")[:10], "pages": paginator.num_pages}
        return render(request, "governance/audit_log.html", context, status=400)
    context["entries"] = page
    return render(request, "governance/audit_log.html", context)


@login_required
def audit_export(request):
    form, filters = _form(request)
    if filters is None:
        return render(request, "governance/audit_log.html", {"form": form, "error": form.error_text()}, status=400)
    columns = [Column(_("时间"), 17, "datetime"), Column(_("操作人"), 16), Column(_("对象"), 20), Column(_("操作"), 8),
               Column(_("变更内容（前 → 后）"), 60), Column(_("原因"), 20)]
    rows = ([e.when, e.who, f"{e.model} {e.object_label}", e.action,
             "\n".join(f"{label}：{before} → {after}" for label, before, after in e.changes), getattr(e, "reason", "")]
            for e in audit_iter(filters))
    return xlsx_response(title=_("审计记录"), unit=_("兴庆区"), columns=columns, rows=rows,
                         **export_filenames(_("审计记录"), "audit"))

"""The findings page (问题清单): every breach in the user's scope with its clause, filtered by street and
status, printable, and exported to Excel with the same filters and scope.

It composes every app's findings (governance.findings.findings_for and the providers the apps registered)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from communities.selectors import communities_for_user
from governance.access import reads_units
from governance.exports import Column, export_filenames, xlsx_response
from governance.findings import findings_for
from governance.page_forms import FindingsFilterForm
from governance.scope import scope_for
from governance.sorting import pinyin_key
from streets.selectors import streets_for_user


def _findings(request):
    """(form, findings, unit label): the user's findings after the filters; form.errors when a filter is bad."""
    if not reads_units(request.user):
        raise PermissionDenied(_("问题清单仅限区级用户、街道和社区工作人员查看。"))
    streets = streets_for_user(user=request.user)
    form = FindingsFilterForm(request.GET, streets=streets.order_by("code"))
    if not form.is_valid():
        return form, [], ""
    street = form.cleaned_data["street"]
    findings = findings_for(user=request.user, street_id=street.pk if street is not None else None)
    status = form.cleaned_data["status"]
    if status:
        findings = [f for f in findings if f.approved == (status == "approved")]
    findings.sort(key=lambda f: pinyin_key(f.street))  # stable: a street's own findings keep their order
    return form, findings, _unit_label(request, street)


def _unit_label(request, street) -> str:
    if street is not None:
        return street.name
    scope = scope_for(request.user)
    if scope.district_wide:
        return _("兴庆区")
    names = [s.name for s in streets_for_user(user=request.user)] or \
            [c.name for c in communities_for_user(user=request.user)]
    return "、".join(names)


@login_required
def findings_page(request):
    form, findings, unit = _findings(request)
    context = {
        "form": form, "findings": findings, "unit": unit,
        "open_count": sum(1 for f in findings if not f.approved),
        "approved_count": sum(1 for f in findings if f.approved),
        "show_street_filter": form.fields["street"].queryset.count() > 1,
        "query": request.GET.urlencode(),
    }
    if form.errors:
        context["error"] = form.error_text()
        return render(request, "governance/breaches.html", context, status=400)
    return render(request, "governance/breaches.html", context)


@login_required
def findings_export(request):
    form, findings, unit = _findings(request)
    if form.errors:
        return render(request, "governance/breaches.html", {"form": form, "error": form.error_text()}, status=400)
    columns = [Column(_("街道"), 12), Column(_("单位"), 16), Column(_("问题"), 48), Column(_("依据条款"), 10), Column(_("状态"), 10)]
    rows = ([f.street, f.subject, f.message, f.clause, _("已批准") if f.approved else _("待整改")] for f in findings)
    return xlsx_response(title=_("问题清单"), unit=unit, columns=columns, rows=rows,
                         **export_filenames(_("问题清单"), "findings"))

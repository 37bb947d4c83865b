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
from governance.findings import findings_for, findings_page
from governance.page_forms import FindingsFilterForm
from governance.scope import scope_for
from governance.sorting import pinyin_key
from streets.models import Street
from streets.selectors import streets_for_user

PER_PAGE = 50


def street_names(ids) -> dict[int, str]:
    """{street id: name} of the streets whose findings were counted (one query), for their order."""
    return dict(Street.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def findings_page_for(user, *, rules=None, street_id=None, status="", page=1, per_page=PER_PAGE):
    """One page of the user's findings in the findings page's order (by street, in pinyin order), with the
    totals, counted and not built where the checks can count (governance.findings.findings_page)."""
    return findings_page(user=user, rules=rules, street_id=street_id, status=status, page=page, per_page=per_page,
                         sort_key=pinyin_key, street_names=street_names)


def _findings(request):
    """(form, findings, unit label): the user's findings after the filters; form.errors when a filter is bad."""
    form = _form(request)
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


def _form(request):
    if not reads_units(request.user):
        raise PermissionDenied(_("问题清单仅限区级用户、街道和社区工作人员查看。"))
    return FindingsFilterForm(request.GET, streets=streets_for_user(user=request.user).order_by("code"))


@login_required
def breaches_page(request):
    """50 findings a page, with the totals of the whole list: the totals are counted (each check's counting
    form), and only the findings of the streets and providers on the page are built (issue 14)."""
    form = _form(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "findings": [], "unit": "", "open_count": 0, "approved_count": 0,
               "show_street_filter": form.fields["street"].queryset.count() > 1, "query": request.GET.urlencode(),
               "page_query": query.urlencode()}
    if not form.is_valid():
        context["error"] = form.error_text()
        return render(request, "governance/breaches.html", context, status=400)
    street = form.cleaned_data["street"]
    page = findings_page_for(request.user, street_id=street.pk if street is not None else None,
                             status=form.cleaned_data["status"], page=form.cleaned_data["page"] or 1)
    status = form.cleaned_data["status"]  # the totals are those of the list shown
    context.update(findings=page.findings, page=page, unit=_unit_label(request, street),
                   open_count=0 if status == "approved" else page.open_count,
                   approved_count=0 if status == "open" else page.approved_count)
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

"""Pages that span the district: home by role, the district overview, breaches, the audit trail, errors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import requires_csrf_token

from communities.selectors import communities_for_user
from governance.audit import audit_entries
from governance.charts import staff_chart
from governance.findings import findings_for
from governance.roles import Role, user_role
from governance.rules import RuleBook
from governance.scope import scope_for
from governance.security import log_denied
from governance.workbench import workbench_for
from streets.selectors import street_staffing, streets_for_user


def get_scoped_or_404(request, queryset, pk):
    """Fetch from a scoped queryset; a missing row and a row outside the user's scope answer alike."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        if queryset.model._default_manager.filter(pk=pk).exists():
            log_denied(request, f"{queryset.model._meta.label} {pk} outside the user's scope")
        raise Http404 from None


def require_district_wide(request):
    if not scope_for(request.user).district_wide:
        raise PermissionDenied("此页面仅限区级用户查看。")


@login_required
def home(request):
    role = user_role(request.user)
    scope = scope_for(request.user)
    if scope.district_wide:
        return redirect("district-overview")
    if role == Role.STREET_STAFF and len(scope.street_ids) == 1:
        return redirect("street-page", pk=next(iter(scope.street_ids)))
    if role == Role.COMMUNITY_STAFF and len(scope.community_ids) == 1:
        return redirect("community-page", pk=next(iter(scope.community_ids)))
    context = {
        "streets": streets_for_user(user=request.user),
        "communities": communities_for_user(user=request.user),
        **workbench_for(user=request.user),  # stations and grids with who is on post today
    }
    return render(request, "governance/home.html", context)


@login_required
def district_overview(request):
    require_district_wide(request)
    rules = RuleBook()
    streets = list(
        streets_for_user(user=request.user).annotate(
            community_count=Count("communities", distinct=True), households=Sum("communities__households"),
        )
    )
    staffing = street_staffing(street_ids=[s.pk for s in streets], rules=rules)
    findings = findings_for(streets=streets_for_user(user=request.user),
                            communities=communities_for_user(user=request.user))
    findings = [f for f in findings if not f.approved]  # 待处理: an approved breach needs no action
    by_street: dict[str, int] = {}
    for finding in findings:
        by_street[finding.street] = by_street.get(finding.street, 0) + 1
    rows = [
        {"street": s, "staffing": staffing[s.pk], "findings": by_street.get(s.name, 0)} for s in streets
    ]
    context = {
        "rows": rows,
        "cap": rules["street.staff_cap"],
        "pilot_count": sum(1 for s in streets if s.is_pilot),
        "community_total": sum(s.community_count for s in streets),
        "household_total": sum(s.households or 0 for s in streets),
        "finding_count": len(findings),
        "rollout": rules["rollout.pilot_streets"],
        "chart_staff": staff_chart(rows, cap=rules["street.staff_cap"]),
    }
    return render(request, "governance/district_overview.html", context)


@login_required
def breaches(request):
    """Every breach of a structural rule in the user's scope, with its clause."""
    findings = findings_for(streets=streets_for_user(user=request.user),
                            communities=communities_for_user(user=request.user))
    return render(request, "governance/breaches.html", {"findings": findings})


@login_required
def audit_log(request):
    role = user_role(request.user)
    if role not in (Role.DISTRICT_ADMIN, Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS):
        raise PermissionDenied("审计记录仅限区级管理员和审核人员查看。")
    return render(request, "governance/audit_log.html", {"entries": audit_entries(limit=200)})


@requires_csrf_token
def permission_denied(request, exception=None):
    log_denied(request, f"403 {exception or ''}".strip())
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    return render(request, "500.html", status=500)

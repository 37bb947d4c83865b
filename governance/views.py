"""The core's pages and page helpers: scoped fetching, the audit trail, the error pages.

The district-wide pages that compose the apps (home, overview, findings) live in governance/district/."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from governance.audit import audit_entries
from governance.roles import Role, user_role
from governance.scope import scope_for
from governance.security import log_denied


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
        raise PermissionDenied(_("此页面仅限区级用户查看。"))


@login_required
def audit_log(request):
    role = user_role(request.user)
    if role not in (Role.DISTRICT_ADMIN, Role.ORGDEPT_REVIEWER, Role.CIVIL_AFFAIRS):
        raise PermissionDenied(_("审计记录仅限区级管理员和审核人员查看。"))
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

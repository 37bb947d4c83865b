"""Pages: meeting records (list, new, one meeting with its decisions followed to completion) and the
compliance report of the required meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.selectors import communities_for_user
from governance.exceptions import Conflict
from governance.filter_values import id_param
from governance.forms import form_add_service_errors
from governance.rules import RuleBook
from governance.views import get_scoped_or_404
from meetings.forms import MeetingForm
from meetings.models import MeetingDecision
from meetings.selectors import (
    meeting_compliance_units,
    meeting_decisions_for_user,
    meetings_for_user,
    reminders_for_user,
)
from meetings.services import meeting_decision_update, meeting_record
from streets.selectors import streets_for_user


def _can_view(request):
    if not request.user.has_perm("meetings.view_meeting"):
        raise PermissionDenied(_("您的角色不能查看会议记录。"))


@login_required
def meeting_list(request):
    _can_view(request)
    meetings = meetings_for_user(user=request.user)
    kind = request.GET.get("kind", "")
    if kind:
        meetings = meetings.filter(kind=kind)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {
        "meetings": page, "kind": kind, "extra": f"&kind={kind}" if kind else "",
        "can_add": request.user.has_perm("meetings.add_meeting")})


@login_required
def meeting_new(request):
    if not request.user.has_perm("meetings.add_meeting"):
        raise PermissionDenied(_("您的角色不能记录会议。"))
    form = MeetingForm(request.POST or None, streets=streets_for_user(user=request.user),
                       communities=communities_for_user(user=request.user), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_record(acting_user=request.user, **form.meeting_fields())
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录%(kind)s（%(held_on)s）。") % {
                "kind": meeting.get_kind_display(), "held_on": meeting.held_on})
            return redirect("meeting-page", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request, pk):
    _can_view(request)
    meeting = get_scoped_or_404(request, meetings_for_user(user=request.user), pk)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "can_change": request.user.has_perm("meetings.change_meetingdecision")})


@login_required
@require_POST
def decision_done(request, pk):
    if not request.user.has_perm("meetings.change_meetingdecision"):
        raise PermissionDenied(_("您的角色不能更新决定落实情况。"))
    decision = get_scoped_or_404(request, meeting_decisions_for_user(user=request.user), pk)
    version = request.POST.get("expected_version", "")
    try:
        meeting_decision_update(decision=decision, acting_user=request.user, status=MeetingDecision.Status.DONE,
                                outcome=request.POST.get("outcome", "")[:2000],
                                expected_version=id_param(version))
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已标记为完成。"))
    return redirect("meeting-page", pk=decision.meeting_id)


@login_required
def compliance(request):
    """Which required meetings each street and community in scope is missing this period, and which
    periods ended short (overdue); with the reminders sent. 50 units a page."""
    _can_view(request)
    gaps_only = request.GET.get("gaps") == "1"
    units = meeting_compliance_units(user=request.user, rules=RuleBook(), gaps=gaps_only)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    reminders = list(reminders_for_user(user=request.user)[:20])
    return render(request, "meetings/compliance.html", {
        "rows": page, "totals": units.totals, "requirements": units.requirements.values(), "gaps_only": gaps_only, "extra": "&gaps=1" if gaps_only else "", "reminders": reminders})

"""Pages of grids: the grid worker's page (usable on a phone), reporting an event, an event and its actions,
each level's queue, grid-change requests and 民政局's approval queue, the settlement-rate dashboard, the
ledger's Excel import and export. Order in each view: login, has_perm, scoped fetch, form, service, errors."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.picker import CommunityFilterForm
from communities.selectors import communities_for_user
from governance.exceptions import Conflict
from governance.forms import form_add_service_errors
from governance.roles import Role, user_role
from governance.scope import scope_for
from governance.selectors import people_for_user
from governance.views import get_scoped_or_404
from grids import ledger_excel, selectors, services
from grids.forms import (
    DecisionForm,
    EventActionForm,
    EventReportForm,
    GridChangeForm,
    LedgerImportForm,
    RatesFilterForm,
)
from grids.models import EventPhoto, EventReminder, GridChangeRequest, GridEvent, LedgerEntry

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, queryset, name="page"):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(name))


def _rows_page(request, rows, name="page"):
    """A page of event rows (selectors.lean) with their labels and whether their level was reminded."""
    page = _page(request, rows, name)
    page.object_list = selectors.with_labels(page.object_list)
    ids = [r["id"] for r in page.object_list]
    reminded = set(EventReminder.objects.filter(event_id__in=ids).values_list("event_id", "level", "level_since"))
    for r in page.object_list:
        r["reminded"] = (r["id"], r["level"], r["level_since"]) in reminded
    return page


@login_required
def my_grid(request):
    """A grid worker's home: their grid (the first, if they keep several)."""
    grid = selectors.active_grids_for_user(user=request.user).filter(pk__in=sorted(scope_for(request.user).grid_ids)).first()
    if grid is None:
        raise Http404
    return redirect("grid-page", pk=grid.pk)


@login_required
def grid_page(request, pk):
    if not request.user.has_perm("grids.view_grid"):
        raise PermissionDenied(_("您的角色不能查看网格。"))
    grid = get_scoped_or_404(request, selectors.grids_for_user(user=request.user), pk)
    ledger = selectors.ledger_for_user(user=request.user).filter(grid=grid)
    masked = not selectors.sees_personal_data(request.user)
    events = selectors.grid_events(user=request.user, grid=grid)
    context = {
        "grid": grid, "units": list(grid.units.all()), **selectors.grid_party(grid=grid),
        "can_add_unit": request.user.has_perm("grids.add_gridunit") and not grid.ended_on,
        "can_edit_unit": request.user.has_perm("grids.change_gridunit"),
        "can_add_party": request.user.has_perm("grids.add_gridpartyorganization") and not grid.ended_on,
        "can_edit_party": request.user.has_perm("grids.change_gridpartyorganization"),
        "can_add_party_post": request.user.has_perm("grids.add_partymodelpost") and not grid.ended_on,
        "can_edit_party_post": request.user.has_perm("grids.change_partymodelpost"),
        "ledger": _page(request, ledger, "ledger_page"), "masked": masked,
        "ledger_counts": dict(ledger.order_by().values_list("kind").annotate(n=Count("pk"))),
        "kind_labels": LedgerEntry.Kind.choices,
        "events": _rows_page(request, events, "events_page"),
        "can_report": request.user.has_perm("grids.add_gridevent") and grid.pk in scope_for(request.user).grid_ids,
        "can_import": request.user.has_perm("grids.add_ledgerentry"),
    }
    return render(request, "grids/grid_page.html", context)


@login_required
def event_new(request, pk):
    if not request.user.has_perm("grids.add_gridevent"):
        raise PermissionDenied(_("只有网格员可以上报事件。"))
    grid = get_scoped_or_404(request, selectors.active_grids_for_user(user=request.user)
                             .filter(pk__in=sorted(scope_for(request.user).grid_ids)), pk)
    form = EventReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_report(acting_user=request.user, grid=grid, title=data["title"],
                                          description=data["description"], category=data["category"],
                                          place=data["place"], photos=data["photos"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已上报事件：%(title)s") % {"title": event.title})
            return redirect("grid-event", pk=event.pk)
    return render(request, "grids/event_form.html", {"form": form, "grid": grid})


@login_required
def event_page(request, pk):
    if not request.user.has_perm("grids.view_gridevent"):
        raise PermissionDenied(_("您的角色不能查看网格事件。"))
    try:
        event = selectors.event_detail(user=request.user, pk=pk)
    except GridEvent.DoesNotExist:
        get_scoped_or_404(request, selectors.events_for_user(user=request.user), pk)
        raise Http404 from None
    holding = services.holds(request.user, event) and not event.is_closed
    form = EventActionForm.for_instance(request.POST or None, event, initial={})
    if request.method == "POST":
        if not request.user.has_perm("grids.change_gridevent"):
            raise PermissionDenied(_("您的角色不能办理网格事件。"))
        if form.is_valid():
            data = form.cleaned_data
            common = {"event": event, "acting_user": request.user, "expected_version": data["expected_version"]}
            try:
                if data["action"] == "accept":
                    services.event_accept(**common)
                elif data["action"] == "resolve":
                    services.event_resolve(**common, reason=data["reason"])
                elif data["action"] == "escalate":
                    services.event_escalate(**common, reason=data["reason"], department=data["department"])
                else:
                    services.event_send_back(**common, reason=data["reason"])
            except (ValidationError, Conflict) as exc:
                event = selectors.event_detail(user=request.user, pk=pk)
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("已办理。"))
                return redirect("grid-event", pk=pk)
    context = {"event": event, "holding": holding, "form": form,
               "can_escalate": event.level != "department", "can_send_back": event.level != "grid",
               "needs_department": event.level == "street", "departments": form.fields["department"].queryset}
    return render(request, "grids/event_page.html", context)


@login_required
def event_photo(request, pk, photo_pk):
    """Photos are served only to those who may see the event (never as public media)."""
    event = get_scoped_or_404(request, selectors.events_for_user(user=request.user), pk)
    photo = EventPhoto.objects.filter(event=event, pk=photo_pk).first()
    if photo is None:
        raise Http404
    try:
        return FileResponse(photo.image.open("rb"))
    except FileNotFoundError:
        raise Http404 from None


@login_required
def event_queue(request):
    """The events waiting at the user's level: the community's, the street's or the department's queue."""
    role = user_role(request.user)
    if role not in (Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_USER, Role.GRID_WORKER):
        raise PermissionDenied(_("事件待办仅限网格、社区、街道和职能部门用户。"))
    queue = selectors.event_queue(user=request.user)
    return render(request, "grids/event_queue.html", {"events": _rows_page(request, queue), "role": role})


@login_required
def grid_changes(request):
    """民政局's approval queue (pending first) and a street's own requests, with a form to propose one."""
    if not request.user.has_perm("grids.view_gridchangerequest"):
        raise PermissionDenied(_("您的角色不能查看网格调整申请。"))
    changes = selectors.grid_changes_for_user(user=request.user).order_by("status", "-proposed_at", "-pk")
    status = request.GET.get("status", GridChangeRequest.Status.PENDING)
    if status in GridChangeRequest.Status.values:
        changes = changes.filter(status=status)
    can_decide = user_role(request.user) == Role.CIVIL_AFFAIRS
    return render(request, "grids/grid_changes.html", {
        "changes": _page(request, changes), "can_decide": can_decide, "status": status,
        "statuses": GridChangeRequest.Status.choices,
        "can_propose": request.user.has_perm("grids.add_gridchangerequest")})


@login_required
def grid_change_new(request):
    if not request.user.has_perm("grids.add_gridchangerequest"):
        raise PermissionDenied(_("只有街道可以申报网格调整。"))
    # Two steps: the community first (the picker, ?community=), then the change, whose grids and new worker are
    # chosen among that community's own: a street at x100 holds some 10,000 grids and people (issue 14).
    communities = communities_for_user(user=request.user)
    picker = CommunityFilterForm(request.POST if request.method == "POST" else request.GET,
                                 communities=communities, user=request.user)
    community, refused = picker.chosen()
    if community is None:
        return render(request, "grids/grid_change_form.html", {"picker": picker, "refused": refused})
    grids = selectors.active_grids_for_user(user=request.user).filter(community=community)
    people = people_for_user(user=request.user).filter(community=community)
    form = GridChangeForm(request.POST or None, initial={"community": community.pk}, communities=communities,
                          grids=grids, people=people, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grid_change_propose(acting_user=request.user, community=data["community"], kind=data["kind"],
                                         grid=data["grid"], others=data["others"], worker=data["worker"],
                                         parts=data["parts"], reason=data["reason"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已提交网格调整申请，待民政局审定（四(一)）。"))
            return redirect("grid-changes")
    return render(request, "grids/grid_change_form.html", {"form": form, "community": community})


@login_required
def grid_change_decide(request, pk):
    if request.method != "POST":
        raise Http404
    if not request.user.has_perm("grids.change_gridchangerequest"):
        raise PermissionDenied(_("网格调整由民政局审定。"))
    change = get_scoped_or_404(request, selectors.grid_changes_for_user(user=request.user), pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        service = services.grid_change_approve if data["decision"] == "approve" else services.grid_change_reject
        try:
            service(change=change, acting_user=request.user, note=data["note"],
                    expected_version=data["expected_version"])
        except (ValidationError, Conflict) as exc:
            text = exc.message if isinstance(exc, Conflict) else "；".join(exc.messages)
            messages.error(request, text)
        else:
            messages.success(request, _("已审定。"))
    return redirect("grid-changes")


@login_required
def community_grids(request, pk):
    """A community's grids as they stood on a date (`?on=YYYY-MM-DD`), from the grids' history."""
    community = get_scoped_or_404(request, communities_for_user(user=request.user), pk)
    try:
        on = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    grids = selectors.grids_as_of(community=community, on=on)
    history = (selectors.grids_for_user(user=request.user).model.history
               .filter(community_id=community.pk).select_related("history_user").order_by("-history_date")[:PAGE_SIZE])
    return render(request, "grids/community_grids.html", {"community": community, "grids": grids, "on": on,
                                                          "history": history})


@login_required
def settlement_dashboard(request):
    """"小事不出网格、大事不出社区" (四(二)2): settlement rates per street, community or grid, and by month."""
    role = user_role(request.user)
    if role in (None, Role.STATION_WORKER):
        raise PermissionDenied(_("您的角色不能查看办结率。"))
    form = RatesFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or ("street" if scope_for(request.user).district_wide else "community"
                            if role == Role.STREET_STAFF else "grid")
    start, end = data.get("start"), data.get("end")
    if start is None and end is None:  # the last twelve months unless asked: 8 years of events are millions of rows
        start = timezone.localdate().replace(day=1) - datetime.timedelta(days=334)
        start = start.replace(day=1)
    rows = selectors.settlement_rates(user=request.user, by=by, start=start, end=end)
    trend = selectors.settlement_trend(user=request.user, start=start, end=end)
    chart = {"months": [t["month"] for t in trend],
             "grid": [t["rates"].grid_rate for t in trend], "community": [t["rates"].community_rate for t in trend]}
    return render(request, "grids/settlement.html", {"form": form, "rows": rows, "by": by, "trend": trend,
                                                     "start": start, "end": end,
                                                     "chart": json.dumps(chart, ensure_ascii=False)})


@login_required
def ledger_export(request, pk):
    if not request.user.has_perm("grids.view_ledgerentry"):
        raise PermissionDenied(_("您的角色不能查看台账。"))
    grid = get_scoped_or_404(request, selectors.grids_for_user(user=request.user), pk)
    entries = selectors.ledger_for_user(user=request.user).filter(grid=grid).order_by("kind", "name", "pk")
    content = ledger_excel.export(entries, masked=not selectors.sees_personal_data(request.user))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{grid.code}.xlsx"'
    return response


@login_required
def ledger_template(request):
    response = HttpResponse(ledger_excel.template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


@login_required
def ledger_import(request, pk):
    if not request.user.has_perm("grids.add_ledgerentry"):
        raise PermissionDenied(_("您的角色不能导入台账。"))
    grid = get_scoped_or_404(request, selectors.active_grids_for_user(user=request.user), pk)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            form.add_error("file", _("文件超过 50 MB。"))
        else:
            result = ledger_excel.ledger_import(
                grid=grid, content=upload.read(), acting_user=request.user,
                special_allowed=selectors.sees_special_groups(request.user),
                import_valid_rows=form.cleaned_data["import_valid_rows"])
            if result.imported:
                messages.success(request, _("已导入 %(count)s 行。") % {"count": result.imported})
            if not result.has_errors:
                return redirect(reverse("grid-page", args=[grid.pk]))
    return render(request, "grids/ledger_import.html", {"form": form, "grid": grid, "result": result})

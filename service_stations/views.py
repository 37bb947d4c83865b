"""Pages of the service stations: the counter, the station dashboard, the case page with its history, the
printable receipt and one-time notice, the checklist and the overdue views (三(二))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from governance.exceptions import Conflict
from governance.forms import form_add_service_errors
from governance.scope import scope_for
from governance.selectors import departments_for_user
from governance.views import get_scoped_or_404
from service_stations import selectors, services
from service_stations.charts import overdue_chart
from service_stations.forms import (
    AppointmentForm,
    CaseHandOnForm,
    CaseIntakeForm,
    CaseTransitionForm,
    ChecklistForm,
    ShiftForm,
)
from service_stations.models import ChecklistItem, StationChecklistEntry
from service_stations.validators import mask_id_number, mask_phone

PAGE_SIZE = 50


def _need(request, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


@login_required
def counter(request, pk):
    """综合受理窗口: any worker takes in any item (全职代办、综合受理, 三(二)3)."""
    _need(request, "service_stations.add_servicecase", _("您的角色不能受理办件。"))
    station = get_scoped_or_404(request, selectors.stations_for_user(user=request.user), pk)
    items = selectors.service_items_search(user=request.user)
    form = CaseIntakeForm(request.POST or None, items=items, initial={"channel": "counter"})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_receive(acting_user=request.user, station=station, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            note = _("，已出具一次性告知单") if case.materials_missing else ""
            messages.success(request, _("已受理，受理编号 %(number)s，办结期限 %(due)s%(note)s。") % {
                "number": case.number, "due": f"{case.due_date:%Y-%m-%d}", "note": note})
            return redirect("case-page", pk=case.pk)
    return render(request, "service_stations/counter.html", {"station": station, "form": form, "items": items})


@login_required
def station_dashboard(request, pk):
    """The station worker's home: today's queue, due soon, overdue, who is on duty, today's appointments."""
    _need(request, "service_stations.view_servicecase", _("您的角色不能查看办件。"))
    station = get_scoped_or_404(request, selectors.stations_for_user(user=request.user), pk)
    today = timezone.localdate()
    calendar = selectors.working_calendar()
    queue = selectors.station_queue(user=request.user, station=station, today=today, calendar=calendar)
    counts = queue.counts()  # the four numbers in one query; the paginator counts no more
    paginator = Paginator(queue.open, PAGE_SIZE)
    paginator.count = counts["open"]
    open_page = paginator.get_page(request.GET.get("page"))
    open_page.object_list = selectors.queue_rows(open_page.object_list)
    context = {
        "station": station, "today": today, "open_page": open_page, "counts": counts,
        "received_today": selectors.queue_rows(queue.received_today[:PAGE_SIZE]),
        "due_soon": selectors.queue_rows(queue.due_soon[:PAGE_SIZE]),
        "overdue": selectors.queue_rows(queue.overdue[:PAGE_SIZE]),
        "on_duty": list(selectors.on_duty(user=request.user, station=station)),
        "appointments": list(selectors.appointments_for_user(user=request.user).filter(station=station, date=today)),
        "notifications": list(selectors.notifications_for_user(user=request.user).filter(read_at__isnull=True)[:10]),
        "provisional": calendar.is_provisional(today),
    }
    return render(request, "service_stations/station_dashboard.html", context)


def _identity(request, case) -> dict:
    if selectors.can_see_identity(user=request.user, station_id=case.station_id):
        return {"id_number": case.applicant_id_number, "phone": case.applicant_phone}
    return {"id_number": mask_id_number(case.applicant_id_number) if case.applicant_id_number else "",
            "phone": mask_phone(case.applicant_phone)}


@login_required
def case_page(request, pk):
    """A case: its countdown, its materials and notice, its history; moving it on (409 on the page as a message)."""
    _need(request, "service_stations.view_servicecase", _("您的角色不能查看办件。"))
    case = get_scoped_or_404(request, selectors.case_detail_for_user(user=request.user), pk)
    form = None
    if case.is_open and request.user.has_perm("service_stations.change_servicecase"):
        form = CaseTransitionForm.for_instance(request.POST or None, case, initial={}, case=case,
                                               departments=departments_for_user(user=request.user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.case_transition(case=case, acting_user=request.user, status=data["status"], note=data["note"],
                                         forwarded_to=data["forwarded_to"], expected_version=data["expected_version"])
            except (ValidationError, Conflict) as exc:
                case.refresh_from_db()
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("办件 %(number)s 已更新。") % {"number": case.number})
                return redirect("case-page", pk=case.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("该办件已办结或您的角色不能办理。"))
    calendar = selectors.working_calendar()
    today = timezone.localdate()
    history = list(case.history.select_related("history_user", "handler").order_by("history_date", "history_id"))
    remaining = calendar.working_days_between(today, case.due_date) if case.is_open else None
    context = {
        "case": case, "form": form, "identity": _identity(request, case), "history": history,
        "remaining": remaining, "overdue_days": -remaining if remaining is not None and remaining < 0 else 0,
        "provisional": case.calendar_provisional or calendar.is_provisional(case.due_date),
    }
    return render(request, "service_stations/case_page.html", context)


@login_required
def case_receipt(request, pk):
    """受理回执, printable: the case number, the due date and how to ask about it."""
    _need(request, "service_stations.view_servicecase", _("您的角色不能查看办件。"))
    case = get_scoped_or_404(request, selectors.case_detail_for_user(user=request.user), pk)
    return render(request, "service_stations/receipt.html", {"case": case, "identity": _identity(request, case)})


@login_required
def case_notice(request, pk):
    """一次性告知单 of a case: the materials still missing, from the item version the case was taken in under."""
    _need(request, "service_stations.view_servicecase", _("您的角色不能查看办件。"))
    case = get_scoped_or_404(request, selectors.case_detail_for_user(user=request.user), pk)
    revision = case.item_revision
    return render(request, "service_stations/notice.html", {
        "case": case, "item": revision, "missing": case.materials_missing, "materials": revision.required_materials})


@login_required
def item_notice(request, pk):
    """一次性告知单 of an item, blank, to hand out."""
    item = get_scoped_or_404(request, selectors.service_items_for_user(user=request.user), pk)
    return render(request, "service_stations/notice.html", {"case": None, "item": item, "missing": [],
                                                            "materials": item.required_materials})


@login_required
def overdue_overview(request):
    """Overdue counts by station: a street's staff see their street's stations, district roles all."""
    _need(request, "service_stations.view_servicecase", _("您的角色不能查看办件。"))
    today = timezone.localdate()
    stations = selectors.overdue_stations(user=request.user, today=today)
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.overdue_rows(page.object_list)
    totals = selectors.overdue_totals(user=request.user, today=today)  # the whole scope's, whatever the page
    return render(request, "service_stations/overdue.html", {
        "rows": page, "today": today, "peak": totals["peak"], "chart_overdue": overdue_chart(page.object_list),
        "totals": totals})


@login_required
def checklist(request, pk):
    """五统一、十个一 (三(二)) for one station; the street's staff mark what is met."""
    _need(request, "service_stations.view_stationchecklistentry", _("您的角色不能查看规范化建设清单。"))
    station = get_scoped_or_404(request, selectors.stations_for_user(user=request.user), pk)
    entries = {e.item: e for e in selectors.checklist_for_user(user=request.user).filter(station=station)}
    met = [item for item, entry in entries.items() if entry.met]
    form = ChecklistForm(request.POST or None, initial={"met": met})
    if request.method == "POST":
        _need(request, "service_stations.change_stationchecklistentry", _("您的角色不能修改规范化建设清单。"))
        if form.is_valid():
            chosen = set(form.cleaned_data["met"])
            for item in ChecklistItem.values:
                if (item in chosen) != (entries.get(item) is not None and entries[item].met):
                    services.checklist_set(station=station, acting_user=request.user, item=item, met=item in chosen)
            messages.success(request, _("已保存规范化建设情况。"))
            return redirect("station-checklist", pk=station.pk)
    rows = [(item, label, item in met) for item, label in ChecklistItem.choices]
    return render(request, "service_stations/checklist.html", {"station": station, "form": form, "rows": rows})


@login_required
def checklist_overview(request):
    """What is missing, station by station, across the user's scope (district-wide for district roles)."""
    _need(request, "service_stations.view_stationchecklistentry", _("您的角色不能查看规范化建设清单。"))
    page = Paginator(selectors.checklist_stations(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    met: dict[int, set] = {}
    for station_id, item in StationChecklistEntry.objects.filter(
            station_id__in=[s.pk for s in page], met=True).order_by().values_list("station_id", "item"):
        met.setdefault(station_id, set()).add(item)
    rows = [{"station": s, "missing": [label for item, label in ChecklistItem.choices if item not in met.get(s.pk, set())]}
            for s in page]
    # District-wide: how many stations in scope miss each standard (one grouped query).
    met_counts = selectors.checklist_met_counts(user=request.user)
    total = page.paginator.count
    by_item = [(label, total - met_counts.get(item, 0)) for item, label in ChecklistItem.choices]
    return render(request, "service_stations/checklist_overview.html", {
        "rows": rows, "page": page, "by_item": by_item, "total": total, "district_wide": scope_for(request.user).district_wide})


@login_required
def appointment_new(request, pk):
    """Book an appointment at the station or a door-to-door visit (预约服务、上门办理, 三(二)3)."""
    _need(request, "service_stations.add_appointment", _("您的角色不能登记预约。"))
    station = get_scoped_or_404(request, selectors.stations_for_user(user=request.user), pk)
    form = AppointmentForm(request.POST or None, workers=selectors.station_workers(station=station))
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_create(acting_user=request.user, station=station, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记预约。"))
            return redirect("station-dashboard", pk=station.pk)
    return render(request, "service_stations/unit_form.html",
                  {"station": station, "form": form, "title": _("登记预约或上门服务")})


@login_required
def shift_new(request, pk):
    """The street arranges a station's staggered hours and weekend rota (错时工作、周末倒班, 三(二)3)."""
    _need(request, "service_stations.add_shift", _("您的角色不能安排值班。"))
    station = get_scoped_or_404(request, selectors.stations_for_user(user=request.user), pk)
    form = ShiftForm(request.POST or None, workers=selectors.station_workers(station=station))
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_create(acting_user=request.user, station=station, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已安排值班。"))
            return redirect("station-dashboard", pk=station.pk)
    return render(request, "service_stations/unit_form.html", {"station": station, "form": form, "title": _("安排值班")})


@login_required
def case_hand_on(request, pk):
    """移交: another worker of the station takes the case on; the first-inquiry owner is kept."""
    _need(request, "service_stations.change_servicecase", _("您的角色不能移交办件。"))
    case = get_scoped_or_404(request, selectors.case_detail_for_user(user=request.user), pk)
    form = CaseHandOnForm.for_instance(request.POST or None, case, initial={"handler": case.handler_id},
                                       workers=selectors.station_workers(station=case.station))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_hand_on(case=case, acting_user=request.user, handler=form.cleaned_data["handler"],
                                  expected_version=form.cleaned_data["expected_version"])
        except (ValidationError, Conflict) as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("办件 %(number)s 已移交，首问负责人不变。") % {"number": case.number})
            return redirect("case-page", pk=case.pk)
    return render(request, "service_stations/unit_form.html",
                  {"station": case.station, "form": form, "title": _("移交办件 %(number)s") % {"number": case.number}})


@login_required
def notification_read(request, pk):
    """Mark one of the user's notifications read; back to where they were."""
    if request.method != "POST":
        raise PermissionDenied(_("请通过页面按钮操作。"))
    notification = get_scoped_or_404(request, selectors.notifications_for_user(user=request.user), pk)
    services.notification_read(notification=notification, acting_user=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "home"
    return redirect(next_url)

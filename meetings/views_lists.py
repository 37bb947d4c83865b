"""Pages of the joint party committee's four lists (需求/资源/项目/责任清单, agreed each year, 三(一)3) and
the co-building agreements with stationed units (共驻共建协议, 二(四)1)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.picker import CommunityFilterForm
from communities.selectors import communities_for_user
from governance.exceptions import Conflict
from governance.filter_values import id_param
from governance.forms import form_add_service_errors
from governance.models import StationedUnit
from governance.views import get_scoped_or_404
from meetings.forms import AgreementEditForm, AgreementForm, FourListEditForm, FourListForm
from meetings.models import FourListKind
from meetings.selectors import FourListsMissing, agreements_for_user, four_lists_for_user
from meetings.services import agreement_create, agreement_update, four_list_create, four_list_update
from streets.selectors import streets_for_user


def _perm(request, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


def _year(value) -> int:
    year = id_param(value)
    return year if year is not None and 2018 <= year <= 2100 else timezone.localdate().year


# --- the four lists (三(一)3) ---


@login_required
def four_lists(request):
    """For one year, each community in scope with its four lists, the missing ones marked; 50 communities
    a page. Filters: year, community, only communities missing a list."""
    _perm(request, "meetings.view_jointcommitteelist", _("您的角色不能查看联合党委四项清单。"))
    year = _year(request.GET.get("year"))
    # Only the street beside each community: joining their party organisations and residents' committees too
    # made the page hash every one of the district's (12 ms at x100 for a street).
    communities = (communities_for_user(user=request.user).select_related(None).select_related("street")
                   .order_by("street__code", "code"))
    picker = CommunityFilterForm(request.GET, communities=communities, user=request.user)
    chosen, refused = picker.chosen()
    community = chosen.pk if chosen else None
    if chosen or refused:
        communities = communities.filter(pk=community) if chosen else communities.none()
    missing_only = request.GET.get("missing") == "1"
    if missing_only:  # counted once per change of the data (issue 14)
        communities = FourListsMissing(communities, year=year)
    page = Paginator(communities, 50).get_page(request.GET.get("page"))
    found = {(fl.community_id, fl.kind): fl for fl in
             four_lists_for_user(user=request.user).filter(year=year, community__in=[c.pk for c in page])}
    rows = [{"community": c, "cells": [(kind, label, found.get((c.pk, kind))) for kind, label in FourListKind.choices]}
            for c in page]
    extra = f"&year={year}" + (f"&community={community}" if community else "") + ("&missing=1" if missing_only else "")
    return render(request, "meetings/four_lists.html", {
        "rows": rows, "page": page, "year": year, "community": community, "picker": picker,
        "missing_only": missing_only, "kinds": FourListKind.choices, "extra": extra,
        "can_add": request.user.has_perm("meetings.add_jointcommitteelist"),
        "can_change": request.user.has_perm("meetings.change_jointcommitteelist")})


@login_required
def four_list_new(request):
    _perm(request, "meetings.add_jointcommitteelist", _("您的角色不能录入联合党委四项清单。"))
    initial = {"year": _year(request.GET.get("year")), "agreed_on": timezone.localdate()}
    if request.GET.get("kind") in FourListKind.values:
        initial["kind"] = request.GET["kind"]
    if id_param(request.GET.get("community")):
        initial["community"] = id_param(request.GET.get("community"))
    form = FourListForm(request.POST or None, initial=initial, communities=communities_for_user(user=request.user),
                        user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            four_list = four_list_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已录入%(list)s。") % {"list": four_list})
            return redirect(f"{reverse('four-lists')}?year={four_list.year}&community={four_list.community_id}")
    return render(request, "meetings/four_list_form.html", {"form": form})


@login_required
def four_list_edit(request, pk):
    """Read one list and, with the right, correct it (a VersionedForm: a stale edit is refused)."""
    _perm(request, "meetings.view_jointcommitteelist", _("您的角色不能查看联合党委四项清单。"))
    four_list = get_scoped_or_404(request, four_lists_for_user(user=request.user), pk)
    can_change = request.user.has_perm("meetings.change_jointcommitteelist")
    if request.method == "POST" and not can_change:
        raise PermissionDenied(_("您的角色不能修改联合党委四项清单。"))
    form = FourListEditForm.for_instance(request.POST or None, four_list, initial={
        "content": four_list.content, "agreed_on": four_list.agreed_on}) if can_change else None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("expected_version")
        try:
            four_list_update(four_list=four_list, acting_user=request.user, expected_version=version, **data)
        except (ValidationError, Conflict) as exc:
            four_list.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存%(list)s。") % {"list": four_list})
            return redirect(f"{reverse('four-lists')}?year={four_list.year}&community={four_list.community_id}")
    return render(request, "meetings/four_list_form.html", {"form": form, "four_list": four_list})


# --- co-building agreements (二(四)1) ---

AGREEMENT_STATES = {"valid": gettext_lazy("有效"), "expired": gettext_lazy("已到期")}


@login_required
def agreements(request):
    """The agreements in scope, newest first, 50 a page. Filters: street, community, valid or expired."""
    _perm(request, "meetings.view_cobuildingagreement", _("您的角色不能查看共驻共建协议。"))
    today = timezone.localdate()
    rows = agreements_for_user(user=request.user).order_by("-signed_on", "-pk")
    streets = list(streets_for_user(user=request.user).values_list("pk", "name"))
    picker = CommunityFilterForm(request.GET, communities=communities_for_user(user=request.user), user=request.user)
    chosen, refused = picker.chosen()
    street, community = id_param(request.GET.get("street")), (chosen.pk if chosen else None)
    if street is not None:
        rows = rows.filter(street_id=street)
    if chosen or refused:
        rows = rows.filter(community_id=community) if chosen else rows.none()
    state = request.GET.get("state", "")
    if state == "valid":
        rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    elif state == "expired":
        rows = rows.filter(valid_until__lt=today)
    else:
        state = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    extra = "".join(f"&{k}={v}" for k, v in (("street", street), ("community", community), ("state", state)) if v)
    return render(request, "meetings/agreements.html", {
        "page": page, "today": today, "streets": streets, "picker": picker, "street": street,
        "community": community, "state": state, "states": AGREEMENT_STATES, "extra": extra,
        "can_add": request.user.has_perm("meetings.add_cobuildingagreement"),
        "can_change": request.user.has_perm("meetings.change_cobuildingagreement")})


def _units_for(request):
    """The stationed units of the streets in the user's scope, or of their communities' streets."""
    streets = streets_for_user(user=request.user).values("pk")
    communities = communities_for_user(user=request.user).values("street_id")
    return StationedUnit.objects.filter(Q(street__in=streets) | Q(street__in=communities)).order_by("street_id", "name")


@login_required
def agreement_new(request):
    _perm(request, "meetings.add_cobuildingagreement", _("您的角色不能录入共驻共建协议。"))
    form = AgreementForm(request.POST or None, streets=streets_for_user(user=request.user),
                         communities=communities_for_user(user=request.user), units=_units_for(request),
                         user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已录入与%(unit)s的共驻共建协议。") % {
                "unit": agreement.stationed_unit.name})
            return redirect("agreements")
    return render(request, "meetings/agreement_form.html", {"form": form})


@login_required
def agreement_edit(request, pk):
    _perm(request, "meetings.change_cobuildingagreement", _("您的角色不能修改共驻共建协议。"))
    agreement = get_scoped_or_404(request, agreements_for_user(user=request.user), pk)
    form = AgreementEditForm.for_instance(request.POST or None, agreement, initial={
        "signed_on": agreement.signed_on, "valid_until": agreement.valid_until, "content": agreement.content})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("expected_version")
        try:
            agreement_update(agreement=agreement, acting_user=request.user, expected_version=version, **data)
        except (ValidationError, Conflict) as exc:
            agreement.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存共驻共建协议。"))
            return redirect("agreements")
    return render(request, "meetings/agreement_form.html", {"form": form, "agreement": agreement})

"""Pages of honours consultations (二(四)2): a department opens one to a street (and a community) at least
10 working days before the evaluation is decided; the street or community sees it and records its opinion,
a veto recommendation included. Each page says whether the 10-working-day notice holds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions.forms import HonoursEditForm, HonoursForm, HonoursOpinionForm
from admissions.models import HonoursOpinion
from admissions.selectors import departments_filing_for_user, honours_for_user, honours_notice_status
from admissions.services import honours_consultation_open, honours_consultation_update, honours_opinion_record
from communities.selectors import communities_for_user
from governance.exceptions import Conflict
from governance.filter_values import id_param
from governance.forms import form_add_service_errors
from governance.rules import RuleBook
from governance.scope import scope_for
from governance.views import get_scoped_or_404
from service_stations.selectors import working_calendar
from streets.selectors import streets_for_user

STATES = {"open": gettext_lazy("征求意见中"), "decided": gettext_lazy("已研究评选")}


def _can_view(request):
    if not request.user.has_perm("admissions.view_honoursconsultation"):
        raise PermissionDenied(_("您的角色不能查看评选表彰征求意见。"))


@login_required
def honours_list(request):
    """The consultations in scope, newest first, 50 a page; filters: state, street, veto recommended."""
    _can_view(request)
    today = timezone.localdate()
    rows = honours_for_user(user=request.user)
    state = request.GET.get("state", "")
    if state == "open":
        rows = rows.filter(decision_date__gte=today)
    elif state == "decided":
        rows = rows.filter(decision_date__lt=today)
    else:
        state = ""
    streets = list(streets_for_user(user=request.user).values_list("pk", "name"))
    street = id_param(request.GET.get("street"))
    if street is not None:
        rows = rows.filter(street_id=street)
    veto = request.GET.get("veto") == "1"
    if veto:
        rows = rows.filter(Exists(HonoursOpinion.objects.filter(consultation=OuterRef("pk"), recommends_veto=True)))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    rules, calendar = RuleBook(), working_calendar()
    items = [{"c": c, "notice": honours_notice_status(c, rules=rules, calendar=calendar), "open": c.decision_date >= today,
              "vetoes": sum(1 for o in c.opinions.all() if o.recommends_veto), "opinions": len(c.opinions.all())}
             for c in page]
    extra = "".join(f"&{k}={v}" for k, v in (("state", state), ("street", street or ""), ("veto", "1" if veto else ""))
                    if v)
    return render(request, "admissions/honours_list.html", {
        "page": page, "items": items, "state": state, "states": STATES, "streets": streets, "street": street,
        "veto": veto, "extra": extra, "can_open": request.user.has_perm("admissions.add_honoursconsultation")})


def _opinion_form(request, consultation, data=None):
    scope = scope_for(request.user)
    as_street = scope.district_wide or consultation.street_id in scope.street_ids
    communities = communities_for_user(user=request.user).filter(street_id=consultation.street_id)
    if consultation.community_id and not as_street:
        communities = communities.filter(pk=consultation.community_id)
    return HonoursOpinionForm(data, communities=communities, community_required=not as_street, user=request.user,
                              street_id=consultation.street_id)


@login_required
def honours_detail(request, pk):
    """One consultation with its opinions; a street or community records its opinion here (POST)."""
    _can_view(request)
    consultation = get_scoped_or_404(request, honours_for_user(user=request.user), pk)
    can_record = (request.user.has_perm("admissions.add_honoursopinion")
                  and timezone.localdate() <= consultation.decision_date)
    form = _opinion_form(request, consultation, request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您不能对该评选表彰提出意见。"))
        if form.is_valid():
            try:
                honours_opinion_record(acting_user=request.user, consultation=consultation,
                                       street=consultation.street, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("已记录意见。"))
                return redirect("honours-page", pk=consultation.pk)
    return render(request, "admissions/honours_detail.html", {
        "c": consultation, "notice": honours_notice_status(consultation, rules=RuleBook(), calendar=working_calendar()), "form": form,
        "opinions": consultation.opinions.all(),
        "can_change": (request.user.has_perm("admissions.change_honoursconsultation")
                       and departments_filing_for_user(user=request.user).filter(pk=consultation.department_id)
                       .exists())})


@login_required
def honours_new(request):
    if not request.user.has_perm("admissions.add_honoursconsultation"):
        raise PermissionDenied(_("您的角色不能发起评选表彰征求意见。"))
    form = HonoursForm(request.POST or None, departments=departments_filing_for_user(user=request.user),
                       streets=streets_for_user(user=request.user),
                       communities=communities_for_user(user=request.user), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = honours_consultation_open(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已向%(street)s征求意见：%(title)s。") % {
                "street": consultation.street.name, "title": consultation.title})
            return redirect("honours-page", pk=consultation.pk)
    return render(request, "admissions/honours_form.html", {"form": form, "today": timezone.localdate()})


@login_required
def honours_edit(request, pk):
    """Correct a consultation or move its decision date (a VersionedForm: a stale edit is refused)."""
    if not request.user.has_perm("admissions.change_honoursconsultation"):
        raise PermissionDenied(_("您的角色不能修改评选表彰征求意见。"))
    consultation = get_scoped_or_404(request, honours_for_user(user=request.user), pk)
    if not departments_filing_for_user(user=request.user).filter(pk=consultation.department_id).exists():
        raise PermissionDenied(_("只能修改本部门发起的评选表彰。"))
    form = HonoursEditForm.for_instance(request.POST or None, consultation, initial={
        "title": consultation.title, "candidates": consultation.candidates,
        "decision_date": consultation.decision_date})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("expected_version")
        try:
            honours_consultation_update(consultation=consultation, acting_user=request.user,
                                        expected_version=version, **data)
        except (ValidationError, Conflict) as exc:
            consultation.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("honours-page", pk=consultation.pk)
    return render(request, "admissions/honours_form.html", {
        "form": form, "c": consultation, "today": consultation.opened_on})


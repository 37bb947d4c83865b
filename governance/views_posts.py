"""Appointing and ending posts from a unit's page (street, community, service station, grid): one form,
one service (governance.services.post_appoint), the same checks as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from governance import services
from governance.exceptions import Conflict
from governance.forms import NewPersonForm, PostForm, form_add_service_errors
from governance.models import POST_KINDS, PostKind
from governance.page_forms import PostEndForm
from governance.registry import registry, selector_for
from governance.selectors import people_for_user, posts_for_user
from governance.views import get_scoped_or_404

# For each unit a post can be appointed from: the units the post names, whose people may hold it, and the
# page to return to (a station's street page, a grid's community page).
UNIT_PAGES = {
    "street": lambda u: ({"street": u}, {"street_id": u.pk}, ("street-page", u.pk)),
    "community": lambda u: ({"community": u}, {"community_id": u.pk}, ("community-page", u.pk)),
    "station": lambda u: ({"station": u, "street": u.street}, {"street_id": u.street_id}, ("street-page", u.street_id)),
    "grid": lambda u: ({"grid": u, "community": u.community}, {"community_id": u.community_id},
                       ("community-page", u.community_id)),
}


def unit_kinds(unit_kind: str) -> list[PostKind]:
    """The post kinds appointed from a unit's page, from the post-kind table."""
    return [k for k in PostKind if (POST_KINDS[k].grid if unit_kind == "grid" else POST_KINDS[k].unit == unit_kind)]


def _unit(request, unit_kind, pk):
    model = registry.post_units.get(unit_kind)
    if model is None or unit_kind not in UNIT_PAGES:
        raise Http404
    unit = get_scoped_or_404(request, selector_for(model)(user=request.user), pk)
    unit_fields, people_filter, page = UNIT_PAGES[unit_kind](unit)
    return unit, people_for_user(user=request.user).filter(**people_filter), unit_fields, page


@login_required
def post_new(request, unit_kind, pk):
    if not request.user.has_perm("governance.add_post"):
        raise PermissionDenied(_("您的角色不能任免职务。"))
    unit, people, unit_fields, page = _unit(request, unit_kind, pk)
    form = PostForm(request.POST or None, kinds=unit_kinds(unit_kind), street_fields=unit_kind == "street",
                    community_fields=unit_kind == "community", people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_person = None
        if not data["person"]:
            new_person = {"name": data["new_person_name"], "is_party_member": data.get("new_person_party_member", False),
                          "is_npc_deputy": data.get("new_person_npc_deputy", False),
                          **{k: v for k, v in unit_fields.items() if k in ("street", "community")}}
        try:
            post = services.post_appoint(
                acting_user=request.user, person=data["person"], new_person=new_person, kind=data["kind"],
                start_date=data["start_date"], staff_category=data.get("staff_category", ""),
                is_secondment=data.get("is_secondment", False), seconded_from=data.get("seconded_from", ""),
                secondment_role=data.get("secondment_role", ""), is_concurrent=data.get("is_concurrent", False),
                approval_reference=data["approval_reference"], note=data["note"], **unit_fields,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)  # nothing was written (one transaction)
        else:
            messages.success(request, _("已任命 %(name)s 为%(kind)s。") % {"name": post.person.name, "kind": post.get_kind_display()})
            return redirect(page[0], pk=page[1])
    new_person_form = NewPersonForm(prefix="new", auto_id="person-%s") \
        if request.user.has_perm("governance.add_person") else None
    return render(request, "governance/post_form.html",
                  {"form": form, "unit": unit, "unit_kind": unit_kind, "page": page[0], "page_pk": page[1],
                   "new_person_form": new_person_form})


def _back_url(request, post) -> str:
    """Where the clerk came from (?next=, a page of this site), else the page of the post's unit."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    if post.community_id:
        return reverse("community-page", args=[post.community_id])
    # A station post may name only its station: go back to the station's street.
    street_id = post.street_id or (post.station.street_id if post.station_id else None)
    return reverse("street-page", args=[street_id]) if street_id else reverse("home")


@login_required
def post_end(request, pk):
    """离任 with a date and a reason; answers the page the clerk came from with a message."""
    if not request.user.has_perm("governance.change_post"):
        raise PermissionDenied(_("您的角色不能任免职务。"))
    post = get_scoped_or_404(request, posts_for_user(user=request.user), pk)
    back = _back_url(request, post)
    if post.end_date is not None and post.end_date <= timezone.localdate():
        messages.info(request, _("%(name)s 已于 %(date)s 离任%(kind)s。") % {
            "name": post.person.name, "date": post.end_date.isoformat(), "kind": post.get_kind_display()})
        return redirect(back)
    form = PostEndForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_end(post=post, acting_user=request.user, end_date=form.cleaned_data["end_date"],
                              reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["expected_version"])
        except (ValidationError, Conflict) as exc:
            post.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 已离任%(kind)s（%(date)s）。") % {
                "name": post.person.name, "kind": post.get_kind_display(), "date": post.end_date.isoformat()})
            return redirect(back)
    return render(request, "governance/post_end.html", {"form": form, "post": post, "back": back})

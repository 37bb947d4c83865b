"""Appointing and ending posts from a street's or community's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from communities.selectors import communities_for_user
from governance import services
from governance.forms import PostForm, form_add_service_errors
from governance.page_forms import PostEndForm
from governance.selectors import people_for_user, posts_for_user
from governance.views import get_scoped_or_404
from streets.selectors import streets_for_user


def _unit(request, unit_kind, pk):
    if unit_kind == "street":
        unit = get_scoped_or_404(request, streets_for_user(user=request.user), pk)
        return unit, people_for_user(user=request.user).filter(street=unit), {"street": unit}, "street-page"
    unit = get_scoped_or_404(request, communities_for_user(user=request.user), pk)
    return unit, people_for_user(user=request.user).filter(community=unit), {"community": unit}, "community-page"


@login_required
def post_new(request, unit_kind, pk):
    if not request.user.has_perm("governance.add_post"):
        raise PermissionDenied(_("您的角色不能任免职务。"))
    unit, people, unit_fields, page = _unit(request, unit_kind, pk)
    form = PostForm(request.POST or None, unit_kind=unit_kind, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = data["person"] or services.person_create(
                    acting_user=request.user, name=data["new_person_name"],
                    is_party_member=data.get("new_person_party_member", False),
                    is_npc_deputy=data.get("new_person_npc_deputy", False), **unit_fields,
                )
                post = services.post_create(
                    acting_user=request.user, person=person, kind=data["kind"], start_date=data["start_date"],
                    staff_category=data.get("staff_category", ""), is_secondment=data.get("is_secondment", False),
                    seconded_from=data.get("seconded_from", ""), approval_reference=data["approval_reference"],
                    note=data["note"], **unit_fields,
                )
        except ValidationError as exc:
            # Nothing was written (one transaction); show the rule's message on the form.
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已任命 %(name)s 为%(kind)s。") % {"name": post.person.name, "kind": post.get_kind_display()})
            return redirect(page, pk=unit.pk)
    return render(request, "governance/post_form.html", {"form": form, "unit": unit, "unit_kind": unit_kind, "page": page})


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
                              reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            post.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 已离任%(kind)s（%(date)s）。") % {
                "name": post.person.name, "kind": post.get_kind_display(), "date": post.end_date.isoformat()})
            return redirect(back)
    return render(request, "governance/post_end.html", {"form": form, "post": post, "back": back})

"""The people roster of a street or community (人员名册), and correcting one person's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from governance import services
from governance.exceptions import Conflict
from governance.forms import PersonForm, form_add_service_errors
from governance.selectors import active_posts, people_for_user
from governance.views import get_scoped_or_404
from governance.views_posts import _unit

ROSTER_PAGE_SIZE = 50


@login_required
def people_roster(request, unit_kind, pk):
    if not request.user.has_perm("governance.view_person"):
        raise PermissionDenied(_("您的角色不能查看人员名册。"))
    unit, people, _unit_fields, page = _unit(request, unit_kind, pk)
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(name__contains=query)
    # 50 a page; current posts in one query whatever the number of people on it.
    rows = Paginator(people.order_by("name", "pk"), ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    prefetch_related_objects(rows.object_list, Prefetch(
        "posts", queryset=active_posts().select_related("community", "station", "grid").order_by("start_date", "pk"),
        to_attr="current_posts",
    ))
    return render(request, "governance/people_roster.html",
                  {"unit": unit, "unit_kind": unit_kind, "page": page[0], "people": rows, "q": query})


def _roster_url(request, person):
    """Back to the roster the clerk came from (?next=), else the person's own unit."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    if person.community_id:
        return reverse("community-people", args=[person.community_id])
    if person.street_id:
        return reverse("street-people", args=[person.street_id])
    return reverse("home")


@login_required
def person_edit(request, pk):
    if not request.user.has_perm("governance.change_person"):
        raise PermissionDenied(_("您的角色不能修改人员档案。"))
    person = get_scoped_or_404(request, people_for_user(user=request.user), pk)
    form = PersonForm.for_instance(request.POST or None, person,
                                   initial={name: getattr(person, name) for name in PersonForm.FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            # Only what the clerk changed, checked against the version the form was opened at.
            changed = {name: form.cleaned_data[name] for name in form.changed_data if name in PersonForm.FIELDS}
            services.person_update(person=person, acting_user=request.user,
                                   expected_version=form.cleaned_data["expected_version"], **changed)
        except (ValidationError, Conflict) as exc:
            person.refresh_from_db()  # the service set the fields before refusing; nothing was saved
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已更新 %(name)s 的人员档案。") % {"name": person.name})
            return redirect(_roster_url(request, person))
    return render(request, "governance/person_form.html",
                  {"form": form, "person": person, "back": _roster_url(request, person)})

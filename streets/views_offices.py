"""A street adjusts its "四办一中心": duties, and each office's head (二(三), checked by the service)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from governance.exceptions import Conflict
from governance.forms import form_add_service_errors
from governance.selectors import people_for_user
from governance.views import get_scoped_or_404
from streets.forms import StreetOfficeForm
from streets.selectors import street_offices_for_user
from streets.services import street_office_update


@login_required
def street_office_edit(request, pk):
    if not request.user.has_perm("streets.change_streetoffice"):
        raise PermissionDenied(_("您的角色不能修改四办一中心。"))
    office = get_scoped_or_404(request, street_offices_for_user(user=request.user), pk)
    # The street's people, and the current head even if their record sits elsewhere: saving the
    # duties must not silently clear a head the list does not offer.
    people = people_for_user(user=request.user).filter(Q(street_id=office.street_id) | Q(pk=office.head_id))
    form = StreetOfficeForm.for_instance(request.POST or None, office, people=people,
                                         initial={"duties": office.duties, "head": office.head_id})
    if request.method == "POST" and form.is_valid():
        try:
            street_office_update(office=office, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as exc:
            office.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已更新%(office)s。") % {"office": office.get_kind_display()})
            return redirect("street-page", pk=office.street_id)
    return render(request, "streets/office_form.html", {"form": form, "office": office})

"""Pages that keep a grid's own records: its smaller units (楼栋长、片区长, 四(一)), its party organisation
and the party members' model posts and responsibility areas (四(二)1). Order in each view: login, has_perm,
scoped fetch, form (a VersionedForm for edits), service, errors."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from governance.exceptions import Conflict
from governance.forms import form_add_service_errors
from governance.views import get_scoped_or_404
from grids import selectors, services
from grids.forms import GridUnitForm, PartyModelPostForm, PartyOrganizationForm
from grids.models import GridUnit


def _render(request, form, grid, title, record=None):
    return render(request, "grids/record_form.html", {"form": form, "grid": grid, "title": title, "record": record})


def _fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.FIELDS}


def _created(request, form, create, grid, done):
    """A posted form's create service: a refusal shows on the form (None: render it again); success goes
    back to the grid page with `done`."""
    if request.method == "POST" and form.is_valid():
        try:
            create(acting_user=request.user, grid=grid, **_fields(form))
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("grid-page", pk=grid.pk)
    return None


def _saved(request, form, update, record, done):
    """A posted VersionedForm's update service with the version the form was opened at: a refusal or a
    colleague's newer change shows on the form (None); success goes back to the record's grid page."""
    if request.method == "POST" and form.is_valid():
        try:
            update(acting_user=request.user, expected_version=form.cleaned_data["expected_version"], **_fields(form))
        except (ValidationError, Conflict) as exc:
            record.refresh_from_db()
            form_add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("grid-page", pk=record.grid_id)
    return None


# ---------------------------------------------------------------- grid units (楼栋长、片区长)


@login_required
def grid_unit_new(request, pk):
    if not request.user.has_perm("grids.add_gridunit"):
        raise PermissionDenied(_("您的角色不能设立网格小单元。"))
    grid = get_scoped_or_404(request, selectors.active_grids_for_user(user=request.user), pk)
    form = GridUnitForm(request.POST or None)
    return (_created(request, form, services.grid_unit_create, grid, _("已设立网格小单元。"))
            or _render(request, form, grid, _("设立网格小单元（楼栋长、片区长）")))


@login_required
def grid_unit_edit(request, pk):
    if not request.user.has_perm("grids.change_gridunit"):
        raise PermissionDenied(_("您的角色不能修改网格小单元。"))
    unit = get_scoped_or_404(request, selectors.grid_units_for_user(user=request.user), pk)
    form = GridUnitForm.for_instance(request.POST or None, unit,
                                     initial={n: getattr(unit, n) for n in GridUnitForm.FIELDS})
    return (_saved(request, form, partial(services.grid_unit_update, unit=unit), unit, _("已保存网格小单元。"))
            or _render(request, form, unit.grid, _("修改网格小单元"), unit))


# ---------------------------------------------------------------- grid party organisations (四(二)1)


@login_required
def party_organization_new(request, pk):
    if not request.user.has_perm("grids.add_gridpartyorganization"):
        raise PermissionDenied(_("您的角色不能设置网格党组织。"))
    grid = get_scoped_or_404(request, selectors.active_grids_for_user(user=request.user), pk)
    form = PartyOrganizationForm(request.POST or None)
    return (_created(request, form, services.party_organization_create, grid, _("已设置网格党组织。"))
            or _render(request, form, grid, _("设置网格党组织")))


@login_required
def party_organization_edit(request, pk):
    if not request.user.has_perm("grids.change_gridpartyorganization"):
        raise PermissionDenied(_("您的角色不能修改网格党组织。"))
    organization = get_scoped_or_404(request, selectors.party_organizations_for_user(user=request.user), pk)
    form = PartyOrganizationForm.for_instance(
        request.POST or None, organization, initial={n: getattr(organization, n) for n in PartyOrganizationForm.FIELDS})
    update = partial(services.party_organization_update, organization=organization)
    return (_saved(request, form, update, organization, _("已保存网格党组织。"))
            or _render(request, form, organization.grid, _("修改网格党组织"), organization))


# ---------------------------------------------------------------- party members' model posts (四(二)1)


@login_required
def party_post_new(request, pk):
    if not request.user.has_perm("grids.add_partymodelpost"):
        raise PermissionDenied(_("您的角色不能设立党员示范岗、责任区。"))
    grid = get_scoped_or_404(request, selectors.active_grids_for_user(user=request.user), pk)
    form = PartyModelPostForm(request.POST or None, units=GridUnit.objects.filter(grid=grid))
    return (_created(request, form, services.party_model_post_create, grid, _("已设立党员示范岗/责任区。"))
            or _render(request, form, grid, _("设立党员示范岗、先锋岗、责任区")))


@login_required
def party_post_edit(request, pk):
    if not request.user.has_perm("grids.change_partymodelpost"):
        raise PermissionDenied(_("您的角色不能修改党员示范岗、责任区。"))
    post = get_scoped_or_404(request, selectors.party_posts_for_user(user=request.user), pk)
    initial = {n: getattr(post, n) for n in PartyModelPostForm.FIELDS if n != "unit"}
    form = PartyModelPostForm.for_instance(request.POST or None, post, initial={**initial, "unit": post.unit_id},
                                           units=GridUnit.objects.filter(grid_id=post.grid_id))
    update = partial(services.party_model_post_update, post=post)
    return (_saved(request, form, update, post, _("已保存党员示范岗/责任区。"))
            or _render(request, form, post.grid, _("修改党员示范岗/责任区"), post))

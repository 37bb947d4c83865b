"""Forms of the grid pages. They shape input; the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.picker import CommunityField
from governance.forms import VersionedForm
from governance.models import Department
from grids.models import EventCategory, GridChangeRequest, GridPartyOrganization, GridUnit, PartyModelPost


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos at once; the service checks each is an image within the size limit."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def category_choices():
    rows = EventCategory.objects.filter(is_active=True).select_related("parent").order_by("code")
    groups: dict = {}
    for c in rows:
        if c.parent_id:
            groups.setdefault(c.parent.name, []).append((c.pk, c.name))
    return [("", "—")] + [(name, items) for name, items in groups.items()]


class EventReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    category = forms.TypedChoiceField(label=_("类别"), coerce=int)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    description = forms.CharField(label=_("描述"), widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleImageField(label=_("照片"), required=False, help_text=_("仅限图片，每张不超过 5 MB，最多 9 张。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()

    def clean_category(self):
        category = EventCategory.objects.filter(pk=self.cleaned_data["category"], is_active=True).first()
        if category is None:
            raise forms.ValidationError(_("请选择事件类别。"))
        return category


class EventActionForm(VersionedForm):
    ACTIONS = [("accept", _("受理")), ("resolve", _("办结")), ("escalate", _("上报上一级")), ("send_back", _("退回下一级"))]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("理由/办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(label=_("承办部门（上报职能部门时）"), queryset=Department.objects.all(),
                                        required=False)


class GridChangeForm(forms.Form):
    community = CommunityField(label=_("社区"))
    kind = forms.ChoiceField(label=_("调整类型"), choices=GridChangeRequest.Kind.choices)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=None, required=False)
    others = forms.ModelMultipleChoiceField(label=_("并入的网格（合并时）"), queryset=None, required=False)
    worker = forms.ModelChoiceField(label=_("新网格员（调整网格员时）"), queryset=None, required=False)
    parts = forms.CharField(
        label=_("调整后网格"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个：名称,户数,覆盖范围。例如：东苑社区第4网格,480,1—4号楼"))
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, communities, grids, people, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].scope_to(communities, user=user)
        self.fields["grid"].queryset = grids
        self.fields["others"].queryset = grids
        self.fields["worker"].queryset = people

    def clean_parts(self):
        parts = []
        for n, line in enumerate(filter(None, (x.strip() for x in self.cleaned_data["parts"].splitlines())), 1):
            cells = [c.strip() for c in line.replace("，", ",").split(",", 2)]
            if len(cells) < 2 or not (cells[1].isascii() and cells[1].isdigit()) or len(cells[1]) > 6:
                raise forms.ValidationError(_("第 %(n)s 行格式应为：名称,户数,覆盖范围") % {"n": n})
            parts.append({"name": cells[0], "households": int(cells[1]), "area": cells[2] if len(cells) > 2 else ""})
        return parts


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(choices=[("approve", _("审定通过")), ("reject", _("不予通过"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("审定意见"), max_length=200, required=False)


class LedgerImportForm(forms.Form):
    file = forms.FileField(label=_("台账 Excel 文件（.xlsx）"))
    import_valid_rows = forms.BooleanField(label=_("文件有错误时，仍导入无误的行"), required=False)


class RatesFilterForm(forms.Form):
    BY = [("street", _("按街道")), ("community", _("按社区")), ("grid", _("按网格"))]
    by = forms.ChoiceField(label=_("统计单位"), choices=BY, required=False)
    start = forms.DateField(label=_("起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("止（不含）"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _model_fields(model, names, **kwargs) -> dict:
    """The form fields of a model's columns: labels, lengths and choices come from the model."""
    date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    widgets = {n: date for n in names if n in ("established_on", "ended_on")}
    widgets.update({n: forms.Textarea(attrs={"rows": 2}) for n in names if n in ("area",)})
    return forms.fields_for_model(model, fields=names, widgets=widgets, **kwargs)


class GridUnitForm(VersionedForm):
    """网格小单元 (楼栋长、片区长, 四(一))."""

    FIELDS = ["kind", "name", "leader", "leader_phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(GridUnit, self.FIELDS))


class PartyOrganizationForm(VersionedForm):
    """网格党组织 (四(二)1)."""

    FIELDS = ["kind", "name", "leader", "leader_phone", "members", "established_on", "ended_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(GridPartyOrganization, self.FIELDS))


class PartyModelPostForm(VersionedForm):
    """党员示范岗、先锋岗、责任区 (四(二)1); the unit is one of the grid's own."""

    FIELDS = ["kind", "name", "member", "member_phone", "unit", "area", "is_active"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(PartyModelPost, self.FIELDS))
        self.fields["unit"].queryset = units

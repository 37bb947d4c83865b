"""Forms of the counter and the case page. They shape input; the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy

from governance.forms import VersionedForm
from service_stations.models import TRANSITIONS, Appointment, CaseStatus, ChecklistItem, ServiceCase
from service_stations.validators import validate_id_number, validate_phone


class ItemSelect(forms.Select):
    """Each option carries its pinyin initials and materials, for the counter's search (static/js/counter.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        item = getattr(value, "instance", None)
        if item is not None:
            option["attrs"]["data-pinyin"] = item.pinyin_initials
            option["attrs"]["data-materials"] = "|".join(item.required_materials)
            option["attrs"]["data-days"] = item.time_limit_days
        return option


class CaseIntakeForm(forms.Form):
    """The counter: the item, the applicant, the channel and the materials received, in under a minute."""

    service_item = forms.ModelChoiceField(queryset=None, label=gettext_lazy("服务事项"), widget=ItemSelect,
                                          empty_label=gettext_lazy("—— 请选择或在上方搜索 ——"))
    applicant_name = forms.CharField(max_length=50, label=gettext_lazy("申请人姓名"))
    applicant_id_number = forms.CharField(max_length=18, required=False, label=gettext_lazy("身份证号码"),
                                          validators=[validate_id_number])
    applicant_phone = forms.CharField(max_length=20, label=gettext_lazy("联系电话"), validators=[validate_phone])
    channel = forms.ChoiceField(choices=ServiceCase._meta.get_field("channel").choices, label=gettext_lazy("受理渠道"))
    materials_received = forms.MultipleChoiceField(required=False, label=gettext_lazy("已收材料"),
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_item"].queryset = items
        materials = sorted({m for item in items for m in item.required_materials})
        self.fields["materials_received"].choices = [(m, m) for m in materials]
        for name, attrs in {"applicant_name": {"autocomplete": "off"},
                            "applicant_id_number": {"autocomplete": "off", "inputmode": "text", "maxlength": 18},
                            "applicant_phone": {"autocomplete": "off", "inputmode": "tel"}}.items():
            self.fields[name].widget.attrs.update(attrs)


class CaseTransitionForm(VersionedForm):
    status = forms.ChoiceField(label=gettext_lazy("办理结果"))
    note = forms.CharField(max_length=200, required=False, label=gettext_lazy("办理说明"))
    forwarded_to = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("转办部门"))

    def __init__(self, *args, case, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in TRANSITIONS.get(CaseStatus(case.status), ())]
        self.fields["forwarded_to"].queryset = departments


class ChecklistForm(forms.Form):
    """五统一、十个一 (三(二)): which standards the station meets."""

    met = forms.MultipleChoiceField(choices=ChecklistItem.choices, required=False, widget=forms.CheckboxSelectMultiple,
                                    label=gettext_lazy("已达标的标准项"))


class AppointmentForm(forms.Form):
    """预约服务、上门办理 (三(二)3): a date, a slot and the worker who takes it."""

    kind = forms.ChoiceField(choices=Appointment.Kind.choices, label=gettext_lazy("类型"))
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    slot = forms.ChoiceField(choices=Appointment.Slot.choices, label=gettext_lazy("时段"))
    worker = forms.ModelChoiceField(queryset=None, label=gettext_lazy("工作人员"))
    applicant_name = forms.CharField(max_length=50, label=gettext_lazy("居民姓名"))
    address = forms.CharField(max_length=200, required=False, label=gettext_lazy("上门地址"))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class ShiftForm(forms.Form):
    """错时工作、周末倒班 (三(二)3)."""

    worker = forms.ModelChoiceField(queryset=None, label=gettext_lazy("值班人员"))
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=gettext_lazy("开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=gettext_lazy("结束"), widget=forms.TimeInput(attrs={"type": "time"}))
    is_weekend_rota = forms.BooleanField(required=False, label=gettext_lazy("周末倒班"))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class CaseHandOnForm(VersionedForm):
    """Hand a case to another worker of the station; the first-inquiry owner (首问负责人) stays."""

    handler = forms.ModelChoiceField(queryset=None, label=gettext_lazy("移交给"))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = workers

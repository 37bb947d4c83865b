"""Forms for the clerk's pages. They shape input; the services decide the rules."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.exceptions import Conflict
from governance.identity import normalize_id_number, validate_id_number, validate_phone
from governance.models import Person, Post, SecondmentRole


class PostForm(forms.Form):
    """Appoint someone to a post in one unit: an existing person, or a new one entered here."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label=gettext_lazy("人员（已有档案）"))
    new_person_name = forms.CharField(max_length=50, required=False, label=gettext_lazy("或新增人员姓名"))
    new_person_party_member = forms.BooleanField(required=False, label=gettext_lazy("新增人员为中共党员"))
    new_person_npc_deputy = forms.BooleanField(required=False, label=gettext_lazy("新增人员为现任兴庆区人大代表"))
    kind = forms.ChoiceField(label=gettext_lazy("职务"))
    staff_category = forms.ChoiceField(required=False, label=gettext_lazy("人员类别"),
                                       help_text=gettext_lazy("街道工作人员必填：决定是否计入30人上限（二(二)1）。"))
    is_secondment = forms.BooleanField(required=False, label=gettext_lazy("挂职"), help_text=gettext_lazy("挂职领导不计入领导职数（二(二)2）。"))
    is_concurrent = forms.BooleanField(required=False, label=gettext_lazy("兼职"),
                                       help_text=gettext_lazy("社区党委兼职副书记、委员，不计入班子职数，须报街道党工委审批（三(一)2）。"))
    seconded_from = forms.CharField(max_length=100, required=False, label=gettext_lazy("原单位及职务"))
    secondment_role = forms.ChoiceField(required=False, label=gettext_lazy("挂职人员身份"),
                                        help_text=gettext_lazy("二(二)2 所列挂职：派出所所长、综合执法中队队长、司法所所长。"))
    start_date = forms.DateField(label=gettext_lazy("任职日期"), widget=forms.DateInput(attrs={"type": "date"}))
    approval_reference = forms.CharField(max_length=100, required=False, label=gettext_lazy("超额批准文号"),
                                         help_text=gettext_lazy("超出职数或人数上限时填写，记入审计记录。"))
    note = forms.CharField(max_length=200, required=False, label=gettext_lazy("备注"))

    def __init__(self, *args, kinds, street_fields: bool, people, community_fields: bool = False, **kwargs):
        """`kinds`: the post kinds of the unit (governance.views_posts.unit_kinds, from POST_KINDS);
        `street_fields`: the staffing fields only street posts have."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["staff_category"].choices = [("", "—")] + list(Post._meta.get_field("staff_category").choices)
        self.fields["secondment_role"].choices = [("", "—")] + list(SecondmentRole.choices)
        if not community_fields:
            self.fields.pop("is_concurrent")
        if not (street_fields or community_fields):
            self.fields.pop("is_secondment")
        self.fields["person"].queryset = people
        if not street_fields:
            for name in ("staff_category", "seconded_from", "secondment_role", "new_person_npc_deputy"):
                self.fields.pop(name)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("new_person_name"):
            raise forms.ValidationError(_("请选择已有人员，或填写新增人员姓名。"))
        if cleaned.get("person") and cleaned.get("new_person_name"):
            raise forms.ValidationError(_("已有人员和新增人员只能填写一项。"))
        return cleaned


class NewPersonForm(forms.Form):
    """A new person entered from the appointment form's picker (governance.views_person_search.person_new): what
    tells them apart from a namesake. Labels, lengths, choices and validators come from the model."""

    FIELDS = ["name", "gender", "phone", "id_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Person, fields=self.FIELDS))
        self.fields["gender"].required = True
        self.fields["gender"].choices = [("", "—"), *Person.Gender.choices]
        self.fields["phone"].required = True
        self.fields["phone"].validators.append(validate_phone)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["id_number"].validators.append(validate_id_number)
        self.fields["id_number"].widget.attrs.update(autocomplete="off", maxlength=18)
        self.fields["name"].widget.attrs.update(autocomplete="off")

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data.get("id_number"))


def form_add_service_errors(form: forms.Form, exc) -> None:
    """Show a service's ValidationError on the form: on the field it names, else above the form; a
    Conflict (the record changed since the form was opened) above the form."""
    if isinstance(exc, Conflict):
        form.add_error(None, exc.message)
        return
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, errors in items:
        form.add_error(field if field in form.fields else None, errors)


class VersionedForm(forms.Form):
    """A form that edits a versioned record carries the version it was opened at; the service refuses the
    save if someone changed the record since (governance.exceptions.Conflict)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def for_instance(cls, data, instance, *, initial: dict, **kwargs):
        return cls(data, initial={**initial, "expected_version": instance.version}, **kwargs)


class PersonForm(VersionedForm):
    """Correct a person's record. Labels, lengths and choices come from the model; the unit does not change here."""

    FIELDS = ["name", "gender", "phone", "id_number", "is_party_member", "is_npc_deputy", "community_service_start",
              "has_violation_record"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(
            Person, fields=self.FIELDS,
            widgets={"community_service_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
        ))

    def clean_community_service_start(self):
        """A service start cannot lie ahead, nor before the People's Republic's community work began."""
        import datetime

        from django.utils import timezone

        day = self.cleaned_data.get("community_service_start")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("连续从事社区工作起始日期不能晚于今天。"))
        if day is not None and day < datetime.date(1949, 10, 1):
            raise forms.ValidationError(_("连续从事社区工作起始日期不能早于 1949-10-01。"))
        return day

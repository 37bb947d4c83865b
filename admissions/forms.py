"""The task filing form. It shapes input; the service decides admissibility (admissions.services.task_file)."""

from django import forms

from admissions.models import AdmissionItem, TaskAssignment, TaskKind
from communities.models import Community
from governance.models import Department
from streets.models import Street


class TaskFilingForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label="交办部门")
    title = forms.CharField(max_length=200, label="事项名称")
    kind = forms.ChoiceField(choices=TaskKind.choices, initial=TaskKind.TASK, label="类型")
    target_street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False, label="承接街道",
                                           help_text="街道或社区二选一。")
    target_community = forms.ModelChoiceField(queryset=Community.objects.none(), required=False, label="承接社区")
    admission_item = forms.ModelChoiceField(queryset=AdmissionItem.objects.none(), required=False,
                                            label="所属准入事项",
                                            help_text="未列入准入清单的事项，街道（二(一)）、社区（三(五)）不作为责任主体。")
    deadline = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(required=False, label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    approval_document = forms.CharField(max_length=100, required=False, label="编委会批准文号",
                                        help_text="清单外事项经区委、政府研究同意，由编委会行文下放的，填写文号。")
    transferred_powers = forms.CharField(max_length=300, required=False, label="随事转移的权限")
    transferred_staff = forms.IntegerField(min_value=0, required=False, label="随事转移人员（名）")
    transferred_funds = forms.IntegerField(min_value=0, required=False, label="随事转移经费（元）")
    higher_level_reference = forms.CharField(max_length=200, required=False, label="上级保留依据",
                                             help_text="考核评比须为中央、自治区或银川市同意保留的，填写其文件（三(五)）。")

    def __init__(self, *args, departments, streets, communities, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["target_street"].queryset = streets
        self.fields["target_community"].queryset = communities.select_related("street")
        self.fields["target_community"].label_from_instance = lambda c: f"{c.street.name} · {c.name}"
        self.fields["admission_item"].queryset = items
        self.fields["admission_item"].label_from_instance = (
            lambda i: f"［{i.admission_list.get_level_display()}］{i.number}. {i.name}（{i.department.name}）")

    def task_fields(self) -> dict:
        data = self.cleaned_data
        names = [f.name for f in TaskAssignment._meta.concrete_fields]
        return {k: ("" if v is None and k in ("approval_document", "transferred_powers", "higher_level_reference",
                                               "description") else v)
                for k, v in data.items() if k in names}

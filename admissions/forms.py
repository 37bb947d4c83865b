"""The task filing form. It shapes input; the service decides admissibility (admissions.services.task_file)."""

from django import forms

from admissions.models import AdmissionItem, TaskAssignment, TaskKind
from communities.picker import CommunityField
from governance.forms import VersionedForm
from governance.models import Department
from streets.models import Street


class TaskFilingForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label="交办部门")
    title = forms.CharField(max_length=200, label="事项名称")
    kind = forms.ChoiceField(choices=TaskKind.choices, initial=TaskKind.TASK, label="类型")
    target_street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False, label="承接街道",
                                           help_text="街道或社区二选一。")
    target_community = CommunityField(required=False, label="承接社区")
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

    def __init__(self, *args, departments, streets, communities, items, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["target_street"].queryset = streets
        self.fields["target_community"].scope_to(communities, user=user)
        self.fields["admission_item"].queryset = items
        self.fields["admission_item"].label_from_instance = (
            lambda i: f"［{i.admission_list.get_level_display()}］{i.number}. {i.name}（{i.department.name}）")

    def task_fields(self) -> dict:
        data = self.cleaned_data
        names = [f.name for f in TaskAssignment._meta.concrete_fields]
        return {k: ("" if v is None and k in ("approval_document", "transferred_powers", "higher_level_reference",
                                               "description") else v)
                for k, v in data.items() if k in names}


class HonoursForm(forms.Form):
    """A department opens an honours evaluation to a street (and one of its communities) (二(四)2)."""

    department = forms.ModelChoiceField(queryset=Department.objects.none(), label="评选部门")
    title = forms.CharField(max_length=200, label="评选表彰名称")
    candidates = forms.CharField(label="拟评选对象", widget=forms.Textarea(attrs={"rows": 3}))
    street = forms.ModelChoiceField(queryset=Street.objects.none(), label="征求意见街道")
    community = CommunityField(required=False, label="征求意见社区", help_text="评选对象在社区的，同时征求社区意见。")
    decision_date = forms.DateField(label="研究评选日期", widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text="须在征求意见（今天）后至少 10 个工作日（二(四)2）。")

    def __init__(self, *args, departments, streets, communities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["street"].queryset = streets
        self.fields["community"].scope_to(communities, user=user)


class HonoursEditForm(VersionedForm):
    """Correct a consultation or move its decision date: the 10-working-day notice is checked again."""

    title = forms.CharField(max_length=200, label="评选表彰名称")
    candidates = forms.CharField(label="拟评选对象", widget=forms.Textarea(attrs={"rows": 3}))
    decision_date = forms.DateField(label="研究评选日期",
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class HonoursOpinionForm(forms.Form):
    """A street's or community's opinion; a street speaks without naming a community."""

    community = CommunityField(required=False, label="提出意见的社区", help_text="以街道名义提出意见的，不选。")
    opinion = forms.CharField(max_length=2000, label="意见", widget=forms.Textarea(attrs={"rows": 3}))
    recommends_veto = forms.BooleanField(required=False, label="建议一票否决")

    def __init__(self, *args, communities, community_required: bool, user, street_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].required = community_required
        self.fields["community"].scope_to(communities, user=user, street_id=street_id)
        if community_required:
            self.fields["community"].help_text = ""

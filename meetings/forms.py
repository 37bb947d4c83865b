"""Forms for the meeting pages. They shape input; the services decide the rules."""

from django import forms

from communities.picker import CommunityField
from governance.forms import VersionedForm
from governance.models import StationedUnit
from meetings.models import FourListKind, Meeting, MeetingKind
from streets.models import Street


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, label="会议类型")
    street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False, label="街道",
                                    help_text="大工委联席会议填写街道；社区会议选择社区即可。")
    community = CommunityField(required=False, label="社区")
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(label="参会人员", widget=forms.Textarea(attrs={"rows": 2}))
    agenda = forms.CharField(label="议题", widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(required=False, label="会议纪要", widget=forms.Textarea(attrs={"rows": 4}))
    secretary_reported = forms.BooleanField(required=False, label="社区党委书记报告工作（居民代表会议）")
    station_head_reported = forms.BooleanField(required=False, label="服务站站长报告工作（居民代表会议）")
    rc_director_reported = forms.BooleanField(required=False, label="居委会主任报告工作（居民代表会议）")
    assessment = forms.CharField(required=False, label="居民代表评议结果（居民代表会议）",
                                 widget=forms.Textarea(attrs={"rows": 2}))
    decisions = forms.CharField(required=False, label="决定事项",
                                help_text="每行一项：决定事项｜责任人｜完成期限（YYYY-MM-DD，可省略）。",
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, streets, communities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["community"].scope_to(communities, user=user)

    def clean_decisions(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["decisions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(f"第 {number} 行须写明决定事项和责任人，以“｜”分隔。")
            due = None
            if len(parts) > 2 and parts[2]:
                try:
                    due = forms.DateField().clean(parts[2])
                except forms.ValidationError:
                    raise forms.ValidationError(f"第 {number} 行的完成期限不是有效日期。") from None
            rows.append({"text": parts[0], "responsible": parts[1][:100], "due_date": due})
        return rows

    def meeting_fields(self) -> dict:
        names = {f.name for f in Meeting._meta.concrete_fields}
        return {k: v for k, v in self.cleaned_data.items() if k in names or k == "decisions"}


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class FourListForm(forms.Form):
    """One of the joint party committee's four lists, agreed for a year (三(一)3)."""

    community = CommunityField(label="社区")
    year = forms.IntegerField(min_value=2018, max_value=2100, label="年度")
    kind = forms.ChoiceField(choices=FourListKind.choices, label="清单")
    content = forms.CharField(max_length=20000, label="内容", widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="每行一项。")
    agreed_on = _date(label="协商确定日期")

    def __init__(self, *args, communities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].scope_to(communities, user=user)


class FourListEditForm(VersionedForm):
    content = forms.CharField(max_length=20000, label="内容", widget=forms.Textarea(attrs={"rows": 8}))
    agreed_on = _date(label="协商确定日期")


class AgreementForm(forms.Form):
    """A co-building agreement (共驻共建协议) of a street, or one of its communities, with a stationed unit."""

    street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False, label="街道",
                                    help_text="选择社区的，可不填街道。")
    community = CommunityField(required=False, label="社区", help_text="社区与驻区单位签订的，选择社区。")
    stationed_unit = forms.ModelChoiceField(queryset=StationedUnit.objects.none(), label="驻区单位")
    signed_on = _date(label="签订日期")
    valid_until = _date(required=False, label="有效期至")
    content = forms.CharField(max_length=20000, label="共建内容", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, streets, communities, units, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["community"].scope_to(communities, user=user)
        self.fields["stationed_unit"].queryset = units.select_related("street")
        self.fields["stationed_unit"].label_from_instance = lambda u: f"{u.street.name} · {u.name}"

    def clean(self):
        data = super().clean()
        if data.get("community") is not None and data.get("street") is None:
            data["street"] = data["community"].street
        if data.get("street") is None and "street" not in self.errors:
            self.add_error("street", "请选择街道或社区。")
        return data


class AgreementEditForm(VersionedForm):
    signed_on = _date(label="签订日期")
    valid_until = _date(required=False, label="有效期至")
    content = forms.CharField(max_length=20000, label="共建内容", widget=forms.Textarea(attrs={"rows": 5}))

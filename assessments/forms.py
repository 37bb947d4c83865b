"""The what-if form: a changed rule value with a future effective date (nothing is saved)."""

import json

from django import forms
from django.utils import timezone

from assessments.quotas import AWARD_RULES, COMMUNITY_RULES
from governance.rules import SEED, rule_value_errors

_TITLES = {row["key"]: row["title"] for row in SEED}
# Only the rules the budget depends on: the street rules of 二(二) fix no money.
BUDGET_RULES = COMMUNITY_RULES + AWARD_RULES


class RuleWhatIfForm(forms.Form):
    key = forms.ChoiceField(label="规则", choices=[(k, f"{_TITLES.get(k, k)}（{k}）") for k in BUDGET_RULES])
    value = forms.CharField(label="新取值（JSON）", widget=forms.Textarea(attrs={"rows": 6, "cols": 70}))
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text="须晚于今天；测算该日期所在年度的预算。")

    def clean_value(self):
        try:
            return json.loads(self.cleaned_data["value"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"不是有效的 JSON：{exc.msg}（第{exc.lineno}行第{exc.colno}列）") from None

    def clean(self):
        cleaned = super().clean()
        if "key" in cleaned and "value" in cleaned:
            for error in rule_value_errors(cleaned["key"], cleaned["value"]):
                self.add_error("value", error)
        return cleaned

    def clean_effective_from(self):
        date = self.cleaned_data["effective_from"]
        if date <= timezone.localdate():
            raise forms.ValidationError("生效日期须晚于今天。")
        return date

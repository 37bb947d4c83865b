"""The what-if form: a rule chosen by its Chinese title, one field per number of its value, and a future
effective date. Nothing is saved; the clerk never types JSON."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.quotas import AWARD_RULES, COMMUNITY_RULES
from governance.page_forms import ISO_DATE, date_input
from governance.rule_words import rule_numbers, rule_with_numbers
from governance.rules import SEED, rule_value_errors

_SEEDED = {row["key"]: row for row in SEED}
# Only the rules the budget depends on: the street rules of 二(二) fix no money.
BUDGET_RULES = COMMUNITY_RULES + AWARD_RULES
RULE_CHOICES = [(k, f"{_SEEDED[k]['title']}（{_SEEDED[k]['clause']}）") for k in BUDGET_RULES if k in _SEEDED]
FIELD_PREFIX = "n_"
LARGEST = 100_000_000  # no figure of these rules comes near ¥100,000,000; bigger is a typing error


class RuleWhatIfForm(forms.Form):
    key = forms.ChoiceField(label=gettext_lazy("规则"), choices=RULE_CHOICES)
    effective_from = forms.DateField(label=gettext_lazy("生效日期"), widget=date_input(), input_formats=[ISO_DATE],
                                     help_text=gettext_lazy("须晚于今天；测算该日期所在年度的预算。"))

    def __init__(self, *args, key: str, current_value, **kwargs):
        """`key` is the chosen rule (already checked against RULE_CHOICES); `current_value` its value in force."""
        super().__init__(*args, **kwargs)
        self.key, self.current_value = key, current_value
        self.fields["key"].initial = key
        self.number_fields = []
        for path, label, number in rule_numbers(key, current_value):
            name = FIELD_PREFIX + (path or "value")
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=LARGEST, initial=number)
            self.number_fields.append((name, path))

    def clean_effective_from(self):
        date = self.cleaned_data["effective_from"]
        if date <= timezone.localdate():
            raise forms.ValidationError(_("生效日期须晚于今天。"))
        if date.year > timezone.localdate().year + 10:
            raise forms.ValidationError(_("生效日期须在十年以内。"))
        return date

    def clean(self):
        cleaned = super().clean()
        if any(name not in cleaned for name, _path in self.number_fields):
            return cleaned
        value = rule_with_numbers(self.current_value, {path: cleaned[name] for name, path in self.number_fields})
        for error in rule_value_errors(self.key, value):
            self.add_error(None, error)
        cleaned["value"] = value
        return cleaned

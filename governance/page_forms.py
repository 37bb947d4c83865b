"""Forms of the clerk's pages that are not appointments: ending a post, and the filters of the lists.

They shape and bound input (a bad parameter is an error with a message, never a silent default);
the services and selectors decide the rules and the scope.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ISO_DATE = "%Y-%m-%d"
# Dates a clerk may type: nothing before the People's Republic's civil records, nothing absurdly far ahead.
EARLIEST = datetime.date(1949, 10, 1)


def date_input(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format=ISO_DATE)


class PostEndForm(forms.Form):
    """离任: the day the post ended (today unless the clerk says otherwise) and why, kept in the history."""

    end_date = forms.DateField(label=gettext_lazy("离任日期"), widget=date_input(), input_formats=[ISO_DATE])
    reason = forms.CharField(label=gettext_lazy("离任原因"), max_length=100,
                             help_text=gettext_lazy("如：调任、辞职、退休、换届。记入审计记录。"))

    def __init__(self, *args, post, **kwargs):
        kwargs.setdefault("initial", {"end_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.post = post

    def clean_end_date(self):
        end = self.cleaned_data["end_date"]
        if end > timezone.localdate():
            raise forms.ValidationError(_("离任日期不能晚于今天。"))
        if end < self.post.start_date:
            raise forms.ValidationError(_("离任日期不能早于任职日期（%(start)s）。")
                                        % {"start": self.post.start_date.strftime(ISO_DATE)})
        return end

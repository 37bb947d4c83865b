"""Forms of the clerk's pages that are not appointments: ending a post, and the filters of the lists.

They shape and bound input (a bad parameter is an error with a message, never a silent default);
the services and selectors decide the rules and the scope.
"""

import datetime

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.forms import VersionedForm

ISO_DATE = "%Y-%m-%d"
# Dates a clerk may type: nothing before the People's Republic's civil records, nothing absurdly far ahead.
EARLIEST = datetime.date(1949, 10, 1)


class PlainSelect(forms.Select):
    """A select written out in Python rather than through a template per option: the audit trail's 操作人 lists
    every account (some 1,400 at demo size, most of the page's time when rendered option by option)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget["optgroups"] for option in group_options))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


def date_input(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format=ISO_DATE)


class PostEndForm(VersionedForm):
    """离任: the day the post ended (today unless the clerk says otherwise) and why, kept in the history."""

    end_date = forms.DateField(label=gettext_lazy("离任日期"), widget=date_input(), input_formats=[ISO_DATE])
    reason = forms.CharField(label=gettext_lazy("离任原因"), max_length=100,
                             help_text=gettext_lazy("如：调任、辞职、退休、换届。记入审计记录。"))

    def __init__(self, *args, post, **kwargs):
        kwargs.setdefault("initial", {"end_date": timezone.localdate(), "expected_version": post.version})
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


class ListFilterForm(forms.Form):
    """A list's filters from the query string. A value that is not one of the choices (a street outside the
    user's scope, a made-up status, a date that is no date) is an error shown above the list, with 400."""

    def error_text(self) -> str:
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return "；".join(parts)


class FindingsFilterForm(ListFilterForm):
    STATUS_CHOICES = [("", gettext_lazy("全部")), ("open", gettext_lazy("待整改")), ("approved", gettext_lazy("已批准"))]

    street = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("街道"),
                                    empty_label=gettext_lazy("全部街道"))
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label=gettext_lazy("状态"))
    page = forms.IntegerField(min_value=1, max_value=10**6, required=False, label=gettext_lazy("页码"))

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets


class AuditFilterForm(ListFilterForm):
    user = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("操作人"),
                                  empty_label=gettext_lazy("全部"), widget=PlainSelect)
    model = forms.ChoiceField(required=False, label=gettext_lazy("对象"))
    action = forms.ChoiceField(required=False, label=gettext_lazy("操作"))
    date_from = forms.DateField(required=False, label=gettext_lazy("起始日期"), widget=date_input(),
                                input_formats=[ISO_DATE])
    date_to = forms.DateField(required=False, label=gettext_lazy("截止日期"), widget=date_input(),
                              input_formats=[ISO_DATE])

    def __init__(self, *args, users, models, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: f"{u.first_name}（{u.username}）" if u.first_name else u.username
        self.fields["model"].choices = [("", _("全部"))] + list(models)
        self.fields["action"].choices = [("", _("全部"))] + list(actions)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= timezone.localdate() + datetime.timedelta(days=1):
                self.add_error(name, _("日期须在 %(first)s 与今天之间。") % {"first": EARLIEST.isoformat()})
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return cleaned


class RosterFilterForm(ListFilterForm):
    q = forms.CharField(required=False, max_length=50, label=gettext_lazy("姓名"))
    kind = forms.ChoiceField(required=False, label=gettext_lazy("现任职务"))
    category = forms.ChoiceField(required=False, label=gettext_lazy("人员类别"))

    def __init__(self, *args, kinds, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部"))] + list(kinds)
        self.fields["category"].choices = [("", _("全部"))] + list(categories)
        self.fields["q"].widget.attrs["placeholder"] = _("输入姓名查找")

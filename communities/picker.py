"""The community picker: a form field that takes one community of the user's scope without listing them all.

A district has some 100 communities at demo size and 10,500 at x100; a `<select>` of every one of them made
each page that offered it grow with the district. A district or street user gets a text box instead: typed
into, it asks the search (static/js/community-picker.js) for the first matches and
keeps the chosen community's id in a hidden input beside it (`communities.views.community_search`); without JavaScript the code or the exact name
typed is looked up on submit. Either way the community is looked up within the form's queryset (the user's
scope), so one outside it answers exactly as one that does not exist: a form error. A community user, whose
scope is one community, keeps the plain select.

Copy: `meetings/forms.py: FourListForm` (declare `CommunityField`, call `scope_to` in `__init__`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community
from communities.selectors import SEARCH_MAX_LENGTH
from governance.filter_values import id_param
from governance.scope import scope_for

TEXT_SUFFIX = "_text"


def community_label(community) -> str:
    return f"{community.street.name} · {community.name}（{community.code}）"


def searches_communities(user) -> bool:
    """Whether the user's communities are too many to list: a district-wide or street scope."""
    scope = scope_for(user)
    return scope.district_wide or bool(scope.street_ids)


class CommunityPicker(forms.Widget):
    """A text box (`<name>_text`: what was typed, or the chosen community's label) and a hidden input
    (`<name>`: the chosen community's id), which static/js/community-picker.js fills from the search."""

    class Media:
        js = ["js/community-picker.js"]

    def __init__(self, attrs=None, street_id=None):
        super().__init__(attrs)
        self.street_id = street_id

    def value_from_datadict(self, data, files, name):
        return data.get(name, ""), data.get(name + TEXT_SUFFIX, "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def format_value(self, value):
        return value if isinstance(value, tuple) else ("", "")

    def render(self, name, value, attrs=None, renderer=None):
        pk, text = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        url = reverse("community-search") + (f"?street={self.street_id}" if self.street_id else "")
        return format_html(
            '<span class="community-picker" data-community-picker data-url="{url}" data-none="{none}" '
            'data-more="{more}" data-error="{error}">'
            '<input type="text" name="{text_name}" id="{id}" value="{text}" maxlength="{max}" autocomplete="off" '
            'placeholder="{placeholder}" aria-label="{placeholder}"{required}>'
            '<input type="hidden" name="{name}" value="{pk}"></span>',
            url=url, none=_("没有找到符合的社区。"), more=_("只显示前 %(shown)s 个，请输入更多字缩小范围。"),
            error=_("查找失败，请重试，或直接输入社区代码。"), text_name=name + TEXT_SUFFIX,
            id=attrs.get("id", ""), text=text, max=SEARCH_MAX_LENGTH,
            placeholder=_("输入社区名称、代码或街道查找"), required=" required" if self.is_required else "",
            name=name, pk=pk)


class CommunityField(forms.ModelChoiceField):
    """One community of the queryset given to `scope_to`: a plain select for a community user, the picker
    for a district or street user (the chosen id, else the code or exact name typed)."""

    default_error_messages = {
        "invalid_choice": gettext_lazy("找不到该社区：请从查找结果中选择，或输入社区代码或完整名称。"),
        "ambiguous": gettext_lazy("有多个社区叫这个名称，请输入社区代码或从查找结果中选择。"),
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Community.objects.none(), **kwargs)
        self.picker = False
        self._found = {}

    def label_from_instance(self, obj):
        return community_label(obj)

    def scope_to(self, queryset, *, user, street_id=None) -> None:
        self.queryset = queryset.select_related("street")
        self.picker = searches_communities(user)
        if self.picker:
            self.widget = CommunityPicker(attrs=self.widget.attrs, street_id=street_id)
            self.widget.is_required = self.required

    def prepare_value(self, value):
        if not self.picker:
            return super().prepare_value(value)
        if isinstance(value, tuple):  # posted: as it was, the label looked up for a bare id (?community=3)
            pk, text = value
            if text or not pk:
                return value
            value = pk
        if hasattr(value, "_meta"):
            return str(value.pk), community_label(value)
        community = self._by_pk(value)
        return (str(community.pk), community_label(community)) if community else ("", "")

    def _by_pk(self, value):
        pk = id_param(str(value))
        if pk is not None and pk not in self._found:  # read once for cleaning and for showing it again
            self._found[pk] = self.queryset.filter(pk=pk).first()
        return self._found.get(pk)

    def to_python(self, value):
        if not self.picker:
            return super().to_python(value)
        pk, text = value if isinstance(value, tuple) else (value, "")
        pk, text = str(pk or "").strip(), str(text or "").strip()
        if not pk and not text:
            return None
        if pk:
            community = self._by_pk(pk)
        elif len(text) > SEARCH_MAX_LENGTH or "\x00" in text:
            community = None
        else:
            community = self.queryset.filter(code=text).first()
            if community is None:
                named = list(self.queryset.filter(name=text)[:2])
                if len(named) > 1:
                    raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
                community = named[0] if named else None
        if community is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return community

    def has_changed(self, initial, data):
        if not self.picker:
            return super().has_changed(initial, data)
        return self.prepare_value(initial)[0] != self.prepare_value(data)[0]

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._found = {}
        return result


class CommunityFilterForm(forms.Form):
    """A list page's community filter: `?community=<id>` (the picker, a link), or `?community_text=` the code or
    exact name typed without JavaScript; a community user's select."""

    community = CommunityField(required=False, label=gettext_lazy("社区"), empty_label=gettext_lazy("全部"))

    def __init__(self, data, *, communities, user):
        super().__init__(data)
        self.fields["community"].scope_to(communities, user=user)

    def chosen(self):
        """(the community filtered on or None, whether the filter was refused: it then matches nothing)."""
        if self.is_valid():
            return self.cleaned_data["community"], False
        return None, True

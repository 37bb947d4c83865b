"""The district administrator's form for a clerk's new account: login, role and its unit in one form.

The unit is chosen without listing the district (issue 14: at x100, 10,500 communities and 116,400 grids): a
street from the streets' select (one district's handful), a community with the community picker
(`communities.picker.CommunityField`), and a station or a grid in two steps, as `grids.views.grid_change_new`
does: the community first, then the stations serving it and its grids, the only ones offered. Without JavaScript
the community's code or exact name is typed and the form posted with "列出该社区的服务站和网格"
(`LIST_UNITS`), which shows that community's stations and grids without creating anything."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.picker import CommunityField
from communities.selectors import communities_for_user
from governance.roles import Role
from grids.selectors import active_grids_for_user
from service_stations.selectors import stations_for_user
from streets.models import Street

# The unit each scoped role is granted (governance.roles.scope_permission), as a field of this form.
UNIT_FIELD = {Role.STREET_STAFF: "street", Role.COMMUNITY_STAFF: "community", Role.STATION_WORKER: "station",
              Role.GRID_WORKER: "grid"}
ROLES = [Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.STATION_WORKER, Role.GRID_WORKER, Role.ORGDEPT_REVIEWER,
         Role.CIVIL_AFFAIRS, Role.DEPARTMENT_USER, Role.DISTRICT_ADMIN]
# The submit button's name that lists the chosen community's stations and grids instead of creating the account.
LIST_UNITS = "_list_units"
# The units chosen within one community.
IN_COMMUNITY = ("station", "grid")


class ClerkAccountForm(forms.Form):
    username = forms.RegexField(label=gettext_lazy("登录名"), max_length=150, regex=r"^[\w.@+-]+$",
                                help_text=gettext_lazy("字母、数字和 @/./+/-/_，例如 street-fhbj-zhang。"))
    display_name = forms.CharField(label=gettext_lazy("姓名"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=[(r.value, r.label) for r in ROLES])
    street = forms.ModelChoiceField(Street.objects.order_by("code"), required=False, label=gettext_lazy("街道"),
                                    help_text=gettext_lazy("角色为街道工作人员时填写。"))
    community = CommunityField(required=False, label=gettext_lazy("社区"),
                               help_text=gettext_lazy("角色为社区工作人员时填写；服务站工作人员和网格员先选择其所在社区。"))
    station = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("服务站"),
                                     help_text=gettext_lazy("角色为服务站工作人员时填写：列出服务所选社区的服务站。"))
    grid = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("网格"),
                                  help_text=gettext_lazy("角色为网格员时填写：列出所选社区的网格。"))
    password1 = forms.CharField(label=gettext_lazy("初始密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("再次输入密码"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].scope_to(communities_for_user(user=user), user=user)
        self.community = self._community()
        stations = stations_for_user(user=user).prefetch_related(None)
        grids = active_grids_for_user(user=user).select_related(None).select_related("community")
        if self.community is None:
            stations, grids = stations.none(), grids.none()
            for name in IN_COMMUNITY:
                self.fields[name].empty_label = _("（请先选择社区，再点“列出该社区的服务站和网格”）")
        else:
            stations, grids = stations.filter(communities=self.community), grids.filter(community=self.community)
        self.fields["station"].queryset = stations.order_by("code")
        self.fields["grid"].queryset = grids.order_by("code")
        self.fields["station"].label_from_instance = lambda s: f"{s.street.name} · {s.name}（{s.code}）"
        self.fields["grid"].label_from_instance = lambda g: f"{g.community.name} · {g.name}（{g.code}）"

    def _community(self):
        """The community chosen so far (posted, or given as `initial`), whose stations and grids are offered."""
        field = self.fields["community"]
        if self.is_bound:
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix("community"))
        else:
            value = self.initial.get("community")
        try:
            return field.clean(value) if value else None
        except ValidationError:
            return None

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("登录名“%(name)s”已被使用。") % {"name": username})
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        role = cleaned.get("role")
        field = UNIT_FIELD.get(Role(role)) if role else None
        if field in IN_COMMUNITY and self.community is None and "community" not in self.errors:
            self.add_error("community", _("角色为%(role)s时须先选择其所在社区。") % {"role": Role(role).label})
        if field and not cleaned.get(field) and field not in self.errors:
            self.add_error(field, _("角色为%(role)s时须选择%(unit)s。") % {"role": Role(role).label,
                                                                            "unit": self.fields[field].label})
        cleaned["unit"] = cleaned.get(field) if field else None
        return cleaned

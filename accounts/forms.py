"""The district administrator's form for a clerk's new account: login, role and its unit in one form."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community
from governance.roles import Role
from grids.models import Grid
from service_stations.models import ServiceStation
from streets.models import Street

# The unit each scoped role is granted (governance.roles.scope_permission), as a field of this form.
UNIT_FIELD = {Role.STREET_STAFF: "street", Role.COMMUNITY_STAFF: "community", Role.STATION_WORKER: "station",
              Role.GRID_WORKER: "grid"}
ROLES = [Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.STATION_WORKER, Role.GRID_WORKER, Role.ORGDEPT_REVIEWER,
         Role.CIVIL_AFFAIRS, Role.DEPARTMENT_USER, Role.DISTRICT_ADMIN]


class ClerkAccountForm(forms.Form):
    username = forms.RegexField(label=gettext_lazy("登录名"), max_length=150, regex=r"^[\w.@+-]+$",
                                help_text=gettext_lazy("字母、数字和 @/./+/-/_，例如 street-fhbj-zhang。"))
    display_name = forms.CharField(label=gettext_lazy("姓名"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=[(r.value, r.label) for r in ROLES])
    street = forms.ModelChoiceField(Street.objects.order_by("code"), required=False, label=gettext_lazy("街道"),
                                    help_text=gettext_lazy("角色为街道工作人员时填写。"))
    community = forms.ModelChoiceField(Community.objects.select_related("street").order_by("street__code", "code"),
                                       required=False, label=gettext_lazy("社区"),
                                       help_text=gettext_lazy("角色为社区工作人员时填写。"))
    station = forms.ModelChoiceField(ServiceStation.objects.select_related("street").order_by("code"), required=False,
                                     label=gettext_lazy("服务站"), help_text=gettext_lazy("角色为服务站工作人员时填写。"))
    grid = forms.ModelChoiceField(Grid.objects.select_related("community").order_by("code"), required=False,
                                  label=gettext_lazy("网格"), help_text=gettext_lazy("角色为网格员时填写。"))
    password1 = forms.CharField(label=gettext_lazy("初始密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("再次输入密码"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].label_from_instance = lambda c: f"{c.street.name} · {c.name}"
        self.fields["station"].label_from_instance = lambda s: f"{s.street.name} · {s.name}"
        self.fields["grid"].label_from_instance = lambda g: f"{g.community.name} · {g.name}"

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
        if field and not cleaned.get(field):
            self.add_error(field, _("角色为%(role)s时须选择%(unit)s。") % {"role": Role(role).label,
                                                                            "unit": self.fields[field].label})
        cleaned["unit"] = cleaned.get(field) if field else None
        return cleaned

"""Yearly update of the community figures the quotas rest on (households, directly-managed party
members, complex flag) from a spreadsheet, in the admin (django-import-export).

An import only updates existing communities, found by code; each row goes through
`community_update`, so it is validated and audited like any other change, and nothing is written
when any row is wrong.
"""

from import_export import fields, resources, widgets

from communities.models import Community
from communities.services import community_update


class YesNoWidget(widgets.BooleanWidget):
    """是/否 in the sheet (1/0 and TRUE/FALSE are accepted too)."""

    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "是"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "否"]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("是" if value else "否")


class CommunityFiguresResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="社区代码")
    street = fields.Field(attribute="street__name", column_name="街道", readonly=True)
    name = fields.Field(attribute="name", column_name="社区名称", readonly=True)
    households = fields.Field(attribute="households", column_name="登记户数", widget=widgets.IntegerWidget(coerce_to_string=False))
    party_members = fields.Field(attribute="party_members", column_name="直管党员人数", widget=widgets.IntegerWidget(coerce_to_string=False))
    is_complex = fields.Field(attribute="is_complex", column_name="情况复杂社区", widget=YesNoWidget())

    class Meta:
        model = Community
        fields = ("code", "street", "name", "households", "party_members", "is_complex")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Community.objects.select_related("street")

    def before_import_row(self, row, **kwargs):
        code = row.get("社区代码")
        if not Community.objects.filter(code=code).exists():
            raise ValueError(f"未知的社区代码 {code}：导入只更新已有社区的户数、党员人数和复杂标记。")

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        community_update(
            community=Community.objects.get(pk=instance.pk), acting_user=kwargs.get("user"),
            households=instance.households, party_members=instance.party_members, is_complex=instance.is_complex,
        )

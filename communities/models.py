"""Communities (社区), their party organisation and residents' committee (三(一), 三(三), 三(四))."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class Community(Versioned):
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="communities", verbose_name="街道",
                               db_index=False)  # indexed by community_street_order
    code = models.CharField("代码", max_length=20, unique=True, help_text="字母、数字或连字符，用于账号名 community-<代码>。")
    name = models.CharField("名称", max_length=50)
    households = models.PositiveIntegerField("登记户数", default=0)
    party_members = models.PositiveIntegerField("直管党员人数", default=0)
    is_complex = models.BooleanField(
        "情况复杂社区", default=False,
        help_text="老旧小区和楼院多、无物业小区多、老龄人群多、商圈商户多，按300户配备1名网格员（三(四)2）。",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "社区"
        verbose_name_plural = "社区"
        # By street (in the order the streets were entered), then code: one index serves the order and the scope.
        ordering = ["street_id", "code"]
        indexes = [models.Index(fields=["street", "code"], name="community_street_order")]
        permissions = [("access_community", "可访问本社区")]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name_per_street"),
            models.CheckConstraint(condition=Q(households__gte=0), name="community_households_not_negative",
                                   violation_error_message="户数不能为负数。"),
            models.CheckConstraint(condition=Q(party_members__gte=0), name="community_party_members_not_negative",
                                   violation_error_message="党员人数不能为负数。"),
        ]

    def __str__(self):
        return self.name


class PartyOrganization(Versioned):
    """The community's party organisation: 党委 above 100 directly-managed members, else 党总支 (三(一))."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", "社区党委"
        GENERAL_BRANCH = "general_branch", "社区党总支"
        BRANCH = "branch", "社区党支部"

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="party_organization", verbose_name="社区")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "社区党组织"
        verbose_name_plural = "社区党组织"

    def __str__(self):
        return self.name


class ResidentsCommittee(Versioned):
    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="residents_committee", verbose_name="社区")
    name = models.CharField("名称", max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "居委会"
        verbose_name_plural = "居委会"

    def __str__(self):
        return self.name

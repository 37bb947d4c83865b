"""Streets (街道): the party working committee and office, establishment, "四办一中心" (二(二), 二(三))."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class Street(Versioned):
    district = models.ForeignKey("governance.District", on_delete=models.PROTECT, related_name="streets", verbose_name="区")
    code = models.CharField("代码", max_length=20, unique=True, help_text="字母、数字或连字符，用于账号名 street-<代码>。")
    name = models.CharField("名称", max_length=50, unique=True)
    is_pilot = models.BooleanField("试点街道", default=False)
    pilot_start = models.DateField("试点开始日期", null=True, blank=True)
    party_committee_name = models.CharField("党工委名称", max_length=100, blank=True)
    office_name = models.CharField("办事处名称", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    administrative_posts = models.PositiveSmallIntegerField("行政编制数", default=0)
    career_posts = models.PositiveSmallIntegerField(
        "事业编制数（改革前）", default=0, help_text="改革前的事业编制；改革增加的1名事业编制另计（二(二)1）。"
    )
    extra_career_post_granted = models.BooleanField("已增加1名事业编制", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "街道"
        verbose_name_plural = "街道"
        ordering = ["code"]
        permissions = [("access_street", "可访问本街道及其下属单位")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_pilot=False) | Q(pilot_start__isnull=False),
                name="street_pilot_has_start",
                violation_error_message="试点街道须填写试点开始日期。",
            ),
        ]

    def __str__(self):
        return self.name


class StreetOffice(Versioned):
    """One of "四办一中心" (二(三)); duties default to the document's and are editable per street."""

    class Kind(models.TextChoices):
        PARTY_BUILDING = "party_building", "基层党建办公室"
        COORDINATION = "coordination", "综合协调办公室"
        PUBLIC_SERVICE = "public_service", "公共服务办公室"
        GOVERNANCE = "governance", "基层治理办公室"
        LIVELIHOOD_CENTRE = "livelihood_centre", "民生服务管理中心"

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="offices", verbose_name="街道",
                               db_index=False)  # indexed by the unique (street, kind)
    kind = models.CharField("机构", max_length=20, choices=Kind.choices)
    duties = models.TextField("职责")
    head = models.ForeignKey(
        "governance.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="headed_offices",
        verbose_name="主管领导", help_text="由班子成员副职兼任（二(三)）。",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "四办一中心"
        verbose_name_plural = "四办一中心"
        ordering = ["street_id", "kind"]  # the unique (street, kind) index serves it
        constraints = [models.UniqueConstraint(fields=["street", "kind"], name="street_office_unique_kind")]

    def __str__(self):
        return f"{self.street} · {self.get_kind_display()}"


# The duties as 二(三) lists them; a street may adjust its own copy.
DEFAULT_OFFICE_DUTIES = {
    StreetOffice.Kind.PARTY_BUILDING: "统筹协调辖区内各级党组织资源，建成组织共建、资源共享、机制衔接、功能优化的领导协调机构。"
    "负责纪检监察、基层组织建设、思想宣传、精神文明、统一战线、群团建设等工作。",
    StreetOffice.Kind.COORDINATION: "负责街道机关建设、调研督查、绩效考核、应急管理、信息公开、人大街道工委、“两代表一委员”等工作。",
    StreetOffice.Kind.PUBLIC_SERVICE: "负责卫生与健康、爱国卫生、劳动监察保障、就业创业、物业管理、文化体育、科技科普、环境保护、绿化、"
    "统计、教育、退役军人服务等工作。",
    StreetOffice.Kind.GOVERNANCE: "负责民政、残联、人民武装、人民调解、政法综治、信访维稳、消防安全等工作；动员驻区单位、社会组织、"
    "居民群众参与社会治理；指导社区网格化综合管理服务工作。",
    StreetOffice.Kind.LIVELIHOOD_CENTRE: "负责规范社区服务站政务服务事项、办理流程、窗口设置、运行管理，完善社区服务站服务事项动态清单，"
    "指导社区服务站做好政府下沉政务服务事项受理和各类民生服务事项；负责社区服务站工作人员的业务培训、日常管理及考核工作。",
}

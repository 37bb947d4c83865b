"""The default content of 附件2 (社区服务站服务事项清单, 33项), which the published text does not include
(DESIGN.md section 2): items that community service stations in Ningxia commonly take in. Shipped marked
as defaults; a district administrator confirms or edits each one (a change makes a new version).

Also the departments behind them, created by code when missing (the same codes as the demo data)."""

from pypinyin import Style, lazy_pinyin

DEFAULT_SOURCE = "系统默认（附件2未随文件公开，待区级管理员确认）"

# code -> (name, kind): kinds as in governance.models.Department.Kind
DEPARTMENTS = {
    "hr": ("人力资源和社会保障局", "human_resources"),
    "medical-insurance": ("医疗保障局", "other"),
    "civil-affairs": ("民政局", "civil_affairs"),
    "disabled": ("残疾人联合会", "other"),
    "public-security": ("公安分局", "other"),
    "health": ("卫生健康局", "other"),
    "veterans": ("退役军人事务局", "other"),
    "housing": ("住房和城乡建设局", "other"),
    "justice": ("司法局", "other"),
}

ID, HUKOU, PHOTO, BANK = "居民身份证", "户口簿", "近期免冠照片", "本人银行卡（折）"
# (name, department code, materials, working days, appointment, door-to-door, online)
DEFAULT_ITEMS = [
    ("城乡居民基本养老保险参保登记", "hr", [ID, HUKOU], 5, True, True, True),
    ("城乡居民养老保险待遇领取申请", "hr", [ID, HUKOU, BANK], 10, True, True, False),
    ("灵活就业人员社会保险登记", "hr", [ID, "就业创业证"], 5, True, False, True),
    ("社会保障卡申领", "hr", [ID, PHOTO], 10, True, False, True),
    ("就业创业证申领", "hr", [ID, HUKOU, PHOTO], 5, True, False, True),
    ("失业登记", "hr", [ID, "解除或终止劳动关系证明"], 5, True, False, True),
    ("就业困难人员认定", "hr", [ID, HUKOU, "就业创业证", "困难情况证明"], 10, True, False, False),
    ("创业担保贷款申请受理", "hr", [ID, "营业执照", "创业计划书"], 15, True, False, False),
    ("丧葬补助金、抚恤金申领", "hr", ["死亡证明", "社会保障卡", "经办人居民身份证"], 10, True, True, False),
    ("城乡居民基本医疗保险参保登记", "medical-insurance", [ID, HUKOU], 5, True, True, True),
    ("门诊慢特病待遇申请", "medical-insurance", [ID, "社会保障卡", "诊断证明", "病历资料"], 15, True, False, False),
    ("医疗费用零星报销受理", "medical-insurance", ["社会保障卡", "医疗费用发票", "费用明细清单", "出院小结"], 20, True, False, False),
    ("城乡居民最低生活保障申请", "civil-affairs", [ID, HUKOU, "家庭收入及财产申报表", "申请书"], 30, True, True, False),
    ("特困人员救助供养申请", "civil-affairs", [ID, HUKOU, "申请书"], 30, True, True, False),
    ("临时救助申请", "civil-affairs", [ID, HUKOU, "申请书", "困难情况证明"], 10, True, True, False),
    ("高龄津贴申请", "civil-affairs", [ID, HUKOU, BANK], 10, True, True, False),
    ("经济困难老年人养老服务补贴申请", "civil-affairs", [ID, HUKOU, "家庭收入证明"], 15, True, True, False),
    ("居家养老服务申请", "civil-affairs", [ID, "申请书"], 10, True, True, False),
    ("惠民殡葬补贴申请", "civil-affairs", ["死亡证明", "火化证明", "经办人居民身份证"], 10, True, False, False),
    ("残疾人证新办、换领", "disabled", [ID, HUKOU, PHOTO], 20, True, True, False),
    ("困难残疾人生活补贴和重度残疾人护理补贴申请", "disabled", [ID, "残疾人证", HUKOU, BANK], 15, True, True, False),
    ("残疾人辅助器具适配申请", "disabled", [ID, "残疾人证"], 15, True, True, False),
    ("居住证申领受理", "public-security", [ID, PHOTO, "居住证明（租房合同或房产证明）"], 15, True, False, True),
    ("户籍类证明代办", "public-security", [ID, HUKOU, "相关证明材料"], 10, True, False, False),
    ("生育登记服务", "health", ["夫妻双方居民身份证", "结婚证", HUKOU], 3, True, False, True),
    ("流动人口婚育情况证明", "health", [ID, HUKOU, "婚姻状况证明"], 5, True, False, False),
    ("独生子女父母光荣证办理", "health", [ID, HUKOU, "结婚证", "子女出生医学证明"], 10, True, False, False),
    ("计划生育家庭奖励扶助申请", "health", [ID, HUKOU, "独生子女父母光荣证"], 20, True, False, False),
    ("计划生育家庭特别扶助申请", "health", [ID, HUKOU, "子女死亡或伤残证明"], 20, True, True, False),
    ("退役军人信息采集和优待证申领", "veterans", [ID, "退伍证", PHOTO], 10, True, False, True),
    ("优抚对象抚恤补助申请受理", "veterans", [ID, "优抚证件", BANK], 15, True, True, False),
    ("公共租赁住房申请受理", "housing", [ID, HUKOU, "家庭收入证明", "住房情况证明"], 20, True, False, False),
    ("法律援助申请受理", "justice", [ID, "经济困难状况说明", "案件相关材料"], 7, True, True, False),
]
assert len(DEFAULT_ITEMS) == 33, "附件2: 33 service items"

HOW_TO_ASK = "凭受理回执到本服务站窗口或拨打服务站电话查询办理进度。"


def pinyin_initials(name: str) -> str:
    """城乡居民最低生活保障申请 -> cxjmzdshbzsq: what a clerk types to find an item."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p and p[0].isalnum()).lower()


def catalogue_seed(apps) -> int:
    """Create the departments and the 33 default items (with their first revision) that are missing.
    Idempotent; used by the data migration. Returns how many items it created."""
    District = apps.get_model("governance", "District")
    Department = apps.get_model("governance", "Department")
    Item = apps.get_model("service_stations", "ServiceItem")
    Revision = apps.get_model("service_stations", "ServiceItemRevision")
    district, _ = District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})
    departments = {}
    for code, (name, kind) in DEPARTMENTS.items():
        department = (Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
                      or Department.objects.create(district=district, code=code, name=name, kind=kind))
        departments[code] = department
    created = 0
    for ordinal, (name, dept, materials, days, appointment, door, online) in enumerate(DEFAULT_ITEMS, start=1):
        code = f"item-{ordinal:02d}"
        if Item.objects.filter(code=code).exists():
            continue
        fields = {"name": name, "department": departments[dept], "required_materials": materials,
                  "time_limit_days": days, "appointment_possible": appointment, "door_to_door_possible": door,
                  "online_possible": online, "how_to_ask": HOW_TO_ASK}
        item = Item.objects.create(code=code, ordinal=ordinal, pinyin_initials=pinyin_initials(name),
                                   is_default=True, is_active=True, **fields)
        Revision.objects.create(item=item, version=item.version, **fields)
        created += 1
    return created


def calendar_seed(apps) -> list[int]:
    """Store the years the pinned `chinese-calendar` package knows (holidays on weekdays, make-up workdays on
    weekends). A year already stored is left as it is. Returns the years it added."""
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    CalendarYear = apps.get_model("service_stations", "CalendarYear")
    CalendarDay = apps.get_model("service_stations", "CalendarDay")
    names = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
             "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
             "Anti-Fascist 70th Day": "抗战胜利70周年纪念日"}
    years = sorted({d.year for d in holidays} | {d.year for d in workdays})
    source = f"chinese-calendar {chinese_calendar.__version__}"
    added = []
    for year in years:
        if CalendarYear.objects.filter(year=year).exists():
            continue
        calendar_year = CalendarYear.objects.create(year=year, source=source)
        days = [CalendarDay(calendar_year=calendar_year, date=d, is_working=False, name=names.get(n, n))
                for d, n in holidays.items() if d.year == year and d.weekday() < 5]
        days += [CalendarDay(calendar_year=calendar_year, date=d, is_working=True, name=f"{names.get(n, n)}调休上班")
                 for d, n in workdays.items() if d.year == year and d.weekday() >= 5]
        CalendarDay.objects.bulk_create(days)
        added.append(year)
    return added

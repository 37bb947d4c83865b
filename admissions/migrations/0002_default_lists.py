"""The default admission lists. 附件1 (street duties) and 附件3 (the community work-affairs admission list) were
not published with the document: these are sensible defaults, marked `is_default`, that a district
administrator confirms or replaces by a new version. Resources (staff, funds) are 0 until 编办 and 财政局
set them. Departments they name are created if missing (same codes as seed_demo). Idempotent."""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2018, 11, 15)  # 二(一): 编办 draws up the street list by mid-November 2018
DEPARTMENTS = {
    "orgdept": ("区委组织部", "organisation"), "civil-affairs": ("民政局", "civil_affairs"),
    "establishment": ("区委编办", "establishment"), "finance": ("财政局", "finance"),
    "approval": ("行政审批服务中心", "admin_approval"), "hr": ("人力资源和社会保障局", "human_resources"),
    "civilisation": ("文明办", "other"), "politics-law": ("政法委", "other"), "housing": ("住房和城乡建设局", "other"),
    "health": ("卫生健康局", "other"), "veterans": ("退役军人事务局", "other"), "disabled": ("残疾人联合会", "other"),
    "statistics": ("统计局", "other"), "emergency": ("应急管理局", "other"), "justice": ("司法局", "other"),
    "law-enforcement": ("综合执法局", "other"), "medical-insurance": ("医疗保障局", "other"),
    "armed-forces": ("人民武装部", "other"),
}
NOTE = "系统默认内容，待区级管理员确认；随事转移人员、经费待编办、财政局核定。"
STREET_ITEMS = [
    ("基层党组织建设、党员教育管理和区域化党建", "orgdept", "《中国共产党章程》；二(四)1"),
    ("社区工作者日常管理和半年考核", "civil-affairs", "三(四)3"),
    ("社区服务站政务服务事项规范和工作人员管理考核", "approval", "二(三)5；三(二)"),
    ("社会救助、养老服务、残疾人服务的统筹协调", "civil-affairs", "《社会救助暂行办法》；二(三)4"),
    ("就业创业和劳动保障监察协调", "hr", "《中华人民共和国就业促进法》；二(三)3"),
    ("物业管理指导和老旧小区改造协调", "housing", "《物业管理条例》；二(三)3"),
    ("综治维稳、信访和人民调解", "politics-law", "《中华人民共和国人民调解法》；二(三)4"),
    ("应急管理和消防安全宣传、隐患排查", "emergency", "《中华人民共和国突发事件应对法》；二(三)2、4"),
    ("精神文明建设和志愿服务", "civilisation", "二(三)1"),
    ("卫生与健康、爱国卫生", "health", "《中华人民共和国基本医疗卫生与健康促进法》；二(三)3"),
    ("退役军人服务", "veterans", "《中华人民共和国退役军人保障法》；二(三)3"),
    ("统计调查", "statistics", "《中华人民共和国统计法》；二(三)3"),
    ("人民武装和征兵工作", "armed-forces", "《中华人民共和国兵役法》；二(三)4"),
    ("网格化综合管理服务指导", "civil-affairs", "四(一)、四(二)"),
]
COMMUNITY_ITEMS = [
    ("最低生活保障、特困供养申请受理和入户调查", "civil-affairs", "《社会救助暂行办法》"),
    ("高龄津贴、养老服务补贴申请受理", "civil-affairs", "《宁夏回族自治区老年人权益保障条例》"),
    ("残疾人证办理和残疾人补贴申请受理", "disabled", "《中华人民共和国残疾人保障法》"),
    ("城乡居民基本养老保险参保登记", "hr", "《中华人民共和国社会保险法》"),
    ("城乡居民基本医疗保险参保缴费", "medical-insurance", "《中华人民共和国社会保险法》"),
    ("就业失业登记和就业援助", "hr", "《中华人民共和国就业促进法》"),
    ("计划生育家庭奖励扶助和相关证明", "health", "《中华人民共和国人口与计划生育法》"),
    ("居民健康教育和爱国卫生运动", "health", "《中华人民共和国基本医疗卫生与健康促进法》"),
    ("退役军人信息采集和优抚对象服务", "veterans", "《中华人民共和国退役军人保障法》"),
    ("人民调解和矛盾纠纷排查", "justice", "《中华人民共和国人民调解法》"),
    ("社区矫正和安置帮教协助", "justice", "《中华人民共和国社区矫正法》"),
    ("平安建设和综治宣传", "politics-law", "三(三)1"),
    ("消防安全宣传和隐患排查协助", "emergency", "《中华人民共和国消防法》"),
    ("人口普查等统计调查协助", "statistics", "《中华人民共和国统计法》"),
    ("征兵宣传和兵役登记协助", "armed-forces", "《中华人民共和国兵役法》"),
    ("精神文明创建和志愿服务", "civilisation", "三(三)3"),
    ("物业服务协调和业主委员会指导协助", "housing", "《物业管理条例》；三(三)3"),
    ("社区服务站政务服务事项受理（附件2清单）", "approval", "三(二)；附件2"),
    ("社区社会组织培育和“三社联动”", "civil-affairs", "三(三)3"),
    ("社区网格化服务管理和网格台账", "civil-affairs", "四(二)2"),
]


def create_defaults(apps, schema_editor):
    District = apps.get_model("governance", "District")
    Department = apps.get_model("governance", "Department")
    AdmissionList = apps.get_model("admissions", "AdmissionList")
    AdmissionItem = apps.get_model("admissions", "AdmissionItem")
    district, _ = District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})
    departments = {}
    for code, (name, kind) in DEPARTMENTS.items():
        department = Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
        if department is None:
            department = Department.objects.create(district=district, code=code, name=name, kind=kind)
        departments[code] = department
    for level, title, items in (("street", "街道行政事务准入清单", STREET_ITEMS),
                                ("community", "社区工作事项准入清单", COMMUNITY_ITEMS)):
        admission_list, created = AdmissionList.objects.get_or_create(
            level=level, effective_from=EFFECTIVE_FROM, defaults={"title": title, "is_default": True})
        if not created:
            continue
        for number, (name, department, basis) in enumerate(items, start=1):
            AdmissionItem.objects.create(admission_list=admission_list, number=number, name=name,
                                         department=departments[department], basis=basis, note=NOTE)


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0001_initial"),
        ("governance", "0007_versions"),
    ]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]

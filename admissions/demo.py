"""Demo data for the admission lists and tasks (called by governance/district's seed_demo). Idempotent."""

import datetime

from django.utils import timezone

from admissions.models import AdmissionItem, Level, TaskAssignment, TaskKind
from admissions.selectors import admission_list_in_force
from admissions.services import honours_consultation_open, task_file
from communities.models import Community
from governance.exceptions import RuleViolation
from governance.models import Department
from governance.roles import Role
from service_stations.selectors import working_calendar
from streets.models import Street


def seed_admissions_demo(*, account) -> None:
    """A department account for 民政局, a few tasks pushed down (accepted, approved by the 编委会, refused) and an
    honours consultation. `account(username, role, unit, display)` is seed_demo's account maker."""
    civil = Department.objects.filter(code="civil-affairs").first()
    if civil is None:
        return
    account("dept-civil-affairs", Role.DEPARTMENT_USER, civil, "民政局")
    if TaskAssignment.objects.exists():
        return
    streets = list(Street.objects.order_by("code")[:2])
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=60)
    street_list, community_list = (admission_list_in_force(level=level) for level in (Level.STREET, Level.COMMUNITY))
    if not streets or street_list is None or community_list is None:
        return
    street_item = AdmissionItem.objects.filter(admission_list=street_list, department=civil).first()
    community_item = AdmissionItem.objects.filter(admission_list=community_list, department=civil).first()
    for street in streets:
        community = Community.objects.filter(street=street).order_by("code").first()
        task_file(acting_user=None, title="社区工作者上半年考核", department=civil, target_street=street, deadline=deadline,
                  admission_item=street_item)
        if community is None:
            continue
        task_file(acting_user=None, title="低保对象年度复核入户调查", department=civil, target_community=community,
                  deadline=deadline, admission_item=community_item)
        task_file(acting_user=None, title="社区养老服务站点运营情况摸底", department=civil, target_community=community,
                  deadline=deadline, approval_document="兴编发〔2019〕7号", transferred_powers="养老服务站点日常监督",
                  transferred_staff=1, transferred_funds=20000)
        for kind, title in ((TaskKind.PLAQUE, "社区加挂“老龄工作站”牌子"), (TaskKind.TASK, "社区承担殡葬改革执法检查")):
            try:
                task_file(acting_user=None, title=title, kind=kind, department=civil, target_community=community,
                          deadline=deadline, admission_item=community_item if kind == TaskKind.PLAQUE else None)
            except RuleViolation:
                pass  # refused and recorded: the district's report counts it
        culture = Department.objects.filter(code="civilisation").first()
        if culture is not None:
            honours_consultation_open(acting_user=None, department=culture, title="2019年度文明家庭评选",
                                      candidates="辖区推荐家庭10户", street=street, community=community,
                                      decision_date=working_calendar().add_working_days(today, 12))

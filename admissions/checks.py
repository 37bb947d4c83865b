"""The rules of tasks pushed down and honours consultations (二(一), 二(四)2, 三(五)), each decided by one
function that returns the breaches it finds. The filing service refuses them
(`governance.findings.refuse_new_breaches`), the filing form's preview shows them before anything is saved.

A task outside the list breaks an approvable rule: the district may still push it down by a 编委会
document (its number is the approval reference), with the powers, staff and funds that go with it.
"""

from django.utils.translation import gettext as _

from admissions.models import Level, TaskKind
from governance.findings import Breach
from governance.registry import rule_check
from governance.rules import RuleBook
from service_stations.calendar import WorkingCalendar

APP = "admissions"
LIST_RULES = {Level.STREET: "admission.street_list", Level.COMMUNITY: "admission.community_list"}
LIST_NAMES = {Level.STREET: "街道行政事务准入清单", Level.COMMUNITY: "社区工作事项准入清单"}


def _off_list(task, level: str, in_force_list_id: int | None) -> str:
    """Why the task is not on the list of `level` in force (empty when it is)."""
    item = task.admission_item
    name = LIST_NAMES[level]
    if item is None:
        return _("该事项未列入%(list)s，%(unit)s不作为责任主体") % {
            "list": name, "unit": Level(level).label}
    if item.admission_list.level != level or item.admission_list_id != in_force_list_id:
        return _("所选事项不属于现行%(list)s") % {"list": name}
    if item.department_id != task.department_id:
        return _("所选准入事项的责任部门是%(dept)s，不是交办部门") % {"dept": item.department.name}
    return ""


def _list_breaches(task, level: str, rules: RuleBook, in_force_list_id: int | None) -> list[Breach]:
    rule = rules[LIST_RULES[level]]
    message = _off_list(task, level, in_force_list_id)
    if not message:
        return []
    found = [Breach(rule, "off_list", message, approvable=True, field="admission_item",
                    approvals=(task.approval_document,) if task.approval_document else ())]
    if task.approval_document:
        # 权随事转、人随事转、费随事转: an exception names what goes down with the task.
        missing = [label for label, value in (
            (_("权限"), task.transferred_powers), (_("人员"), task.transferred_staff), (_("经费"), task.transferred_funds),
        ) if value in ("", None)]
        if missing:
            found.append(Breach(rule, "transfer", _("编委会行文下放的事项须写明随事转移的%(what)s（权随事转、人随事转、费随事转）")
                                % {"what": "、".join(missing)}, field="transferred_powers"))
    return found


@rule_check("admission.street_list", app_label=APP)
def street_list(*, task, rules: RuleBook, in_force_list_id: int | None) -> list[Breach]:
    """二(一): a street does only what the street administrative-affairs list holds, or what the 编委会
    pushed down by a document with powers, staff and funds."""
    if task.target_street_id is None:
        return []
    return _list_breaches(task, Level.STREET, rules, in_force_list_id)


@rule_check("admission.community_list", app_label=APP)
def community_list(*, task, rules: RuleBook, in_force_list_id: int | None) -> list[Breach]:
    """三(五): a community is not responsible for work outside the community work-affairs list (附件3)."""
    if task.target_community_id is None:
        return []
    return _list_breaches(task, Level.COMMUNITY, rules, in_force_list_id)


@rule_check("admission.community_offices", app_label=APP)
def community_offices(*, task, rules: RuleBook) -> list[Breach]:
    """三(五): departments may not set up offices or plaques in communities, nor ask for them."""
    rule = rules["admission.community_offices"]
    if task.target_community_id is None or task.kind not in (TaskKind.OFFICE, TaskKind.PLAQUE) or rule.value["allowed"]:
        return []
    return [Breach(rule, task.kind, _("职能部门不得在社区%(what)s，也不得提出相关要求") % {"what": TaskKind(task.kind).label},
                   field="kind")]


@rule_check("admission.community_evaluations", app_label=APP)
def community_evaluations(*, task, rules: RuleBook) -> list[Breach]:
    """三(五): departments may not run their own evaluations of communities, except those the centre, the
    autonomous region or Yinchuan kept (the document that kept it is named)."""
    rule = rules["admission.community_evaluations"]
    if task.target_community_id is None or task.kind != TaskKind.EVALUATION or task.higher_level_reference.strip():
        return []
    return [Breach(rule, "evaluation", _("职能部门不得单独对社区组织考核评比；%(kept)s同意保留的，请填写保留依据")
                   % {"kept": "、".join(rule.value["kept_by"])}, field="higher_level_reference")]


@rule_check("honours.consultation_working_days", app_label=APP)
def honours_notice(*, opened_on, decision_date, rules: RuleBook, calendar: WorkingCalendar) -> list[Breach]:
    """二(四)2: the street and community are consulted at least 10 working days before the evaluation is
    decided: the opening day does not count, the decision may fall on the 10th working day after it. Working
    days by the district's one calendar (DESIGN.md section 6, `service_stations.calendar`), read once by the
    caller (`service_stations.selectors.working_calendar`)."""
    rule = rules["honours.consultation_working_days"]
    earliest = calendar.add_working_days(opened_on, rule.value)
    if decision_date >= earliest:
        return []
    return [Breach(rule, "notice", _("须在研究评选前至少 %(n)s 个工作日征求街道、社区意见：%(opened)s 征求意见的，最早可于 "
                                     "%(earliest)s 研究评选") % {"n": rule.value, "opened": opened_on, "earliest": earliest},
                   field="decision_date")]

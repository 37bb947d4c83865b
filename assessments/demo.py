"""The policy's default assessment schemes, shipped with the demo data (called from `seed_demo`).

- community workers, by the street, every half year; full-time grid workers, by the community, every
  quarter (三(四)3: periods read from `community.worker_review_months`);
- stationed units' party-building, by the street and the community (二(四)2: 4:6, as 8:12);
- street staff with the residents' committees' part (五(三): ≥ 30%), station staff with the community
  party organisation's part (五(三): ≥ 50%), agency heads with the street's part (五(三): ≥ 50%).
Idempotent: a scheme of the same name is left as it is. Criteria are defaults a district administrator
edits before the first cycle.
"""

from assessments.models import PERIOD_OF_MONTHS, Period, RaterKind, SubjectKind
from assessments.services import scheme_create
from governance.rules import RuleBook

WORK = [("政治素质与工作作风", 20), ("履职尽责与工作实绩", 40), ("服务群众与群众评价", 30), ("遵章守纪", 10)]


def _criteria(rows):
    return [{"name": name, "max_score": points} for name, points in rows]


def default_schemes(rules: RuleBook) -> list[dict]:
    months = rules["community.worker_review_months"].value
    split = rules["stationed_unit.score_weights"].value["city"]
    return [
        {"name": "社区工作者半年考核", "subject_kind": SubjectKind.COMMUNITY_WORKER,
         "period": PERIOD_OF_MONTHS[months["community_workers_by_street"]],
         "note": "三(四)3：街道具体组织实施社区工作者的日常管理和考核工作，每半年考核一次。",
         "components": [{"rater_kind": RaterKind.STREET, "weight": 100, "criteria": _criteria(WORK)}]},
        {"name": "专职网格员季度考核", "subject_kind": SubjectKind.GRID_WORKER,
         "period": PERIOD_OF_MONTHS[months["grid_workers_by_community"]],
         "note": "三(四)3：社区负责对专职网格员进行考核，每季度一次。",
         "components": [{"rater_kind": RaterKind.COMMUNITY, "weight": 100, "criteria": _criteria(
             [("网格走访与台账", 40), ("事件发现与上报", 30), ("居民满意度", 30)])}]},
        {"name": "驻区单位党建工作赋分", "subject_kind": SubjectKind.STATIONED_UNIT, "period": Period.ANNUAL,
         "note": "二(四)2：街道、社区对驻区单位参与区域化党建工作情况考核赋分，每年12月20日前报区委组织部审核。",
         "components": [
             {"rater_kind": RaterKind.STREET, "weight": round(100 * split["street"] / split["total"]),
              "criteria": _criteria([("“下基层”工作开展情况", 50), ("参与区域化党建共建", 50)])},
             {"rater_kind": RaterKind.COMMUNITY, "weight": round(100 * split["community"] / split["total"]),
              "criteria": _criteria([("在职党员到社区报到", 50), ("认领服务项目与志愿服务", 50)])}]},
        {"name": "街道工作人员年度考核", "subject_kind": SubjectKind.STREET_STAFF, "period": Period.ANNUAL,
         "note": "五(三)：赋予社区居委会对街道工作人员的考核权，考核权重不低于30%。",
         "components": [
             {"rater_kind": RaterKind.STREET, "weight": 100 - rules["assessment.residents_weight_on_street_staff"].value,
              "criteria": _criteria(WORK)},
             {"rater_kind": RaterKind.RESIDENTS_COMMITTEE,
              "weight": rules["assessment.residents_weight_on_street_staff"].value,
              "criteria": _criteria([("服务社区与居民评价", 100)])}]},
        {"name": "社区服务站工作人员年度考核", "subject_kind": SubjectKind.STATION_STAFF, "period": Period.ANNUAL,
         "note": "五(三)：社区党委（党总支）对社区服务站工作人员的考核权重不低于50%。",
         "components": [
             {"rater_kind": RaterKind.COMMUNITY_PARTY_ORGANIZATION,
              "weight": rules["assessment.party_weight_on_station_staff"].value,
              "criteria": _criteria([("服务质量与群众评价", 60), ("遵守服务站制度", 40)])},
             {"rater_kind": RaterKind.STREET, "weight": 100 - rules["assessment.party_weight_on_station_staff"].value,
              "criteria": _criteria([("业务能力与办结时效", 100)])}]},
        {"name": "派驻街道机构负责人年度考核", "subject_kind": SubjectKind.AGENCY_HEAD, "period": Period.ANNUAL,
         "note": "五(三)：街道对职能部门派驻街道机构负责人的考核权重不低于50%。",
         "components": [
             {"rater_kind": RaterKind.STREET, "weight": rules["assessment.street_weight_on_agency_heads"].value,
              "criteria": _criteria([("配合街道统筹工作", 100)])},
             {"rater_kind": RaterKind.DEPARTMENT, "weight": 100 - rules["assessment.street_weight_on_agency_heads"].value,
              "criteria": _criteria([("部门业务考核", 100)])}]},
    ]


def seed_assessment_schemes(*, acting_user=None) -> int:
    """Create the default schemes that are missing; return how many were created."""
    from assessments.models import AssessmentScheme

    rules = RuleBook()
    created = 0
    for data in default_schemes(rules):
        if not AssessmentScheme.objects.filter(name=data["name"]).exists():
            scheme_create(acting_user=acting_user, rules=rules, **data)
            created += 1
    return created

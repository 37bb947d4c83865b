"""Writes for assessments (STYLE.md 1): schemes, cycles, score entry and submission, review, publication.

Every write validates, applies the policy rule through `assessments.checks`, saves through the core's
`instance_save` / `model_update` (history rows attributed to the acting user) and runs in one transaction.
"""

import calendar
import datetime
import functools
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import checks
from assessments.models import (
    COMMUNITY_LEVEL_SUBJECTS,
    COMMUNITY_RATERS,
    DISTRICT_RATERS,
    PARTS_PER_YEAR,
    Assessment,
    AssessmentCycle,
    AssessmentReminder,
    AssessmentScheme,
    Criterion,
    RaterKind,
    SchemeComponent,
    Score,
    ScoreSheet,
    SubjectKind,
)
from communities.models import Community
from governance.exceptions import RuleViolation
from governance.findings import refuse_new_breaches
from governance.models import COMMUNITY_WORKER_KINDS, Department, Post, PostKind, StationedUnit
from governance.rules import RuleBook
from governance.scope import scope_for
from governance.services import instance_save, lock_current, model_update

# --- schemes -------------------------------------------------------------------------------------


def scheme_components_check(*, subject_kind: str, components: list[dict], rules: RuleBook) -> None:
    """A scheme's parts: one per rater kind, weights summing to 100, and the floors of 五(三)."""
    kinds = [c["rater_kind"] for c in components]
    if not components:
        raise ValidationError({"components": [_("至少设置一个评分主体。")]})
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"components": [_("同一评分主体只能出现一次。")]})
    if any(c.get("department") is not None and c["rater_kind"] != RaterKind.DEPARTMENT for c in components):
        raise ValidationError({"components": [_("只有职能部门评分主体可以指定评分部门。")]})
    total = sum(int(c["weight"]) for c in components)
    if total != 100:
        raise ValidationError({"components": [_("各评分主体权重之和须为100%%，现为 %(total)s%%。") % {"total": total}]})
    if subject_kind == SubjectKind.STATIONED_UNIT:
        split = rules["stationed_unit.score_weights"]
        if set(kinds) != {RaterKind.STREET, RaterKind.COMMUNITY}:
            raise RuleViolation(_("驻区单位党建考核由街道和社区赋分"), rule=split, field="components")
    weights = {c["rater_kind"]: int(c["weight"]) for c in components}
    refuse_new_breaches(before=[], after=checks.scheme_breaches(subject_kind=subject_kind, weights=weights, rules=rules))


def _components_write(scheme: AssessmentScheme, components: list[dict], acting_user) -> None:
    for data in components:
        component = instance_save(SchemeComponent(scheme=scheme, rater_kind=data["rater_kind"], weight=data["weight"],
                                                  department=data.get("department")), acting_user=acting_user)
        for order, criterion in enumerate(data.get("criteria") or []):
            instance_save(Criterion(component=component, name=criterion["name"],
                                    max_score=criterion.get("max_score") or 100, order=criterion.get("order", order)),
                          acting_user=acting_user)


@transaction.atomic
def scheme_create(*, acting_user, name: str, subject_kind: str, period: str, components: list[dict],
                  is_active: bool = True, note: str = "", rules: RuleBook | None = None) -> AssessmentScheme:
    scheme_components_check(subject_kind=subject_kind, components=components, rules=rules or RuleBook())
    scheme = instance_save(AssessmentScheme(name=name, subject_kind=subject_kind, period=period, is_active=is_active,
                                            note=note), acting_user=acting_user)
    _components_write(scheme, components, acting_user)
    return scheme


@transaction.atomic
def scheme_update(*, scheme: AssessmentScheme, acting_user, expected_version: int | None = None,
                  components: list[dict] | None = None, **fields) -> AssessmentScheme:
    """Change a scheme; `components`, when given, replace its parts (refused once a cycle used them)."""
    lock_current(scheme, expected_version=expected_version)
    subject_kind = fields.get("subject_kind", scheme.subject_kind)
    if components is None and subject_kind != scheme.subject_kind:
        components = [{"rater_kind": c.rater_kind, "weight": c.weight, "department": c.department}
                      for c in scheme.components.all()]
        replace = False
    else:
        replace = components is not None
    if components is not None:
        scheme_components_check(subject_kind=subject_kind, components=components, rules=RuleBook())
    if (replace or subject_kind != scheme.subject_kind) and scheme.cycles.exists():
        raise ValidationError({"components": [_("该方案已用于考核周期，不能修改评分主体和考核对象；请新建方案。")]})
    if replace:
        for component in scheme.components.all():
            component.criteria.all().delete()
        scheme.components.all().delete()
        _components_write(scheme, components, acting_user)
    version = scheme.version
    scheme = model_update(instance=scheme, acting_user=acting_user, data=fields)
    if replace and scheme.version == version:  # only the parts changed: the scheme's version moves too
        scheme.version += 1
        instance_save(scheme, acting_user=acting_user, update_fields=["version"], validate=False)
    return scheme


@transaction.atomic
def criterion_add(*, component: SchemeComponent, acting_user, name: str, max_score: int = 100,
                  order: int = 0) -> Criterion:
    if component.scheme.cycles.exists():
        raise ValidationError({"component": [_("该方案已用于考核周期，不能再增加考核指标。")]})
    return instance_save(Criterion(component=component, name=name, max_score=max_score, order=order),
                         acting_user=acting_user)


@transaction.atomic
def criterion_update(*, criterion: Criterion, acting_user, expected_version: int | None = None,
                     **fields) -> Criterion:
    """A criterion's wording and order may change; its full marks only while no cycle used its scheme."""
    if "max_score" in fields and fields["max_score"] != criterion.max_score \
            and criterion.component.scheme.cycles.exists():
        raise ValidationError({"max_score": [_("该方案已用于考核周期，不能修改满分。")]})
    fields.pop("component", None)
    return model_update(instance=criterion, acting_user=acting_user, data=fields)


# --- cycles --------------------------------------------------------------------------------------


def period_bounds(period: str, year: int, part: int) -> tuple[datetime.date, datetime.date]:
    months = 12 // PARTS_PER_YEAR[period]
    first_month = (part - 1) * months + 1
    last_month = first_month + months - 1
    return datetime.date(year, first_month, 1), datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])


def _overlapping_posts(start: datetime.date, end: datetime.date):
    return Post.objects.filter(Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start)))


def cycle_subjects(*, scheme: AssessmentScheme, start: datetime.date, end: datetime.date, street=None,
                   community=None) -> list[dict]:
    """Everyone (or every unit) the scheme assesses in the period, in the district, a street or a
    community: a dict per subject with its street and community (and, for an agency head, the post's
    "原单位及职务", which names the department that stationed them). One query."""
    kind = scheme.subject_kind
    if kind == SubjectKind.STATIONED_UNIT:
        units = StationedUnit.objects.all().order_by("street_id", "name")
        if street is not None:
            units = units.filter(street=street)
        return [{"stationed_unit_id": u.pk, "subject_name": u.name, "unit_level": u.level, "street_id": u.street_id,
                 "community_id": None} for u in units]
    posts = _overlapping_posts(start, end)
    if kind == SubjectKind.COMMUNITY_WORKER:
        posts = posts.filter(kind__in=sorted(COMMUNITY_WORKER_KINDS))
        paths = ("community__street_id", "community_id")
    elif kind == SubjectKind.GRID_WORKER:
        posts = posts.filter(kind=PostKind.GRID_WORKER)
        paths = ("community__street_id", "community_id")
    elif kind == SubjectKind.STATION_STAFF:
        posts = posts.filter(kind__in=[PostKind.STATION_HEAD, PostKind.STATION_STAFF])
        paths = ("station__street_id", "community_id")
    elif kind == SubjectKind.STREET_STAFF:
        posts = posts.filter(kind=PostKind.STREET_STAFF, is_secondment=False)
        paths = ("street_id", None)
    else:  # AGENCY_HEAD: heads of the agencies departments station in the street, seconded there (二(二)2)
        posts = posts.filter(street__isnull=False, is_secondment=True)
        paths = ("street_id", None)
    street_path, community_path = paths
    if street is not None:
        posts = posts.filter(**{street_path: street.pk})
    if community is not None:
        posts = posts.filter(**{community_path: community.pk})
    fields = ["person_id", "person__name", street_path, "seconded_from"] + ([community_path] if community_path else [])
    seen: dict[int, dict] = {}
    for row in posts.order_by("person_id", "start_date", "pk").values(*fields):
        if row["person_id"] in seen or row[street_path] is None:
            continue
        seen[row["person_id"]] = {"person_id": row["person_id"], "subject_name": row["person__name"],
                                  "unit_level": "", "street_id": row[street_path],
                                  "community_id": row[community_path] if community_path else None,
                                  "seconded_from": row["seconded_from"]}
    return list(seen.values())


def cycle_open_allowed(*, acting_user, street=None, community=None) -> None:
    """Who opens a cycle for whom (三(四)3, 二(四)2): the organisation department (the review permission,
    district-wide) for the whole district; a street's staff for their street (e.g. its community workers
    each half year); a community's staff for their community (its grid workers each quarter). Raises
    PermissionDenied otherwise. `acting_user` None is the system (demo data, tasks)."""
    if acting_user is None:
        return
    scope = scope_for(acting_user)
    if community is not None:
        allowed = scope.district_wide or community.pk in scope.community_ids or community.street_id in scope.street_ids
    elif street is not None:
        allowed = scope.district_wide or street.pk in scope.street_ids
    else:
        allowed = scope.district_wide and acting_user.has_perm("assessments.review_assessmentcycle")
    if not allowed or not acting_user.has_perm("assessments.add_assessmentcycle"):
        raise PermissionDenied(_("只能为本单位开始考核：全区考核由区委组织部开始，街道为本街道、社区为本社区开始考核。"))


@transaction.atomic
def cycle_open(*, acting_user, scheme: AssessmentScheme, year: int, part: int = 1, street=None, community=None,
               deadline: datetime.date | None = None, excellent_share: int | None = None, community_tilt: int = 0,
               excellent_threshold: int = 90) -> AssessmentCycle:
    """Open a scheme for a period, in the district, one street or one community: one assessment per subject
    in scope and one sheet per subject and rater.

    Bulk-inserted (a district half-year of community workers is thousands of sheets); a stationed unit's
    sheets carry the weight its level has under 二(四)2. A period already opened over the same subjects
    (the district, the street or the community) is refused: nobody is assessed twice for one period."""
    if community is not None:
        if street is not None and street.pk != community.street_id:
            raise ValidationError({"community": [_("所选社区不属于所选街道。")]})
        street = community.street
    cycle_open_allowed(acting_user=acting_user, street=street, community=community)
    if community is not None and scheme.subject_kind not in COMMUNITY_LEVEL_SUBJECTS:
        raise ValidationError({"community": [_("%(kind)s的考核由街道或区委组织部开始，不能按社区开始。")
                                             % {"kind": scheme.get_subject_kind_display()}]})
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)  # one opening of a scheme at a time
    if not scheme.is_active:
        raise ValidationError({"scheme": [_("该考核方案未启用。")]})
    if not 1 <= part <= PARTS_PER_YEAR[scheme.period]:
        raise ValidationError({"part": [_("%(period)s考核的期次须在1至%(n)s之间。")
                                        % {"period": scheme.get_period_display(), "n": PARTS_PER_YEAR[scheme.period]}]})
    start, end = period_bounds(scheme.period, year, part)
    rules = RuleBook(on=end)
    components = list(scheme.components.prefetch_related("criteria"))
    if any(not c.criteria.all() for c in components):
        raise ValidationError({"scheme": [_("方案的每个评分主体须先设置考核指标，才能开始考核。")]})
    if deadline is None:
        deadline = checks.score_deadline(year, rules) if scheme.subject_kind == SubjectKind.STATIONED_UNIT else end
    same = AssessmentCycle.objects.filter(scheme=scheme, year=year, part=part)
    if community is not None:
        same = same.filter(Q(street__isnull=True) | Q(street=street, community__isnull=True) | Q(community=community))
    elif street is not None:
        same = same.filter(Q(street__isnull=True) | Q(street=street))
    opened = same.select_related("scheme", "street", "community").first()
    if opened is not None:
        raise ValidationError({"part": [_("本期已开始考核（%(cycle)s，范围：%(scope)s），同一考核对象不能重复考核。")
                                        % {"cycle": opened, "scope": opened.community or opened.street or _("全区")}]})
    cycle = instance_save(AssessmentCycle(scheme=scheme, year=year, part=part, street=street, community=community,
                                          deadline=deadline, excellent_share=excellent_share,
                                          community_tilt=community_tilt, excellent_threshold=excellent_threshold),
                          acting_user=acting_user)
    subjects = cycle_subjects(scheme=scheme, start=start, end=end, street=street, community=community)
    seconded_from = [s.pop("seconded_from", "") for s in subjects]
    assessments = Assessment.objects.bulk_create([Assessment(cycle=cycle, **s) for s in subjects])
    departments = _departments_by_name() if any(c.rater_kind == RaterKind.DEPARTMENT and not c.department_id
                                                for c in components) else []
    communities = defaultdict(list)
    for community_id, street_id in Community.objects.order_by("code").values_list("pk", "street_id"):
        communities[street_id].append(community_id)
    splits = {}
    sheets = []
    for assessment, origin in zip(assessments, seconded_from, strict=True):
        for component in components:
            weight = Decimal(component.weight)
            if scheme.subject_kind == SubjectKind.STATIONED_UNIT:
                if assessment.unit_level not in splits:
                    splits[assessment.unit_level] = checks.party_building_weight(assessment.unit_level, rules)
                weight = Decimal(splits[assessment.unit_level]["street" if component.rater_kind == RaterKind.STREET
                                                               else "community"])
            department = component.department_id
            if component.rater_kind == RaterKind.DEPARTMENT and department is None:
                department = _department_of(origin, departments)
            for rater_street, rater_community in _raters(component.rater_kind, assessment, communities):
                sheets.append(ScoreSheet(assessment=assessment, cycle=cycle, component=component,
                                         rater_kind=component.rater_kind, rater_street_id=rater_street,
                                         rater_community_id=rater_community, rater_department_id=department,
                                         street_id=assessment.street_id, weight=weight))
    ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
    return cycle


def _departments_by_name() -> list[tuple[str, int]]:
    """The departments' names, longest first (so "兴庆区公安分局" wins over a shorter name inside it)."""
    return sorted(Department.objects.values_list("name", "pk"), key=lambda row: -len(row[0]))


def _department_of(seconded_from: str, departments: list[tuple[str, int]]) -> int | None:
    """The department an agency head was stationed by, read from their post's "原单位及职务"; None (the
    organisation department fills the part) when no department's name is in it."""
    for name, pk in departments:
        if name and name in (seconded_from or ""):
            return pk
    return None


def _raters(rater_kind: str, assessment: Assessment, communities: dict) -> list[tuple]:
    """Who rates a subject: its street; its community, or every community of its street for a subject
    that sits at street level (a stationed unit, street staff); the district's reviewers."""
    if rater_kind == RaterKind.STREET:
        return [(assessment.street_id, None)]
    if rater_kind in COMMUNITY_RATERS:
        if assessment.community_id:
            return [(None, assessment.community_id)]
        return [(None, c) for c in communities.get(assessment.street_id, [])]
    assert rater_kind in DISTRICT_RATERS
    return [(None, None)]


@transaction.atomic
def cycle_update(*, cycle: AssessmentCycle, acting_user, expected_version: int | None = None,
                 **fields) -> AssessmentCycle:
    """The deadline and the share of excellent ratings may change; the scheme, period and scope may not."""
    fixed = {"scheme", "year", "part", "street", "community"} & fields.keys()
    lock_current(cycle, expected_version=expected_version)
    for name in fixed:
        if fields[name] != getattr(cycle, name):
            raise ValidationError({name: [_("考核周期开始后不能修改方案、期次和范围。")]})
        fields.pop(name)
    return model_update(instance=cycle, acting_user=acting_user, data=fields)


# --- score entry ---------------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("请输入数字。")]}) from None
    if not number.is_finite():
        raise ValidationError({field: [_("请输入数字。")]})
    return number.quantize(Decimal("0.01"))


def _editable(sheet: ScoreSheet) -> None:
    if sheet.cycle.status == AssessmentCycle.Status.PUBLISHED:
        raise ValidationError(_("考核结果已公布，不能再修改。"))
    if not sheet.editable:
        raise ValidationError({"status": [_("评分已提交（%(status)s），只有被退回后才能修改。")
                                          % {"status": sheet.get_status_display()}]})


@transaction.atomic
def sheet_save(*, sheet: ScoreSheet, acting_user, scores: dict, expected_version: int | None = None,
               submit: bool = False, now: datetime.datetime | None = None) -> ScoreSheet:
    """Save a rater's scores (criterion id → points) as a draft, and submit them if asked.

    Only the criteria of the sheet's part; each between 0 and its full marks. A score that changes
    writes a history row (who, when, before, after)."""
    lock_current(sheet, expected_version=expected_version)
    _editable(sheet)
    criteria = {c.pk: c for c in sheet.component.criteria.all()}
    values = {}
    for key, raw in scores.items():
        try:
            criterion = criteria[int(key)]
        except (KeyError, ValueError, TypeError):
            raise ValidationError({"scores": [_("考核指标 %(id)s 不属于本评分表。") % {"id": key}]}) from None
        value = _decimal(raw, "scores")
        if value < 0 or value > criterion.max_score:
            raise ValidationError({"scores": [_("“%(name)s”的得分须在0至%(max)s之间。")
                                              % {"name": criterion.name, "max": criterion.max_score}]})
        values[criterion.pk] = value
    getattr(sheet, "_prefetched_objects_cache", {}).pop("scores", None)  # read the current scores
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    changed = False
    for criterion_id, value in values.items():
        score = existing.get(criterion_id)
        if score is None:
            existing[criterion_id] = instance_save(Score(sheet=sheet, criterion_id=criterion_id, value=value),
                                                   acting_user=acting_user, validate=False)
            changed = True
        elif score.value != value:
            score.value = value
            instance_save(score, acting_user=acting_user, update_fields=["value"], validate=False)
            changed = True
    getattr(sheet, "_prefetched_objects_cache", {}).pop("scores", None)  # the caller reads what was saved
    if submit:
        return _submit(sheet, acting_user, existing, criteria, now)
    if changed:
        sheet.version += 1
        instance_save(sheet, acting_user=acting_user, update_fields=["version"], validate=False)
    return sheet


def _submit(sheet: ScoreSheet, acting_user, existing: dict, criteria: dict, now) -> ScoreSheet:
    missing = [c.name for pk, c in criteria.items() if pk not in existing]
    if missing:
        raise ValidationError({"scores": [_("尚有考核指标未评分：%(names)s") % {"names": "、".join(missing)}]})
    data = {
        "status": ScoreSheet.Status.SUBMITTED,
        "raw_score": sum((existing[pk].value for pk in criteria), Decimal(0)),
        "max_score": sum(c.max_score for c in criteria.values()),
        "submitted_at": now or timezone.now(),
        "submitted_by": acting_user if acting_user and acting_user.is_authenticated else None,
    }
    return model_update(instance=sheet, acting_user=acting_user, data=data, validate=False)


@transaction.atomic
def sheet_submit(*, sheet: ScoreSheet, acting_user, expected_version: int | None = None,
                 now: datetime.datetime | None = None) -> ScoreSheet:
    return sheet_save(sheet=sheet, acting_user=acting_user, scores={}, expected_version=expected_version,
                      submit=True, now=now)


# --- review --------------------------------------------------------------------------------------


def _reviewable(sheet: ScoreSheet, *, allowed: tuple) -> None:
    if sheet.cycle.status == AssessmentCycle.Status.PUBLISHED:
        raise ValidationError(_("考核结果已公布，不能再审核。"))
    if sheet.status not in allowed:
        raise ValidationError({"status": [_("评分表当前为“%(status)s”，不能执行此操作。")
                                          % {"status": sheet.get_status_display()}]})


@transaction.atomic
def sheet_return(*, sheet: ScoreSheet, acting_user, comment: str, expected_version: int | None = None) -> ScoreSheet:
    """The organisation department returns a submitted (or approved) sheet with its comments (二(四)2)."""
    lock_current(sheet, expected_version=expected_version)
    _reviewable(sheet, allowed=(ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.APPROVED))
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("退回须填写审核意见。")]})
    return model_update(instance=sheet, acting_user=acting_user, validate=False, data={
        "status": ScoreSheet.Status.RETURNED, "review_comment": comment.strip(), "reviewed_at": timezone.now()})


@transaction.atomic
def sheet_approve(*, sheet: ScoreSheet, acting_user, expected_version: int | None = None,
                  comment: str = "") -> ScoreSheet:
    lock_current(sheet, expected_version=expected_version)
    _reviewable(sheet, allowed=(ScoreSheet.Status.SUBMITTED,))
    return model_update(instance=sheet, acting_user=acting_user, validate=False, data={
        "status": ScoreSheet.Status.APPROVED, "review_comment": (comment or "").strip(), "reviewed_at": timezone.now()})


@transaction.atomic
def cycle_approve_submitted(*, cycle: AssessmentCycle, acting_user, street_id: int | None = None) -> int:
    """Approve every submitted sheet of a cycle (or of one street in it); returns how many."""
    sheets = ScoreSheet.objects.filter(cycle=cycle, status=ScoreSheet.Status.SUBMITTED).select_related("cycle")
    if street_id is not None:
        sheets = sheets.filter(street_id=street_id)
    count = 0
    for sheet in sheets.order_by("pk"):
        sheet_approve(sheet=sheet, acting_user=acting_user)
        count += 1
    return count


@transaction.atomic
def cycle_publish(*, cycle: AssessmentCycle, acting_user, expected_version: int | None = None) -> AssessmentCycle:
    """Publish a cycle's results once every sheet is approved; approved results are fed back (二(四)2)."""
    lock_current(cycle, expected_version=expected_version)
    if cycle.status == AssessmentCycle.Status.PUBLISHED:
        raise ValidationError({"status": [_("考核结果已公布。")]})
    pending = ScoreSheet.objects.filter(cycle=cycle).exclude(status=ScoreSheet.Status.APPROVED).count()
    if pending:
        raise ValidationError({"status": [_("尚有 %(n)s 份评分表未审核通过，不能公布。") % {"n": pending}]})
    return model_update(instance=cycle, acting_user=acting_user, validate=False, data={
        "status": AssessmentCycle.Status.PUBLISHED, "published_at": timezone.now()})


@transaction.atomic
def cycle_remind(*, cycle: AssessmentCycle, today: datetime.date, days_before: int = 5) -> int:
    """Mark the sheets still to be submitted (draft or returned) as reminded today, from `days_before`
    days before the deadline on; a sheet is reminded at most once a day, so running twice changes
    nothing. Returns how many sheets this run reminded."""
    if cycle.status != AssessmentCycle.Status.OPEN or today < cycle.deadline - datetime.timedelta(days=days_before):
        return 0
    return (ScoreSheet.objects.filter(cycle=cycle, status__in=[ScoreSheet.Status.DRAFT, ScoreSheet.Status.RETURNED])
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)).update(reminded_on=today))


def _reminder_kind(cycle: AssessmentCycle, today: datetime.date, days_before: int) -> str | None:
    if cycle.status != AssessmentCycle.Status.OPEN or today < cycle.deadline - datetime.timedelta(days=days_before):
        return None
    return AssessmentReminder.Kind.OVERDUE if today > cycle.deadline else AssessmentReminder.Kind.DUE_SOON


def _reminder_message(cycle: AssessmentCycle, kind: str, count: int) -> str:
    basis = _("（二(四)2：驻区单位党建考核结果每年12月20日前报区委组织部审核）") \
        if cycle.scheme.subject_kind == SubjectKind.STATIONED_UNIT else ""
    if kind == AssessmentReminder.Kind.OVERDUE:
        text = _("考核“%(cycle)s”已过报送截止日期 %(deadline)s，本单位尚有 %(n)s 份评分表未提交，请尽快评分并提交。")
    else:
        text = _("考核“%(cycle)s”报送截止日期为 %(deadline)s，本单位尚有 %(n)s 份评分表未提交。")
    return (text % {"cycle": cycle, "deadline": cycle.deadline.isoformat(), "n": count} + basis)[:300]


def cycle_notify(*, cycle: AssessmentCycle, today: datetime.date, days_before: int = 5) -> int:
    """Notify the raters of a cycle's sheets still to be submitted (draft or returned): in the app (the
    service stations' `Notification`) and by e-mail when e-mail is configured. Once in the `days_before`
    days before the deadline and once after it (二(四)2: 20 December for stationed units; a cycle's own
    deadline otherwise), per user who fills a rater unit's sheets.

    Idempotent: a reminder is kept once per (cycle, user, kind) and sends its notification only while it
    has none, under a row lock, so a re-run or a retried Celery task notifies nobody twice; an e-mail is
    claimed (marked sent) before it is sent. Returns how many notifications this run created."""
    from assessments.score_selectors import TO_DO, rater_users
    from service_stations.models import Notification

    kind = _reminder_kind(cycle, today, days_before)
    if kind is None:
        return 0
    pending = (ScoreSheet.objects.filter(cycle=cycle, status__in=TO_DO).order_by()
               .values_list("rater_street_id", "rater_community_id", "rater_department_id")
               .annotate(n=Count("pk")))
    counts: dict[tuple[str, int | None], int] = defaultdict(int)
    for street_id, community_id, department_id, n in pending:
        unit = (("community", community_id) if community_id else ("street", street_id) if street_id
                else ("department", department_id) if department_id else ("district", None))
        counts[unit] += n
    if not counts:
        return 0
    units = {level: {pk for (lvl, pk) in counts if lvl == level} for level in ("street", "community", "department")}
    users = rater_users(units=units, district=("district", None) in counts)
    by_user: dict[int, int] = defaultdict(int)
    for unit, n in counts.items():
        for user_id in users.get(unit, ()):
            by_user[user_id] += n
    if not by_user:
        return 0
    with transaction.atomic():
        AssessmentReminder.objects.bulk_create(
            [AssessmentReminder(cycle=cycle, recipient_id=user_id, kind=kind, sheets=n) for user_id, n in by_user.items()],
            ignore_conflicts=True)
        # skip_locked: a concurrent run holding a reminder sends its notification, this one skips it
        todo = list(AssessmentReminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(cycle=cycle, kind=kind, notification__isnull=True, recipient_id__in=sorted(by_user))
                    .order_by("pk"))
        created = []
        for reminder in todo:
            notification = Notification.objects.create(
                recipient_id=reminder.recipient_id, message=_reminder_message(cycle, kind, by_user[reminder.recipient_id]))
            reminder.notification = notification
            reminder.save(update_fields=["notification"])
            created.append(notification.pk)
        if created and settings.EMAIL_HOST:
            transaction.on_commit(functools.partial(_notification_emails_send, created))
    return len(created)


def _notification_emails_send(notification_ids: list[int]) -> None:
    from service_stations.models import Notification
    from service_stations.services import notifications_email

    notifications_email(Notification.objects.filter(pk__in=notification_ids), subject=_("考核评分提醒"))

"""Reads for assessments, scoped to the user (STYLE.md 2), and the weighted totals computed from them.

A rater sees the sheets they must fill (`sheets_for_user`: a street its street's sheets, a community its
community's, the organisation department every sheet, to review); a street or community sees how its own
people and units were scored (`assessments_for_user`). Totals, rankings and progress are each computed
in a constant number of queries, from the submitted sheets' stored sums.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from assessments.checks import COUNTED, excellent_cap, is_excellent, weighted_total_sql
from assessments.models import (
    COMMUNITY_LEVEL_SUBJECTS,
    DISTRICT_RATERS,
    Assessment,
    AssessmentCycle,
    AssessmentScheme,
    RaterKind,
    ScoreSheet,
    period_label,
)
from communities.models import Community
from governance.roles import Role, user_role
from governance.scope import scope_for, scoped
from streets.models import Street

DONE = COUNTED  # the sheets a total counts: submitted and approved
TO_DO = (ScoreSheet.Status.DRAFT, ScoreSheet.Status.RETURNED)
COMMUNITY_LEVEL = COMMUNITY_LEVEL_SUBJECTS
REVIEW = "assessments.review_assessmentcycle"


def schemes_for_user(*, user) -> QuerySet[AssessmentScheme]:
    if scope_for(user).is_empty:
        return AssessmentScheme.objects.none()
    return AssessmentScheme.objects.prefetch_related("components__criteria")


def cycles_for_user(*, user) -> QuerySet[AssessmentCycle]:
    """District-wide cycles are seen by everyone in scope; a street's cycles (its own and its communities')
    by that street; a community's by that community, which also sees its street's street-wide ones."""
    scope = scope_for(user)
    cycles = AssessmentCycle.objects.select_related("scheme", "street", "community")
    if scope.district_wide:
        return cycles
    if scope.is_empty:
        return cycles.none()
    q = Q(street__isnull=True) | Q(street_id__in=sorted(scope.street_ids))
    if scope.community_ids:
        their_streets = Community.objects.filter(pk__in=scope.community_ids).values_list("street_id", flat=True)
        q |= Q(street_id__in=sorted(set(their_streets)), community__isnull=True)
        q |= Q(community_id__in=sorted(scope.community_ids))
    return cycles.filter(q)


def department_ids_for_user(user) -> frozenset[int]:
    """The departments a department user works for (their `governance.access_department` grants): the
    `department` parts they fill. Read once per request."""
    from guardian.shortcuts import get_objects_for_user

    from governance.models import Department

    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_assessment_department_ids", None)
    if cached is None:
        cached = frozenset(get_objects_for_user(user, "governance.access_department", klass=Department,
                                                accept_global_perms=False).values_list("pk", flat=True))
        user._assessment_department_ids = cached
    return cached


def _district_raters(sheets: QuerySet[ScoreSheet], user) -> QuerySet[ScoreSheet]:
    """A district-wide user fills only the district's parts: a department user its departments' parts; the
    organisation department (and the district administrator) the parts no department holds."""
    if user_role(user) == Role.DEPARTMENT_USER:
        return sheets.filter(rater_kind=RaterKind.DEPARTMENT, rater_department_id__in=sorted(department_ids_for_user(user)))
    return sheets.filter(rater_kind__in=sorted(DISTRICT_RATERS), rater_department__isnull=True)


def sheets_for_user(*, user) -> QuerySet[ScoreSheet]:
    """The sheets a user rates: their street's or their community's; the district's reviewers see all."""
    return scoped(
        ScoreSheet.objects.select_related("assessment", "cycle__scheme", "component", "rater_street",
                                          "rater_community", "rater_department", "street"),
        user, street="rater_street_id", community="rater_community_id",
    )


def rater_sheets_for_user(*, user) -> QuerySet[ScoreSheet]:
    """The sheets a user may fill: their unit's; the district's reviewers only the district's parts."""
    sheets = sheets_for_user(user=user).prefetch_related("component__criteria", "scores")
    if scope_for(user).district_wide:
        sheets = _district_raters(sheets, user)
    return sheets


def todo_for_user(*, user) -> QuerySet[ScoreSheet]:
    """What a rater still has to score: draft or returned sheets of open cycles (returned first). A
    department's users rate their department's parts; the organisation department the district's others.
    The to-do page reads it as `TodoRow`s (`todo_rows`)."""
    sheets = scoped(ScoreSheet.objects.select_related("assessment", "cycle__scheme"), user,
                    street="rater_street_id", community="rater_community_id")
    sheets = sheets.filter(status__in=TO_DO, cycle__status=AssessmentCycle.Status.OPEN)
    if scope_for(user).district_wide:
        sheets = _district_raters(sheets, user)
    return sheets.order_by("-status", "cycle__deadline", "cycle_id", "assessment__subject_name", "pk")


@dataclass(frozen=True)
class TodoRow:
    """One line of a rater's to-do list: the columns the page shows, read as a tuple (no model objects)."""

    pk: int
    status: str
    weight: Decimal
    rater_kind: str
    reminded_on: datetime.date | None
    review_comment: str
    subject_name: str
    year: int
    part: int
    deadline: datetime.date
    scheme_name: str
    period: str

    FIELDS = ("pk", "status", "weight", "rater_kind", "reminded_on", "review_comment", "assessment__subject_name",
              "cycle__year", "cycle__part", "cycle__deadline", "cycle__scheme__name", "cycle__scheme__period")

    @property
    def cycle(self) -> str:
        return f"{self.scheme_name} · {period_label(self.period, self.year, self.part)}"

    @property
    def status_label(self) -> str:
        return ScoreSheet.Status(self.status).label

    @property
    def rater_label(self) -> str:
        return RaterKind(self.rater_kind).label

    def late(self, today: datetime.date) -> bool:
        """Still missing after the deadline (a to-do sheet is never submitted on time or late)."""
        return today > self.deadline


def todo_rows(*, user) -> QuerySet:
    """The to-do list as tuples of `TodoRow.FIELDS` (one query, the columns shown): map with `TodoRow(*t)`."""
    return todo_for_user(user=user).values_list(*TodoRow.FIELDS)


def assessments_for_user(*, user) -> QuerySet[Assessment]:
    """The subjects a user's unit answers for: a street's people and units, a community's workers."""
    return scoped(Assessment.objects.select_related("cycle__scheme", "street", "community"), user,
                  street="street_id", community="community_id")


# --- totals ----------------------------------------------------------------------------------------


_CENTS: dict[int, Decimal] = {}  # figures repeat (weights, scores out of 100): each read once


def _cents(value: int | None) -> Decimal | None:
    """A figure the query computed in whole cents, as a decimal at cents."""
    if value is None:
        return None
    found = _CENTS.get(value)
    if found is None:
        found = Decimal(value).scaleb(-2)
        if len(_CENTS) < 100_000:
            _CENTS[value] = found
    return found


@dataclass
class Part:
    """One rater kind's part of a total (`assessments.checks.weighted_total`): its counted sheets' score
    out of 100, times its weight, as the query computed them."""

    rater_kind: str
    weight: Decimal  # percent of the total
    sheets: int
    done: int
    percent: Decimal | None
    points: Decimal | None = None

    @property
    def label(self) -> str:
        return RaterKind(self.rater_kind).label


@dataclass
class Total:
    """A subject's weighted total: `total` points out of `full_weight` (100, or 10/20 for a stationed unit's
    party-building part), and `percent` on a scale of 100 to rank subjects of different weights together."""

    assessment_id: int
    subject_name: str
    street: str
    community: str
    community_level: bool
    parts: list[Part] = field(default_factory=list)
    rank: int | None = None
    excellent: bool = False
    total: Decimal = Decimal(0)
    full_weight: Decimal = Decimal(0)
    percent: Decimal = Decimal(0)
    complete: bool = True

    @property
    def formula(self) -> str:
        """How the total was computed, e.g. "街道 92.00×40% + 社区 85.00×60% = 87.80"."""
        terms = [f"{p.label} {p.percent if p.percent is not None else '—'}×{p.weight.normalize():f}%"
                 for p in self.parts]
        return " + ".join(terms) + f" = {self.total}"


class Ranking(Sequence):
    """A cycle's ranked totals: the query's rows, each made a `Total` (with its parts) only when read, so a
    page of the ranking builds only the totals it shows. Indexing and slicing answer `Total`s."""

    def __init__(self, rows: list[tuple], kinds: list[str], cap: int, threshold: int, community_level: bool):
        self._rows, self._kinds, self._cap, self._threshold = rows, kinds, cap, threshold
        self._community_level = community_level
        self._built: dict[int, Total] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        if index < 0:
            index += len(self._rows)
        total = self._built.get(index)
        if total is None:
            total = self._built[index] = self._build(index)
        return total

    def _build(self, index: int) -> Total:
        pk, name, street, community, total, full_weight, percent, sheets, done, *columns, _pk = self._rows[index]
        parts = [Part(kind, _cents(weight), n, n_done, _cents(part_percent), _cents(points))
                 for kind, (n, n_done, weight, part_percent, points) in zip(
                     self._kinds, zip(*[iter(columns)] * len(PART_COLUMNS), strict=True), strict=True) if n]
        percent = _cents(percent)
        complete = done == sheets
        return Total(pk, name, street or "", community or "", self._community_level, parts, rank=index + 1,
                     excellent=is_excellent(rank=index + 1, cap=self._cap, complete=complete, percent=percent,
                                            threshold=self._threshold),
                     total=_cents(total), full_weight=_cents(full_weight), percent=percent, complete=complete)


PART_COLUMNS = ("sheets", "done", "weight", "percent", "points")


def cycle_totals(*, cycle: AssessmentCycle, assessments: QuerySet[Assessment] | None = None) -> Ranking:
    """Every subject's weighted total in a cycle (or in `assessments`, already scoped), ranked by the total
    on a scale of 100, from the submitted and approved sheets. One query, an aggregate over the cycle's
    sheets grouped by subject (`assessments.checks.weighted_total_sql`) that computes every part, total
    and percent and orders by them; a subject nobody rates (no sheet) has
    no total and is not ranked.

    The excellent rating goes to the best-ranked complete totals at or above the cycle's threshold, at
    most `excellent_share` percent of the subjects, and `community_tilt` points more for subjects at
    community level (五(三): 考核优秀指标适度向社区倾斜; `assessments.checks.excellent_cap`)."""
    community_level = cycle.scheme.subject_kind in COMMUNITY_LEVEL
    subjects = None
    if assessments is not None:
        try:
            subjects = assessments.filter(cycle=cycle).order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # an empty scope (`.none()`): nobody to rank
            return Ranking([], [], 0, cycle.excellent_threshold, community_level)
    kinds, sql, params = weighted_total_sql(
        # a column set for every rater kind there is (six), not a query to learn the scheme's: a kind the
        # cycle has no sheet of answers nulls, and a subject's parts are the kinds it has sheets of
        cycle_id=cycle.pk, subjects=subjects, rater_kinds=RaterKind.values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    cap = excellent_cap(subjects=len(rows), excellent_share=cycle.excellent_share,
                        community_tilt=cycle.community_tilt, community_level=community_level)
    return Ranking(rows, kinds, cap, cycle.excellent_threshold, community_level)

# --- progress ------------------------------------------------------------------------------------


@dataclass
class Progress:
    street_id: int | None
    street: str
    sheets: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0
    late: int = 0

    @property
    def done_percent(self) -> int:
        return round(100 * (self.submitted + self.approved) / self.sheets) if self.sheets else 0


def _late_q(deadline_field: str, today: datetime.date) -> Q:
    """二(四)2: late is submitted after the deadline (Asia/Shanghai date), or still missing after it."""
    return (Q(submitted_at__date__gt=F(deadline_field))
            | (Q(status__in=TO_DO) & Q(**{f"{deadline_field}__lt": today})))


def cycle_progress(*, cycle: AssessmentCycle, today: datetime.date | None = None) -> list[Progress]:
    """Each street's sheets in a cycle by status, and how many are late. Two queries."""
    today = today or timezone.localdate()
    rows = (ScoreSheet.objects.filter(cycle=cycle).values("street_id")
            .annotate(sheets=Count("pk"), **_status_counts(), late=Count("pk", filter=_late_q("cycle__deadline", today)))
            .order_by("street_id"))
    names = dict(Street.objects.values_list("pk", "name"))
    return [Progress(row["street_id"], names.get(row["street_id"], ""), row["sheets"], row["draft"],
                     row["submitted"], row["returned"], row["approved"], row["late"]) for row in rows]


def _status_counts() -> dict:
    return {status: Count("pk", filter=Q(status=status)) for status in ScoreSheet.Status.values}


def cycles_progress(*, cycle_ids: list[int], today: datetime.date | None = None) -> dict[int, Progress]:
    """The progress of several cycles at once (the review page's list). One query."""
    today = today or timezone.localdate()
    rows = (ScoreSheet.objects.filter(cycle_id__in=cycle_ids).values("cycle_id")
            .annotate(sheets=Count("pk"), **_status_counts(), late=Count("pk", filter=_late_q("cycle__deadline", today)))
            .order_by("cycle_id"))
    return {row["cycle_id"]: Progress(None, "", row["sheets"], row["draft"], row["submitted"], row["returned"],
                                      row["approved"], row["late"]) for row in rows}


def sheet_scores(sheet: ScoreSheet) -> list[dict]:
    """A sheet's criteria with the points entered so far (two queries)."""
    entered = {s.criterion_id: s.value for s in sheet.scores.all()}
    return [{"criterion": c, "value": entered.get(c.pk)} for c in sheet.component.criteria.all()]


def late_sheets(*, user, today: datetime.date | None = None) -> QuerySet[ScoreSheet]:
    """Sheets in the user's scope that are missing after their cycle's deadline (二(四)2)."""
    today = today or timezone.localdate()
    return sheets_for_user(user=user).filter(status__in=TO_DO, cycle__status=AssessmentCycle.Status.OPEN,
                                             cycle__deadline__lt=today)


def is_late(sheet: ScoreSheet, today: datetime.date | None = None) -> bool:
    from assessments.checks import is_late as late

    submitted = timezone.localtime(sheet.submitted_at).date() if sheet.submitted_at and sheet.status in DONE else None
    return bool(late(submitted_on=submitted, deadline=sheet.cycle.deadline, today=today or timezone.localdate()))


# --- who is reminded ---------------------------------------------------------------------------------

_UNIT_GRANTS = {"street": ("streets", "access_street"), "community": ("communities", "access_community"),
                "department": ("governance", "access_department")}


def rater_users(*, units: dict[str, set[int]], district: bool) -> dict[tuple[str, int | None], set[int]]:
    """The active users who fill a rater unit's sheets: those holding the unit's scope grant (a street's,
    a community's, a department's staff), and for the district's parts the organisation department's
    reviewers. `units` maps "street"/"community"/"department" to ids; the answer maps (level, id) — or
    ("district", None) — to user ids. Two queries."""
    from django.contrib.auth import get_user_model
    from guardian.models import GroupObjectPermission, UserObjectPermission

    found: dict[tuple[str, int | None], set[int]] = {}
    q = Q(pk__in=[])
    for level, ids in units.items():
        if ids:
            app_label, codename = _UNIT_GRANTS[level]
            q |= Q(permission__content_type__app_label=app_label, permission__codename=codename,
                   object_pk__in=[str(i) for i in sorted(ids)])
    if any(units.values()):
        level_of = {grant: level for level, grant in _UNIT_GRANTS.items()}
        fields = ("permission__content_type__app_label", "permission__codename", "object_pk")
        rows = UserObjectPermission.objects.filter(q, user__is_active=True).values_list(*fields, "user_id")
        group_rows = GroupObjectPermission.objects.filter(q, group__user__is_active=True).values_list(
            *fields, "group__user")
        for app_label, codename, object_pk, user_id in rows.union(group_rows, all=True):
            if user_id is not None and str(object_pk).isdigit():
                found.setdefault((level_of[(app_label, codename)], int(object_pk)), set()).add(user_id)
    if district:
        found[("district", None)] = set(get_user_model().objects.filter(
            groups__name=Role.ORGDEPT_REVIEWER, is_active=True).values_list("pk", flat=True))
    return found


def reminders_for_user(*, user):
    """The user's unread assessment reminders (their in-app notifications), newest first."""
    from service_stations.models import Notification

    if not user.is_authenticated:
        return Notification.objects.none()
    return (Notification.objects.filter(recipient=user, read_at__isnull=True, assessment_reminder__isnull=False)
            .only("pk", "message", "created_at").order_by("-created_at"))

"""Findings of assessments for the findings page (registered in AssessmentsConfig.ready()): stationed
units' party-building scores still missing after the 20 December deadline (二(四)2), by rating street or
community. One query for the late sheets, one for the names."""

from django.db.models import Count
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AssessmentCycle, ScoreSheet, SubjectKind
from assessments.score_selectors import TO_DO
from communities.models import Community
from governance.findings import Breach, Finding, finding
from governance.rules import RuleBook
from governance.scope import scoped
from streets.models import Street


def late_score_findings(*, user, rules: RuleBook, street_id: int | None = None,
                        community_id: int | None = None) -> list[Finding]:
    if "stationed_unit.score_deadline" not in rules:
        return []
    rule = rules["stationed_unit.score_deadline"]
    # A street sees its own and its communities' missing scores (it coordinates them); a community its own.
    sheets = scoped(ScoreSheet.objects.all(), user, street="street_id", community="rater_community_id").filter(
        status__in=TO_DO, cycle__status=AssessmentCycle.Status.OPEN, cycle__deadline__lt=timezone.localdate(),
        cycle__scheme__subject_kind=SubjectKind.STATIONED_UNIT)
    if street_id is not None:
        sheets = sheets.filter(street_id=street_id)
    if community_id is not None:
        sheets = sheets.filter(rater_community_id=community_id)
    rows = list(sheets.order_by().values("street_id", "rater_community_id", "cycle__year").annotate(n=Count("pk")))
    if not rows:
        return []
    streets = Street.objects.in_bulk({r["street_id"] for r in rows})
    communities = dict(Community.objects.filter(pk__in={r["rater_community_id"] for r in rows if r["rater_community_id"]})
                       .values_list("pk", "name"))
    found = []
    for row in sorted(rows, key=lambda r: (r["street_id"], r["rater_community_id"] or 0)):
        street = streets[row["street_id"]]
        subject = communities.get(row["rater_community_id"], street.name)
        message = _("%(year)s年驻区单位党建考核赋分尚有 %(n)s 份未报送（截止 %(month)s月%(day)s日）") % {
            "year": row["cycle__year"], "n": row["n"], "month": rule.value["month"], "day": rule.value["day"]}
        found.append(finding(Breach(rule, "late", message), subject=subject, street=street,
                             url=reverse_lazy("assessment-todo")))
    return found

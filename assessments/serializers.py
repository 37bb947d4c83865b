"""Shapes of the quota endpoints: query parameters in, report payloads out (documented by drf-spectacular).

The payload builders turn the selectors' dataclasses into plain dicts; the serializers only describe
and convert them. Money is whole yuan (integers); dates are ISO 8601.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from assessments.quotas import NOTES
from assessments.selectors import (
    AwardRow,
    BudgetLine,
    CommunityQuotaReport,
    DistrictBudget,
    Gap,
    StreetQuotaReport,
)
from communities.models import PartyOrganization

# A plain string (not an enum) so the schema does not name PartyOrganization.Kind twice.
_KIND_HELP = "社区党组织类型：" + "，".join(f"{v}={label}" for v, label in PartyOrganization.Kind.choices)


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="计算日期（YYYY-MM-DD），默认今天")

    def validated_as_of(self):
        return self.validated_data.get("as_of") or timezone.localdate()


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999, help_text="预算年度，默认今年")

    def validate(self, attrs):
        # DRF reads an empty query value as "not given" (this year); the schema says an integer (issue 7).
        if self.initial_data.get("year") == "":
            raise serializers.ValidationError({"year": [_("请填写年份，或省略该参数（默认今年）。")]})
        return attrs

    def validated_year(self):
        return self.validated_data.get("year") or timezone.localdate().year


class BasisSerializer(serializers.Serializer):
    figure = serializers.CharField(required=False, help_text="依据所支撑的数字")
    rule = serializers.CharField(help_text="规则键")
    title = serializers.CharField()
    value = serializers.JSONField(help_text="所用取值")
    effective_from = serializers.DateField()
    clause = serializers.CharField(help_text="方案条款")


class GapSerializer(serializers.Serializer):
    item = serializers.CharField()
    label = serializers.CharField()
    quota = serializers.JSONField()
    actual = serializers.JSONField()
    difference = serializers.IntegerField(allow_null=True, help_text="实际减定额；负数为不足")
    status = serializers.ChoiceField(choices=["ok", "short", "over", "mismatch", "missing", "allowance"],
                                     help_text="allowance: 情况复杂社区在增配范围内（三(四)2）")
    status_label = serializers.CharField()
    clause = serializers.CharField()


class CommunityActualSerializer(serializers.Serializer):
    party_organization = serializers.CharField(allow_null=True, help_text=_KIND_HELP)
    committee_members = serializers.IntegerField()
    fulltime_grid_workers = serializers.IntegerField()
    station_staff = serializers.IntegerField()


class CommunityQuotaSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    community_name = serializers.CharField()
    street = serializers.IntegerField()
    as_of = serializers.DateField()
    households = serializers.IntegerField()
    party_members = serializers.IntegerField()
    is_complex = serializers.BooleanField()
    figures_recorded_at = serializers.DateTimeField(
        allow_null=True, help_text="所用户数、党员数、复杂标志的登记时间（as_of 为过去日期时取当日的登记记录；null 为当前记录）")
    party_organization = serializers.CharField(help_text=_KIND_HELP)
    party_organization_label = serializers.CharField()
    committee_members = serializers.IntegerField()
    grid_workers = serializers.IntegerField(help_text="标准：每500户1名，向上取整（三(四)2）")
    grid_workers_max = serializers.IntegerField(help_text="可增配至：情况复杂社区每300户1名；其他社区同标准")
    grid_workers_covered_by_committee = serializers.IntegerField()
    fulltime_grid_workers_to_hire = serializers.IntegerField()
    fulltime_grid_workers_given_actual_committee = serializers.IntegerField()
    work_funds = serializers.IntegerField(help_text="元/年")
    party_building_funds = serializers.IntegerField(help_text="元/年，按实际设立的党组织核定（五(二)）")
    party_building_funds_organization = serializers.CharField(help_text=_KIND_HELP)
    party_building_funds_note = serializers.CharField(allow_blank=True, help_text="实际党组织与三(一)应设不符时的说明")
    station_staff_cap = serializers.IntegerField()
    basis = BasisSerializer(many=True)
    actual = CommunityActualSerializer()
    gaps = GapSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class StreetActualSerializer(serializers.Serializer):
    staff = serializers.IntegerField()
    excluded_staff = serializers.DictField(child=serializers.IntegerField())
    principal_posts = serializers.IntegerField()
    deputy_posts = serializers.IntegerField()
    seconded_leaders = serializers.IntegerField()
    organisation_members = serializers.IntegerField()
    npc_directors = serializers.IntegerField()
    npc_deputy_directors = serializers.IntegerField()
    npc_members = serializers.IntegerField()
    npc_members_not_deputies = serializers.IntegerField()
    career_posts_total = serializers.IntegerField()


class NpcCommitteeSerializer(serializers.Serializer):
    directors = serializers.IntegerField()
    deputy_directors = serializers.IntegerField()
    members_min = serializers.IntegerField()
    members_max = serializers.IntegerField()


class CommunityTotalsSerializer(serializers.Serializer):
    communities = serializers.IntegerField()
    committee_members_quota = serializers.IntegerField()
    committee_members_actual = serializers.IntegerField()
    grid_workers_quota = serializers.IntegerField()
    fulltime_grid_workers_quota = serializers.IntegerField()
    fulltime_grid_workers_actual = serializers.IntegerField()
    work_funds = serializers.IntegerField()
    party_building_funds = serializers.IntegerField()


class StreetQuotaSerializer(serializers.Serializer):
    street = serializers.IntegerField()
    street_name = serializers.CharField()
    as_of = serializers.DateField()
    staff_cap = serializers.IntegerField()
    counted_categories = serializers.ListField(child=serializers.CharField())
    excluded_categories = serializers.ListField(child=serializers.CharField())
    principal_posts = serializers.IntegerField()
    deputy_posts = serializers.IntegerField()
    organisation_members = serializers.IntegerField()
    npc_committee = NpcCommitteeSerializer()
    extra_career_posts = serializers.IntegerField()
    basis = BasisSerializer(many=True)
    actual = StreetActualSerializer()
    gaps = GapSerializer(many=True)
    communities = CommunityQuotaSerializer(many=True, help_text="社区明细，每页50条（?page=）")
    communities_count = serializers.IntegerField()
    communities_next = serializers.URLField(allow_null=True)
    communities_previous = serializers.URLField(allow_null=True)
    community_totals = CommunityTotalsSerializer(help_text="全部社区的合计")
    notes = serializers.ListField(child=serializers.CharField())


class BudgetLineSerializer(serializers.Serializer):
    street = serializers.IntegerField(allow_null=True)
    street_name = serializers.CharField()
    communities = serializers.IntegerField()
    households = serializers.IntegerField()
    party_members = serializers.IntegerField()
    committee_members = serializers.IntegerField()
    grid_workers = serializers.IntegerField()
    fulltime_grid_workers = serializers.IntegerField()
    work_funds = serializers.IntegerField()
    party_building_funds = serializers.IntegerField()
    awards = serializers.IntegerField()
    award_count = serializers.IntegerField()
    total = serializers.IntegerField()


class AwardSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    person_name = serializers.CharField()
    community = serializers.IntegerField()
    community_name = serializers.CharField()
    street_name = serializers.CharField()
    service_start = serializers.DateField()
    years = serializers.IntegerField()
    anniversary = serializers.DateField()
    amount = serializers.IntegerField()
    honours = serializers.CharField()
    eligible = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    basis = BasisSerializer(many=True)


class BudgetSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    lines = BudgetLineSerializer(many=True)
    totals = BudgetLineSerializer()
    awards = AwardSerializer(many=True, help_text="奖励名单，每页50条（?page=）；合计见 totals")
    awards_count = serializers.IntegerField()
    awards_next = serializers.URLField(allow_null=True)
    awards_previous = serializers.URLField(allow_null=True)
    basis = BasisSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


# --- payloads --------------------------------------------------------------------------------------

def gap_payload(g: Gap) -> dict:
    return {"item": g.item, "label": g.label, "quota": g.quota, "actual": g.actual, "difference": g.difference,
            "status": g.status, "status_label": g.status_label, "clause": g.clause}


def community_payload(r: CommunityQuotaReport) -> dict:
    q, c = r.quota, r.community
    return {
        "community": c.pk, "community_name": c.name, "street": c.street_id, "as_of": q.as_of,
        "households": q.households, "party_members": q.party_members, "is_complex": q.is_complex,
        "figures_recorded_at": getattr(c, "figures_recorded_at", None),
        "party_organization": q.party_organization.value, "party_organization_label": q.party_organization_label,
        "committee_members": q.committee_members.value, "grid_workers": q.grid_workers.value,
        "grid_workers_max": q.grid_workers_max.value,
        "grid_workers_covered_by_committee": q.grid_covered_by_committee.value,
        "fulltime_grid_workers_to_hire": q.fulltime_grid_workers.value,
        "fulltime_grid_workers_given_actual_committee": r.fulltime_grid_workers_given_actual_committee,
        "work_funds": q.work_funds.value, "party_building_funds": q.party_building_funds.value,
        "party_building_funds_organization": q.funds_organization, "party_building_funds_note": q.funds_note,
        "station_staff_cap": q.station_staff_cap.value,
        "basis": q.basis, "actual": r.actual, "gaps": [gap_payload(g) for g in r.gaps], "notes": NOTES,
    }


def _whole(items: list, name: str) -> dict:
    return {name: items, f"{name}_count": len(items), f"{name}_next": None, f"{name}_previous": None}


def street_payload(r: StreetQuotaReport, *, page=None) -> dict:
    """`page(items)` picks the page of the communities to list (assessments.api.paged); all of them without it."""
    q = r.quota
    return {
        "street": r.street.pk, "street_name": r.street.name, "as_of": q.as_of,
        "staff_cap": q.staff_cap.value, "counted_categories": q.counted_categories,
        "excluded_categories": q.excluded_categories, "principal_posts": q.principal_posts.value,
        "deputy_posts": q.deputy_posts.value, "organisation_members": q.organisation_members.value,
        "npc_committee": {"directors": q.npc_directors.value, "deputy_directors": q.npc_deputy_directors.value,
                          "members_min": q.npc_members_min.value, "members_max": q.npc_members_max.value},
        "extra_career_posts": q.extra_career_posts.value,
        "basis": q.basis, "actual": r.actual, "gaps": [gap_payload(g) for g in r.gaps],
        **{k: [community_payload(c) for c in v] if k == "communities" else v
           for k, v in (page or (lambda items: _whole(items, "communities")))(r.communities).items()},
        "community_totals": r.community_totals,
        "notes": NOTES,
    }


def _line_payload(line: BudgetLine) -> dict:
    return {
        "street": line.street.pk if line.street else None, "street_name": line.street.name if line.street else "全区合计",
        "communities": line.communities, "households": line.households, "party_members": line.party_members,
        "committee_members": line.committee_members, "grid_workers": line.grid_workers,
        "fulltime_grid_workers": line.fulltime_grid_workers, "work_funds": line.work_funds,
        "party_building_funds": line.party_building_funds, "awards": line.awards, "award_count": line.award_count,
        "total": line.total,
    }


def award_payload(row: AwardRow) -> dict:
    a = row.award
    return {
        "person": row.person.pk, "person_name": row.person.name, "community": row.community.pk,
        "community_name": row.community.name, "street_name": row.community.street.name,
        "service_start": row.person.community_service_start, "years": a.years, "anniversary": a.anniversary,
        "amount": a.amount, "honours": a.honours, "eligible": a.eligible, "reason": a.reason, "basis": list(a.basis),
    }


def budget_payload(b: DistrictBudget, *, page=None) -> dict:
    awards = (page or (lambda items: _whole(items, "awards")))(b.awards)
    awards["awards"] = [award_payload(a) for a in awards["awards"]]
    return {
        "year": b.year, "as_of": b.as_of, "lines": [_line_payload(line) for line in b.lines],
        "totals": _line_payload(b.totals), **awards, "basis": b.basis,
        "notes": NOTES,
    }

"""Quota endpoints: the viewsets' `quotas` actions call these; `quotas/summary/` is a small APIView."""

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from assessments import selectors
from assessments.serializers import (
    AsOfQuerySerializer,
    BudgetSummarySerializer,
    CommunityQuotaSerializer,
    StreetQuotaSerializer,
    YearQuerySerializer,
    budget_payload,
    community_payload,
    street_payload,
)
from communities.selectors import communities_for_user
from governance.api import ScopedObjectMixin
from governance.permissions import ScopedModelPermissions
from streets.selectors import streets_for_user

AS_OF_PARAMETER = OpenApiParameter("as_of", str, description="计算日期 YYYY-MM-DD（默认今天）", required=False)
YEAR_PARAMETER = OpenApiParameter("year", int, description="预算年度（默认今年），按当年1月1日生效的规则测算",
                                  required=False)
PAGE_SIZE = 50
PAGE_PARAMETER = OpenApiParameter("page", int, required=False,
                                  description="页码：街道的社区明细、预算的奖励名单每页50条；合计始终为全部。")


community_quotas_schema = extend_schema(parameters=[AS_OF_PARAMETER], responses=CommunityQuotaSerializer,
                                        summary="社区定额、经费与差距（三(一)、三(四)2、五(二)）")
street_quotas_schema = extend_schema(parameters=[AS_OF_PARAMETER, PAGE_PARAMETER], responses=StreetQuotaSerializer,
                                     summary="街道定额与差距（二(二)）及所辖社区")


def paged(request, items: list, name: str) -> dict:
    """One page (50) of a report's long list, with `<name>_count`, `<name>_next`, `<name>_previous`; the
    report's totals stay whole (issue 14: nothing district-wide unbounded)."""
    raw = request.query_params.getlist("page")
    if len(raw) > 1 or (raw and not (raw[0].isascii() and raw[0].isdigit() and 0 < int(raw[0]) <= 1_000_000)):
        raise ValidationError({"page": [_("页码须为正整数。")]})  # not a silent first page
    paginator = Paginator(items, PAGE_SIZE)
    number = int(raw[0]) if raw else 1
    if number > max(paginator.num_pages, 1):
        raise NotFound(_("页码超出范围。"))
    page = paginator.get_page(number)

    def link(number):
        return replace_query_param(request.build_absolute_uri(), "page", number) if number else None

    return {name: list(page.object_list), f"{name}_count": page.paginator.count,
            f"{name}_next": link(page.next_page_number() if page.has_next() else None),
            f"{name}_previous": link(page.previous_page_number() if page.has_previous() else None)}


def _as_of(request):
    query = AsOfQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_as_of()


def community_quotas_response(request, community) -> Response:
    report = selectors.community_quota_report(community=community, on=_as_of(request))
    return Response(CommunityQuotaSerializer(community_payload(report)).data)


def street_quotas_response(request, street) -> Response:
    report = selectors.street_quota_report(street=street, user=request.user, on=_as_of(request))
    return Response(StreetQuotaSerializer(street_payload(report, page=lambda items: paged(request, items, "communities"))).data)


class CommunityQuotasView(ScopedObjectMixin, GenericAPIView):
    """三(一), 三(四)2, 五(二) quotas beside the community's actual figures, each with its basis."""

    permission_classes = [ScopedModelPermissions]

    def get_queryset(self):
        return communities_for_user(user=self.request.user)

    @community_quotas_schema
    def get(self, request, pk=None):
        return community_quotas_response(request, self.get_object())


class StreetQuotasView(ScopedObjectMixin, GenericAPIView):
    """二(二) quotas beside the street's actual staffing, with its communities' quotas and gaps."""

    permission_classes = [ScopedModelPermissions]

    def get_queryset(self):
        return streets_for_user(user=self.request.user)

    @street_quotas_schema
    def get(self, request, pk=None):
        return street_quotas_response(request, self.get_object())


class QuotaSummaryView(APIView):
    """The district budget by street for a year: work funds, party-building funds, long-service awards.

    Scoped: a street's staff get their street only.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR_PARAMETER, PAGE_PARAMETER], responses=BudgetSummarySerializer,
                   summary="全区定额经费预算汇总（五(二)、五(四)）")
    def get(self, request):
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        budget = selectors.district_budget(user=request.user, year=query.validated_year(), keep_communities=False,
                                           award_start=selectors.award_page_start(request.query_params.get("page")))
        return Response(BudgetSummarySerializer(budget_payload(budget, page=lambda items: paged(request, items, "awards"))).data)

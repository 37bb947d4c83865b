"""API list pagination: 50 a page, and a count that stays cheap however long the list (issue 14); `?page=`
with no number is a 400.

Up to COUNT_EXACT_LIMIT rows the count is exact (counted with a bounded query, `LIMIT COUNT_EXACT_LIMIT + 1`);
past it, on PostgreSQL, the count is the planner's estimate of the query's rows and the response says so
(`"count_is_estimate": true`): counting 200,000 posts exactly on every page costs more than the page.
"""

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

COUNT_EXACT_LIMIT = getattr(settings, "API_COUNT_EXACT_LIMIT", 10_000)


def estimated_rows(queryset) -> int | None:
    """The PostgreSQL planner's estimate of the rows `queryset` returns; None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


BOUNDED_COUNT = "_governance_bounded_count"


def with_bounded_count(queryset):
    """`queryset` with one more column on every row, BOUNDED_COUNT: the number of its rows up to
    COUNT_EXACT_LIMIT + 1, the paginator's bounded count, as an uncorrelated scalar subquery (which the database
    computes once) — or None where that column could change what the rows are: a queryset of values, a
    combination (UNION), DISTINCT, GROUP BY, or a slice."""
    query = queryset.query
    if (queryset._iterable_class is not ModelIterable or query.combinator or query.distinct or query.is_sliced
            or query.group_by is not None or query.is_empty()):
        return None
    inner = queryset.order_by().values("pk")[: COUNT_EXACT_LIMIT + 1]
    try:
        sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None
    return queryset.annotate(**{BOUNDED_COUNT: RawSQL(f"SELECT COUNT(*) FROM ({sql}) {BOUNDED_COUNT}", params,
                                                      output_field=IntegerField())})


class CheapCountPaginator(Paginator):
    count_is_estimate = False

    def page(self, number):
        # A first page that is not full is the whole list: its length is the count, no count query.
        # A full first page keeps the rows it read (one more than the page), which came with the list's bounded
        # count in one column (`with_bounded_count`): one query, not a page and a count (issue 14). Past
        # COUNT_EXACT_LIMIT, or for a queryset that cannot take the column, `count` below is still asked.
        if str(number) == "1" and "count" not in self.__dict__ and hasattr(self.object_list, "query"):
            counted = with_bounded_count(self.object_list)
            rows = list((self.object_list if counted is None else counted)[: self.per_page + 1])
            bounded = None
            if counted is not None:
                for row in rows:
                    bounded = row.__dict__.pop(BOUNDED_COUNT, None)
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)
                return self._get_page(rows, 1, self)
            if bounded is not None and bounded <= COUNT_EXACT_LIMIT:
                self.__dict__["count"] = bounded
            elif bounded is not None:
                self._bounded = bounded  # past the limit: `count` goes straight to the estimate, not counting again
            return self._get_page(rows[: self.per_page], 1, self)
        return super().page(number)

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return len(queryset)
        bounded = getattr(self, "_bounded", None)
        if bounded is None:
            bounded = queryset.order_by()[:COUNT_EXACT_LIMIT + 1].count()
        if bounded <= COUNT_EXACT_LIMIT:
            return bounded
        estimate = estimated_rows(queryset)
        if estimate is None:
            return queryset.count()
        self.count_is_estimate = True
        return max(estimate, bounded)


class GovernancePagination(PageNumberPagination):
    """PageNumberPagination (settings.REST_FRAMEWORK PAGE_SIZE) with CheapCountPaginator's count."""

    django_paginator_class = CheapCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # `?page=` with no number is refused (400) rather than read as page 1, like every other empty query
        # value (governance/filter_values.py).
        if request.query_params.get(self.page_query_param, None) == "":
            raise ValidationError({self.page_query_param: [_("页码不能为空：第一页请省略该参数。")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.count_is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": f"true when the list has more than {COUNT_EXACT_LIMIT} rows: `count` is then the "
                           "database's estimate, not an exact count (pages still follow `next`).",
        }
        return schema

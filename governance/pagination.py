"""API list pagination: 50 a page, and a count that stays cheap however long the list (issue 14); `?page=`
with no number is a 400.

Up to COUNT_EXACT_LIMIT rows the count is exact (counted with a bounded query, `LIMIT COUNT_EXACT_LIMIT + 1`);
past it, on PostgreSQL, the count is the planner's estimate of the query's rows and the response says so
(`"count_is_estimate": true`): counting 200,000 posts exactly on every page costs more than the page.
Both come in one statement (`count_sql`), on a full first page inside the page query itself: a list runs as
many queries at 100 rows as at 100,000. The estimate is read by a SQL function, `governance_count_estimate`
(migration governance/0018, where its safety is set out), which EXPLAINs the SQL the ORM compiled.
"""

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

COUNT_EXACT_LIMIT = getattr(settings, "API_COUNT_EXACT_LIMIT", 10_000)


ESTIMATE_FUNCTION = "governance_count_estimate"  # migration governance/0018_count_estimate: its safety there
BOUNDED_COUNT = "_governance_bounded_count"


def estimates(using) -> bool:
    """Whether the database `using` gives the planner's estimate past COUNT_EXACT_LIMIT (PostgreSQL); elsewhere
    the count stays exact."""
    return connections[using].vendor == "postgresql"


def countable(queryset) -> bool:
    """Whether `count_sql` can count `queryset` (through its primary keys) and `with_bounded_count` add the
    count as a column: not a queryset of values, a combination (UNION), GROUP BY, or a slice, whose rows that
    column or those keys could change. A plain DISTINCT of model rows is countable (its rows are distinct
    exactly when their keys are: a scoped list joined through a many-to-many), not DISTINCT ON nor DISTINCT
    with annotations (which a join could make differ for one key)."""
    query = queryset.query
    return not (queryset._iterable_class is not ModelIterable or query.combinator or query.is_sliced
                or query.group_by is not None or query.is_empty()
                or (query.distinct and (query.distinct_fields or query.annotations)))


def count_sql(queryset, *, estimate_of=None):
    """SQL and params of one value: the number of `queryset`'s rows up to COUNT_EXACT_LIMIT + 1 (a bounded
    count) — and on PostgreSQL, past COUNT_EXACT_LIMIT, the planner's estimate of its rows instead (never less
    than the bounded count), in the same statement: a CASE on the bounded count calls ESTIMATE_FUNCTION, so
    below the limit the estimate costs nothing. So a value above COUNT_EXACT_LIMIT is an estimate there.

    The estimate's argument is the queryset's SQL as the ORM compiled it, rendered by the driver
    (`compose_sql`: psycopg's quoting of every parameter) and passed as a bound parameter, never formatted into
    the statement. `estimate_of` gives that argument instead (a lean list's compiled read passes it as a parameter
    of its own: governance/lean_list.py). Raises EmptyResultSet for a queryset that can match nothing."""
    inner = queryset.order_by().values("pk")[: COUNT_EXACT_LIMIT + 1]
    sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    sql = f"SELECT COUNT(*) FROM ({sql}) {BOUNDED_COUNT}"
    if not estimates(queryset.db):
        return sql, tuple(params)
    if estimate_of is None:
        whole = queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
        estimate_of = connections[queryset.db].ops.compose_sql(*whole)
    return (f"SELECT CASE WHEN n > {int(COUNT_EXACT_LIMIT)} THEN GREATEST({ESTIMATE_FUNCTION}(%s), n) ELSE n END "
            f"FROM ({sql}) {BOUNDED_COUNT}_n (n)", (estimate_of, *params))


def with_bounded_count(queryset, *, estimate_of=None):
    """`queryset` with one more column on every row, BOUNDED_COUNT: `count_sql` (its bounded count, or past the
    limit on PostgreSQL its estimate), as an uncorrelated scalar subquery (which the database computes once) —
    or None where that column could change what the rows are (`countable`)."""
    if not countable(queryset):
        return None
    try:
        sql, params = count_sql(queryset, estimate_of=estimate_of)
    except EmptyResultSet:
        return None
    return queryset.annotate(**{BOUNDED_COUNT: RawSQL(sql, params, output_field=IntegerField())})


class CheapCountPaginator(Paginator):
    count_is_estimate = False

    def page(self, number):
        # A first page that is not full is the whole list: its length is the count, no count query.
        # A full first page keeps the rows it read (one more than the page), which came with the list's count in
        # one column (`with_bounded_count`: exact up to COUNT_EXACT_LIMIT, past it on PostgreSQL the planner's
        # estimate): one query, at every length of the list (issue 14). For a queryset that cannot take the
        # column, and on SQLite past the limit, `count` below is still asked.
        if hasattr(self.object_list, "read_counted"):
            return self._lean_page(number)
        if str(number) == "1" and "count" not in self.__dict__ and hasattr(self.object_list, "query"):
            counted = with_bounded_count(self.object_list)
            rows = list((self.object_list if counted is None else counted)[: self.per_page + 1])
            counts = None
            if counted is not None:
                for row in rows:
                    counts = row.__dict__.pop(BOUNDED_COUNT, None)
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)
                return self._get_page(rows, 1, self)
            if counts is not None and (counts <= COUNT_EXACT_LIMIT or estimates(self.object_list.db)):
                self.__dict__["count"] = self._counted(counts)
            elif counts is not None:
                self._past_limit = True  # SQLite: `count` goes straight to the exact count, not counting again
            return self._get_page(rows[: self.per_page], 1, self)
        return super().page(number)

    def _lean_page(self, number):
        """A page of a lean list's plain rows (governance/lean_list.py: LeanRows): on every page the rows come with the
        list's count (`with_bounded_count`) in one query; the page and the count are Paginator.page's for the list's
        queryset, whose count is asked (as the ORM path asks it) where no row carries it: a page past the end, a list
        the column cannot count, SQLite past COUNT_EXACT_LIMIT."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if bottom > 2**31:  # no list is that long: no OFFSET the database would refuse
            number = self.validate_number(number)
        rows, counted = self.object_list.read_counted(offset=bottom, limit=self.per_page + 1)
        if "count" not in self.__dict__:
            if number == 1 and len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # the whole list
            elif rows and counted is not None and (counted <= COUNT_EXACT_LIMIT or estimates(self.object_list.db)):
                self.__dict__["count"] = self._counted(counted)
            elif rows and counted is not None:
                self.__dict__["count"] = self.object_list.queryset().count()  # SQLite past the limit: exact
        number = self.validate_number(number)  # `count` below where it was not found
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows[: max(top - bottom, 0)], number, self)

    def _counted(self, value):
        """The count from `count_sql`'s value: above COUNT_EXACT_LIMIT it is the planner's estimate."""
        if value > COUNT_EXACT_LIMIT:
            self.count_is_estimate = True
        return value

    @cached_property
    def count(self):
        queryset = self.object_list
        if hasattr(queryset, "read_counted"):  # a lean list: its queryset counted as the ORM path counts it
            ordinary = CheapCountPaginator(queryset.queryset(), self.per_page, orphans=self.orphans,
                                           allow_empty_first_page=self.allow_empty_first_page)
            value = ordinary.count
            self.count_is_estimate = ordinary.count_is_estimate
            return value
        if not hasattr(queryset, "query"):
            return len(queryset)
        if getattr(self, "_past_limit", False):
            return queryset.count()
        if countable(queryset):
            try:
                sql, params = count_sql(queryset)
            except EmptyResultSet:
                return 0
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(sql, params)
                value = cursor.fetchone()[0]
            if value <= COUNT_EXACT_LIMIT or estimates(queryset.db):
                return self._counted(value)
            return queryset.count()  # SQLite past the limit: exact
        # A queryset `count_sql` cannot count through its keys (values, DISTINCT, UNION…): a bounded count, then
        # past the limit the estimate (one query more).
        bounded = queryset.order_by()[:COUNT_EXACT_LIMIT + 1].count()
        if bounded <= COUNT_EXACT_LIMIT or not estimates(queryset.db):
            return bounded if bounded <= COUNT_EXACT_LIMIT else queryset.count()
        connection = connections[queryset.db]
        with connection.cursor() as cursor:
            # as a subquery: a combination compiles to "(SELECT …) UNION (…)", which the function refuses
            whole = connection.ops.compose_sql(*queryset.order_by().query.sql_with_params())
            cursor.execute(f"SELECT {ESTIMATE_FUNCTION}(%s)", [f"SELECT 1 FROM ({whole}) {BOUNDED_COUNT}"])
            estimate = cursor.fetchone()[0]
        return self._counted(max(estimate or 0, bounded))


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

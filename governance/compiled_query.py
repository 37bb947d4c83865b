"""A read of fixed shape, compiled to SQL once per process: the ORM's fixed cost off a hot read.

Building a queryset and compiling it costs about a millisecond, whatever the rows; a hot read of 50 rows by
an index costs less than that (benchmarks/stations_scale.py). A `CompiledQuery` builds its queryset with the
ORM once per shape, takes the compiled SQL, and from then on runs that SQL with a cursor, with the call's values
in place of the parameters: the same rows the ORM would return, without the ORM's cost per call.

    def _open_cases(*, section, station_id, today):           # the ORM read; must be a values() queryset
        qs = ServiceCase.objects.filter(station_id=station_id, status__in=OPEN).values("id", "due_date")
        return qs.filter(due_date__lt=today) if section == "overdue" else qs

    OPEN_CASES = CompiledQuery(_open_cases)
    OPEN_CASES.rows(shape={"section": "overdue"}, station_id=7, today=today, limit=50)   # list of dicts
    OPEN_CASES.bind(shape={"section": "open"}, station_id=7, today=today)[100:150]       # sliceable (Paginator)

How the parameters are found: the queryset is built twice with distinctive sentinel values for the params
(ints, strings, dates, datetimes, and tuples or lists of them), and each position of the compiled parameters is
matched to the sentinel it holds (as the backend adapts it: SQLite binds dates as strings). Both builds must
compile to the same SQL with the sentinels at the same places, and every parameter that is not a sentinel
(a constant such as a status) must be equal in both; otherwise the read refuses to be compiled
(`NotCompilable`) rather than run SQL that might not be the ORM's. A parameter the ORM transforms (a
`__contains` wraps it in %...%) is caught the same way.

What must be a param and what the shape: a param is a value the SQL only carries (an id, a date); everything
that decides the SQL's text goes in `shape` (a section name, a flag, None, anything hashable) and is passed to
the build as is. An empty string and 0 are passed as they are and count as shape (a build may skip a filter on
them). The cache key is the shape, the length of each tuple param, the types of the params, the database
alias and the active time zone (a `__date` lookup names it in the SQL). The build must not read anything else
that changes its SQL (the user, settings, the time): pass it in. A build whose query is empty
(`none()`, `pk__in=[]`) answers no rows without a query, as the ORM does.

Limits and offsets are appended as parameters (`LIMIT %s OFFSET %s`, PostgreSQL and SQLite); the build must not
slice. Rows come back as dicts (a `values()` queryset) or tuples (`values_list()`, not flat), through the same
converters the ORM applies (SQLite's dates, JSON fields).
"""

import datetime
import itertools
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable, ValuesListIterable
from django.utils import timezone


class NotCompilable(Exception):
    """The build's SQL depends on its params' values, or transforms them: it cannot be cached safely."""


def _sentinel(value, round_: int, serial: int):
    """A value of the same kind as `value`, distinctive, different in each round and for each serial."""
    n = round_ * 1000 + serial
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{value!r} decides the SQL's shape (IS NULL, a branch): pass it in shape=")
    if isinstance(value, (int, str)) and not value:
        return value  # 0 and "" are kept as they are, and in the key: a build may well branch on them
    if isinstance(value, int):
        return 1_900_000_000 + n  # within a 32-bit integer column's range (out of range compiles differently)
    if isinstance(value, str):
        return f"\x1fcompiled-query-{n}\x1f"
    if isinstance(value, datetime.datetime):
        base = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=value.tzinfo and datetime.UTC)
        return base + datetime.timedelta(days=n, seconds=n)
    if isinstance(value, datetime.date):
        return datetime.date(1901, 2, 3) + datetime.timedelta(days=n)
    raise TypeError(f"a param must be an int, str, date, datetime or a tuple of them, not {type(value).__name__}; "
                    "pass what decides the SQL in shape=")


def _kind(value) -> tuple:
    """What of a param's value goes in the cache key: its type, and for a tuple its length and its items' types."""
    if isinstance(value, (list, tuple)):
        return ("seq", len(value), tuple(_kind(v) for v in value))
    if isinstance(value, (int, str)) and not value:
        return (type(value), value)  # see _sentinel
    return (type(value),)


class _Compiled:
    __slots__ = ("sql", "slots", "names", "tuples", "converters", "empty")

    def __init__(self, *, sql="", slots=(), names=(), tuples=False, converters=(), empty=False):
        self.sql, self.slots, self.names, self.tuples = sql, slots, names, tuples
        self.converters, self.empty = converters, empty


class CompiledQuery:
    """A values() read of fixed shape, compiled once per shape and process (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._cache: dict[tuple, _Compiled] = {}

    # --- reading -------------------------------------------------------------------------------------

    def rows(self, *, shape: dict | None = None, limit: int | None = None, offset: int = 0, **params) -> list:
        """The rows the build's queryset gives for these params (sliced [offset:offset + limit])."""
        shape = shape or {}
        compiled = self._compiled(shape, params)
        if compiled.empty or limit == 0:
            return []
        values = _values(compiled, params)
        sql = compiled.sql
        if limit is not None:
            sql, values = f"{sql} LIMIT %s OFFSET %s", [*values, limit, offset]
        elif offset:  # SQLite takes no OFFSET without a LIMIT; -1 is none
            sql = f"{sql} LIMIT -1 OFFSET %s" if connections[self.using].vendor == "sqlite" else f"{sql} OFFSET %s"
            values.append(offset)
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, values)
            found = cursor.fetchall()
        if compiled.converters:
            connection = connections[self.using]
            converted = []
            for row in found:
                row = list(row)
                for pos, (convs, expression) in compiled.converters:
                    value = row[pos]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[pos] = value
                converted.append(row)
            found = converted
        if compiled.tuples:
            return [tuple(row) for row in found]
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in found]

    def bind(self, *, shape: dict | None = None, **params) -> "BoundQuery":
        """The read with its params given, sliced later (a Paginator's object_list)."""
        return BoundQuery(self, shape or {}, params)

    def sql(self, *, shape: dict | None = None, **params) -> tuple[str, list]:
        """The cached SQL and the params it would run with (for tests and EXPLAIN)."""
        shape = shape or {}
        compiled = self._compiled(shape, params)
        return compiled.sql, _values(compiled, params)

    # --- compiling -----------------------------------------------------------------------------------

    def _compiled(self, shape: dict, params: dict) -> _Compiled:
        key = (tuple(sorted(shape.items())), tuple(sorted((name, _kind(v)) for name, v in params.items())),
               self.using, timezone.get_current_timezone_name())
        compiled = self._cache.get(key)
        if compiled is None:
            compiled = self._cache[key] = self._compile(shape, params)
        return compiled

    def _compile_round(self, shape: dict, params: dict, round_: int):
        serial = itertools.count()
        sentinels = {}  # name -> sentinel (or tuple of sentinels)
        for name, value in params.items():
            if isinstance(value, (list, tuple)):
                sentinels[name] = type(value)(_sentinel(v, round_, next(serial)) for v in value)
            else:
                sentinels[name] = _sentinel(value, round_, next(serial))
        queryset = self.build(**shape, **sentinels)
        if not isinstance(queryset, QuerySet) or queryset._iterable_class not in (ValuesIterable, ValuesListIterable):
            raise NotCompilable("the build must return a values() or values_list() queryset")
        query = queryset.query
        if query.is_sliced:
            raise NotCompilable("the build must not slice: pass limit= and offset= to rows()")
        compiler = query.get_compiler(using=self.using)
        try:
            sql, compiled_params = compiler.as_sql()
        except EmptyResultSet:
            return None, None, None, None
        ops = connections[self.using].ops
        # Each sentinel as the backend binds it, with the adapter that makes a call's value so.
        forms = {}
        for name, sentinel in sentinels.items():
            for index, one in (enumerate(sentinel) if isinstance(sentinel, (list, tuple)) else [(None, sentinel)]):
                adapters = [None]
                if isinstance(one, datetime.datetime):
                    adapters.append(ops.adapt_datetimefield_value)
                elif isinstance(one, datetime.date):
                    adapters.append(ops.adapt_datefield_value)
                if isinstance(one, (int, str)) and not one:
                    continue  # 0 or "": in the key, so a constant of the SQL
                for adapt in adapters:
                    form = adapt(one) if adapt else one
                    forms.setdefault((type(form), form), (name, index, adapt))
        slots = []
        for param in compiled_params:
            try:
                slot = forms.get((type(param), param))
            except TypeError:  # unhashable constant
                slot = None
            slots.append(slot if slot is not None else _Constant(param))
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [s[0] for s in compiler.select[0:compiler.col_count]]
        converters = [(pos, (convs, expression)) for pos, (convs, expression) in compiler.get_converters(fields).items()]
        return sql, slots, (names, queryset._iterable_class is ValuesListIterable), converters

    def _compile(self, shape: dict, params: dict) -> _Compiled:
        first = self._compile_round(shape, params, 1)
        second = self._compile_round(shape, params, 2)
        if first[0] is None or second[0] is None:
            if first[0] is None and second[0] is None:
                return _Compiled(empty=True)
            raise NotCompilable("the query is empty for some values of its params only: pass what decides it in shape=")
        sql, slots, (names, tuples), converters = first

        def comparable(found):
            return [s if s.__class__ is tuple else ("constant", type(s.value), s.value) for s in found]

        # The same text with the sentinels at the same places, and the same constants: else a value shaped the SQL,
        # or the ORM transformed a param (which would leave it as a constant that differs between the rounds).
        if second[0] != sql or comparable(second[1]) != comparable(slots):
            raise NotCompilable("the SQL depends on the params' values (or transforms them): pass what decides it "
                                f"in shape=\n{sql}\n{second[0]}")
        return _Compiled(sql=sql, slots=tuple(slots), names=tuple(names), tuples=tuples, converters=tuple(converters))


def _values(compiled: _Compiled, params: dict) -> list:
    """The compiled query's parameters for a call: its params where the sentinels were, the constants as compiled."""
    values = []
    for slot in compiled.slots:
        if slot.__class__ is tuple:  # (name, index, adapt) of a sentinel
            name, index, adapt = slot
            value = params[name] if index is None else params[name][index]
            values.append(adapt(value) if adapt else value)
        else:
            values.append(slot.value)
    return values


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class BoundQuery:
    """A CompiledQuery with its params: slicing it runs the SQL for those rows; iterating it, for all."""

    def __init__(self, query: CompiledQuery, shape: dict, params: dict):
        self.query, self.shape, self.params = query, shape, params

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("a compiled read is sliced, [start:stop]")
        start = item.start or 0
        if start < 0 or (item.stop is not None and item.stop < 0):
            raise ValueError("negative indexing is not supported")
        limit = None if item.stop is None else max(item.stop - start, 0)
        return self.query.rows(shape=self.shape, limit=limit, offset=start, **self.params)

    def __iter__(self):
        return iter(self.query.rows(shape=self.shape, **self.params))

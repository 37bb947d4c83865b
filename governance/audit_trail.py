"""The audit trail as reviewers page through it: filtered by who, when, what kind of object and what
action, 50 rows a page, in a constant number of queries whatever the page or the number of rows.

One UNION over the history tables of every audited model (governance.registry.audited) orders and counts (date, table, row id);
the page's rows are then read per table, with the version before each (a correlated subquery), and
made readable by governance.audit._readable. The reason a clerk gave (e.g. for 离任) is kept too.
"""

import datetime
import functools
import json
from dataclasses import dataclass

from django.apps import apps
from django.db import connections
from django.db.models import CharField, DecimalField, F, IntegerField, JSONField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from governance import derived
from governance.audit import _SKIP, _TYPES, AuditEntry, _readable
from governance.models import Post
from governance.registry import registry

# The audited models, and the record of changes to accounts (contrib's User has no history of its own).


class _Trail:
    """The audited models, as the apps registered them (governance.registry.audited), in a stable order."""

    def __iter__(self):
        return iter(registry.audited)

    def index(self, label):
        return registry.audited.index(label)

    def __getitem__(self, i):
        return registry.audited[i]


TRAIL = _Trail()

PAGE_SIZE = 50


def audited_models() -> list[tuple[str, str]]:
    """(label, Chinese name) of every audited model, for the 对象 filter."""
    return [(label, str(apps.get_model(label)._meta.verbose_name)) for label in TRAIL]


ACTIONS = list(_TYPES.items())  # ("+", "新增"), ("~", "修改"), ("-", "删除")


@dataclass(frozen=True)
class AuditFilters:
    user_id: int | None = None
    model: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@functools.cache
def _history(label: str):
    """The model's history model (simple_history's `Model.history` builds a manager class on every access:
    some 1.5 ms each, some 130 of them a page)."""
    return apps.get_model(label).history.model


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _history_qs(label: str, index: int, filters: AuditFilters):
    history = _history(label)
    qs = history.objects.order_by()  # no ORDER BY inside a UNION
    if filters.user_id:
        qs = qs.filter(history_user_id=filters.user_id)
    if filters.action:
        qs = qs.filter(history_type=filters.action)
    if filters.date_from:
        qs = qs.filter(history_date__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(history_date__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return qs.annotate(table=Value(index, output_field=IntegerField())).values_list("history_date", "history_id", "table")


def _union(filters: AuditFilters):
    labels = [filters.model] if filters.model else TRAIL
    parts = [_history_qs(label, TRAIL.index(label), filters) for label in labels]
    qs = parts[0]
    return qs.union(*parts[1:], all=True) if len(parts) > 1 else qs


def audit_count(filters: AuditFilters) -> int:
    """How many entries the filters keep: every history row of the district (of one table), counted once per
    change of the data (governance/derived.py; a write is also a new history row), not on every page."""
    union = _union(filters)
    return derived.figure("audit.count", derived.queryset_key(union), union.count, using=union.db)


def audit_page(filters: AuditFilters, *, offset: int, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    keys = list(_union(filters).order_by("-history_date", "-history_id")[offset:offset + limit])
    return _entries(keys)


def audit_iter(filters: AuditFilters, *, chunk: int = 500):
    """Every entry after the filters, newest first, read a chunk at a time (for the Excel export)."""
    offset = 0
    while True:
        entries = audit_page(filters, offset=offset, limit=chunk)
        yield from entries
        if len(entries) < chunk:
            return
        offset += chunk


# A row read as JSON keeps its decimals' digits as text; every other value as JSON has it.
def _as_json(model):
    return JSONObject(**{f.attname: Cast(f.attname, CharField()) if isinstance(f, DecimalField) else F(f.attname)
                         for f in model._meta.concrete_fields})


def _json_value(f, value):
    if isinstance(value, str) and f.get_internal_type() == "JSONField":
        return value
    value = f.to_python(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):  # SQLite's text is UTC
        value = timezone.make_aware(value, datetime.timezone.utc)
    return value


def _row(model, data) -> dict:
    """A row read as JSON (`_as_json`) as its fields' Python values, by attname."""
    if isinstance(data, str):  # SQLite hands a nested JSON object over as text
        data = json.loads(data)
    return {f.attname: _json_value(f, data.get(f.attname)) for f in model._meta.concrete_fields}


def _page_rows(by_table: dict[int, list[int]]) -> list:
    """The page's history rows of every table at once, each with the version before it and who made it, and a
    post's holder's name: one query, whatever the tables on the page (issue 14: it was two queries a table)."""
    from governance.models import Person

    arms = []
    for table, ids in by_table.items():
        history = _history(TRAIL[table])
        previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")) \
            .order_by("-history_date", "-history_id").values(row=_as_json(history))[:1]
        holder = (Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("name")[:1])
                  if TRAIL[table] == "governance.Post" else Value(None, output_field=CharField()))
        arms.append(history.objects.order_by().filter(history_id__in=ids).annotate(
            t=Value(table, output_field=IntegerField()), hid=F("history_id"), row=_as_json(history),
            before=Subquery(previous, output_field=JSONField()), username=F("history_user__username"),
            first_name=F("history_user__first_name"), holder=holder,
        ).values_list("t", "hid", "row", "before", "username", "first_name", "holder"))
    if not arms:
        return []
    return list(arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0])


def _entries(keys) -> list[AuditEntry]:
    by_table: dict[int, list[int]] = {}
    for _date, history_id, table in keys:
        by_table.setdefault(table, []).append(history_id)
    rows: dict[tuple[int, int], AuditEntry] = {}
    kinds = dict(Post._meta.get_field("kind").flatchoices)
    post_table = TRAIL.index("governance.Post")
    for table, history_id, row_json, before_json, username, first_name, holder in _page_rows(by_table):
        model, history = apps.get_model(TRAIL[table]), _history(TRAIL[table])
        row = _row(history, row_json)
        prev = _row(history, before_json) if before_json is not None else None
        changes = []
        for f in model._meta.concrete_fields:
            if f.name in _SKIP:
                continue
            new = row[f.attname]
            old = prev[f.attname] if prev is not None else None
            if prev is None and row["history_type"] == "+":
                if new not in (None, "", False):
                    changes.append((f, None, new))
            elif old != new:
                changes.append((f, old, new))
        if table == post_table:  # a post has no name: "<person> · <post>"
            label = f"{holder or ''} · {kinds.get(row['kind'], row['kind'])} #{row['id']}"
        else:
            label = f"{row.get('name') or ''} #{row['id']}".strip()
        entry = AuditEntry(
            when=row["history_date"],
            who=(f"{first_name}（{username}）" if first_name else username) if username else "系统",
            model=str(model._meta.verbose_name),
            object_label=label,
            action=_TYPES.get(row["history_type"], row["history_type"]),
            changes=changes,
        )
        entry.reason = row["history_change_reason"] or ""
        rows[(table, history_id)] = entry
    entries = [rows[(table, history_id)] for _date, history_id, table in keys if (table, history_id) in rows]
    _readable(entries, names=_related_names)
    return entries


class _NeedsAnotherRow(Exception):
    pass


def _refuse_queries(execute, sql, params, many, context):
    raise _NeedsAnotherRow


def _related_names(wanted: dict) -> dict:
    """{model: {pk: str(row)}} of the related rows the page's changes name, in one query whatever the models:
    each row read as JSON with the rows its own foreign keys point to (an event category's parent, a cycle's
    scheme), so that its `str()` reads no other row; one that would is named by its name or its id."""
    models = [m for m, ids in wanted.items() if ids]
    arms = []
    for i, model in enumerate(models):
        parents = {f"fk_{f.name}": Subquery(f.related_model._base_manager.filter(pk=OuterRef(f.attname)).order_by()
                                            .values(row=_as_json(f.related_model))[:1], output_field=JSONField())
                   for f in model._meta.concrete_fields if f.is_relation}
        arms.append(model._default_manager.order_by().filter(pk__in=list(wanted[model])).annotate(
            m=Value(i, output_field=IntegerField()), row=JSONObject(own=_as_json(model), **parents)).values_list("m", "row"))
    if not arms:
        return {}
    names: dict = {}
    found = list(arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0])
    connection = connections[arms[0].db]
    for i, data in found:
        model = models[i]
        if isinstance(data, str):
            data = json.loads(data)
        obj = model(**_row(model, data["own"]))
        for f in model._meta.concrete_fields:
            if f.is_relation:
                parent = data.get(f"fk_{f.name}")
                obj._state.fields_cache[f.name] = (f.related_model(**_row(f.related_model, parent))
                                                   if parent is not None else None)
        try:
            with connection.execute_wrapper(_refuse_queries):
                label = str(obj)
        except _NeedsAnotherRow:
            label = next((str(getattr(obj, a)) for a in ("name", "title", "label") if getattr(obj, a, None)), f"#{obj.pk}")
        names.setdefault(model, {})[obj.pk] = label
    return names

"""The audit trail as reviewers page through it: filtered by who, when, what kind of object and what
action, 50 rows a page, in a constant number of queries whatever the page or the number of rows.

One UNION over the history tables of every audited model (governance.registry.audited) orders and counts (date, table, row id);
the page's rows are then read per table, with the version before each (a correlated subquery), and
made readable by governance.audit._readable. The reason a clerk gave (e.g. for 离任) is kept too.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from governance.audit import _SKIP, _TYPES, AuditEntry, _readable
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


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _history_qs(label: str, index: int, filters: AuditFilters):
    history = apps.get_model(label).history.model
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
    return _union(filters).count()


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


def _entries(keys) -> list[AuditEntry]:
    by_table: dict[int, list[int]] = {}
    for _date, history_id, table in keys:
        by_table.setdefault(table, []).append(history_id)
    rows: dict[tuple[int, int], AuditEntry] = {}
    for table, ids in by_table.items():
        model = apps.get_model(TRAIL[table])
        history = model.history.model
        previous_id = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")) \
            .order_by("-history_date", "-history_id").values("history_id")[:1]
        page_rows = list(history.objects.filter(history_id__in=ids).select_related("history_user")
                         .annotate(previous_id=Subquery(previous_id)))
        before = history.objects.in_bulk([r.previous_id for r in page_rows if r.previous_id])
        fields = [f for f in model._meta.concrete_fields if f.name not in _SKIP]
        for row in page_rows:
            prev = before.get(row.previous_id)
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(prev, f.attname) if prev is not None else None
                if prev is None and row.history_type == "+":
                    if new not in (None, "", False):
                        changes.append((f, None, new))
                elif old != new:
                    changes.append((f, old, new))
            user = row.history_user
            entry = AuditEntry(
                when=row.history_date,
                who=(f"{user.first_name}（{user.get_username()}）" if user.first_name else user.get_username()) if user else "系统",
                model=str(model._meta.verbose_name),
                object_label=f"{getattr(row, 'name', '') or ''} #{row.id}".strip(),
                action=_TYPES.get(row.history_type, row.history_type),
                changes=changes,
            )
            entry.reason = row.history_change_reason or ""
            rows[(table, row.history_id)] = entry
    _label_posts(rows, by_table)
    entries = [rows[(table, history_id)] for _date, history_id, table in keys if (table, history_id) in rows]
    _readable(entries)
    return entries


def _label_posts(rows: dict, by_table: dict) -> None:
    """A post has no name: call it "<person> · <post>" (one query for the page's people)."""
    from governance.models import Person, Post

    table = TRAIL.index("governance.Post")
    if table not in by_table:
        return
    history = Post.history.model
    page_rows = list(history.objects.filter(history_id__in=by_table[table]).values("history_id", "id", "person_id", "kind"))
    people = Person.objects.in_bulk({r["person_id"] for r in page_rows if r["person_id"]})
    kinds = dict(Post._meta.get_field("kind").flatchoices)
    for r in page_rows:
        person = people.get(r["person_id"])
        entry = rows.get((table, r["history_id"]))
        if entry is not None:
            entry.object_label = f"{person.name if person else ''} · {kinds.get(r['kind'], r['kind'])} #{r['id']}"

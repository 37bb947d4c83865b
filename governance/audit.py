"""The audit trail reviewers read: who changed what, when, before and after (django-simple-history).

Rows come from each audited model's history table; "before" is the previous history row of the same
object. Two queries per audited model, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from governance.identity import mask_id_number, validate_id_number
from governance.registry import registry

# The core's own audited models; each app registers its own (governance.registry.audited).
CORE_AUDITED = ["governance.Person", "governance.Post", "governance.PolicyRule", "governance.Department",
                "governance.StationedUnit"]

_SKIP = {"history_id", "history_date", "history_change_reason", "history_type", "history_user", "history_user_id", "id",
         "version"}
_TYPES = {"+": "新增", "~": "修改", "-": "删除"}


@dataclass
class AuditEntry:
    when: datetime
    who: str
    model: str
    object_label: str
    action: str
    changes: list  # (field label, before, after)


def audit_entries(*, limit: int = 200) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for label in registry.audited:
        model = apps.get_model(label)
        history = model.history.model
        latest = list(history.objects.select_related("history_user").order_by("-history_date")[:limit])
        if not latest:
            continue
        ids = {row.id for row in latest}
        earliest = min(row.history_date for row in latest)
        # The previous version of each object, for "before": one query for all of them.
        previous = {}
        for row in history.objects.filter(id__in=ids, history_date__lt=earliest).order_by("id", "-history_date"):
            previous.setdefault(row.id, row)
        fields = [f for f in model._meta.concrete_fields if f.name not in _SKIP]
        for row in sorted(latest, key=lambda r: r.history_date):
            before = previous.get(row.id)
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if before is None and row.history_type == "+":
                    if new not in (None, "", False):
                        changes.append((f, None, new))
                elif old != new:
                    changes.append((f, old, new))
            previous[row.id] = row
            entries.append(AuditEntry(
                when=row.history_date,
                who=row.history_user.get_username() if row.history_user else "系统",
                model=str(model._meta.verbose_name),
                object_label=f"{getattr(row, 'name', '') or ''} #{row.id}".strip(),
                action=_TYPES.get(row.history_type, row.history_type),
                changes=changes,
            ))
    entries.sort(key=lambda e: e.when, reverse=True)
    entries = entries[:limit]
    _readable(entries)
    return entries


def _in_bulk_names(wanted: dict) -> dict:
    return {model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(ids)).items()}
            for model, ids in wanted.items()}


def _readable(entries: list[AuditEntry], names=_in_bulk_names) -> None:
    """Show labels, not codes: choice labels, 是/否, and the names of related rows (`names(wanted)`: by default
    one query per related model, whatever the number of entries; the trail's page reads them in one)."""
    wanted: dict = {}
    for entry in entries:
        for f, old, new in entry.changes:
            if f.is_relation:
                wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v is not None)
    names = names(wanted)

    def show(f, value):
        if value is None or value == "":
            return ""
        if f.is_relation:
            return names.get(f.related_model, {}).get(value, f"#{value}")
        if f.choices:
            return dict(f.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if validate_id_number in f.validators:  # an ID number: the trail says it changed, not what it is
            return mask_id_number(value)
        return value

    for entry in entries:
        entry.changes = [(str(f.verbose_name), show(f, old), show(f, new)) for f, old, new in entry.changes]

"""Bulk writes for seeding (issue 14): rows validated as `instance_save` validates them, less the checks that
need a query, then written in bulk with one "+" history row each, the rows `bulk_create_with_history` writes.

`create_with_history` is django-simple-history's `bulk_create_with_history` for models with an auto id on a
backend that returns ids from an INSERT (PostgreSQL, SQLite ≥ 3.35), without its two costs per row (about
half the seed's CPU): building a model instance for every history row, and the ORM compiling every value of
both INSERTs. Each row's values are prepared once as `bulk_create` prepares them (`pre_save`,
`get_db_prep_save`, its check on unsaved related rows) and written by one statement per batch: the rows
(`RETURNING` their ids), then their history rows from the same prepared values, with `bulk_history_create`'s
own columns (`history_date` now or the row's `_history_date`, `history_user` the row's `_history_user` or
the default user, `history_change_reason` the row's `_change_reason` or None, `history_type` "+"). A model,
row or history it does not write exactly so (a parent model, a set pk, an expression, a database default, a
custom history field) goes to the library. `tests/governance/test_bulk.py` compares both.

`rows_validate` is `full_clean()` less its queries for many rows at once, each field's distinct values
cleaned once."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import AutoField, BigAutoField, Field, JSONField, SmallAutoField
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_change_reason_from_object, get_history_model_for_model

_UNSET = object()


def row_validate(row) -> None:
    """What `full_clean()` checks without a query: the fields (their relations are rows the caller built or
    read) and `clean()`. Uniqueness and check constraints are held by the database as the rows are written."""
    row.clean_fields(exclude=[f.name for f in row._meta.concrete_fields if f.is_relation])
    row.clean()


# A field whose clean() depends on the value alone (to_python, validate, the validators), not on the row.
_VALUE_ONLY_VALIDATE = {Field.validate, JSONField.validate}


def rows_validate(rows) -> None:
    """`row_validate` for every row, in bulk: `clean_fields()` as `Model.clean_fields` runs it (the same
    fields, the same skips, the same errors), each field's distinct values cleaned once and the result reused
    for the rows with the same value (a demo district repeats kinds, dates and flags thousands of times);
    then each row's `clean()`."""
    cleaned = {}  # (field, type, value) -> the cleaned value
    plans = {}  # model -> [(field, memoisable)]
    for row in rows:
        meta = row._meta
        plan = plans.get(meta.model)
        if plan is None:
            plan = plans[meta.model] = [
                (f, type(f).clean is Field.clean and type(f).validate in _VALUE_ONLY_VALIDATE)
                for f in meta.fields if not f.is_relation and not f.generated]
        errors = {}
        for f, memo in plan:
            raw = getattr(row, f.attname)
            if f.blank and raw in f.empty_values or isinstance(raw, DatabaseDefault):
                continue
            key = None
            if memo:
                try:
                    key = (f, type(raw), raw)
                    value = cleaned[key]
                except KeyError:
                    pass
                except TypeError:  # unhashable (a list, a dict): cleaned each time
                    key = None
                else:
                    setattr(row, f.attname, value)
                    continue
            try:
                value = f.clean(raw, row)
            except ValidationError as e:
                errors[f.name] = e.error_list
                continue
            setattr(row, f.attname, value)
            if key is not None:
                cleaned[key] = value
        if errors:
            raise ValidationError(errors)
        row.clean()


def bulk_create_validated(rows, model, *, acting_user=None, batch_size: int = 1000) -> list:
    """Validate every row, then insert them all with one "+" history row each, attributed to `acting_user`."""
    rows = list(rows)
    rows_validate(rows)
    if not rows:
        return rows
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    return create_with_history(rows, model, default_user=user, batch_size=batch_size)


class _Fallback(Exception):
    """A row the fast path does not write as `bulk_create` would: the library writes them all instead."""


def _history_fields(history):
    """The history model's columns in insert order, or None when its rows are not plain (then the library)."""
    if hasattr(history, "history_relation") or not isinstance(history._meta.pk, AutoField | BigAutoField |
                                                                   SmallAutoField):
        return None
    fields = [f for f in history._meta.concrete_fields if not f.primary_key and not f.generated]
    own = {"history_date", "history_user_id", "history_change_reason", "history_type"}
    if not {f.attname for f in fields} <= {f.attname for f in history.tracked_fields} | own:
        return None  # a custom history field: the library fills it
    return fields


def _model_fields(model):
    """The model's columns for an INSERT of new rows (its auto pk left to the database), or None (the library)."""
    meta = model._meta
    if meta.parents or not isinstance(meta.pk, AutoField | BigAutoField | SmallAutoField):
        return None
    fields = [f for f in meta.concrete_fields if not f.primary_key and not f.generated]
    if any(hasattr(f, "get_placeholder") or f.has_db_default() for f in fields):
        return None
    return fields


def create_with_history(objs, model, *, default_user=None, batch_size: int = 1000) -> list:
    """`bulk_create_with_history(objs, model, batch_size=, default_user=)`: the same rows, the same history.

    Each row's values are prepared once (`pre_save`, `get_db_prep_save`, as `bulk_create` prepares them) and
    written twice: the row (INSERT … RETURNING its id) and its history row (those values, the history's own
    columns beside them)."""
    objs = list(objs)
    using = router.db_for_write(model)
    connection = connections[using]
    history = get_history_model_for_model(model)
    fields, history_fields = _model_fields(model), _history_fields(history)
    if (not objs or fields is None or history_fields is None or not connection.features.can_return_rows_from_bulk_insert
            or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True)):
        return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=default_user)
    try:
        rows = _prepared(objs, fields, connection)
    except _Fallback:
        return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=default_user)
    with transaction.atomic(using=using, savepoint=False):
        quote = connection.ops.quote_name
        pk = model._meta.pk
        head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        returning, _ = connection.ops.return_insert_columns([pk])
        size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                batch = rows[start:start + size]
                sql = head + connection.ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * len(batch))
                cursor.execute(f"{sql} {returning}", [value for row in batch for value in row])
                ids = connection.ops.fetch_returned_insert_rows(cursor)
                if len(ids) != len(batch):
                    raise RuntimeError(f"{model.__name__}: {len(batch)} rows written, {len(ids)} ids returned")
                for obj, (pk_value,) in zip(objs[start:start + size], ids, strict=True):
                    setattr(obj, pk.attname, pk_value)
                    obj._state.adding = False
                    obj._state.db = using
        prepared = {f.attname: (i, type(f)) for i, f in enumerate(fields)}
        history_insert(objs, history, history_fields, default_user=default_user, batch_size=batch_size,
                       prepared=(prepared, rows))
    return objs


def _prepared(objs, fields, connection) -> list[list]:
    """Each row's values as `bulk_create`'s compiler prepares them (its checks on related rows first)."""
    rows = []
    for obj in objs:
        if obj._is_pk_set():
            raise _Fallback
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row = []
        for f in fields:
            value = f.pre_save(obj, True)
            if isinstance(value, DatabaseDefault) or hasattr(value, "resolve_expression"):
                raise _Fallback
            row.append(f.get_db_prep_save(value, connection))
        rows.append(row)
    return rows


def history_insert(objs, history, fields, *, default_user=None, batch_size: int = 1000, prepared=None) -> None:
    """The "+" rows `HistoryManager.bulk_history_create(objs, default_user=)` writes (as called by
    `bulk_create_with_history`, whose change reason defaults to None), one INSERT per batch. `prepared`: the
    rows' own prepared values (attname -> (index, field class), rows), reused where the history's field is of
    the same class (it is, but for the primary key and file fields)."""
    connection = connections[router.db_for_write(history)]
    own = {"history_date", "history_user_id", "history_change_reason", "history_type"}
    index, values = prepared or ({}, None)
    plan = []  # (attname, prepare, index of the row's prepared value or None)
    for f in fields:
        at = index.get(f.attname)
        plan.append((f.attname, f.get_db_prep_save, at[0] if at is not None and at[1] is type(f) else None))
    now = timezone.now
    rows = []
    for n, obj in enumerate(objs):
        user = getattr(obj, "_history_user", _UNSET)
        if user is _UNSET:
            user = default_user or history.get_default_history_user(obj)
        date = getattr(obj, "_history_date", _UNSET)
        extra = {"history_date": now() if date is _UNSET else date,
                 "history_user_id": user.pk if user is not None else None,
                 "history_change_reason": get_change_reason_from_object(obj) or None,
                 "history_type": "+"}
        done = values[n] if values is not None else None
        rows.append([done[at] if at is not None else prep(extra[name] if name in own else getattr(obj, name), connection)
                     for name, prep, at in plan])
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            sql = head + connection.ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * len(batch))
            cursor.execute(sql, [value for row in batch for value in row])

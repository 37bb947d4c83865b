"""Bulk writes for seeding (issue 14): rows validated as `instance_save` validates them, less the checks that
need a query, then written in bulk with one "+" history row each, the rows `bulk_create_with_history` writes.

`create_with_history` is django-simple-history's `bulk_create_with_history` for a model whose rows get their
ids back from the INSERT (PostgreSQL, SQLite ≥ 3.35): the rows through `bulk_create`, then their history rows
(`bulk_history_create`'s fields: each tracked field's value, `history_date` now (or the row's `_history_date`),
`history_user` the row's `_history_user` or the default user, `history_change_reason` the row's
`_change_reason`, `history_type` "+") inserted by one prepared statement per batch, each value prepared by its
history field as the ORM prepares it, without a model instance per history row (half the seed's CPU was
building and compiling those instances). Anything else falls back to the library."""

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


def _fast_history_fields(history):
    """The history model's columns in insert order, or None when its rows are not plain (then the library)."""
    if hasattr(history, "history_relation") or not isinstance(history._meta.pk, AutoField | BigAutoField |
                                                                   SmallAutoField):
        return None
    return [f for f in history._meta.concrete_fields if not f.primary_key and not f.generated]


def create_with_history(objs, model, *, default_user=None, batch_size: int = 1000) -> list:
    """`bulk_create_with_history(objs, model, batch_size=, default_user=)`: the same rows, the same history."""
    objs = list(objs)
    history = get_history_model_for_model(model)
    fields = _fast_history_fields(history)
    using = router.db_for_write(model)
    if fields is None or not objs or not connections[using].features.can_return_rows_from_bulk_insert:
        return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=default_user)
    with transaction.atomic(using=using, savepoint=False):
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        history_insert(created, history, fields, default_user=default_user, batch_size=batch_size)
    return created


def history_insert(objs, history, fields, *, default_user=None, batch_size: int = 1000) -> None:
    """The "+" rows `HistoryManager.bulk_history_create(objs, default_user=)` writes (as called by
    `bulk_create_with_history`, whose change reason defaults to None), one INSERT per batch."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    connection = connections[router.db_for_write(history)]
    tracked = {f.attname for f in history.tracked_fields}
    own = {"history_date", "history_user_id", "history_change_reason", "history_type"}
    if not {f.attname for f in fields} <= tracked | own:  # a custom history field: the library fills it
        raise NotImplementedError(f"{history.__name__} has fields create_with_history does not fill")
    prepare = [f.get_db_prep_save for f in fields]
    attnames = [f.attname for f in fields]
    now = timezone.now
    rows = []
    for obj in objs:
        user = getattr(obj, "_history_user", _UNSET)
        if user is _UNSET:
            user = default_user or history.get_default_history_user(obj)
        date = getattr(obj, "_history_date", _UNSET)
        extra = {"history_date": now() if date is _UNSET else date,
                 "history_user_id": user.pk if user is not None else None,
                 "history_change_reason": get_change_reason_from_object(obj) or None,
                 "history_type": "+"}
        rows.append([prep(extra[name] if name in own else getattr(obj, name), connection)
                     for prep, name in zip(prepare, attnames, strict=True)])
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            sql = head + connection.ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * len(batch))
            cursor.execute(sql, [value for row in batch for value in row])

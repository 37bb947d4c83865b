"""Bulk writes for seeding (issue 14): rows validated as `instance_save` validates them, less the checks that
need a query, then written with `bulk_create_with_history` so that the audit has the same rows."""

from simple_history.utils import bulk_create_with_history


def row_validate(row) -> None:
    """What `full_clean()` checks without a query: the fields (their relations are rows the caller built or
    read) and `clean()`. Uniqueness and check constraints are held by the database as the rows are written."""
    row.clean_fields(exclude=[f.name for f in row._meta.concrete_fields if f.is_relation])
    row.clean()


def bulk_create_validated(rows, model, *, acting_user=None, batch_size: int = 1000) -> list:
    """Validate every row, then insert them all with one "+" history row each, attributed to `acting_user`."""
    rows = list(rows)
    for row in rows:
        row_validate(row)
    if not rows:
        return rows
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    return bulk_create_with_history(rows, model, batch_size=batch_size, default_user=user)

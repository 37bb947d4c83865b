"""Writes for grids (四). Grid changes that need the civil-affairs bureau's approval (四(一)) come later."""

from django.db import transaction

from governance.services import instance_save, model_update
from grids.models import Grid


@transaction.atomic
def grid_create(*, acting_user, **fields) -> Grid:
    return instance_save(Grid(**fields), acting_user=acting_user)


@transaction.atomic
def grid_update(*, grid: Grid, acting_user, expected_version: int | None = None, **fields) -> Grid:
    return model_update(instance=grid, acting_user=acting_user, data=fields, expected_version=expected_version)

"""Grids (网格, 四). Filled by a later issue; the unit exists now so that grid workers have a scope."""

from django.db import models
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class Grid(Versioned):
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="grids", verbose_name="社区")
    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    households = models.PositiveIntegerField("户数", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["code"]
        permissions = [("access_grid", "可访问本网格")]

    def __str__(self):
        return self.name

"""Community service stations (社区服务站, 三(二)). Filled by a later issue; the unit exists now so that
station workers have a scope and station staff can be counted."""

from django.db import models
from simple_history.models import HistoricalRecords

from governance.models import Versioned


class ServiceStation(Versioned):
    street = models.ForeignKey("streets.Street", on_delete=models.PROTECT, related_name="service_stations", verbose_name="街道")
    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    # One per community; two adjacent communities may share one (三(二)).
    communities = models.ManyToManyField("communities.Community", related_name="service_stations", verbose_name="服务社区")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "社区服务站"
        verbose_name_plural = "社区服务站"
        ordering = ["code"]
        permissions = [("access_station", "可访问本服务站")]

    def __str__(self):
        return self.name

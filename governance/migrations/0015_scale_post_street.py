"""A post carries the street of its community or station (issue 14): fill it on existing rows, so that
scope filters one indexed column per level (governance.selectors.posts_for_user)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_post_street(apps, schema_editor):
    Post = apps.get_model("governance", "Post")
    Community = apps.get_model("communities", "Community")
    ServiceStation = apps.get_model("service_stations", "ServiceStation")
    Post.objects.filter(street__isnull=True, community__isnull=False).update(
        street_id=Subquery(Community.objects.filter(pk=OuterRef("community_id")).values("street_id")[:1]))
    Post.objects.filter(street__isnull=True, station__isnull=False).update(
        street_id=Subquery(ServiceStation.objects.filter(pk=OuterRef("station_id")).values("street_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0014_scale_indexes"),
        ("communities", "0004_scale_indexes"),
        ("service_stations", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_post_street, migrations.RunPython.noop)]

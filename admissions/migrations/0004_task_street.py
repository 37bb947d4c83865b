"""A task carries the street it lands in (its target street, or its target community's), so that a street's
scope is one indexed column instead of an OR across the communities join (issue 14): added, filled from the
targets (the history rows too), then required."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FILL = [
    f"""UPDATE {table} SET street_id = COALESCE(target_street_id, (
            SELECT c.street_id FROM communities_community c WHERE c.id = {table}.target_community_id))
        WHERE street_id IS NULL"""
    for table in ("admissions_taskassignment", "admissions_historicaltaskassignment")
]


class Migration(migrations.Migration):

    dependencies = [
        ('admissions', '0003_task_list_index'),
        ('communities', '0004_scale_indexes'),
        ('governance', '0017_person_service_start'),
        ('streets', '0003_scale_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltaskassignment',
            name='street',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='streets.street', verbose_name='所在街道'),
        ),
        migrations.AddField(
            model_name='taskassignment',
            name='street',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='streets.street', verbose_name='所在街道'),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='taskassignment',
            name='street',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='streets.street', verbose_name='所在街道'),
        ),
        migrations.AddIndex(
            model_name='taskassignment',
            index=models.Index(fields=['street', '-filed_at', '-id'], name='task_street_newest_first'),
        ),
        migrations.AddConstraint(
            model_name='taskassignment',
            constraint=models.CheckConstraint(condition=models.Q(('target_street__isnull', True), ('street', models.F('target_street')), _connector='OR'), name='task_street_is_target', violation_error_message='街道须为承接街道。'),
        ),
    ]

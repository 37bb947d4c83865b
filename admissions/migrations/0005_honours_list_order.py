"""Indexes behind the honours consultations list's order (newest first), district-wide and per street (issue 14)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('admissions', '0004_task_street'),
        ('communities', '0004_scale_indexes'),
        ('governance', '0017_person_service_start'),
        ('streets', '0003_scale_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='honoursconsultation',
            name='admissions__street__6a881b_idx',
        ),
        migrations.AddIndex(
            model_name='honoursconsultation',
            index=models.Index(fields=['-opened_on', '-id'], name='honours_newest_first'),
        ),
        migrations.AddIndex(
            model_name='honoursconsultation',
            index=models.Index(fields=['street', '-opened_on', '-id'], name='honours_street_newest_first'),
        ),
    ]

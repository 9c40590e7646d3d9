"""The reports app's migrations 0001 to 0003, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with nothing
else to carry over. Migrations added after this one depend on it, never on a migration it
replaces (docs/adr/0027-squash17-squashed-migrations.md).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("reports", "0001_report_snapshots"),
        ("reports", "0002_report_snapshot_reads"),
        ("reports", "0003_report_slices"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ReportSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(editable=False, max_length=64, unique=True)),
                ("measure", models.CharField(editable=False, max_length=80)),
                ("period_code", models.CharField(editable=False, max_length=20)),
                ("computed_at", models.DateTimeField(editable=False)),
                ("data_mark", models.BigIntegerField(editable=False)),
                ("cube", models.JSONField(editable=False)),
                ("refreshing_since", models.DateTimeField(blank=True, editable=False, null=True)),
                ("reads", models.JSONField(default=list, editable=False)),
                ("withheld", models.BooleanField(default=False, editable=False)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["period_code", "measure"], name="report_snapshot_period")
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportSlice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("selection", models.CharField(editable=False, max_length=200)),
                ("cells", models.JSONField(editable=False)),
                (
                    "snapshot",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slices",
                        to="reports.reportsnapshot",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "selection"), name="report_slice_one_per_selection"
                    )
                ],
            },
        ),
    ]

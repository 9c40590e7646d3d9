"""The operations app's migrations 0001 to 0002, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with the
append-only guards made directly. Migrations added after this one depend on it, never on a
migration it replaces (docs/adr/0027-squash17-squashed-migrations.md).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from goldenthread.core.append_only import append_only_guards_sql


class Migration(migrations.Migration):
    replaces = [("operations", "0001_tombstone"), ("operations", "0002_tombstone_guards")]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Tombstone",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("rule", models.CharField(max_length=50)),
                ("rule_text", models.CharField(max_length=500)),
                ("record_type", models.CharField(max_length=100)),
                ("record_id", models.CharField(db_index=True, max_length=64)),
                ("counted_from", models.DateField()),
                ("destroyed_at", models.DateTimeField()),
                ("destroyed_by_name", models.CharField(max_length=300)),
                ("rows", models.JSONField(default=dict)),
                (
                    "destroyed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-destroyed_at"],
            },
        ),
        # The append-only guards as migration 0002 left them (the first
        # triggers, dropped there, are never made).
        append_only_guards_sql(
            prefix="operations",
            tables=("operations_tombstone",),
            message="tombstones are never changed",
        ),
    ]

"""The directory app's migrations 0001 to 0002, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with the search
index of 0002. Migrations added after this one depend on it, never on a migration it
replaces (docs/adr/0027-squash17-squashed-migrations.md).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

from goldenthread.directory.search_index import search_index_sql


class Migration(migrations.Migration):
    replaces = [("directory", "0001_initial"), ("directory", "0002_search_index")]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("source", models.CharField(max_length=100)),
                ("source_id", models.CharField(max_length=200)),
                ("name", models.CharField(max_length=300)),
                ("description", models.TextField(blank=True)),
                ("url", models.CharField(blank=True, max_length=500, verbose_name="website")),
                ("email", models.CharField(blank=True, max_length=254)),
                ("raw", models.JSONField(blank=True, default=dict)),
                ("content_hash", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "source_id"), name="directory_organisation_source_id"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CommunityResource",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("source", models.CharField(help_text="The feed it came from.", max_length=100)),
                ("source_id", models.CharField(help_text="Its id in that feed.", max_length=200)),
                ("search_key", models.BigIntegerField(editable=False, unique=True)),
                ("name", models.CharField(max_length=300)),
                (
                    "description",
                    models.TextField(blank=True, help_text="Plain text; paragraphs kept."),
                ),
                ("url", models.CharField(blank=True, max_length=500, verbose_name="website")),
                ("email", models.CharField(blank=True, max_length=254)),
                ("phone", models.CharField(blank=True, max_length=100)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "Running"),
                            ("temporarily closed", "Closed for now"),
                            ("inactive", "Not running"),
                            ("defunct", "Closed for good"),
                        ],
                        default="active",
                        max_length=20,
                    ),
                ),
                ("fees", models.TextField(blank=True, verbose_name="cost")),
                (
                    "is_free",
                    models.BooleanField(
                        blank=True, help_text="Unknown unless the feed says.", null=True
                    ),
                ),
                ("cost_options", models.JSONField(blank=True, default=list)),
                ("eligibility", models.TextField(blank=True, verbose_name="who it is for")),
                ("minimum_age", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("maximum_age", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "categories",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text='Taxonomy terms and audiences: [{"name", "taxonomy", "id"?, "path"?}].',
                    ),
                ),
                ("contacts", models.JSONField(blank=True, default=list)),
                ("service_area", models.TextField(blank=True)),
                (
                    "attending",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="How to attend: type, access, as the feed says.",
                    ),
                ),
                ("search_keywords", models.TextField(blank=True, editable=False)),
                ("place_text", models.TextField(blank=True, editable=False)),
                (
                    "last_updated",
                    models.DateTimeField(
                        blank=True, help_text="When the feed says it last changed.", null=True
                    ),
                ),
                ("imported_at", models.DateTimeField()),
                ("raw", models.JSONField(blank=True, default=dict)),
                ("raw_format", models.CharField(blank=True, max_length=40)),
                ("content_hash", models.CharField(blank=True, editable=False, max_length=64)),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="resources",
                        to="directory.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
                "indexes": [
                    models.Index(fields=["name"], name="directory_resource_name"),
                    models.Index(fields=["status", "name"], name="directory_resource_status"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "source_id"), name="directory_resource_source_id"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ResourceLocation",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("source_id", models.CharField(blank=True, max_length=200)),
                ("name", models.CharField(blank=True, max_length=300)),
                ("description", models.TextField(blank=True)),
                ("address", models.TextField(blank=True, help_text="Street lines, one a line.")),
                ("town", models.CharField(blank=True, max_length=100)),
                ("region", models.CharField(blank=True, max_length=100)),
                ("postcode", models.CharField(blank=True, max_length=20)),
                (
                    "postcode_district",
                    models.CharField(
                        blank=True,
                        help_text='The first half of a UK postcode: "DN15".',
                        max_length=8,
                    ),
                ),
                ("country", models.CharField(blank=True, max_length=50)),
                ("latitude", models.FloatField(blank=True, null=True)),
                ("longitude", models.FloatField(blank=True, null=True)),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="locations",
                        to="directory.communityresource",
                    ),
                ),
            ],
            options={
                "ordering": ["resource", "position"],
                "indexes": [
                    models.Index(fields=["town"], name="directory_location_town"),
                    models.Index(fields=["postcode_district"], name="directory_location_district"),
                ],
            },
        ),
        search_index_sql(),
    ]

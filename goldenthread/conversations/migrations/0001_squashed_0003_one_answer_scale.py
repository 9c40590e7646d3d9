"""The conversations app's migrations 0001 to 0003, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with nothing
else to carry over. Migrations added after this one depend on it, never on a migration it
replaces (docs/adr/0027-squash17-squashed-migrations.md).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import goldenthread.core.domains


class Migration(migrations.Migration):
    replaces = [
        ("conversations", "0001_initial"),
        ("conversations", "0002_domain"),
        ("conversations", "0003_one_answer_scale"),
    ]

    initial = True

    dependencies = [
        ("people", "0001_squashed_0004_person_support_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Conversation",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("held_on", models.DateField(verbose_name="Date of the conversation")),
                (
                    "place",
                    models.CharField(
                        blank=True,
                        help_text="For example: at home, at the day centre, by video call.",
                        max_length=200,
                        verbose_name="Where it took place",
                    ),
                ),
                (
                    "person_took_part",
                    models.BooleanField(default=True, verbose_name="The person took part"),
                ),
                (
                    "narrative",
                    models.TextField(
                        blank=True,
                        help_text="Write what the person said, in their words. It is shown exactly as typed.",
                        max_length=20000,
                        verbose_name="The person's story, in their own words",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversations",
                        to="people.person",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-held_on", "-created_at"],
                "indexes": [
                    models.Index(fields=["person", "-held_on"], name="conversation_person_date")
                ],
            },
        ),
        migrations.CreateModel(
            name="Aspiration",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("text", models.TextField(max_length=4000)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)s_set",
                        to="conversations.conversation",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="MattersItem",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("text", models.TextField(max_length=4000)),
                (
                    "kind",
                    models.CharField(
                        choices=[("what", "What matters"), ("where", "Where matters")],
                        default="what",
                        max_length=10,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)s_set",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "domain",
                    models.CharField(
                        blank=True,
                        db_default="",
                        default="",
                        max_length=40,
                        validators=[goldenthread.core.domains.validate_domain],
                        verbose_name="National outcome domain",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Participant",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("circle", "Someone from the person's circle"),
                            ("advocate", "Advocate"),
                            ("interpreter", "Interpreter"),
                            ("worker", "Worker"),
                            ("other", "Someone else"),
                        ],
                        max_length=20,
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=200)),
                (
                    "role",
                    models.CharField(
                        blank=True, help_text="For example: daughter, OT.", max_length=120
                    ),
                ),
                (
                    "circle_member",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.circlemember",
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participants",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
            },
        ),
        migrations.CreateModel(
            name="ReflectionAnswer",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "question",
                    models.CharField(
                        choices=[
                            (
                                "what_matters",
                                "Did I discover what matters to the person, who is important in their life and the places that matter to them? Did I explore aspirations if this was appropriate?",
                            ),
                            (
                                "working",
                                "Have I fully understood what is working and not working about the person's life now, from their perspective?",
                            ),
                            (
                                "positive_change",
                                "Am I clear about the positive change that the person wants to see in their life (either changing something that is not working or moving towards an aspiration)?",
                            ),
                            (
                                "specific_outcomes",
                                "Have I described this change in terms of a specific outcome or outcomes?",
                            ),
                            (
                                "checked",
                                "Have I checked the outcome(s) against the eight questions?",
                            ),
                            (
                                "involved",
                                "Am I confident that I involved the person in decision making as much as I could?",
                            ),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("partly", "Partly"), ("no", "Not yet")],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000)),
                (
                    "answered_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reflection_answers",
                        to="conversations.conversation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conversation", "question"), name="reflection_answer_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Strength",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("text", models.TextField(max_length=4000)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("strength", "Strength or quality"),
                            ("asset", "Asset"),
                            ("community", "Support already in the community"),
                        ],
                        default="strength",
                        max_length=10,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)s_set",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="WhoMatters",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "text",
                    models.TextField(blank=True, max_length=4000, verbose_name="Why they matter"),
                ),
                (
                    "circle_member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.circlemember",
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)s_set",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="WorkingItem",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("text", models.TextField(max_length=4000)),
                ("is_working", models.BooleanField()),
                (
                    "perspective",
                    models.CharField(
                        choices=[
                            ("person", "The person"),
                            ("family", "Family or carer"),
                            ("worker", "Worker"),
                            ("other", "Someone else"),
                        ],
                        default="person",
                        max_length=10,
                        verbose_name="Whose view",
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)s_set",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PositiveChange",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("text", models.TextField(max_length=4000)),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(class)s_set",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "from_aspirations",
                    models.ManyToManyField(
                        blank=True, related_name="changes", to="conversations.aspiration"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "from_not_working",
                    models.ManyToManyField(
                        blank=True, related_name="changes", to="conversations.workingitem"
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "abstract": False,
            },
        ),
    ]

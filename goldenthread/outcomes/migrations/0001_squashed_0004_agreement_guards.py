"""The outcomes app's migrations 0001 to 0004, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with the
append-only guards made directly. Migrations added after this one depend on it, never on a
migration it replaces (docs/adr/0027-squash17-squashed-migrations.md).
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import goldenthread.core.domains
from goldenthread.core.append_only import append_only_guards_sql


class Migration(migrations.Migration):
    replaces = [
        ("outcomes", "0001_initial"),
        ("outcomes", "0002_agreement"),
        ("outcomes", "0003_domain"),
        ("outcomes", "0004_agreement_guards"),
    ]

    initial = True

    dependencies = [
        ("conversations", "0001_squashed_0003_one_answer_scale"),
        ("people", "0001_squashed_0004_person_support_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Outcome",
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
                    "statement",
                    models.TextField(
                        help_text="What the person wants to change or achieve, in everyday words. Not how.",
                        max_length=2000,
                        verbose_name="The outcome",
                    ),
                ),
                (
                    "baseline",
                    models.TextField(
                        blank=True,
                        help_text="Where things are now, so progress can be seen. For example: 'goes out once a month, with her daughter'.",
                        max_length=2000,
                        verbose_name="Starting point",
                    ),
                ),
                (
                    "measure",
                    models.TextField(
                        blank=True,
                        help_text="What will be seen or counted when it is achieved.",
                        max_length=1000,
                        verbose_name="How we will know",
                    ),
                ),
                (
                    "target_date",
                    models.DateField(
                        blank=True, null=True, verbose_name="When it should be achieved by"
                    ),
                ),
                (
                    "assessed_need",
                    models.TextField(
                        blank=True, max_length=2000, verbose_name="Assessed need it meets (if any)"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("achieved", "Achieved"),
                            ("closed", "Closed"),
                            ("replaced", "Rewritten"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("checker_codes", models.JSONField(blank=True, default=list)),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcomes",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcomes",
                        to="people.person",
                    ),
                ),
                (
                    "positive_change",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcomes",
                        to="conversations.positivechange",
                    ),
                ),
                (
                    "replaces",
                    models.OneToOneField(
                        blank=True,
                        help_text="The earlier outcome this one was rewritten from at a review.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced_by",
                        to="outcomes.outcome",
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
                "indexes": [
                    models.Index(fields=["person", "status"], name="outcome_person_status")
                ],
            },
        ),
        migrations.CreateModel(
            name="Agreement",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "whose",
                    models.CharField(
                        choices=[
                            ("person", "The person"),
                            ("family", "A family member or unpaid carer"),
                            ("proxy", "A guardian, attorney or other proxy"),
                        ],
                        max_length=10,
                        verbose_name="Who",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Their name")),
                (
                    "agreed",
                    models.CharField(
                        choices=[
                            ("yes", "Agreed"),
                            ("partly", "Agreed with some of it"),
                            ("no", "Did not agree"),
                        ],
                        max_length=10,
                        verbose_name="Did they agree?",
                    ),
                ),
                ("agreed_on", models.DateField(verbose_name="Date")),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("meeting", "In the meeting"),
                            ("signed", "Signed the plan"),
                            ("portal", "In their own online record"),
                            ("phone", "By phone"),
                            ("letter", "By letter or e-mail"),
                            ("other", "Another way"),
                        ],
                        max_length=10,
                        verbose_name="How",
                    ),
                ),
                (
                    "not_agreed",
                    models.TextField(
                        blank=True,
                        max_length=4000,
                        verbose_name="What they did not agree with, in their words",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreements",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreements",
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
                "ordering": ["agreed_on", "at"],
                "indexes": [
                    models.Index(fields=["person", "outcome"], name="agreement_person_outcome")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("agreed__in", ["yes", "partly", "no"])),
                        name="agreement_agreed_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("whose__in", ["person", "family", "proxy"])),
                        name="agreement_whose_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("agreed", "yes"),
                            models.Q(("not_agreed", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="agreement_disagreement_in_their_words",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OutcomeCheckAnswer",
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
                            ("measurable", "Can we measure it? Do we know the starting point?"),
                            ("achievable", "Is it achievable?"),
                            ("keeps_what_works", "Does it keep or build on what is working?"),
                            ("changes_what_doesnt", "Does it change what is not working?"),
                            (
                                "moves_toward_change",
                                "Does it move us closer to the person's positive change or aspiration?",
                            ),
                            (
                                "meets_assessed_need",
                                "Where there is assessed need, does the outcome meet it?",
                            ),
                            (
                                "everyday_language",
                                "Is it in everyday language, and not expressed from a service perspective?",
                            ),
                            ("no_solution", "Is there a solution embedded in the outcome?"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000)),
                (
                    "suggested",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")],
                        max_length=10,
                    ),
                ),
                ("suggestion_reason", models.TextField(blank=True)),
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
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="check_answers",
                        to="outcomes.outcome",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("outcome", "question"), name="check_answer_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OutcomeWording",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("number", models.PositiveIntegerField()),
                ("statement", models.TextField(max_length=2000)),
                ("baseline", models.TextField(blank=True, max_length=2000)),
                ("measure", models.TextField(blank=True, max_length=1000)),
                ("target_date", models.DateField(blank=True, null=True)),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="wordings",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["outcome", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("outcome", "number"), name="wording_number_unique"
                    )
                ],
            },
        ),
        # The append-only guards as migration 0004 left them (the first
        # triggers, dropped there, are never made).
        append_only_guards_sql(
            prefix="outcomes",
            tables=("outcomes_agreement",),
            message="history rows are never changed",
        ),
    ]

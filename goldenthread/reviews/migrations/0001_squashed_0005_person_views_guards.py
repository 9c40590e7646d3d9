"""The reviews app's migrations 0001 to 0005, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with the
append-only guards made directly; 0003's data migration (due dates of existing schedules)
left out: a fresh database has none. Migrations added after this one depend on it, never on
a migration it replaces (docs/adr/0027-squash17-squashed-migrations.md).
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from goldenthread.core.append_only import append_only_guards_sql


class Migration(migrations.Migration):
    replaces = [
        ("reviews", "0001_initial"),
        ("reviews", "0002_person_views_append_only"),
        ("reviews", "0003_schedule_due_on"),
        ("reviews", "0004_schedule_due_on_index"),
        ("reviews", "0005_person_views_guards"),
    ]

    initial = True

    dependencies = [
        ("outcomes", "0001_squashed_0004_agreement_guards"),
        ("people", "0001_squashed_0004_person_support_reason"),
        ("support", "0001_squashed_0002_solution_cost_each_session"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Review",
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
                ("held_on", models.DateField(verbose_name="Date of the review")),
                (
                    "what_learned",
                    models.TextField(
                        blank=True,
                        help_text="What has worked, what has not, and what changes because of it.",
                        max_length=8000,
                        verbose_name="What we learned at this review",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "In progress"), ("completed", "Finished")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "next_review_on",
                    models.DateField(blank=True, null=True, verbose_name="Date of the next review"),
                ),
                (
                    "conducted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-held_on", "-created_at"],
                "indexes": [
                    models.Index(
                        fields=["person", "status", "-held_on"], name="review_person_status_held"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["draft", "completed"])),
                        name="review_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "draft"),
                            models.Q(
                                ("completed_at__isnull", False), ("next_review_on__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="review_completed_has_next_date",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("next_review_on__isnull", True),
                            ("next_review_on__gt", models.F("held_on")),
                            _connector="OR",
                        ),
                        name="review_next_after_held",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("status", "draft")),
                        fields=("person",),
                        name="review_one_draft_per_person",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonView",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "rating",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("achieved", "Achieved"),
                            ("partly", "Partly achieved"),
                            ("not_yet", "Not yet"),
                            ("not_relevant", "No longer relevant"),
                        ],
                        max_length=15,
                        verbose_name="Their rating",
                    ),
                ),
                (
                    "in_their_words",
                    models.TextField(max_length=4000, verbose_name="What they said"),
                ),
                (
                    "whose_words",
                    models.CharField(
                        choices=[
                            ("person", "The person, in their own words"),
                            ("with_support", "The person, with help to say it"),
                            ("on_behalf", "Someone speaking for the person"),
                        ],
                        default="person",
                        max_length=15,
                        verbose_name="Whose words these are",
                    ),
                ),
                (
                    "speaker_name",
                    models.CharField(
                        blank=True,
                        help_text="For example: 'Ann Macdonald, her daughter'.",
                        max_length=200,
                        verbose_name="Name of who spoke for them",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="person_views",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_views",
                        to="people.person",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="person_views",
                        to="reviews.review",
                    ),
                ),
            ],
            options={
                "ordering": ["at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("rating", ""),
                            ("rating__in", ["achieved", "partly", "not_yet", "not_relevant"]),
                            _connector="OR",
                        ),
                        name="person_view_rating_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("whose_words__in", ["person", "with_support", "on_behalf"])
                        ),
                        name="person_view_whose_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("whose_words", "on_behalf"), _negated=True),
                            models.Q(("speaker_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="person_view_on_behalf_named",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OutcomeReview",
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
                    "new_measure_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="The measure now (a number, if it has one)",
                    ),
                ),
                (
                    "rating",
                    models.CharField(
                        choices=[
                            ("achieved", "Achieved"),
                            ("partly", "Partly achieved"),
                            ("not_yet", "Not yet"),
                            ("not_relevant", "No longer relevant"),
                        ],
                        max_length=15,
                        verbose_name="How far has it come?",
                    ),
                ),
                (
                    "evidence",
                    models.TextField(
                        max_length=4000, verbose_name="What shows this, in everyday words"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("keep", "Keep it"),
                            ("rewrite", "Rewrite it"),
                            ("close", "Close it"),
                        ],
                        max_length=10,
                        verbose_name="What happens to this outcome now?",
                    ),
                ),
                (
                    "new_outcome",
                    models.OneToOneField(
                        blank=True,
                        help_text="The outcome it was rewritten as, when the decision was to rewrite it.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rewritten_at_review",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcome_reviews",
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
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcome_reviews",
                        to="reviews.review",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("review", "outcome"), name="outcome_review_once_per_review"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("rating__in", ["achieved", "partly", "not_yet", "not_relevant"])
                        ),
                        name="outcome_review_rating_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("decision__in", ["keep", "rewrite", "close"])),
                        name="outcome_review_decision_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decision", "rewrite"), ("new_outcome__isnull", False)),
                            models.Q(
                                models.Q(("decision", "rewrite"), _negated=True),
                                ("new_outcome__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="outcome_review_rewrite_has_new_outcome",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReviewSchedule",
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
                    "next_review_on",
                    models.DateField(blank=True, null=True, verbose_name="Date of the next review"),
                ),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_schedule",
                        to="people.person",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "due_on",
                    models.DateField(
                        blank=True, editable=False, null=True, verbose_name="Next review due"
                    ),
                ),
                (
                    "last_review_on",
                    models.DateField(
                        blank=True,
                        editable=False,
                        null=True,
                        verbose_name="Date of the last finished review",
                    ),
                ),
            ],
            options={
                "abstract": False,
                "indexes": [models.Index(fields=["due_on"], name="review_schedule_due_on")],
            },
        ),
        migrations.CreateModel(
            name="SolutionReview",
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
                    "decision",
                    models.CharField(
                        choices=[("keep", "Keep it"), ("change", "Change it"), ("stop", "Stop it")],
                        max_length=10,
                        verbose_name="Keep, change or stop it?",
                    ),
                ),
                ("why", models.TextField(blank=True, max_length=2000, verbose_name="Why")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="solution_reviews",
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
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="solution_reviews",
                        to="reviews.review",
                    ),
                ),
                (
                    "solution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="support.solution",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("review", "solution"), name="solution_review_once_per_review"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("decision__in", ["keep", "change", "stop"])),
                        name="solution_review_decision_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decision", "keep"),
                            models.Q(("why", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="solution_review_change_or_stop_has_why",
                    ),
                ],
            },
        ),
        # The append-only guards as migration 0005 left them (the first
        # triggers, dropped there, are never made).
        append_only_guards_sql(
            prefix="reviews",
            tables=("reviews_personview",),
            message="the person's own views are never changed",
        ),
    ]

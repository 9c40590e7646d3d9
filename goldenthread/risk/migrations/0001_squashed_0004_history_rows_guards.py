"""The risk app's migrations 0001 to 0004, squashed into one (#17).

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

from goldenthread.core.append_only import append_only_guards_sql


class Migration(migrations.Migration):
    replaces = [
        ("risk", "0001_initial"),
        ("risk", "0002_history_rows_append_only"),
        ("risk", "0003_capacity_on_the_one_answer_scale"),
        ("risk", "0004_history_rows_guards"),
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
            name="RiskEnablement",
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
                    "activity",
                    models.CharField(
                        help_text="For example: 'walk to the bowling club on her own'.",
                        max_length=300,
                        verbose_name="What the person wants to do",
                    ),
                ),
                (
                    "could_go_wrong",
                    models.TextField(max_length=4000, verbose_name="What could go wrong"),
                ),
                (
                    "good_it_brings",
                    models.TextField(
                        help_text="What the person gains: wellbeing, confidence, friendships, independence.",
                        max_length=4000,
                        verbose_name="What good it brings",
                    ),
                ),
                (
                    "least_restrictive",
                    models.TextField(
                        blank=True,
                        help_text="The option that limits the person's freedom least, and whether it was chosen.",
                        max_length=4000,
                        verbose_name="The least restrictive option considered",
                    ),
                ),
                (
                    "decision",
                    models.TextField(blank=True, max_length=4000, verbose_name="What was decided"),
                ),
                (
                    "reasons",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="Why it was decided"
                    ),
                ),
                (
                    "decided_on",
                    models.DateField(blank=True, null=True, verbose_name="Date decided"),
                ),
                (
                    "review_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="When to look at it again"
                    ),
                ),
                (
                    "capacity_in_question",
                    models.CharField(
                        choices=[("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")],
                        default="no",
                        max_length=10,
                        verbose_name="Is the person's capacity to make this decision in question?",
                    ),
                ),
                (
                    "capacity_notes",
                    models.TextField(blank=True, max_length=2000, verbose_name="About capacity"),
                ),
                (
                    "decision_supported_by",
                    models.CharField(
                        blank=True,
                        help_text="For example: 'her advocate from Northfield Advocacy', 'her daughter Ann'.",
                        max_length=300,
                        verbose_name="Who supported the person to make the decision",
                    ),
                ),
                (
                    "views_conflict",
                    models.BooleanField(
                        default=False,
                        verbose_name="A guardian's or attorney's view conflicts with what the person wants",
                    ),
                ),
                (
                    "conflict_handling",
                    models.TextField(
                        blank=True,
                        max_length=4000,
                        verbose_name="How the conflict is being dealt with",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="risks",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="risks",
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
                    "solution",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="risks",
                        to="support.solution",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "indexes": [
                    models.Index(fields=["person", "created_at"], name="risk_person_created")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("outcome__isnull", False), ("solution__isnull", False), _connector="OR"
                        ),
                        name="risk_about_outcome_or_solution",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decision", ""),
                            models.Q(
                                models.Q(("reasons", ""), _negated=True),
                                ("decided_on__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="risk_decision_has_reasons_and_date",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("review_on__isnull", True),
                            ("decided_on__isnull", True),
                            ("review_on__gte", models.F("decided_on")),
                            _connector="OR",
                        ),
                        name="risk_review_after_decision",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("views_conflict", False),
                            models.Q(("conflict_handling", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="risk_conflict_has_handling",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("capacity_in_question__in", ["yes", "no", "not_sure"])),
                        name="risk_capacity_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RiskAgreement",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("name", models.CharField(max_length=200, verbose_name="Who")),
                (
                    "role",
                    models.CharField(
                        help_text="For example: 'Jean herself', 'daughter', 'social worker', 'club secretary'.",
                        max_length=120,
                        verbose_name="Who they are",
                    ),
                ),
                (
                    "agreed_to",
                    models.TextField(
                        max_length=2000, verbose_name="What they agreed to do or accept"
                    ),
                ),
                ("agreed_on", models.DateField(verbose_name="Date agreed")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
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
                    "risk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreements",
                        to="risk.riskenablement",
                    ),
                ),
            ],
            options={
                "ordering": ["agreed_on", "at"],
            },
        ),
        migrations.CreateModel(
            name="RiskView",
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
                            ("guardian", "Welfare guardian"),
                            ("attorney", "Welfare power of attorney"),
                            ("family", "Family member or unpaid carer"),
                            ("worker", "Worker"),
                            ("other", "Someone else"),
                        ],
                        max_length=10,
                        verbose_name="Whose view",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Their name")),
                (
                    "view",
                    models.TextField(max_length=4000, verbose_name="Their view, in their words"),
                ),
                ("given_on", models.DateField(verbose_name="Date given")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
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
                    "risk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="views",
                        to="risk.riskenablement",
                    ),
                ),
            ],
            options={
                "ordering": ["given_on", "at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "whose__in",
                                ["person", "guardian", "attorney", "family", "worker", "other"],
                            )
                        ),
                        name="risk_view_whose_valid",
                    )
                ],
            },
        ),
        # The append-only guards as migration 0004 left them (the first
        # triggers, dropped there, are never made).
        append_only_guards_sql(
            prefix="risk",
            tables=("risk_riskagreement", "risk_riskview"),
            message="history rows are never changed",
        ),
    ]

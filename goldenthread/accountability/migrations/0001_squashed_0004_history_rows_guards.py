"""The accountability app's migrations 0001 to 0004, squashed into one (#17).

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
        ("accountability", "0001_initial"),
        ("accountability", "0002_history_rows_append_only"),
        ("accountability", "0003_challenge_deadline_extensions"),
        ("accountability", "0004_history_rows_guards"),
    ]

    initial = True

    dependencies = [
        ("directory", "0001_squashed_0002_search_index"),
        ("outcomes", "0001_squashed_0004_agreement_guards"),
        ("people", "0001_squashed_0004_person_support_reason"),
        ("sds", "0001_squashed_0006_history_rows_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Challenge",
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
                    "raised_by",
                    models.CharField(
                        choices=[
                            ("person", "The person"),
                            ("family", "A family member or unpaid carer"),
                            ("proxy", "A guardian, attorney or other proxy"),
                            ("advocate", "An advocate"),
                            ("other", "Someone else"),
                        ],
                        max_length=10,
                        verbose_name="Who raised it",
                    ),
                ),
                ("raised_by_name", models.CharField(max_length=200, verbose_name="Their name")),
                ("raised_on", models.DateField(verbose_name="Date received")),
                (
                    "about",
                    models.CharField(
                        choices=[
                            ("budget", "A budget decision"),
                            ("option_not_delivered", "An SDS option that was not delivered"),
                            ("eligibility", "Whether they are eligible for support"),
                            ("record", "Something in their record they think is wrong"),
                            ("support", "Their support or how it was given"),
                            ("other", "Something else"),
                        ],
                        max_length=25,
                        verbose_name="What it is about",
                    ),
                ),
                (
                    "details",
                    models.TextField(
                        max_length=4000, verbose_name="What they are unhappy about, in their words"
                    ),
                ),
                (
                    "wanted",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="What they would like to happen"
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("frontline", "Stage 1: frontline resolution"),
                            ("investigation", "Stage 2: investigation"),
                        ],
                        default="frontline",
                        max_length=15,
                        verbose_name="Stage",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "Open"), ("answered", "Answered")],
                        default="open",
                        max_length=10,
                        verbose_name="Answered yet",
                    ),
                ),
                ("stage_started_on", models.DateField(verbose_name="Date this stage started")),
                ("due_on", models.DateField(verbose_name="Answer due by")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("upheld", "Upheld"),
                            ("partly", "Partly upheld"),
                            ("not_upheld", "Not upheld"),
                        ],
                        max_length=12,
                        verbose_name="Outcome",
                    ),
                ),
                (
                    "answer",
                    models.TextField(
                        blank=True,
                        max_length=6000,
                        verbose_name="The answer, as given to the person",
                    ),
                ),
                (
                    "what_changed",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="What changed because of it"
                    ),
                ),
                (
                    "answered_on",
                    models.DateField(blank=True, null=True, verbose_name="Date answered"),
                ),
                (
                    "mediation",
                    models.CharField(
                        choices=[
                            ("not_offered", "Not offered yet"),
                            ("offered", "Offered, waiting for an answer"),
                            ("accepted", "Offered and accepted"),
                            ("declined", "Offered and declined"),
                        ],
                        default="not_offered",
                        max_length=12,
                        verbose_name="Mediation",
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="challenges",
                        to="sds.decision",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="challenges",
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
                "ordering": ["-raised_on", "-created_at"],
                "indexes": [
                    models.Index(fields=["person", "raised_on"], name="challenge_person_raised"),
                    models.Index(fields=["state", "due_on"], name="challenge_state_due"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "about__in",
                                [
                                    "budget",
                                    "option_not_delivered",
                                    "eligibility",
                                    "record",
                                    "support",
                                    "other",
                                ],
                            )
                        ),
                        name="challenge_about_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("raised_by__in", ["person", "family", "proxy", "advocate", "other"])
                        ),
                        name="challenge_raised_by_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("stage__in", ["frontline", "investigation"])),
                        name="challenge_stage_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("mediation__in", ["not_offered", "offered", "accepted", "declined"])
                        ),
                        name="challenge_mediation_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("state", "open"), ("outcome", ""), ("answered_on__isnull", True)
                            ),
                            models.Q(
                                ("state", "answered"),
                                ("outcome__in", ["upheld", "partly", "not_upheld"]),
                                ("answered_on__isnull", False),
                                models.Q(("answer", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="challenge_answered_has_outcome",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("stage_started_on__gte", models.F("raised_on"))),
                        name="challenge_stage_after_raised",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("due_on__gte", models.F("stage_started_on"))),
                        name="challenge_due_after_start",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ChallengeEvent",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("raised", "Received at stage 1 (frontline resolution)"),
                            ("investigation", "Moved to stage 2 (investigation)"),
                            ("answered", "Answered"),
                            ("mediation", "Mediation"),
                            ("escalated", "Taken to an outside body"),
                            ("extended", "Time to answer extended"),
                        ],
                        max_length=15,
                        verbose_name="What happened",
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("frontline", "Stage 1: frontline resolution"),
                            ("investigation", "Stage 2: investigation"),
                        ],
                        max_length=15,
                        verbose_name="Stage",
                    ),
                ),
                ("on", models.DateField(verbose_name="Date")),
                ("due_on", models.DateField(blank=True, null=True, verbose_name="Answer due by")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("upheld", "Upheld"),
                            ("partly", "Partly upheld"),
                            ("not_upheld", "Not upheld"),
                        ],
                        max_length=12,
                        verbose_name="Outcome",
                    ),
                ),
                (
                    "mediation",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("not_offered", "Not offered yet"),
                            ("offered", "Offered, waiting for an answer"),
                            ("accepted", "Offered and accepted"),
                            ("declined", "Offered and declined"),
                        ],
                        max_length=12,
                        verbose_name="Mediation",
                    ),
                ),
                (
                    "body",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("spso", "Scottish Public Services Ombudsman (SPSO)"),
                            ("care_inspectorate", "Care Inspectorate"),
                            ("sssc", "Scottish Social Services Council (SSSC)"),
                            ("other", "Another body"),
                        ],
                        max_length=20,
                        verbose_name="Taken to",
                    ),
                ),
                (
                    "reference",
                    models.CharField(blank=True, max_length=100, verbose_name="Their reference"),
                ),
                ("text", models.TextField(blank=True, max_length=6000, verbose_name="In words")),
                (
                    "what_changed",
                    models.TextField(blank=True, max_length=4000, verbose_name="What changed"),
                ),
                (
                    "challenge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="accountability.challenge",
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
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "agreed_by",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="Extension agreed by"
                    ),
                ),
                (
                    "previous_due_on",
                    models.DateField(blank=True, null=True, verbose_name="Was due by"),
                ),
            ],
            options={
                "ordering": ["on", "at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "escalated"), _negated=True),
                            models.Q(("body", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="challenge_escalation_names_body",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "raised",
                                    "investigation",
                                    "answered",
                                    "mediation",
                                    "escalated",
                                    "extended",
                                ],
                            )
                        ),
                        name="challenge_event_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "extended"), _negated=True),
                            models.Q(
                                ("due_on__isnull", False),
                                ("previous_due_on__isnull", False),
                                ("due_on__gt", models.F("previous_due_on")),
                                models.Q(("text", ""), _negated=True),
                                models.Q(("agreed_by", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="challenge_extension_complete",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Transition",
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
                            ("into_adult_services", "Into adult services"),
                            ("school_to_adult_life", "From school to adult life"),
                            ("into_residential", "Into residential care"),
                            ("out_of_residential", "Out of residential care"),
                            ("between_areas", "Moving to another council area"),
                            ("hospital_discharge", "Coming home from hospital"),
                        ],
                        max_length=25,
                        verbose_name="Type of move",
                    ),
                ),
                ("planned_on", models.DateField(verbose_name="Planned date")),
                (
                    "actual_on",
                    models.DateField(blank=True, null=True, verbose_name="Date it happened"),
                ),
                (
                    "other_agencies",
                    models.TextField(
                        blank=True,
                        max_length=2000,
                        verbose_name="Other agencies and people involved",
                    ),
                ),
                (
                    "receiving_details",
                    models.TextField(
                        blank=True,
                        help_text="For a move to another council: who receives the plan, and how.",
                        max_length=2000,
                        verbose_name="The receiving council or service",
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="What matters about this move"
                    ),
                ),
                (
                    "circle_members",
                    models.ManyToManyField(blank=True, related_name="+", to="people.circlemember"),
                ),
                (
                    "outcomes",
                    models.ManyToManyField(
                        blank=True, related_name="transitions", to="outcomes.outcome"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transitions",
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
                "ordering": ["planned_on", "created_at"],
                "indexes": [models.Index(fields=["planned_on"], name="transition_planned")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "into_adult_services",
                                    "school_to_adult_life",
                                    "into_residential",
                                    "out_of_residential",
                                    "between_areas",
                                    "hospital_discharge",
                                ],
                            )
                        ),
                        name="transition_kind_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Advocacy",
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
                ("identified_on", models.DateField(verbose_name="Date the need was identified")),
                (
                    "identified_by",
                    models.CharField(max_length=200, verbose_name="Who identified the need"),
                ),
                ("why", models.TextField(max_length=4000, verbose_name="Why advocacy is needed")),
                (
                    "offered_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="Date advocacy was offered"
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        choices=[
                            ("not_offered", "Not offered yet"),
                            ("waiting", "Offered, thinking about it"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                        ],
                        default="not_offered",
                        max_length=12,
                        verbose_name="The person's answer",
                    ),
                ),
                (
                    "declined_reason",
                    models.TextField(
                        blank=True,
                        max_length=2000,
                        verbose_name="Why they declined, in their words",
                    ),
                ),
                (
                    "referred_on",
                    models.DateField(blank=True, null=True, verbose_name="Date referred"),
                ),
                (
                    "provider_name",
                    models.CharField(blank=True, max_length=200, verbose_name="Advocacy provider"),
                ),
                (
                    "started_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="Date the advocate started"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="advocacy",
                        to="people.person",
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.communityresource",
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
                "verbose_name_plural": "advocacy",
                "ordering": ["-identified_on", "-created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("answer__in", ["not_offered", "waiting", "accepted", "declined"])
                        ),
                        name="advocacy_answer_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("offered_on__isnull", True),
                            ("offered_on__gte", models.F("identified_on")),
                            _connector="OR",
                        ),
                        name="advocacy_offered_after_identified",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("referred_on__isnull", True),
                            ("referred_on__gte", models.F("identified_on")),
                            _connector="OR",
                        ),
                        name="advocacy_referred_after_identified",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("started_on__isnull", True),
                            models.Q(
                                ("referred_on__isnull", False),
                                ("started_on__gte", models.F("referred_on")),
                            ),
                            _connector="OR",
                        ),
                        name="advocacy_started_after_referral",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("referred_on__isnull", True),
                            models.Q(("provider_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="advocacy_referral_names_provider",
                    ),
                ],
            },
        ),
        # The append-only guards as migration 0004 left them (the first
        # triggers, dropped there, are never made).
        append_only_guards_sql(
            prefix="accountability",
            tables=("accountability_challengeevent",),
            message="history rows are never changed",
        ),
    ]

"""The people app's migrations 0001 to 0004, squashed into one (#17).

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


class Migration(migrations.Migration):
    replaces = [
        ("people", "0001_initial"),
        ("people", "0002_possible_duplicate"),
        ("people", "0003_draft"),
        ("people", "0004_person_support_reason"),
    ]

    initial = True

    dependencies = [
        ("accounts", "0001_squashed_0004_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Person",
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
                ("given_name", models.CharField(max_length=100, verbose_name="First name")),
                ("family_name", models.CharField(max_length=100, verbose_name="Last name")),
                (
                    "preferred_name",
                    models.CharField(
                        blank=True,
                        help_text="What the person likes to be called, if different.",
                        max_length=100,
                        verbose_name="Preferred name",
                    ),
                ),
                ("date_of_birth", models.DateField(verbose_name="Date of birth")),
                (
                    "chi_number",
                    models.CharField(
                        blank=True,
                        help_text="10 digits, for example 120345 6784. Leave blank if not known.",
                        max_length=10,
                        verbose_name="CHI number",
                    ),
                ),
                (
                    "communication_needs",
                    models.TextField(
                        blank=True,
                        help_text="For example: British Sign Language, easy read, needs time to answer.",
                        max_length=2000,
                        verbose_name="Communication needs",
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="people",
                        to="accounts.area",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="people",
                        to="accounts.team",
                    ),
                ),
                (
                    "support_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("dementia", "Dementia"),
                            ("mental_health_problems", "Mental health"),
                            ("learning_disability", "Learning disability"),
                            ("physical_and_sensory_disability", "Physical or sensory disability"),
                            ("drugs", "Drugs"),
                            ("alcohol", "Alcohol"),
                            ("palliative_care", "Palliative care"),
                            ("carer", "Caring for someone (an unpaid carer)"),
                            ("elder_frail", "Frailty in older age"),
                            ("neurological_condition", "Neurological condition"),
                            ("autism", "Autism"),
                            ("other_vulnerable_groups", "Another reason"),
                        ],
                        db_default="",
                        default="",
                        max_length=40,
                        verbose_name="Main reason for support",
                    ),
                ),
            ],
            options={
                "ordering": ["family_name", "given_name"],
                "indexes": [models.Index(fields=["family_name", "given_name"], name="person_name")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("chi_number", ""), _negated=True),
                        fields=("chi_number",),
                        name="person_chi_unique",
                        violation_error_message="A person with this CHI number is already recorded.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "support_reason__in",
                                [
                                    "",
                                    "dementia",
                                    "mental_health_problems",
                                    "learning_disability",
                                    "physical_and_sensory_disability",
                                    "drugs",
                                    "alcohol",
                                    "palliative_care",
                                    "carer",
                                    "elder_frail",
                                    "neurological_condition",
                                    "autism",
                                    "other_vulnerable_groups",
                                ],
                            )
                        ),
                        name="person_support_reason_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Draft",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("page", models.CharField(max_length=500)),
                ("key", models.CharField(max_length=600)),
                ("action", models.CharField(max_length=500)),
                ("field", models.CharField(max_length=100)),
                ("text", models.TextField(max_length=20000)),
                ("saved_at", models.DateTimeField()),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "person", "action"], name="draft_by_action")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "person", "page", "key"), name="draft_one_per_box"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CircleMember",
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
                ("name", models.CharField(max_length=200)),
                (
                    "relationship",
                    models.CharField(
                        help_text="For example: daughter, neighbour, friend from church.",
                        max_length=100,
                    ),
                ),
                (
                    "is_unpaid_carer",
                    models.BooleanField(
                        default=False,
                        help_text="They give care or support without being paid for it.",
                        verbose_name="Unpaid carer",
                    ),
                ),
                (
                    "contact",
                    models.CharField(
                        blank=True,
                        help_text="Phone number, email or address, as the person is happy to share.",
                        max_length=300,
                        verbose_name="Contact details",
                    ),
                ),
                ("notes", models.TextField(blank=True, max_length=2000)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="circle",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Allocation",
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
                    "description",
                    models.CharField(
                        blank=True,
                        help_text="For example: allocated social worker, occupational therapist.",
                        max_length=120,
                        verbose_name="Their part",
                    ),
                ),
                ("start_date", models.DateField()),
                ("end_date", models.DateField(blank=True, null=True)),
                (
                    "worker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="allocations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="allocations",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-start_date"],
                "indexes": [
                    models.Index(fields=["worker", "person"], name="allocation_worker_person")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("end_date__isnull", True),
                            ("end_date__gte", models.F("start_date")),
                            _connector="OR",
                        ),
                        name="allocation_ends_after_start",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PossibleDuplicate",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("given_name", models.CharField(max_length=100, verbose_name="First name")),
                ("family_name", models.CharField(max_length=100, verbose_name="Last name")),
                ("date_of_birth", models.DateField(verbose_name="Date of birth")),
                ("chi_number", models.CharField(max_length=10, verbose_name="CHI number")),
                ("changing_person_id", models.UUIDField(blank=True, null=True)),
                ("existing_person_id", models.UUIDField()),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "To check"), ("resolved", "Dealt with")],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "resolution",
                    models.TextField(blank=True, max_length=2000, verbose_name="What was done"),
                ),
                (
                    "existing_team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.team",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.team",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["team", "status"], name="possible_duplicate_team"),
                    models.Index(
                        fields=["requested_by", "created_at"], name="possible_duplicate_by"
                    ),
                ],
            },
        ),
    ]

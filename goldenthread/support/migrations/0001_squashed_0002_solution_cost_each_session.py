"""The support app's migrations 0001 to 0002, squashed into one (#17).

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
    replaces = [("support", "0001_initial"), ("support", "0002_solution_cost_each_session")]

    initial = True

    dependencies = [
        ("directory", "0001_squashed_0002_search_index"),
        ("outcomes", "0001_squashed_0004_agreement_guards"),
        ("people", "0001_squashed_0004_person_support_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Solution",
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
                    "step",
                    models.CharField(
                        choices=[
                            ("yourself", "Yourself"),
                            ("technology", "Technology"),
                            ("equipment", "Equipment and adaptations"),
                            ("family_friends", "Family, friends and neighbours"),
                            ("community", "Community"),
                            ("services", "Services or setting"),
                            ("support", "Support"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "what",
                    models.CharField(
                        help_text="For example: 'a tablet with video calling', 'Thursday walking group'.",
                        max_length=300,
                        verbose_name="What",
                    ),
                ),
                (
                    "who",
                    models.CharField(
                        blank=True,
                        help_text="For example: 'Jean', 'her daughter Ann', 'Northfield Walking Group'.",
                        max_length=200,
                        verbose_name="Who provides it or does it",
                    ),
                ),
                (
                    "cost",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="In pounds, for example 12.50. Leave blank if it costs nothing.",
                        max_digits=12,
                        null=True,
                        verbose_name="Cost (if any)",
                    ),
                ),
                (
                    "cost_period",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("one_off", "One-off"),
                            ("week", "A week"),
                            ("month", "A month"),
                            ("year", "A year"),
                            ("session", "Each time (a session)"),
                        ],
                        max_length=10,
                        verbose_name="How often this cost is paid",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("idea", "Idea"),
                            ("agreed", "Agreed"),
                            ("in_place", "In place"),
                            ("stopped", "Tried and stopped"),
                            ("declined", "Declined"),
                        ],
                        default="idea",
                        max_length=10,
                    ),
                ),
                ("notes", models.TextField(blank=True, max_length=4000)),
                (
                    "community_resource",
                    models.ForeignKey(
                        blank=True,
                        help_text="The community resource from the directory, where one is used.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="solutions",
                        to="directory.communityresource",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_solutions",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_solutions",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "indexes": [models.Index(fields=["outcome", "step"], name="solution_outcome_step")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "step__in",
                                [
                                    "yourself",
                                    "technology",
                                    "equipment",
                                    "family_friends",
                                    "community",
                                    "services",
                                    "support",
                                ],
                            )
                        ),
                        name="solution_step_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["idea", "agreed", "in_place", "stopped", "declined"])
                        ),
                        name="solution_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("cost__isnull", True), ("cost__gte", 0), _connector="OR"
                        ),
                        name="solution_cost_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("cost__isnull", True), ("cost_period", "")),
                            models.Q(
                                ("cost__isnull", False),
                                (
                                    "cost_period__in",
                                    ["one_off", "week", "month", "year", "session"],
                                ),
                            ),
                            _connector="OR",
                        ),
                        name="solution_cost_has_period",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SolutionStatusChange",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("idea", "Idea"),
                            ("agreed", "Agreed"),
                            ("in_place", "In place"),
                            ("stopped", "Tried and stopped"),
                            ("declined", "Declined"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("idea", "Idea"),
                            ("agreed", "Agreed"),
                            ("in_place", "In place"),
                            ("stopped", "Tried and stopped"),
                            ("declined", "Declined"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000)),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                    "solution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="support.solution",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
            },
        ),
        migrations.CreateModel(
            name="StepExploration",
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
                    "step",
                    models.CharField(
                        choices=[
                            ("yourself", "Yourself"),
                            ("technology", "Technology"),
                            ("equipment", "Equipment and adaptations"),
                            ("family_friends", "Family, friends and neighbours"),
                            ("community", "Community"),
                            ("services", "Services or setting"),
                            ("support", "Support"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("not_yet", "Not yet considered"),
                            ("explored", "Explored"),
                            ("nothing_suitable", "Explored, nothing suitable"),
                        ],
                        default="not_yet",
                        max_length=20,
                    ),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="For example: 'no group near enough', 'tried before and it did not help'.",
                        max_length=2000,
                        verbose_name="Why nothing is suitable (optional)",
                    ),
                ),
                (
                    "changed_by",
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_explorations",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_explorations",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("outcome", "step"), name="step_exploration_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "step__in",
                                [
                                    "yourself",
                                    "technology",
                                    "equipment",
                                    "family_friends",
                                    "community",
                                    "services",
                                    "support",
                                ],
                            )
                        ),
                        name="step_exploration_step_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("state__in", ["not_yet", "explored", "nothing_suitable"])
                        ),
                        name="step_exploration_state_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("state", "nothing_suitable"), ("note", ""), _connector="OR"
                        ),
                        name="step_exploration_note_only_when_nothing_suitable",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SupportChecklistAnswer",
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
                                "tried_already",
                                "Did I start by exploring what the person has tried already, and what ideas they have?",
                            ),
                            (
                                "yourself",
                                "Did I consider with the person how they can build on their strengths, assets and qualities? Did I explore what else the person could do to improve their knowledge, skills or confidence?",
                            ),
                            (
                                "technology",
                                "Did I investigate whether there are any apps or technology that could help?",
                            ),
                            (
                                "equipment",
                                "Did I review whether there are any products or equipment that could help? Did I see whether there are any physical changes that could be made to the person's home or environment that could help?",
                            ),
                            (
                                "family_friends",
                                "Did I explore whether there is anything that the person's family, friends or neighbours could help with?",
                            ),
                            (
                                "community",
                                "Did I investigate whether there are places, groups or events happening in the person's community that could help? Did I consider online communities too?",
                            ),
                            ("services", "Services or setting"),
                            ("support", "Support"),
                            ("personal_budgets", "Did we consider personal budgets?"),
                            (
                                "involved",
                                "Am I confident that I involved the person in decision making as much as I could?",
                            ),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("partly", "Partly"), ("not_yet", "Not yet")],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000)),
                (
                    "suggested",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("partly", "Partly"), ("not_yet", "Not yet")],
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_checklist_answers",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_checklist_answers",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("outcome", "question"), name="support_checklist_answer_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "question__in",
                                [
                                    "tried_already",
                                    "yourself",
                                    "technology",
                                    "equipment",
                                    "family_friends",
                                    "community",
                                    "services",
                                    "support",
                                    "personal_budgets",
                                    "involved",
                                ],
                            )
                        ),
                        name="support_checklist_question_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SupportPlanning",
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
                    "tried_already",
                    models.TextField(
                        blank=True,
                        help_text="In the person's words where you can: what they have tried, and how it went.",
                        max_length=4000,
                        verbose_name="What has the person tried already?",
                    ),
                ),
                (
                    "own_ideas",
                    models.TextField(
                        blank=True,
                        help_text="Their own ideas, and those of the people who know them well.",
                        max_length=4000,
                        verbose_name="What ideas do they have?",
                    ),
                ),
                (
                    "plan_type_override",
                    models.CharField(
                        blank=True,
                        choices=[("young_person", "Young person"), ("adult", "Adult")],
                        help_text="Leave blank to choose from the person's age.",
                        max_length=20,
                        verbose_name="Which questions to use for steps 6 and 7",
                    ),
                ),
                (
                    "outcome",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_planning",
                        to="outcomes.outcome",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_plannings",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("plan_type_override__in", ["", "young_person", "adult"])
                        ),
                        name="support_planning_plan_type_valid",
                    )
                ],
            },
        ),
    ]

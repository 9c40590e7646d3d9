"""The portal app's migrations 0001 to 0002, squashed into one (#17).

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

import goldenthread.portal.models


class Migration(migrations.Migration):
    replaces = [("portal", "0001_initial"), ("portal", "0002_about_me_media")]

    initial = True

    dependencies = [
        ("people", "0001_squashed_0004_person_support_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AboutMe",
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
                    "what_matters",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="What matters to me"
                    ),
                ),
                (
                    "admired",
                    models.TextField(
                        blank=True,
                        max_length=4000,
                        verbose_name="What people like and admire about me",
                    ),
                ),
                (
                    "how_to_support",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="How best to support me"
                    ),
                ),
                (
                    "communication",
                    models.TextField(blank=True, max_length=4000, verbose_name="How I communicate"),
                ),
                (
                    "important_people",
                    models.TextField(blank=True, max_length=4000, verbose_name="Important people"),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="about_me",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "About me",
            },
        ),
        migrations.CreateModel(
            name="AccessQuestion",
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
                ("log_id", models.UUIDField()),
                ("about", models.CharField(max_length=300, verbose_name="Who looked")),
                ("looked_at", models.DateTimeField()),
                ("question", models.TextField(max_length=2000, verbose_name="Your question")),
                ("asked_at", models.DateTimeField()),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                ("answer", models.TextField(blank=True, max_length=4000)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "asked_by",
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
                        related_name="access_questions",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["asked_at"],
            },
        ),
        migrations.CreateModel(
            name="Invitation",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("self", "The person themselves"),
                            ("proxy", "Someone acting for the person (proxy)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Their name")),
                ("relationship", models.CharField(blank=True, max_length=100)),
                (
                    "basis",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("authorised", "Authorised by the person"),
                            ("parent", "Parental responsibility"),
                            ("guardian", "Guardianship order"),
                            ("attorney", "Power of attorney"),
                        ],
                        max_length=12,
                    ),
                ),
                ("legal_reference", models.CharField(blank=True, max_length=200)),
                ("valid_until", models.DateField(blank=True, null=True)),
                ("hidden_sections", models.JSONField(blank=True, default=list)),
                ("young_person_agreed_on", models.DateField(blank=True, null=True)),
                ("young_person_agreement", models.CharField(blank=True, max_length=300)),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("in_person", "Give the code in person (shown on screen)"),
                            ("email", "Send the code by e-mail"),
                        ],
                        max_length=10,
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("code_lookup", models.CharField(max_length=64, unique=True)),
                ("issued_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                ("void_at", models.DateTimeField(blank=True, null=True)),
                (
                    "issued_by",
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
                        related_name="portal_invitations",
                        to="people.person",
                    ),
                ),
                (
                    "used_by",
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
                "ordering": ["-issued_at"],
            },
        ),
        migrations.CreateModel(
            name="AboutMeMedia",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("image", "Picture"),
                            ("audio", "Sound recording"),
                            ("video", "Video"),
                        ],
                        editable=False,
                        max_length=10,
                    ),
                ),
                ("content_type", models.CharField(editable=False, max_length=100)),
                ("size", models.PositiveIntegerField(editable=False)),
                (
                    "file",
                    models.FileField(
                        max_length=300,
                        storage=goldenthread.portal.models.person_media_storage,
                        upload_to="",
                    ),
                ),
                ("description", models.CharField(max_length=300, verbose_name="What it shows")),
                ("original_name", models.CharField(blank=True, editable=False, max_length=255)),
                ("on_behalf", models.BooleanField(default=False)),
                ("removed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "added_by",
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
                        related_name="about_me_media",
                        to="people.person",
                    ),
                ),
                (
                    "removed_by",
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
                "verbose_name": "About me picture, sound or video",
                "verbose_name_plural": "About me pictures, sounds and videos",
                "ordering": ["created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["image", "audio", "video"])),
                        name="portal_media_kind_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CorrectionRequest",
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
                ("item_type", models.CharField(max_length=100)),
                ("item_id", models.CharField(max_length=64)),
                (
                    "item_text",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="What it said when asked"
                    ),
                ),
                ("what_is_wrong", models.TextField(max_length=4000, verbose_name="What is wrong")),
                (
                    "should_say",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="What it should say"
                    ),
                ),
                ("on_behalf", models.BooleanField(default=False)),
                ("asked_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting for an answer"),
                            ("accepted", "Corrected"),
                            ("declined", "Not changed"),
                        ],
                        default="waiting",
                        max_length=10,
                    ),
                ),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answer",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="The answer, with reasons"
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "asked_by",
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
                        related_name="correction_requests",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["asked_at"],
                "indexes": [
                    models.Index(fields=["person", "status"], name="portal_correction_status")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "waiting"),
                            models.Q(
                                ("answered_at__isnull", False),
                                models.Q(("answer", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="portal_correction_answer_given",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ItemComment",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("item_type", models.CharField(max_length=100)),
                ("item_id", models.CharField(max_length=64)),
                ("text", models.TextField(max_length=4000, verbose_name="Your comment")),
                ("on_behalf", models.BooleanField(default=False)),
                (
                    "author",
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
                        related_name="portal_comments",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "indexes": [
                    models.Index(
                        fields=["person", "item_type", "item_id"], name="portal_comment_item"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RecordLink",
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
                            ("self", "The person themselves"),
                            ("proxy", "Someone acting for the person (proxy)"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "relationship",
                    models.CharField(
                        blank=True,
                        help_text="For example: daughter, carer, advocate.",
                        max_length=100,
                        verbose_name="Who they are to the person",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("authorised", "Authorised by the person"),
                            ("parent", "Parental responsibility"),
                            ("guardian", "Guardianship order"),
                            ("attorney", "Power of attorney"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "legal_reference",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="Order or registration reference"
                    ),
                ),
                ("valid_from", models.DateField()),
                ("valid_until", models.DateField(blank=True, null=True)),
                ("hidden_sections", models.JSONField(blank=True, default=list)),
                ("young_person_agreed_on", models.DateField(blank=True, null=True)),
                (
                    "young_person_agreement",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="How the young person agreed"
                    ),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.CharField(blank=True, max_length=300)),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "granted_by",
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
                        related_name="portal_links",
                        to="people.person",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="portal_links",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "indexes": [models.Index(fields=["user", "ended_at"], name="portal_link_user")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["self", "proxy"])),
                        name="portal_link_kind_valid",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("ended_at__isnull", True)),
                        fields=("user", "person"),
                        name="portal_link_one_open",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Withholding",
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
                ("item_type", models.CharField(max_length=100)),
                ("item_id", models.CharField(max_length=64)),
                (
                    "grounds",
                    models.CharField(
                        choices=[
                            ("serious_harm", "Seeing it would be likely to cause serious harm"),
                            ("third_party", "It would identify someone else who has not agreed"),
                        ],
                        max_length=15,
                    ),
                ),
                ("reason", models.TextField(max_length=2000, verbose_name="Why")),
                ("review_on", models.DateField(verbose_name="Look at it again on")),
                ("agreed_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "agreed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
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
                        related_name="withholdings",
                        to="people.person",
                    ),
                ),
                (
                    "withheld_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("agreed_by__isnull", True),
                            models.Q(("agreed_by", models.F("withheld_by")), _negated=True),
                            _connector="OR",
                        ),
                        name="portal_withholding_agreed_by_someone_else",
                    )
                ],
            },
        ),
    ]

"""The audit app's migrations 0001 to 0007, squashed into one (#17).

A fresh database runs this one migration; a database that has every migration it replaces
(the previous release's) records it as applied and runs nothing. Built from the replaced
migrations' final state: fields, indexes and constraints in their order there (so the
columns are in the order PostgreSQL has them after the replaced migrations), with the
guards, the purge permit's exceptions and the chain functions made directly; 0003's data
migration (chaining rows written before the chain) left out: a fresh database has none.
Migrations added after this one depend on it, never on a migration it replaces
(docs/adr/0027-squash17-squashed-migrations.md).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from goldenthread.core.append_only import append_only_guards_sql
from goldenthread.core.vendor_sql import VendorSQL

MESSAGE = "audit rows are append-only"
# The access log, the change history, the list-view index and the two break-glass tables:
# a purge permit (audit_purgepermit) lets DELETE through on them, as 0007 left it.
PURGEABLE = (
    "audit_accesslog",
    "audit_changerecord",
    "audit_accesslogperson",
    "audit_breakglassaccess",
    "audit_breakglassreview",
)
CHECKPOINT = "audit_auditcheckpoint"
CHAINED = ("audit_accesslog", "audit_changerecord", CHECKPOINT)

# PostgreSQL: the shared trigger function (0006, 0007): DELETE goes through on the purgeable
# tables while a permit row is visible, which is only ever inside the purge's transaction.
REFUSE_UNLESS_PURGE = f"""
CREATE OR REPLACE FUNCTION audit_refuse_removal() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN {PURGEABLE!r}
       AND EXISTS (SELECT 1 FROM audit_purgepermit) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608 (constants, no input)

_BRANCHES = "\n    ELS".join(
    f"IF tbl = '{t}' THEN\n        SELECT t.seq, t.row_hash INTO seq, row_hash\n"  # noqa: S608
    f"          FROM {t} t ORDER BY t.seq DESC LIMIT 1;"
    for t in CHAINED
)
# PostgreSQL: lock a table's chain for this transaction, then read its head (chain.head).
CHAIN_HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_chain_head(tbl text, lock_key bigint,
                                            OUT seq bigint, OUT row_hash text)
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- Static statements (their plans are kept), one per chained table.
    {_BRANCHES}
    ELSE
        RAISE EXCEPTION 'audit_chain_head: % is not a chained table', tbl;
    END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

# PostgreSQL: the next link of a chain for a row whose content digest is given: locks the
# chain, reads the head, and returns the row's seq, prev_hash and row_hash
# (chain.link_hash computes the same in Python).
CHAIN_NEXT_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_next(tbl text, lock_key bigint, digest text,
                                            OUT seq bigint, OUT prev_hash text,
                                            OUT row_hash text)
AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    SELECT h.seq, h.row_hash INTO head_seq, head_hash FROM audit_chain_head(tbl, lock_key) h;
    seq := coalesce(head_seq, 0) + 1;
    prev_hash := coalesce(head_hash, repeat('0', 64));
    row_hash := encode(sha256(convert_to(
        tbl || E'\\n' || seq::text || E'\\n' || prev_hash || E'\\n' || digest, 'UTF8')), 'hex');
END;
$$ LANGUAGE plpgsql VOLATILE;
"""


def _no_delete_unless_purge(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608
        "WHEN NOT EXISTS (SELECT 1 FROM audit_purgepermit) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


# What 0004, 0006 and 0007 add to the plain guards of the six tables: on PostgreSQL the
# trigger function's purge exception and the chain functions, on SQLite the purgeable
# tables' BEFORE DELETE triggers with the purge exception.
AFTER_GUARDS = VendorSQL(
    sql={
        "postgresql": [REFUSE_UNLESS_PURGE, CHAIN_HEAD_FUNCTION, CHAIN_NEXT_FUNCTION],
        "sqlite": [s for table in PURGEABLE for s in _no_delete_unless_purge(table)],
    },
    reverse_sql={
        "postgresql": [
            "DROP FUNCTION IF EXISTS audit_chain_next(text, bigint, text);",
            "DROP FUNCTION IF EXISTS audit_chain_head(text, bigint);",
        ],
    },
)


class Migration(migrations.Migration):
    replaces = [
        ("audit", "0001_initial"),
        ("audit", "0002_append_only_triggers"),
        ("audit", "0003_hash_chain_fields"),
        ("audit", "0004_hash_chain_required_and_guards"),
        ("audit", "0005_accesslog_api_token_name"),
        ("audit", "0006_audit_checkpoint"),
        ("audit", "0007_checkpoint_signature_and_break_glass_retention"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PurgePermit",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AccessLog",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(db_index=True)),
                ("actor_name", models.CharField(max_length=300)),
                ("actor_role", models.CharField(blank=True, max_length=20)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("view", "Looked at"),
                            ("change", "Changed"),
                            ("create", "Created"),
                            ("export", "Exported"),
                            ("denied", "Was refused access"),
                            ("list", "Saw in a list"),
                        ],
                        max_length=10,
                    ),
                ),
                ("person_id", models.UUIDField(db_index=True, null=True)),
                (
                    "what",
                    models.CharField(help_text="The page, export or API call.", max_length=200),
                ),
                ("method", models.CharField(blank=True, max_length=10)),
                (
                    "reason",
                    models.CharField(
                        help_text="Why: the relationship or stated reason.", max_length=500
                    ),
                ),
                ("break_glass", models.BooleanField(default=False)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seq",
                    models.BigIntegerField(
                        editable=False, unique=True, verbose_name="Place in the log"
                    ),
                ),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("row_hash", models.CharField(editable=False, max_length=64)),
                (
                    "people_shown",
                    models.JSONField(
                        blank=True,
                        help_text="On a list view: the ids of the people it showed.",
                        null=True,
                    ),
                ),
                (
                    "api_token_prefix",
                    models.CharField(
                        blank=True,
                        help_text="Which token it was (names need not differ): the start of the token, which is not secret.",
                        max_length=16,
                        null=True,
                        verbose_name="API token prefix",
                    ),
                ),
                (
                    "api_token_name",
                    models.CharField(
                        blank=True,
                        help_text="The name of the personal API token the call was made with, if any.",
                        max_length=60,
                        null=True,
                        verbose_name="API token",
                    ),
                ),
            ],
            options={
                "ordering": ["-at"],
                "indexes": [models.Index(fields=["person_id", "-at"], name="accesslog_person_at")],
            },
        ),
        migrations.CreateModel(
            name="AccessLogPerson",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("person_id", models.UUIDField()),
                (
                    "log",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="audit.accesslog",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["person_id", "log"], name="accesslogperson_person")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "seq",
                    models.BigIntegerField(
                        editable=False, unique=True, verbose_name="Place in the log"
                    ),
                ),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("row_hash", models.CharField(editable=False, max_length=64)),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField()),
                ("actor_name", models.CharField(max_length=300)),
                ("rule_text", models.CharField(max_length=500, verbose_name="Rule")),
                ("older_than", models.DateTimeField(verbose_name="Rows written before")),
                (
                    "destroyed_before",
                    models.DateTimeField(
                        blank=True,
                        null=True,
                        verbose_name="Rows about people whose record was destroyed before",
                    ),
                ),
                ("removed", models.JSONField(default=dict)),
                (
                    "index_rows",
                    models.PositiveIntegerField(
                        default=0, verbose_name="List-view index rows removed"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "key_id",
                    models.CharField(
                        editable=False, max_length=16, null=True, verbose_name="Signing key"
                    ),
                ),
                ("signature", models.CharField(editable=False, max_length=64, null=True)),
            ],
            options={
                "ordering": ["-at"],
            },
        ),
        migrations.CreateModel(
            name="BreakGlassAccess",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="Started")),
                ("until", models.DateTimeField(verbose_name="Ends")),
                ("actor_name", models.CharField(max_length=300)),
                ("actor_role", models.CharField(blank=True, max_length=20)),
                ("person_id", models.UUIDField()),
                ("reason", models.TextField(max_length=500, verbose_name="Reason given")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-at"],
                "indexes": [
                    models.Index(fields=["actor", "person_id", "until"], name="breakglass_actor"),
                    models.Index(fields=["person_id", "-at"], name="breakglass_person_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="BreakGlassReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                ("reviewer_name", models.CharField(max_length=300)),
                ("note", models.TextField(blank=True, max_length=1000, verbose_name="Note")),
                (
                    "access",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review",
                        to="audit.breakglassaccess",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ChangeRecord",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("at", models.DateTimeField(db_index=True)),
                ("actor_name", models.CharField(max_length=300)),
                ("person_id", models.UUIDField(db_index=True, null=True)),
                ("object_type", models.CharField(max_length=100)),
                ("object_id", models.CharField(max_length=64)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("create", "Created"),
                            ("update", "Changed"),
                            ("delete", "Removed"),
                        ],
                        max_length=10,
                    ),
                ),
                ("before", models.JSONField(null=True)),
                ("after", models.JSONField(null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seq",
                    models.BigIntegerField(
                        editable=False, unique=True, verbose_name="Place in the log"
                    ),
                ),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("row_hash", models.CharField(editable=False, max_length=64)),
            ],
            options={
                "ordering": ["-at"],
                "indexes": [
                    models.Index(
                        fields=["object_type", "object_id", "-at"], name="change_object_at"
                    ),
                    models.Index(fields=["person_id", "-at"], name="change_person_at"),
                ],
            },
        ),
        # The guards of all six tables, then the purge permit's exception and the
        # chain functions as 0007 left them.
        append_only_guards_sql(
            prefix="audit",
            tables=(*PURGEABLE, CHECKPOINT),
            message=MESSAGE,
        ),
        AFTER_GUARDS,
    ]

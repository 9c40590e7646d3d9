"""The audit log's own retention (#20, OPS-7; docs/adr/0002-audit.md, "Retention of the
audit log"):

- `AuditCheckpoint`: a hash-chained, append-only row accounting for each purge;
- `PurgePermit`: while a row exists (only ever inside the purge's own transaction), the
  database lets DELETE through on the access log, the change history and the list-view
  index. UPDATE and TRUNCATE stay refused, and every other audit table refuses DELETE as
  before. PostgreSQL: the shared trigger function checks for a permit; SQLite: the three
  tables' BEFORE DELETE triggers get a WHEN clause;
- PostgreSQL: `audit_chain_head` knows the checkpoint table's chain.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MESSAGE = "audit rows are append-only"
PURGEABLE = ("audit_accesslog", "audit_changerecord", "audit_accesslogperson")
CHECKPOINT = "audit_auditcheckpoint"

# PostgreSQL: the one trigger function of the five audit tables (migration 0004), now with
# the single exception: DELETE on the three purgeable tables while a permit row is visible,
# which is only ever inside the purge's own transaction.
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

REFUSE_ALWAYS = f"""
CREATE OR REPLACE FUNCTION audit_refuse_removal() RETURNS trigger AS $$ BEGIN
RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;
"""


def _chain_head(tables: tuple[str, ...]) -> str:
    branches = "\n    ELS".join(
        f"IF tbl = '{t}' THEN\n        SELECT t.seq, t.row_hash INTO seq, row_hash\n"  # noqa: S608
        f"          FROM {t} t ORDER BY t.seq DESC LIMIT 1;"
        for t in tables
    )
    return f"""
CREATE OR REPLACE FUNCTION audit_chain_head(tbl text, lock_key bigint,
                                            OUT seq bigint, OUT row_hash text)
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- Static statements (their plans are kept), one per chained table.
    {branches}
    ELSE
        RAISE EXCEPTION 'audit_chain_head: % is not a chained table', tbl;
    END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""


CHAINS_BEFORE = ("audit_accesslog", "audit_changerecord")


def _sqlite_no_delete(table: str, *, unless_permit: bool) -> list[str]:
    when = " WHEN NOT EXISTS (SELECT 1 FROM audit_purgepermit)" if unless_permit else ""
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


def forward_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            REFUSE_UNLESS_PURGE,
            _chain_head((*CHAINS_BEFORE, CHECKPOINT)),
            f"CREATE TRIGGER {CHECKPOINT}_no_change BEFORE UPDATE OR DELETE ON {CHECKPOINT} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_removal();",
            f"CREATE TRIGGER {CHECKPOINT}_no_truncate BEFORE TRUNCATE ON {CHECKPOINT} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_removal();",
        ]
    if vendor == "sqlite":
        statements = [
            f"CREATE TRIGGER {CHECKPOINT}_no_update BEFORE UPDATE ON {CHECKPOINT} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
            *_sqlite_no_delete(CHECKPOINT, unless_permit=False),
        ]
        for table in PURGEABLE:
            statements += _sqlite_no_delete(table, unless_permit=True)
        return statements
    return []


def backward_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {CHECKPOINT}_no_change ON {CHECKPOINT};",
            f"DROP TRIGGER IF EXISTS {CHECKPOINT}_no_truncate ON {CHECKPOINT};",
            _chain_head(CHAINS_BEFORE),
            REFUSE_ALWAYS,
        ]
    if vendor == "sqlite":
        statements = []
        for table in PURGEABLE:
            statements += _sqlite_no_delete(table, unless_permit=False)
        return statements
    return []


def forwards(apps, schema_editor) -> None:
    for statement in forward_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor) -> None:
    for statement in backward_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_accesslog_api_token_name"),
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
            ],
            options={
                "ordering": ["-at"],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

"""Signed checkpoints and break-glass retention (#20, OPS-7, SEC-3; docs/adr/0002-audit.md):

- `AuditCheckpoint.key_id` and `.signature`: an HMAC made with a key held apart from the
  database (audit/signing.py). Nullable, so they are left out of the hash of a row without
  them; `audit-verify` refuses an unsigned checkpoint (no release wrote one: the
  checkpoint table came after the last release, operations/previous_release.txt);
- the purge permit (0006) also lets DELETE through on the two break-glass tables, so the
  audit purge can remove break-glass uses past the audit log's period; without a permit
  they refuse DELETE as before, and UPDATE and TRUNCATE always.
"""

from django.db import migrations, models

MESSAGE = "audit rows are append-only"
PURGEABLE_BEFORE = ("audit_accesslog", "audit_changerecord", "audit_accesslogperson")
BREAK_GLASS = ("audit_breakglassaccess", "audit_breakglassreview")


def _refuse_unless_purge(tables: tuple[str, ...]) -> str:
    # As migration 0006, with the tables a permit opens to DELETE given here.
    return f"""
CREATE OR REPLACE FUNCTION audit_refuse_removal() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN {tables!r}
       AND EXISTS (SELECT 1 FROM audit_purgepermit) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608 (constants, no input)


def _sqlite_no_delete(table: str, *, unless_permit: bool) -> list[str]:
    when = " WHEN NOT EXISTS (SELECT 1 FROM audit_purgepermit)" if unless_permit else ""
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


def _sql(vendor: str, *, forwards: bool) -> list[str]:
    if vendor == "postgresql":
        tables = (*PURGEABLE_BEFORE, *BREAK_GLASS) if forwards else PURGEABLE_BEFORE
        return [_refuse_unless_purge(tables)]
    if vendor == "sqlite":
        return [s for t in BREAK_GLASS for s in _sqlite_no_delete(t, unless_permit=forwards)]
    return []


def forwards(apps, schema_editor) -> None:
    for statement in _sql(schema_editor.connection.vendor, forwards=True):
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor) -> None:
    for statement in _sql(schema_editor.connection.vendor, forwards=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_audit_checkpoint"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditcheckpoint",
            name="key_id",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="Signing key"
            ),
        ),
        migrations.AddField(
            model_name="auditcheckpoint",
            name="signature",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

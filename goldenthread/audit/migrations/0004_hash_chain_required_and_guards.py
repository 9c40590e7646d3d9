"""Hash chain, step 2, list views and break-glass (docs/adr/0002-audit.md):

- the chain columns are required and `seq` unique (a forked append fails);
- PostgreSQL: `audit_chain_head(table, key)` locks a chain and reads its head in one call,
  and `audit_chain_next(table, key, digest)` also works out the next row's place and hash;
- `AccessLogPerson`: who a list view showed, by person (SEC-3, "who looked at me");
- `BreakGlassAccess` and `BreakGlassReview` (SEC-3);
- the database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on all five tables.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from goldenthread.core.append_only import append_only_guards

# PostgreSQL: lock a table's chain for this transaction, then read its head (chain.head).
CHAIN_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_head(tbl text, lock_key bigint,
                                            OUT seq bigint, OUT row_hash text)
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- Static statements (their plans are kept), one per chained table.
    IF tbl = 'audit_accesslog' THEN
        SELECT t.seq, t.row_hash INTO seq, row_hash
          FROM audit_accesslog t ORDER BY t.seq DESC LIMIT 1;
    ELSIF tbl = 'audit_changerecord' THEN
        SELECT t.seq, t.row_hash INTO seq, row_hash
          FROM audit_changerecord t ORDER BY t.seq DESC LIMIT 1;
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


def create_chain_functions(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_HEAD_FUNCTION, params=None)
        schema_editor.execute(CHAIN_NEXT_FUNCTION, params=None)


def drop_chain_functions(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_chain_next(text, bigint, text);")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_chain_head(text, bigint);")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_hash_chain_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_chain_functions, drop_chain_functions, elidable=False),
        migrations.AlterField(
            model_name="accesslog", name="seq",
            field=models.BigIntegerField(editable=False, unique=True,
                                         verbose_name="Place in the log"),
        ),
        migrations.AlterField(
            model_name="accesslog", name="prev_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="accesslog", name="row_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="changerecord", name="seq",
            field=models.BigIntegerField(editable=False, unique=True,
                                         verbose_name="Place in the log"),
        ),
        migrations.AlterField(
            model_name="changerecord", name="prev_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="changerecord", name="row_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.CreateModel(
            name="AccessLogPerson",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("person_id", models.UUIDField()),
                ("log", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                          related_name="+", to="audit.accesslog")),
            ],
            options={
                "indexes": [models.Index(fields=["person_id", "log"],
                                         name="accesslogperson_person")],
            },
        ),
        migrations.CreateModel(
            name="BreakGlassAccess",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True,
                                        serialize=False)),
                ("at", models.DateTimeField(verbose_name="Started")),
                ("until", models.DateTimeField(verbose_name="Ends")),
                ("actor_name", models.CharField(max_length=300)),
                ("actor_role", models.CharField(blank=True, max_length=20)),
                ("person_id", models.UUIDField()),
                ("reason", models.TextField(max_length=500, verbose_name="Reason given")),
                ("actor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-at"],
                "indexes": [
                    models.Index(fields=["actor", "person_id", "until"],
                                 name="breakglass_actor"),
                    models.Index(fields=["person_id", "-at"], name="breakglass_person_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="BreakGlassReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("reviewer_name", models.CharField(max_length=300)),
                ("note", models.TextField(blank=True, max_length=1000, verbose_name="Note")),
                ("access", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                                related_name="review",
                                                to="audit.breakglassaccess")),
                ("reviewer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                               related_name="+",
                                               to=settings.AUTH_USER_MODEL)),
            ],
        ),
        append_only_guards(
            prefix="audit",
            tables=("audit_accesslog", "audit_changerecord", "audit_accesslogperson",
                    "audit_breakglassaccess", "audit_breakglassreview"),
            message="audit rows are append-only",
        ),
    ]

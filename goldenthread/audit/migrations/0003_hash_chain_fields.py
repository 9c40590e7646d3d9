"""Hash chain, step 1 (docs/adr/0002-audit.md): add the chain columns and chain the rows
already written, in the order they were written (time, then id).

The append-only triggers of 0002 are lifted for this one data migration (it fills the new
columns); 0004 puts stronger ones back after making the columns required.
"""

from django.db import migrations, models

from goldenthread.audit import chain
from goldenthread.core.append_only import drop_append_only_triggers

TABLES = ("audit_accesslog", "audit_changerecord")


def chain_existing_rows(apps, schema_editor) -> None:
    connection = schema_editor.connection
    for name in ("AccessLog", "ChangeRecord"):
        model = apps.get_model("audit", name)
        fields = chain.content_fields(model)
        table = model._meta.db_table
        quoted = connection.ops.quote_name
        update = (f"UPDATE {quoted(table)} SET seq = %s, prev_hash = %s, row_hash = %s "  # noqa: S608
                  f"WHERE id = %s")
        id_field = model._meta.pk
        seq, prev = 0, chain.GENESIS
        batch = []
        rows = (model._default_manager.order_by("at", "id")
                .values_list("id", *(f.attname for f in fields)).iterator(chunk_size=5000))
        with connection.cursor() as cursor:
            for pk, *values in rows:
                seq += 1
                row_hash = chain.compute_hash(table, seq, prev,
                                              chain.canonical_content(fields, values))
                batch.append((seq, prev, row_hash, id_field.get_db_prep_value(pk, connection)))
                prev = row_hash
                if len(batch) >= 1000:
                    cursor.executemany(update, batch)
                    batch = []
            if batch:
                cursor.executemany(update, batch)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        drop_append_only_triggers(tables=TABLES, restore_prefix="audit",
                                  restore_message="audit rows are append-only"),
        migrations.AddField(
            model_name="accesslog", name="seq",
            field=models.BigIntegerField(null=True, editable=False, verbose_name="Place in the log"),
        ),
        migrations.AddField(
            model_name="accesslog", name="prev_hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="accesslog", name="row_hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="changerecord", name="seq",
            field=models.BigIntegerField(null=True, editable=False, verbose_name="Place in the log"),
        ),
        migrations.AddField(
            model_name="changerecord", name="prev_hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="changerecord", name="row_hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="accesslog", name="people_shown",
            field=models.JSONField(
                blank=True, null=True,
                help_text="On a list view: the ids of the people it showed."),
        ),
        migrations.AlterField(
            model_name="accesslog", name="action",
            field=models.CharField(choices=[
                ("view", "Looked at"), ("change", "Changed"), ("create", "Created"),
                ("export", "Exported"), ("denied", "Was refused access"),
                ("list", "Saw in a list")], max_length=10),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop, elidable=False),
    ]

"""The index the name and date of birth match reads (people.services._same_name_and_birth:
everyone born on a day, for each person added and each name or date of birth changed),
so that it is not a read of the whole table at a nation's size (OPS-2). Built CONCURRENTLY
on PostgreSQL, so adding and changing people is not blocked while it is built (hence not
atomic); a plain CREATE INDEX on SQLite, which has no such option. As reviews 0004."""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0005_possible_duplicate_by_name")]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="person",
            index=models.Index(fields=["date_of_birth"], name="person_birth"),
        ),
    ]

"""The index the reviews-due worklist reads (#19): built CONCURRENTLY on PostgreSQL, so
writes to the review schedule are not blocked while it is built (hence not atomic); a
plain CREATE INDEX on SQLite, which has no such option."""

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

    dependencies = [("reviews", "0003_schedule_due_on")]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="reviewschedule",
            index=models.Index(fields=["due_on"], name="review_schedule_due_on"),
        ),
    ]

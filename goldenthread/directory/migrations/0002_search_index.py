"""Full-text search for community resources (SS-4), one kind per database.

SQLite: FTS5 table directory_resource_fts kept in step by triggers.
PostgreSQL: stored generated tsvector column search_vector with a GIN index.
See goldenthread/directory/search_index.py (which also repairs the SQLite triggers if a
later migration rebuilds the table).
"""

from django.db import migrations

from goldenthread.directory.search_index import drop_search_index, install_search_index


def forwards(apps, schema_editor):
    install_search_index(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "goldenthread.directory"
    label = "directory"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_search_index, sender=self, dispatch_uid="directory_ensure_search_index"
        )


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    """After any migrate, put back the full-text index if a migration removed part of it
    (on SQLite, rebuilding the table for a field change drops its triggers)."""
    from django.db import connections

    from .search_index import RESOURCE_TABLE, ensure_search_index

    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if RESOURCE_TABLE in tables:
        ensure_search_index(connection)

"""Django's `flush`, able to empty the append-only tables where the settings allow it.

The database refuses DELETE (SQLite) and TRUNCATE (PostgreSQL) on append-only tables
(core/append_only.py). The test suite empties the database between transactional tests with
this command, so where settings.GOLDENTHREAD_AUDIT_FLUSH_ALLOWED is true (test and demo
settings) the delete and truncate guards are suspended inside the flush's own transaction
and restored before it commits. Elsewhere (production) the guards refuse and the flush
changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import flush
from django.db import connections, transaction

from goldenthread.core.append_only import removal_guards_suspended


class Command(flush.Command):
    def handle(self, **options):
        if not getattr(settings, "GOLDENTHREAD_AUDIT_FLUSH_ALLOWED", False):
            return super().handle(**options)
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias), removal_guards_suspended(connection):
            return super().handle(**options)

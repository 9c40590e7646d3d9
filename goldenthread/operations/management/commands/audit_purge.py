"""goldenthread audit-purge [--apply] [--as USERNAME]

The audit log's own retention (OPS-7, SEC-2; docs/how-to/retention.md). Without --apply
(a dry run): counts the access-log and change-history rows past the period in
GOLDENTHREAD_AUDIT_RETENTION, and removes nothing. With --apply: checks the audit log
verifies, then removes them in one transaction with a checkpoint that accounts for every
one (so `goldenthread audit-verify` still passes) and a change-history row about it; as
the named administrator or, without --as, as the audit log's retention schedule (cron).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from goldenthread.core.formatting import count_text
from goldenthread.operations import audit_retention
from goldenthread.operations.management.commands.retention import (
    add_retention_arguments,
    retention_actor,
)


class Command(BaseCommand):
    help = "Count (or with --apply, remove) audit-log rows past their retention period."

    def add_arguments(self, parser):
        add_retention_arguments(parser, does="remove them")

    def handle(self, *args, apply: bool, username: str | None, **options):
        actor = retention_actor(username, default=audit_retention.SCHEDULED_AUDIT_RETENTION)
        rule = audit_retention.rule()
        self.stdout.write(
            f"Audit log retention: {count_text(rule['years'], 'year', 'years')}; "
            f"{count_text(rule['destroyed_person_years'], 'year', 'years')} after a person's "
            f"record was destroyed (source: {rule.get('source')})."
        )
        try:
            result = audit_retention.apply(actor=actor, dry_run=not apply)
        except audit_retention.AuditRetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.as_text())
        if not apply and any(result.rows.values()):
            self.stdout.write("Nothing was removed (a dry run). Add --apply to remove them.")

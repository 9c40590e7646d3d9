"""goldenthread retention [--apply] [--as USERNAME] [--today YYYY-MM-DD]

Without --apply (a dry run): lists the records past their retention period, for review,
and destroys nothing. With --apply: destroys them, each leaving a tombstone, as the named
administrator or, without --as, as the retention schedule (for cron). OPS-7,
docs/how-to/retention.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from goldenthread.core.permissions import Permission, can
from goldenthread.operations import retention


def retention_actor(username: str | None, *, default: Any) -> Any:
    """The administrator named by --as, or (without it) the schedule's system actor. Also
    for `audit-purge`."""
    if not username:
        return default
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"No active user {username!r}.")
    if not can(user, Permission.APPLY_RETENTION):
        raise CommandError(f"{username} is not an administrator, so may not do this.")
    return user


def add_retention_arguments(parser, *, does: str) -> None:
    """--apply (`does` what, e.g. "destroy them") and --as, for this and `audit-purge`."""
    parser.add_argument("--apply", action="store_true", help=f"{does} (default: only list them)")
    parser.add_argument("--as", dest="username", help="the administrator doing it")


class Command(BaseCommand):
    help = "List (or with --apply, destroy) records past their retention period."

    def add_arguments(self, parser):
        add_retention_arguments(parser, does="destroy them")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="count periods up to this date, the sign-in records' too (default: today)",
        )

    def handle(self, *args, apply: bool, username: str | None, today, **options):
        actor = retention_actor(username, default=retention.SCHEDULED_RETENTION)
        try:
            result = retention.apply(actor=actor, dry_run=not apply, today=today)
        except retention.RetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.as_text())
        if not apply and result.due:
            self.stdout.write("Nothing was destroyed (a dry run). Add --apply to destroy them.")

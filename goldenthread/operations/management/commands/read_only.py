"""goldenthread read-only on|off|status [--reason TEXT]: maintenance mode (OPS-6).

Writes or removes the flag file (GOLDENTHREAD_READ_ONLY_FLAG, default var/read-only);
running servers see it at their next request. GOLDENTHREAD_READ_ONLY=true in the
environment also turns it on, and only a restart without it turns that off.
How-to: docs/how-to/read-only-mode.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from goldenthread.operations import readonly


class Command(BaseCommand):
    help = "Turn read-only mode on or off, or say whether it is on."

    def add_arguments(self, parser):
        parser.add_argument("state", choices=["on", "off", "status"])
        parser.add_argument("--reason", default="", help="a note kept in the flag file")

    def handle(self, *args, state: str, reason: str, **options):
        if state != "status":
            path = readonly.switch(state == "on", reason=reason)
            self.stdout.write(f"Read-only mode {state} (flag file {path}).")
        forced = bool(getattr(settings, "GOLDENTHREAD_READ_ONLY", False))
        if readonly.is_read_only():
            why = "GOLDENTHREAD_READ_ONLY is set" if forced else f"{readonly.flag_path()} exists"
            self.stdout.write(f"The service is read-only ({why}).")
        else:
            self.stdout.write("The service accepts changes.")

"""goldenthread audit-key new|id: the key that signs audit checkpoints (audit/signing.py).

`new` prints a fresh key (32 random bytes, URL-safe base64) for GOLDENTHREAD_AUDIT_KEY; keep
it in your secret store, never in the database. `id` prints the id of each key this service
holds (the current one and GOLDENTHREAD_AUDIT_OLD_KEYS), as checkpoints record it; never
the keys. docs/how-to/retention.md says how to rotate.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from goldenthread.audit import signing
from goldenthread.audit.models import AuditCheckpoint


class Command(BaseCommand):
    help = "Print a new audit key, or the ids of the audit keys this service holds."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["new", "id"])

    def handle(self, *args, what: str, **options):
        if what == "new":
            self.stdout.write(signing.new_key())
            return
        try:
            held = sorted(signing.keys().values(), key=lambda k: k.rank)
        except signing.AuditKeyError as exc:
            raise CommandError(str(exc)) from exc
        if not held:
            raise CommandError(f"No audit key is set ({signing.KEY_VARIABLE}).")
        current = len(settings.GOLDENTHREAD_AUDIT_OLD_KEYS)
        for key in held:
            state = "current" if key.rank == current else "retired"
            if key.last_seq is not None:
                state += f" (signs nothing after checkpoint {key.last_seq})"
            self.stdout.write(f"{key.id} {state}")
        head = AuditCheckpoint.objects.order_by("-seq").values_list("seq", flat=True).first()
        self.stdout.write(
            f"Checkpoint head: {head or 0} (when retiring the current key, list it in "
            f"{signing.OLD_KEYS_VARIABLE} as KEY@{head or 0})."
        )

"""goldenthread audit-verify [--anchor FILE]: check the audit logs' hash chains.

Walks the access log and the change history in order and names the first broken link of
each (table, sequence number, and whether a row is missing or altered); also checks that the
index of people shown by list views agrees with the list rows. Exit status 1 if anything is
wrong.

A chain proves nothing was removed from its middle; rows removed from its end leave a
shorter chain that is still whole. `--anchor FILE` closes that gap: the file (JSON) holds
each table's head from an earlier run; the chains must still reach those heads, and the file
is then updated with today's heads. Keep it somewhere the database's users cannot write.

Rows removed by the audit log's own retention (operations/audit_retention.py) are
accounted for by the purge checkpoints, a chain of their own checked first, each signed
with the audit key held apart from the database (audit/signing.py: an unsigned, forged or
wrongly keyed checkpoint fails): a gap is accepted only where a checkpoint records exactly
that run of rows, joining the chain on both sides. A purge permit left behind (DELETE open on the audit tables) is a failure too.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goldenthread.audit import chain, signing
from goldenthread.audit.models import AccessLog, AuditCheckpoint, ChangeRecord, PurgePermit
from goldenthread.audit.selectors import list_index_mismatch

CHAINED = (AccessLog, ChangeRecord)
CHECKPOINTS = AuditCheckpoint


class Command(BaseCommand):
    help = "Check that no access-log or change-history row has been removed or altered."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            type=Path,
            help="JSON file of heads from an earlier run: check the chains "
            "still reach them, then record today's",
        )

    def handle(self, *args, anchor: Path | None = None, **options):
        anchors = self._read_anchor(anchor)
        failures = []
        heads = {}
        removed: dict[str, chain.Accounted] = {}
        for model in (CHECKPOINTS, *CHAINED):
            table = model._meta.db_table
            recorded = anchors.get(table)
            accounted = removed.get(table, chain.Accounted([], {}))
            result = chain.verify(
                model,
                anchor=tuple(recorded) if recorded else None,
                removed=accounted.runs,
                joins=accounted.joins,
            )
            if model is CHECKPOINTS and result.broken is None:
                failures += self._check_signatures()
                removed = self._removed_runs()
            heads[table] = list(result.head)
            if result.broken is not None:
                failures.append(str(result.broken))
                self.stderr.write(self.style.ERROR(str(result.broken)))
            else:
                self.stdout.write(
                    f"{table}: {result.rows:,} rows, chain intact, head "
                    f"{result.head[0]} {result.head[1]}"
                )
        if PurgePermit.objects.exists():
            failures.append(
                "audit_purgepermit: a purge permit was left behind (the database lets rows "
                "of the audit log be deleted until it is removed)"
            )
            self.stderr.write(self.style.ERROR(failures[-1]))
        problem = list_index_mismatch()
        if problem:
            failures.append(problem)
            self.stderr.write(self.style.ERROR(problem))
        if failures:
            raise CommandError(f"The audit log is not intact: {failures[0]}")
        if anchor is not None:
            anchor.write_text(json.dumps(heads, indent=2) + "\n")
            self.stdout.write(f"Heads recorded in {anchor}.")
        self.stdout.write(self.style.SUCCESS("The audit log is intact."))

    def _check_signatures(self) -> list[str]:
        """Each checkpoint signed with a key held apart from the database (signing.py)."""
        table = CHECKPOINTS._meta.db_table
        try:
            problems = [
                f"{table}: checkpoint {p.seq}: {p.problem}" for p in signing.check(CHECKPOINTS)
            ]
        except signing.AuditKeyError as exc:
            problems = [f"{table}: the checkpoints' signatures cannot be checked: {exc}"]
        for problem in problems:
            self.stderr.write(self.style.ERROR(problem))
        return problems

    @staticmethod
    def _removed_runs() -> dict[str, chain.Accounted]:
        return chain.accounted(CHECKPOINTS.objects.order_by("seq").values_list("seq", "removed"))

    def _read_anchor(self, anchor: Path | None) -> dict:
        if anchor is None or not anchor.exists():
            return {}
        try:
            data = json.loads(anchor.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the anchor file {anchor}: {exc}") from exc
        if not isinstance(data, dict):
            raise CommandError(f"The anchor file {anchor} is not a JSON object.")
        return data

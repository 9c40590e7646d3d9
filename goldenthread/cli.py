"""The `goldenthread` command.

  goldenthread check-outcome [--json] TEXT…    check outcome statements (no database needed)
  goldenthread check-outcome-eval [FILE]       precision and recall of the checker
  goldenthread bench checker                   checker throughput
  goldenthread demo-data                       load the demo organisation
  goldenthread audit-verify [--anchor FILE]    check the audit logs' hash chains
  goldenthread worker [--once]                 run background jobs (exports, backups, imports)
  goldenthread retention [--apply]             records past their retention period
  goldenthread clean-stored-text [--apply]     direction controls in text stored before ADR 0037
  goldenthread <django command> …              any Django management command (migrate, …)

Settings default to goldenthread.config.settings.dev; set DJANGO_SETTINGS_MODULE to change.
"""

from __future__ import annotations

import os
import sys

# Commands that need no database and no Django: the pure outcome checker.
_CHECKER_COMMANDS = {"check-outcome", "check-outcome-eval"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _CHECKER_COMMANDS:
        from goldenthread.outcomes.checker import cli as checker_cli

        if argv[0] == "check-outcome":
            return checker_cli.check_outcome_main(argv[1:])
        return checker_cli.eval_main(argv[1:])
    if argv[:2] == ["bench", "checker"] and "--database" not in argv:
        from goldenthread.outcomes.checker import cli as checker_cli

        return checker_cli.bench_main(argv[2:])
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    default = "bench" if argv and argv[0] in ("bench", "synth") else "dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"goldenthread.config.settings.{default}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["goldenthread", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())

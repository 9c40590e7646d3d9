"""goldenthread audit-disclosure: what a reader of every report table, in every period the
filter offers, can work out (#14, AGG-2). Not production: it reads the true counts to
check itself, and uses the test-suite's attacker (goldenthread/reports/tests/attacker.py),
its links (links.py) and, with --exact, linear programming (exact.py; scipy, a dev
dependency)."""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def _table(ref) -> str:
    name, key = ref
    if name == "derived":
        return str(key[0]).split()[0]
    return name[0]


class Command(BaseCommand):
    help = (
        "Read every report table for every period as a reader can, link them (same "
        "population, periods) and print per table the small counts worked out exactly: "
        "by interval propagation, and with --exact by linear programming as well."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day the reports are read (YYYY-MM-DD)")
        parser.add_argument("--period", action="append", dest="periods", metavar="CODE")
        parser.add_argument(
            "--table",
            action="append",
            dest="tables",
            metavar="KEY",
            help="only the link groups holding this table (repeatable)",
        )
        parser.add_argument("--exact", action="store_true", help="also linear programming")
        parser.add_argument(
            "--milp-limit",
            type=int,
            default=500,
            help="whole-number programming only for components of at most this many unknowns",
        )
        parser.add_argument(
            "--whole-limit",
            type=int,
            default=2000,
            help="bound each cell over its whole component up to this many unknowns",
        )
        parser.add_argument(
            "--radius",
            type=int,
            default=2,
            help="in a component too large to bound whole, the facts within this many steps",
        )
        parser.add_argument(
            "--sample",
            type=int,
            metavar="N",
            help="with --exact: audit only N of each group's open small counts, drawn at "
            "random (seeded), where a group has more (a bound on the time; the rest are "
            "counted as not audited)",
        )
        parser.add_argument(
            "--no-links", action="store_true", help="each table and period on its own"
        )

    def handle(self, *args, **options):
        if options["sample"] is not None and (options["sample"] < 1 or not options["exact"]):
            raise CommandError("--sample needs --exact and a number of cells of at least 1")
        from goldenthread.reports import selectors
        from goldenthread.reports.tests import links
        from goldenthread.reports.tests.attacker import attack_database

        today = (
            datetime.date.fromisoformat(options["today"])
            if options["today"]
            else timezone.localdate()
        )
        wanted = set(options["tables"] or ())
        unknown = wanted - set(selectors.BY_KEY)
        if unknown:
            raise CommandError(f"Not a table: {', '.join(sorted(unknown))}")
        groups = [g for g in links.groups() if not wanted or g & wanted]
        if options["no_links"]:
            groups = [{k} for g in groups for k in sorted(g)]
        say = self.stdout.write
        quiet = options["verbosity"] < 2
        totals: Counter = Counter()
        say(
            "table | unknowns | small counts open after propagation | pinned by propagation"
            + (
                " | pinned by LP too | not decided | not audited | CPU s"
                if options["exact"]
                else ""
            )
        )
        for group in groups:
            start = time.process_time()
            attacker = attack_database(
                today,
                keys=group,
                codes=options["periods"],
                across_tables=not options["no_links"],
                across_periods=not options["no_links"],
                progress=(lambda m: None) if quiet else say,
            )
            untrue = attacker.untrue()
            if untrue or attacker.inconsistent:
                raise CommandError(
                    f"{sorted(group)}: facts the true counts do not satisfy: "
                    f"{(untrue + attacker.inconsistent)[:3]}"
                )
            per: dict[str, Counter] = {k: Counter() for k in sorted(group)}
            for ref in attacker.refs:
                per[_table(ref)]["unknowns"] += 1
            for f in attacker.leaks():
                per[_table(f.ref)]["propagation"] += 1
            if options["exact"]:
                from goldenthread.reports.tests.exact import (
                    LP_OPEN,
                    NEAR_OPEN,
                    audit,
                    leak_candidates,
                )

                candidates = leak_candidates(attacker)
                for i in candidates:
                    per[_table(attacker.refs[i])]["open"] += 1
                sample = options["sample"]
                if sample is not None and len(candidates) > sample:
                    kept = set(random.Random(14).sample(candidates, sample))
                    for i in candidates:
                        if i not in kept:
                            per[_table(attacker.refs[i])]["not audited"] += 1
                    candidates = sorted(kept)
                result = audit(
                    attacker,
                    candidates,
                    milp_limit=options["milp_limit"],
                    radius=options["radius"],
                    whole_limit=options["whole_limit"],
                    progress=None if quiet else say,
                )
                for i in result.pinned():
                    per[_table(attacker.refs[i])]["lp"] += 1
                for i, status in result.decided.items():
                    if status in (LP_OPEN, NEAR_OPEN):
                        per[_table(attacker.refs[i])]["undecided"] += 1
                say(
                    f"  ({sorted(group)}: {len(candidates)} cells audited, "
                    f"{result.solves} solves, largest component "
                    f"{result.largest} unknowns, LP {result.cpu:.1f} s CPU)"
                )
            else:
                for i in range(len(attacker.low)):
                    if (
                        attacker.low[i] < attacker.high[i]
                        and 1 <= attacker.truth[i] < attacker.threshold
                    ):
                        per[_table(attacker.refs[i])]["open"] += 1
            cpu = time.process_time() - start
            for key, c in per.items():
                totals.update(c)
                line = f"{key} | {c['unknowns']} | {c['open']} | {c['propagation']}"
                if options["exact"]:
                    line += f" | {c['lp']} | {c['undecided']} | {c['not audited']} | {cpu:.1f}"
                say(line)
        line = f"all | {totals['unknowns']} | {totals['open']} | {totals['propagation']}" + (
            f" | {totals['lp']} | {totals['undecided']} | {totals['not audited']} |"
            if options["exact"]
            else ""
        )
        say(line)

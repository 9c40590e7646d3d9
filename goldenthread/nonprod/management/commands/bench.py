"""goldenthread bench PRESET: page, list, audit, load, concurrency and checker benchmarks
against a database made by `goldenthread synth` (SPEC OPS-3). Prints p50/p95/p99 and the
ratio of each measure to a baseline measured in the same run; writes docs/benchmarks.md."""

from __future__ import annotations

import io
import json
import os
import platform
import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from goldenthread.accounts.models import Role, User
from goldenthread.nonprod.bench import concurrency, pages
from goldenthread.nonprod.bench import disclosure as disclosure_bench
from goldenthread.nonprod.bench import reports as reports_bench
from goldenthread.nonprod.bench.stats import Timings
from goldenthread.outcomes.checker.cli import bench_main
from goldenthread.outcomes.checker.evaluate import DEV_SET
from goldenthread.outcomes.checker.evaluate import load as load_labelled
from goldenthread.people.models import Allocation, CircleMember, Person

DOC = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
TARGETS = {
    # The first bench asked ≤ 8× on PostgreSQL and ≤ 12× on SQLite; issue 19 set ≤ 5× on
    # PostgreSQL and no target on SQLite, whose bound times Python's cursor more than the
    # database and moved 3-4× between machines.
    "page_raw_pg": 5,
    "list_admin": 0.5,
    "page_floor": 2.5,
    "audit_ms": 1.0,
    "audit_share": 0.20,
    # Issue 19: audited person pages a second on two cores, the database on the same cores.
    "pages_per_second_sqlite": 400,
    "pages_per_second_postgresql": 250,
}


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class Command(BaseCommand):
    help = "Benchmark a database made by `goldenthread synth` and write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument(
            "preset",
            help="the preset the database was made with "
            "(tiny, council, nation); 'checker' times the checker, 'reports' the reports, "
            "'disclosure' one table's disclosure control on seeded counts (no database)",
        )
        parser.add_argument("--people", type=int, default=20, help="people to sample per page")
        parser.add_argument("--repeat", type=int, default=10, help="requests per sampled page")
        parser.add_argument("--seconds", type=float, default=15, help="length of the load test")
        parser.add_argument("--writers", type=int, default=4)
        parser.add_argument("--updates", type=int, default=200)
        parser.add_argument("--no-docs", action="store_true", help="do not write the docs file")
        parser.add_argument("--teams", type=int, default=250, help="disclosure: teams")
        parser.add_argument("--areas", type=int, default=31, help="disclosure: areas")
        parser.add_argument("--table", default="unmet-need", help="disclosure: the table")
        parser.add_argument("--seed", type=int, default=1, help="disclosure: the RNG's seed")

    def handle(self, *args, preset, people, repeat, seconds, writers, updates, no_docs, **options):
        if preset == "checker":
            return str(bench_main([]) or "")
        if preset == "disclosure":
            disclosure_bench.run(
                self.stdout.write,
                table=options["table"],
                teams=options["teams"],
                areas=options["areas"],
                seed=options["seed"],
            )
            return None
        if preset == "reports" and Allocation.objects.exists():
            lines = [
                f"Golden Thread reports benchmark, {connection.vendor}, {timezone.now():%Y-%m-%d %H:%M} UTC; {Person.objects.count():,} people"
            ]
            reports_bench.run(
                lambda text: (self.stdout.write(text), lines.append(text)), repeat=repeat * 2
            )
            if not no_docs:
                _write_doc(connection.vendor, "reports", lines)
            return None
        if not Allocation.objects.exists():
            raise CommandError(
                "No people here: run `goldenthread synth --preset "
                f"{preset}` on this database first."
            )
        rng = random.Random(7)
        vendor = connection.vendor
        lines: list[str] = []

        def say(text: str = "") -> None:
            self.stdout.write(text)
            lines.append(text)

        say(
            f"Golden Thread benchmarks — preset {preset}, {vendor}, "
            f"{timezone.now():%Y-%m-%d %H:%M} UTC"
        )
        say(
            f"Machine: {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}"
            f", {_db_version()}; {Person.objects.count():,} people"
        )
        say("")
        allocations = list(
            Allocation.objects.filter(end_date__isnull=True, worker__role=Role.PRACTITIONER)
            .select_related("worker")
            .order_by("id")[:5000]
        )
        sample = rng.sample(allocations, min(people, len(allocations)))

        # 0 and 1. A person's record page and the golden-thread page, each timed in turn with
        # the page floor (the site layout for a signed-in user, through the same stack):
        # floor, person page, floor, golden-thread page, … request by request (#19).
        record_pages = {
            label: name
            for label, name in (
                ("Person page", "people:detail"),
                ("Golden-thread page", "reviews:golden_thread"),
            )
            if _url(name, sample[0].person_id) is not None
        }
        floor = pages.PageTimes()
        timed = {label: pages.PageTimes() for label in record_pages}
        raw_t: dict[str, list[float]] = {label: [] for label in record_pages}
        clients = {}
        for allocation in sample:
            if allocation.worker_id not in clients:
                clients[allocation.worker_id] = pages.signed_in_client(allocation.worker)
            floor_t, page_t, sql = pages.time_with_floor(
                clients[allocation.worker_id],
                pages.page_floor_url(),
                {
                    label: reverse(name, args=[allocation.person_id])
                    for label, name in record_pages.items()
                },
                repeat,
            )
            floor.extend(floor_t)
            for label in record_pages:
                timed[label].extend(page_t[label])
                raw_t[label] += pages.time_raw_sql(sql[label], repeat).seconds
        say(
            f"Page floor (the site layout for a signed-in practitioner, "
            f"{pages.PAGE_FLOOR_URL_NAME}, same middleware, timed in turn with each page "
            f"below): {_both(floor)}; queries {_counts(floor)}"
        )
        person_page = None
        for label, name in (
            ("Person page", "people:detail"),
            ("Golden-thread page", "reviews:golden_thread"),
        ):
            if label not in record_pages:
                say(f"{label}: not built yet, skipped")
                continue
            page, raw = timed[label], Timings(raw_t[label])
            ratio = page.wall_t.p50 / raw.p50
            say(f"{label}: {_both(page)}")
            say(f"  raw-SQL lower bound (same SELECTs, rows fetched): {raw.line()}")
            if vendor == "postgresql":
                target = TARGETS["page_raw_pg"]
                verdict = f"(target ≤ {target}×) {'met' if ratio <= target else 'MISSED'}"
            else:
                verdict = "(no target on SQLite: its bound times Python's cursor, issue 19)"
            say(
                f"  ratio page/raw at p50: {ratio:.1f}× {verdict}; queries per page {_counts(page)}"
            )
            say(
                "  "
                + _ratio_line("page/page floor", page, floor, TARGETS["page_floor"], decimals=2)
            )
            if name == "people:detail":
                person_page = page

        # 2. Lists against the Django admin changelist of the same rows, both through the
        # same middleware with the same kind of signed-in session, timed in turn.
        superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench-admin", "", None
        )
        admin_client = pages.signed_in_client(superuser)
        workers = list({a.worker_id: a.worker for a in sample}.values())[:10]
        for label, name in (
            ("Caseload list", "people:caseload"),
            ("Reviews-due list", "reviews:due"),
        ):
            if _url(name) is None:
                say(f"{label}: not built yet, skipped")
                continue
            mine, theirs = pages.PageTimes(), pages.PageTimes()
            with pages.admin_changelist_served():
                for worker in workers:
                    pages.set_admin_scope(worker)
                    client = clients.get(worker.pk) or pages.signed_in_client(worker)
                    t, _ = pages.time_page(client, reverse(name), repeat)
                    mine.extend(t)
                    t, _ = pages.time_page(admin_client, pages.admin_changelist_url(), repeat)
                    theirs.extend(t)
            say(f"{label}: {_both(mine)}; queries {_counts(mine)}")
            say(
                "  Django admin changelist of the same people (same middleware, "
                f"25 a page): {_both(theirs)}; queries {_counts(theirs)}"
            )
            say("  " + _ratio_line("list/admin", mine, theirs, TARGETS["list_admin"]))
            say("  " + _ratio_line("list/page floor", mine, floor, None, decimals=1))

        # 3. The access-log row behind every named-record read, timed with its commit.
        audit = pages.time_access_log(sample[0].worker, sample[0].person_id, 500)
        share = audit.wall_t.p50 / person_page.wall_t.p50 if person_page else float("nan")
        met = audit.wall_t.p50 <= TARGETS["audit_ms"] and share <= TARGETS["audit_share"]
        say(
            f"Access-log row per read, with its commit: {_both(audit)}; {share:.0%} of the "
            f"person page at p50 (targets ≤ {TARGETS['audit_ms']} ms and "
            f"≤ {TARGETS['audit_share']:.0%}) {'met' if met else 'MISSED'}"
        )

        # 4. Throughput of audited record pages under load from a second process.
        cookie, paths = concurrency.signed_in_load(sample[0].worker)
        try:
            load = concurrency.throughput(
                cookie=cookie,
                paths=paths,
                seconds=seconds,
            )
        except RuntimeError as error:  # the server never answered a page: no rate to give
            say("Throughput of audited person pages: not measured, the server did not answer")
            self.stderr.write(str(error))
        else:
            rate = load["pages_per_second"]
            wanted = TARGETS[f"pages_per_second_{connection.vendor}"]
            say(
                f"Throughput of audited person pages: {rate:,.0f} pages/s "
                f"({load['ok']:,} pages, {load['errors']} errors; {load['server']}, answering "
                f"{load['started_in']:.1f} s after start; {load['client']}) "
                f"(target ≥ {wanted} on {connection.vendor}) {'met' if rate >= wanted else 'MISSED'}"
            )
            database = load["database_cpu_ms"]
            say(
                f"  under that load: wall p50 {load['p50_ms']:7.2f} ms  p95 {load['p95_ms']:7.2f}"
                f" ms; CPU per page: server {load['server_cpu_ms']:.2f} ms, load client "
                f"{load['client_cpu_ms']:.2f} ms"
                + (f", database {database:.2f} ms" if database is not None else "")
                + f", whole machine {load['machine_cpu_ms']:.2f} ms (other processes too; "
                f"load average {os.getloadavg()[0]:.1f})"
            )
            split = load["worker_cpu_seconds"]
            if split:
                say(
                    "  each worker's CPU in the run: "
                    + ", ".join(f"{cpu:.1f} s" for cpu in split)
                    + f" ({load['seconds']:.0f} s of load)"
                )
            if load["errors"]:
                self.stderr.write(f"The first failed request: {load['first_error']}")
                self.stderr.write(f"gunicorn's log (the end):\n{load['server_log']}")

        # 5. Concurrent version-checked writers.
        member = CircleMember.objects.order_by("id").first()
        result = concurrency.concurrent_writers(member.pk, writers=writers, updates=updates)
        say(
            f"{writers} writers × {updates} version-checked updates: "
            f"{result['lost_updates']} lost updates, {result['lock_errors']} lock errors "
            f"(targets 0 and 0), {result['stale_retries']} stale-version retries, "
            f"{result['successful_updates'] / result['seconds']:,.0f} updates/s"
        )

        # 6. Live checker feedback as a practitioner types (OC-5): the htmx round trip.
        client = pages.signed_in_client(sample[0].worker)
        statements = [ex.text for ex in load_labelled(DEV_SET)]
        live = []
        for text in statements[: max(50, repeat * 10)]:
            started = time.perf_counter()
            response = client.post(
                reverse("outcomes:live_check"), {"statement": text}, HTTP_HX_REQUEST="true"
            )
            live.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise CommandError(f"live check answered {response.status_code}")
        live_t = Timings(live)
        say(
            f"Live checker feedback (server time per keystroke batch): {live_t.line()} "
            f"(target p95 < 50 ms) {'met' if live_t.p95 < 50 else 'MISSED'}"
        )

        # 7. The outcome checker.
        buffer = io.StringIO()
        bench_main(["--json", "--repeat", "20"], stdout=buffer)
        checker = json.loads(buffer.getvalue())
        say(f"Outcome checker: {_checker_line(checker)}")

        if not no_docs:
            _write_doc(vendor, preset, lines)
            self.stdout.write(f"Written to {DOC.relative_to(settings.BASE_DIR)}")


def _both(times: pages.PageTimes) -> str:
    return f"wall {times.wall_t.line()}; CPU p50 {times.cpu_t.p50:7.2f} ms"


def _counts(times: pages.PageTimes) -> str:
    low, high = min(times.counts), max(times.counts)
    return f"{low}–{high} ({'constant' if low == high else 'varies'})"


def _ratio_line(
    what: str,
    ours: pages.PageTimes,
    base: pages.PageTimes,
    target: float | None,
    *,
    decimals: int = 2,
) -> str:
    """The ratio at p50 in wall-clock and in CPU time, each judged against the target."""
    wall = ours.wall_t.p50 / base.wall_t.p50
    cpu = ours.cpu_t.p50 / base.cpu_t.p50
    text = f"ratio {what} at p50: wall {wall:.{decimals}f}×, CPU {cpu:.{decimals}f}×"
    if target is None:
        return text
    verdict = {
        (True, True): "met",
        (True, False): "met in wall-clock time, MISSED in CPU time",
        (False, True): "MISSED in wall-clock time, met in CPU time",
        (False, False): "MISSED",
    }[(wall <= target, cpu <= target)]
    return f"{text} (target ≤ {target}×) {verdict}"


def _checker_line(data: dict) -> str:
    keys = {k: v for k, v in data.items() if isinstance(v, int | float)}
    rate = keys.get("statements_per_second") or keys.get("per_second")
    p99 = keys.get("p99_ms")
    return (
        f"{rate:,.0f} statements/s, p99 {p99:.2f} ms (targets 2,000/s and 5 ms)"
        if rate and p99 is not None
        else json.dumps(data)
    )


def _cpus() -> int:
    return os.cpu_count() or 0


def _db_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def _write_doc(vendor: str, preset: str, lines: list[str]) -> None:
    start, end = f"<!-- bench:{vendor}:{preset} -->", f"<!-- /bench:{vendor}:{preset} -->"
    block = "\n".join([start, "```text", *lines, "```", end])
    text = (
        DOC.read_text()
        if DOC.exists()
        else (
            "# Benchmarks\n\nWritten by `goldenthread bench PRESET` against a database made by "
            "`goldenthread synth --preset PRESET`. Each figure is printed with the ratio to a "
            "baseline measured in the same run. These are benchmarks, not tests: CI runs only the "
            "tiny preset to prove the commands work.\n"
        )
    )
    if start in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)

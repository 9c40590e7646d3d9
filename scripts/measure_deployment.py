"""Pages per second of the audited person page under each server set-up (docs/deployment.md).

Each set-up is gunicorn started with goldenthread/config/gunicorn_conf.py, the bench
settings and the set-up's environment, loaded by the bench's own client from a second
process (`goldenthread.nonprod.bench.concurrency.throughput`: `--in-flight` requests on
keep-alive connections). Set-ups are run --rounds times, interleaved; for each the median
and best pages/s, the ratio of its median to the first set-up's, the latency under load,
the CPU per page of the whole machine, and how the work was shared between the workers
(the busiest worker's share of the workers' CPU) are printed, as a Markdown table.

    DATABASE_URL=... .venv/bin/python scripts/measure_deployment.py --seconds 10 --rounds 3
    ... scripts/measure_deployment.py --setups "gthread 2x4,gthread 4x2"
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings.bench")

# gunicorn's own threaded worker, before the config's balanced one (gunicorn_worker.py).
GTHREAD = {"GUNICORN_WORKER_CLASS": "gthread"}

SETUPS: dict[str, dict[str, str]] = {
    "sync x3, CONN_MAX_AGE=0": {
        "CONN_MAX_AGE": "0",
        "GUNICORN_WORKER_CLASS": "sync",
        "WEB_CONCURRENCY": "3",
    },
    "gthread 2x4, CONN_MAX_AGE=0": {
        "CONN_MAX_AGE": "0",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        **GTHREAD,
    },
    "gthread 2x4, no sign-in cache": {
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "GOLDENTHREAD_SIGN_IN_CACHE": "false",
        **GTHREAD,
    },
    "gthread 2x4": {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", **GTHREAD},
    "gthread 4x2": {"WEB_CONCURRENCY": "4", "GUNICORN_THREADS": "2", **GTHREAD},
    "balanced 2x4": {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4"},
    "balanced 4x2": {"WEB_CONCURRENCY": "4", "GUNICORN_THREADS": "2"},
    "balanced 2x2": {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2"},
    "the config (no environment)": {},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--in-flight", type=int, default=8, help="requests kept in flight")
    parser.add_argument(
        "--setups",
        default=",".join(SETUPS),
        help="comma-separated names of set-ups (the first is the baseline)",
    )
    args = parser.parse_args()
    chosen = [name.strip() for name in args.setups.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SETUPS]
    if unknown:
        parser.error(f"no such set-up: {', '.join(unknown)} (choose from: {', '.join(SETUPS)})")

    import django

    django.setup()
    from django.db import connection

    from goldenthread.accounts.models import Role
    from goldenthread.nonprod.bench import concurrency
    from goldenthread.people.models import Allocation

    allocation = (
        Allocation.objects.filter(end_date__isnull=True, worker__role=Role.PRACTITIONER)
        .select_related("worker")
        .order_by("id")
        .first()
    )
    if allocation is None:
        raise SystemExit("No practitioner with a person allocated: run goldenthread synth first.")
    cookie, paths = concurrency.signed_in_load(allocation.worker)
    vendor = connection.vendor
    connection.close()

    results: dict[str, list[dict]] = {name: [] for name in chosen}
    for round_ in range(args.rounds):
        for name in chosen:
            load = concurrency.throughput(
                cookie=cookie,
                paths=paths,
                seconds=args.seconds,
                threads=args.in_flight,
                env=SETUPS[name],
            )
            results[name].append(load)
            split = load["worker_cpu_seconds"]
            print(
                f"  round {round_ + 1}, {name}: {load['pages_per_second']:.0f} pages/s, "
                f"{load['errors']} errors; each worker's CPU "
                + ", ".join(f"{s:.1f}" for s in split)
                + f" s; load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    base = statistics.median(r["pages_per_second"] for r in results[chosen[0]])
    print(
        f"\n{vendor}, {os.cpu_count()} cores, {args.rounds} rounds of {args.seconds:.0f} s, "
        f"{args.in_flight} requests in flight"
    )
    print(
        "| set-up | pages/s, median | best | ratio | p50 / p95 ms | whole machine CPU a page "
        "| busiest worker's share | errors |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, runs in results.items():
        rates = [r["pages_per_second"] for r in runs]
        median = statistics.median(rates)
        shares = [
            max(r["worker_cpu_seconds"]) / sum(r["worker_cpu_seconds"])
            for r in runs
            if sum(r["worker_cpu_seconds"]) > 0
        ]
        print(
            f"| {name} | {median:.0f} | {max(rates):.0f} | {median / base:.2f}× "
            f"| {statistics.median(r['p50_ms'] for r in runs):.1f} / "
            f"{statistics.median(r['p95_ms'] for r in runs):.1f} "
            f"| {statistics.median(r['machine_cpu_ms'] for r in runs):.2f} ms "
            f"| {min(shares):.0%}–{max(shares):.0%} | {sum(r['errors'] for r in runs)} |"
            if shares
            else f"| {name} | {median:.0f} | {max(rates):.0f} | {median / base:.2f}× | | | | |"
        )


if __name__ == "__main__":
    main()

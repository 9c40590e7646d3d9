"""goldenthread bench_instructions: the page floor, the person page and the golden-thread page
in instructions per request, counted by callgrind (#19; bench/instructions.py), and each
page's ratio to the floor. Against a database made by `goldenthread synth`; the same people
as the bench's (seed 7). Re-runs itself under valgrind; prints "skipped" without it.

    DATABASE_URL=... goldenthread bench_instructions --people 6 --rounds 2

--html DIR also writes each page's HTML (CSRF and htmx tokens blanked) once per person, to
compare two versions of the code byte for byte."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from goldenthread.accounts.models import Role
from goldenthread.nonprod.bench import instructions, pages
from goldenthread.people.models import Allocation

PAGES = (
    ("floor", None),
    ("person", "people:detail"),
    ("thread", "reviews:golden_thread"),
)
INSIDE = "GT_BENCH_INSTRUCTIONS_INSIDE"
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')
_HTMX = re.compile(r'<meta name="gt-htmx-token" content="([^"]+)"')


def blank_tokens(html: str) -> str:
    """A page's HTML with its CSRF tokens and its session's htmx token (wherever the page
    prints it) blanked."""
    found = _HTMX.search(html)
    if found:
        html = html.replace(found.group(1), "-")
    return _CSRF.sub(r"\1-", html)


class Command(BaseCommand):
    help = "Instructions per request of the record pages and the page floor (callgrind)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=6, help="people sampled (seed 7)")
        parser.add_argument("--rounds", type=int, default=2, help="counted rounds a page")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--extra", type=int, default=0, help="more people by id, for --html")
        parser.add_argument("--html", type=Path, help="write each page's HTML here")
        parser.add_argument("--no-valgrind", action="store_true", help="run the rounds only")

    def handle(self, *args, people, rounds, warmup, extra, html, no_valgrind, **options):
        if not no_valgrind and not os.environ.get(INSIDE):
            inner = ["--people", people, "--rounds", rounds, "--warmup", warmup, "--extra", extra]
            return self._under_valgrind(
                [str(a) for a in inner] + (["--html", str(html)] if html else []),
                requests=people * rounds,
            )
        allocations = list(
            Allocation.objects.filter(end_date__isnull=True, worker__role=Role.PRACTITIONER)
            .select_related("worker")
            .order_by("id")[:5000]
        )
        if not allocations:
            raise CommandError("No people here: run `goldenthread synth` on this database first.")
        sample = random.Random(7).sample(allocations, min(people, len(allocations)))
        clients: dict[object, Client] = {}
        requests: dict[str, list[tuple[Client, str]]] = {name: [] for name, _ in PAGES}
        for allocation in sample + allocations[:extra]:
            if allocation.worker_id not in clients:
                clients[allocation.worker_id] = pages.signed_in_client(allocation.worker)
            client = clients[allocation.worker_id]
            for name, url_name in PAGES:
                url = reverse(url_name, args=[allocation.person_id]) if url_name else None
                requests[name].append((client, url or pages.page_floor_url()))
        if html:
            self._write_html(html, requests)
        counted = {name: found[: len(sample)] for name, found in requests.items()}
        counter = instructions.Counter()
        instructions.measure(
            counter,
            [instructions.Page(name, found) for name, found in counted.items()],
            warmup=warmup,
            rounds=rounds,
            fetch=pages._get,
        )
        self.stdout.write(
            f"{rounds * len(sample)} requests a page; under valgrind: {counter.running}"
        )
        return None

    def _write_html(self, out: Path, requests: dict) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for name, found in requests.items():
            for number, (client, url) in enumerate(found):
                response: Any = pages._get(client, url)  # a rendered page: it has content
                body = response.content.decode()
                (out / f"{name}-{number:03d}.html").write_text(blank_tokens(body))

    def _under_valgrind(self, inner: list[str], *, requests: int) -> None:
        missing = instructions.missing_tools()
        if missing:
            self.stdout.write(f"skipped: no {', '.join(missing)} here")
            return
        out_dir = Path(tempfile.mkdtemp(prefix="gt-callgrind-"))
        command = [
            shutil.which("valgrind") or "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out_dir}/callgrind.out.%p",
            sys.executable,
            "-m",
            "goldenthread.cli",
            "bench_instructions",
            *inner,
        ]
        subprocess.run(  # noqa: S603 (valgrind on this command, arguments from its options)
            command,
            check=True,
            # The same hash seed each run (unless one is given): sets and dicts laid out
            # alike, so that two runs of the same code count alike.
            env={
                **os.environ,
                INSIDE: "1",
                "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0"),
            },
            stderr=subprocess.DEVNULL,
        )
        totals = instructions.dumped_totals(out_dir)
        floor = totals.get("floor")
        self.stdout.write(f"instructions per request ({requests} a page), dumps in {out_dir}")
        for name, _ in PAGES:
            if name not in totals:
                self.stdout.write(f"  {name}: not dumped")
                continue
            per = totals[name] / requests
            ratio = f"  {totals[name] / floor:.2f}× the floor" if floor and name != "floor" else ""
            self.stdout.write(f"  {name:7} {per / 1e6:8.2f} M{ratio}")

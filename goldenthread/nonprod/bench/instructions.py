"""Instructions per request, counted by valgrind's callgrind: a measure of a page's own work
that the machine's load does not move (#19). The page and the page floor are fetched in one
process under `valgrind --tool=callgrind --instr-atstart=no`, through the whole middleware
stack with a signed-in session and the access-log row, as the bench's timings are; after
the warm-up rounds, callgrind's counts are zeroed before and dumped after each page's
requests by callgrind's client requests (a 4-function C helper, built here with the C
compiler, called through ctypes), so each dump holds that page's requests and nothing else.

Instructions leave out the kernel's work (the database's and Redis's sockets) and cache
misses: a page's ratio to the floor in instructions is higher than in CPU time.

`goldenthread bench_instructions` runs it (and re-runs itself under valgrind); without
valgrind or a C compiler it says so and measures nothing.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.test import Client

_HELPER_C = r"""
#include <valgrind/valgrind.h>
#include <valgrind/callgrind.h>
int gt_running(void) { return RUNNING_ON_VALGRIND; }
void gt_instrument(void) { CALLGRIND_START_INSTRUMENTATION; }
void gt_zero(void) { CALLGRIND_ZERO_STATS; }
void gt_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""

_TOTALS = re.compile(r"^(?:totals|summary):\s+(\d+)", re.MULTILINE)


def missing_tools() -> list[str]:
    """What this machine lacks to count instructions: [] when it has it all."""
    missing = [tool for tool in ("valgrind", "cc") if shutil.which(tool) is None]
    if not Path("/usr/include/valgrind/callgrind.h").exists():
        missing.append("valgrind's headers (valgrind/callgrind.h)")
    return missing


def _helper_library() -> ctypes.CDLL:
    """The client-request helper, compiled once per source text into the temp directory."""
    digest = hashlib.sha256(_HELPER_C.encode()).hexdigest()[:12]
    library = Path(tempfile.gettempdir()) / f"gt-callgrind-{digest}.so"
    if not library.exists():
        source = library.with_suffix(".c")
        source.write_text(_HELPER_C)
        built = Path(f"{library}.{os.getpid()}.tmp")
        compiler = shutil.which("cc") or "cc"
        subprocess.run(  # noqa: S603 (the C compiler on this file's own source)
            [compiler, "-O1", "-shared", "-fPIC", "-o", str(built), str(source)], check=True
        )
        built.replace(library)
    helper = ctypes.CDLL(str(library))
    helper.gt_dump.argtypes = [ctypes.c_char_p]
    return helper


class Counter:
    """Callgrind's counts, zeroed and dumped from inside this process. Outside valgrind the
    client requests do nothing (`running` is False) and nothing is dumped."""

    def __init__(self) -> None:
        self._helper = _helper_library()
        self.running = bool(self._helper.gt_running())
        if self.running:
            self._helper.gt_instrument()

    def zero(self) -> None:
        self._helper.gt_zero()

    def dump(self, name: str) -> None:
        self._helper.gt_dump(name.encode())


@dataclass(frozen=True)
class Page:
    name: str
    requests: list[tuple[Client, str]]  # (signed-in client, URL), fetched in this order


def measure(
    counter: Counter,
    pages: list[Page],
    *,
    warmup: int,
    rounds: int,
    fetch: Callable[[Client, str], object],
) -> None:
    """`warmup` untimed rounds of every page's requests (caches, compiled reads, templates),
    then, for each page in turn, its requests `rounds` times between a zero and a dump
    named after the page."""
    for _ in range(warmup):
        for page in pages:
            for client, url in page.requests:
                fetch(client, url)
    for page in pages:
        counter.zero()
        for _ in range(rounds):
            for client, url in page.requests:
                fetch(client, url)
        counter.dump(page.name)


def dumped_totals(out_dir: Path) -> dict[str, int]:
    """Each dump's name (its "desc: Trigger: Client Request: NAME") → its instructions."""
    totals: dict[str, int] = {}
    for path in sorted(out_dir.glob("callgrind.out.*")):
        text = path.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (.+)$", text, re.MULTILINE)
        found = _TOTALS.search(text)
        if trigger and found:
            totals[trigger.group(1).strip()] = int(found.group(1))
    return totals

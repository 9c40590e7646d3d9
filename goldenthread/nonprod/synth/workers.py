"""Worker processes that make chunks of synthetic people (`goldenthread synth --workers N`).

Making the rows in Python was the nation preset's bottleneck: one core at 95% while the
database used a quarter of another (#14). Every person draws from streams of their own, so
any process can make any chunk (`generate.make_chunk`); what runs in order across people
(CHI numbers, the access log's hash chain) is left to the command's process, which writes
the chunks in order (`generate.write_chunk`). The rows are the same for any number of
workers (tests/test_synth.py hashes every table).

The processes are spawned, never forked: the command holds a database connection and a COPY
thread, neither of which a child may share. Each sets Django up from the same settings
module (the environment is inherited) and receives the organisation (`Context`, pickled)
once. This module imports nothing from Django or the models at import time, because the
spawned interpreter imports it to find `_start` before Django is set up.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .generate import Chunk, Context

# How many chunks each worker may have made or be making ahead of the one being written:
# enough that a worker never waits for the writer to take one, few enough that memory stays
# bounded (a chunk of 2,000 people is some 190,000 rows).
AHEAD = 2

_context: Any = None  # the worker's Context, set by _start


def default_workers() -> int:
    """One worker a core this process may run on (2 on the shared 2-core machine)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _start(context: bytes) -> None:
    import django

    django.setup()
    global _context
    _context = pickle.loads(context)  # noqa: S301 - made by the parent process just now


def _make(start: int, count: int, as_text: bool) -> Chunk:
    from .generate import make_chunk

    return make_chunk(_context, start, count, as_text=as_text)


def chunks(
    ctx: Context, spans: Sequence[tuple[int, int]], workers: int, *, as_text: bool = False
) -> Generator[Chunk, None, None]:
    """The chunks for `spans` ((first person, count) each), in order, made by `workers`
    spawned processes, at most AHEAD a worker ahead of the caller. A worker's failure is
    raised here (a worker that dies, as BrokenProcessPool); closing the iterator cancels
    what is not started and waits for the chunks being made (seconds). With `as_text`, every
    chunk but the first comes with its tables as COPY text (`generate.make_chunk`)."""
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(pickle.dumps(ctx),),
    )
    try:
        todo = iter(spans)
        pending = deque(
            pool.submit(_make, *span, as_text and span[0] > 0)
            for span in islice(todo, AHEAD * workers)
        )
        while pending:
            chunk = pending.popleft().result()
            span = next(todo, None)
            if span is not None:
                pending.append(pool.submit(_make, *span, as_text and span[0] > 0))
            yield chunk
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

"""#14 (OPS-2): people made in worker processes (`synth --workers N`) are the same rows as
people made in the command's own process. In a module of its own: tests/test_synth.py keeps
its synthetic people in the database while its tests run, and these need it empty."""

import contextlib
import datetime
import functools
import hashlib
import io
from itertools import islice

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from conftest import PINNED_NOW
from goldenthread.nonprod.synth import generate as generate_module
from goldenthread.nonprod.synth import workers as workers_module
from goldenthread.nonprod.synth.generate import CHI_CANDIDATES, Stream
from goldenthread.nonprod.synth.writer import BulkWriter


class _Organisation(BulkWriter):
    """Takes the organisation's rows and writes nothing (no database)."""

    def write(self, model, columns, rows, *, digests=None):
        return len(list(rows))

    def role_limits(self):
        return {}


# The checker over its development set (seconds): the same for every run in this module.
_statement_bank = functools.cache(generate_module.statement_bank)


class _Undo(Exception):
    """Rolls a synthetic load back once its tables are hashed."""


def _every_table() -> dict[str, tuple[int, str]]:
    """Every table of the database: its number of rows and a digest of its rows in any order
    (each row as the database driver gives it back)."""
    tables = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - the catalogue's names
            rows = sorted(repr(row) for row in cursor.fetchall())
            tables[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return tables


def _restart_sequences() -> None:
    """The numbers the tables with whole-number keys (the many-to-many tables) give next."""
    sequences = connection.introspection.sequence_list()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(sql)


@pytest.mark.django_db
def test_the_rows_are_the_same_for_any_number_of_workers(monkeypatch):
    """OPS-2 (#14): people made by worker processes (synth --workers N) are the rows made in
    the command's own process, table by table, CHI numbers and the access log's hash chain
    included; on whichever database the suite runs (SQLite, and PostgreSQL in CI's second
    run). Small chunks, so that two workers each make several, out of order."""
    monkeypatch.setattr(generate_module, "CHUNK", 40)
    monkeypatch.setattr(generate_module, "statement_bank", _statement_bank)
    made = {}
    for workers in (0, 2):
        with time_machine.travel(PINNED_NOW, tick=False), contextlib.suppress(_Undo):
            with transaction.atomic():
                _restart_sequences()  # PostgreSQL's are not rolled back with the rows
                call_command(
                    "synth", people=170, seed=8, workers=workers, stdout=open("/dev/null", "w")
                )
                made[workers] = _every_table()
                raise _Undo
    assert made[0]["people_person"][0] == 170
    assert made[0]["audit_accesslog"][0] >= 170 * 3
    assert made[2] == made[0]


def test_a_chi_number_taken_already_is_picked_as_the_stream_would():
    """OPS-2 (#14): write_chunk picks each person's CHI number from the few their stream
    offered (made in a worker) exactly as drawing from the stream itself does, including
    when every number offered is taken and the stream is drawn again."""
    ctx = generate_module.Context(
        rng=Stream(1), today=datetime.date(2026, 6, 2), now=timezone.now(), seed=4
    )
    dob = datetime.date(1950, 3, 4)
    for n in range(40):
        offered = tuple(
            islice(generate_module._chi_numbers(ctx.stream("chi", n), dob), CHI_CANDIDATES)
        )
        more = list(islice(generate_module._chi_numbers(ctx.stream("chi", n), dob), 12))
        assert tuple(more[:CHI_CANDIDATES]) == offered
        for taken in range(len(more)):
            used, expected_used = set(more[:taken]), set(more[:taken])
            expected = generate_module._chi(ctx.stream("chi", n), dob, expected_used)
            assert generate_module.pick_chi(ctx, n, dob, offered, used) == expected
            assert used == expected_used and expected in used
    # Sometimes a stream offers the same number twice: it is taken once.
    used = set()
    assert generate_module.pick_chi(ctx, 0, dob, ("0403501234", "0403501234"), used)
    assert generate_module.pick_chi(ctx, 0, dob, ("0403501234",), used) != "0403501234"


def test_worker_processes_hand_over_what_the_command_would_make(monkeypatch):
    """OPS-2 (#14): a chunk made in a spawned worker process is the chunk made here, and a
    worker's failure is raised in the command's process."""
    monkeypatch.setattr(generate_module, "statement_bank", _statement_bank)
    with time_machine.travel(PINNED_NOW, tick=False):
        ctx = generate_module.new_context(5)
        generate_module.organisation(_Organisation(), ctx, 21)
    here = [generate_module.make_chunk(ctx, start, 7) for start in (0, 7, 14)]
    there = list(workers_module.chunks(ctx, [(0, 7), (7, 7), (14, 7)], 2))
    assert there == here
    with pytest.raises(TypeError):
        list(workers_module.chunks(ctx, [(0, 7), (7, "seven")], 2))


@pytest.mark.django_db
def test_synth_forgets_report_figures_stored_before_its_rows():
    """Synthetic rows bypass the change log, by which stored report figures know records
    have changed: synth forgets them, so no page shows figures that did not count its
    people (#14, OPS-3)."""
    from goldenthread.reports.models import ReportSlice, ReportSnapshot

    snapshot = ReportSnapshot.objects.create(
        key="k",
        measure="people",
        period_code="rolling",
        computed_at=PINNED_NOW,
        data_mark=0,
        cube={},
    )
    ReportSlice.objects.create(snapshot=snapshot, selection="x|y|z", cells={})
    out = io.StringIO()
    with time_machine.travel(PINNED_NOW, tick=False):
        call_command("synth", people=12, seed=3, workers=0, stdout=out)
    assert not ReportSnapshot.objects.exists() and not ReportSlice.objects.exists()
    assert "Stored report figures forgotten (2 rows)" in out.getvalue()

"""The instructions harness (#19, bench/instructions.py): it skips without valgrind, its
rounds run outside valgrind as the counted ones would, it reads callgrind's dumps, and its
HTML for comparing two versions blanks only the tokens."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from goldenthread.nonprod.bench import instructions
from goldenthread.nonprod.management.commands import bench_instructions


def test_without_valgrind_it_says_skipped_and_measures_nothing(monkeypatch):
    monkeypatch.setattr(instructions.shutil, "which", lambda tool: None)
    ran = []
    monkeypatch.setattr(bench_instructions.subprocess, "run", lambda *a, **k: ran.append(a))
    out = StringIO()
    call_command("bench_instructions", stdout=out)
    assert out.getvalue().startswith("skipped: no valgrind, cc")
    assert ran == []


class _Counter:
    def __init__(self):
        self.calls: list[str] = []

    def zero(self):
        self.calls.append("zero")

    def dump(self, name):
        self.calls.append(f"dump {name}")


def test_each_page_is_counted_between_a_zero_and_a_dump_after_the_warm_up():
    fetched: list[str] = []
    counter = _Counter()
    pages = [
        instructions.Page("floor", [(None, "/f1"), (None, "/f2")]),
        instructions.Page("thread", [(None, "/t1"), (None, "/t2")]),
    ]

    def fetch(client, url):
        fetched.append(url)
        counter.calls.append(url)

    instructions.measure(counter, pages, warmup=1, rounds=2, fetch=fetch)
    warm = ["/f1", "/f2", "/t1", "/t2"]
    assert counter.calls == [
        *warm,
        "zero",
        *["/f1", "/f2"] * 2,
        "dump floor",
        "zero",
        *["/t1", "/t2"] * 2,
        "dump thread",
    ]


def test_the_dumps_are_read_by_name(tmp_path):
    (tmp_path / "callgrind.out.12.1").write_text(
        "version: 1\ncreator: callgrind-3.19.0\npid: 12\ncmd:  python\npart: 1\n\n"
        "desc: I1 cache: \ndesc: Timerange: Basic block 0 - 1\n"
        "desc: Trigger: Client Request: floor\n\npositions: line\nevents: Ir\n"
        "summary: 77000000\n\nfl=(1) x.c\nfn=(1) f\n1 77000000\n\ntotals: 77000000\n"
    )
    (tmp_path / "callgrind.out.12.2").write_text(
        "desc: Trigger: Client Request: thread\nevents: Ir\nsummary: 154000000\n"
    )
    (tmp_path / "callgrind.out.12").write_text("desc: Trigger: Program termination\n")
    assert instructions.dumped_totals(tmp_path) == {"floor": 77000000, "thread": 154000000}


@pytest.mark.django_db
def test_the_rounds_run_outside_valgrind_and_write_the_pages_html(
    person, practitioner, tmp_path, monkeypatch
):
    if instructions.missing_tools():
        pytest.skip("no C compiler or valgrind headers for the client-request helper")
    out = StringIO()
    call_command(
        "bench_instructions",
        "--no-valgrind",
        "--people=1",
        "--rounds=1",
        "--warmup=1",
        f"--html={tmp_path}",
        stdout=out,
    )
    assert "1 requests a page; under valgrind: False" in out.getvalue()
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["floor-000.html", "person-000.html", "thread-000.html"]
    html = (tmp_path / "thread-000.html").read_text()
    assert 'name="gt-htmx-token" content="-"' in html
    assert "The golden thread" in html


def test_blanking_leaves_everything_but_the_tokens():
    page = (
        '<meta name="gt-htmx-token" content="abc123"><div data-gt-htmx="abc123">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="zz9">abc</div>'
    )
    assert bench_instructions.blank_tokens(page) == (
        '<meta name="gt-htmx-token" content="-"><div data-gt-htmx="-">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="-">abc</div>'
    )

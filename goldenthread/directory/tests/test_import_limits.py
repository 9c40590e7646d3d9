"""`import-oruk` limits (#11): a file larger than the limit and JSON nested too deeply are
refused before anything is written, with a message naming the limit; progress is shown."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from goldenthread.directory import oruk
from goldenthread.directory.models import CommunityResource
from goldenthread.directory.services import (
    COMMAND_LINE_IMPORT,
    DirectoryImportError,
    directory_import,
)

from .feeds import service, write_feed

pytestmark = pytest.mark.django_db


def _nested(depth: int) -> str:
    """A service whose `extra` value is `depth` arrays deep."""
    record = json.dumps(service(1))
    return "[" + record[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}]"


@pytest.mark.parametrize("depth", [100_000, 900])
def test_deeply_nested_json_is_refused_with_the_limit_named(tmp_path, depth):
    """100,000 levels crashed the import with a RecursionError; 900 got through the
    parser and crashed it later."""
    path = tmp_path / "deep.json"
    path.write_text(_nested(depth), encoding="utf-8")
    with pytest.raises(
        DirectoryImportError,
        match=(rf"nested more than {oruk.MAX_JSON_DEPTH} levels deep \(the limit\)"),
    ):
        directory_import(actor=COMMAND_LINE_IMPORT, path=path)
    assert not CommunityResource.objects.exists()


def test_json_within_the_nesting_limit_imports(tmp_path):
    path = tmp_path / "fine.json"
    path.write_text(_nested(oruk.MAX_JSON_DEPTH - 3), encoding="utf-8")
    assert directory_import(actor=COMMAND_LINE_IMPORT, path=path).created == 1


def test_nesting_is_measured_without_counting_brackets_in_text():
    text = json.dumps({"name": "[[[[{{{{ \\" + "[" * 100, "x": [[1]]})
    assert not oruk.json_depth_exceeds(text, 3)
    assert oruk.json_depth_exceeds(text, 2)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write_feed(tmp_path / "big.json", 50)
    size = path.stat().st_size
    with pytest.raises(DirectoryImportError) as refused:
        directory_import(actor=COMMAND_LINE_IMPORT, path=path, max_bytes=size - 1)
    message = str(refused.value)
    assert "larger than the import limit of" in message
    assert "--max-size" in message
    assert not CommunityResource.objects.exists()
    assert directory_import(actor=COMMAND_LINE_IMPORT, path=path, max_bytes=size).created == 50


def test_every_file_of_a_folder_is_checked_before_anything_is_written(tmp_path):
    write_feed(tmp_path / "a-small.json", 2)
    big = write_feed(tmp_path / "b-big.json", 40)
    with pytest.raises(DirectoryImportError, match="b-big.json: the file is"):
        directory_import(actor=COMMAND_LINE_IMPORT, path=tmp_path, max_bytes=big.stat().st_size - 1)
    assert not CommunityResource.objects.exists()


def test_the_limit_comes_from_settings_and_the_command_can_raise_it(tmp_path, settings):
    settings.GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB = 0.001  # about 1 KB
    path = write_feed(tmp_path / "feed.json", 5)
    with pytest.raises(CommandError) as refused:
        call_command("import_oruk", str(path), stdout=StringIO())
    assert "Nothing imported." in str(refused.value)
    assert "larger than the import limit of 1.0 KB" in str(refused.value)
    with pytest.raises(CommandError, match="--max-size must be more than 0"):
        call_command("import_oruk", str(path), "--max-size", "0", stdout=StringIO())
    out = StringIO()
    call_command("import_oruk", str(path), "--max-size", "1", stdout=out)
    assert "5 records: 5 created" in out.getvalue()


def test_the_command_shows_progress(tmp_path):
    path = write_feed(tmp_path / "feed.json", 600)
    out = StringIO()
    call_command("import_oruk", str(path), "--source", "big", stdout=out)
    lines = out.getvalue().splitlines()
    progress = [line for line in lines if line.startswith("Imported ") and " of " in line]
    assert progress[-1] == "Imported 600 of 600 records (100%)"
    assert 2 <= len(progress) <= 11  # a line a tenth at most, not one a record
    done = [int(line.split()[1].replace(",", "")) for line in progress]
    assert done == sorted(done)
    quiet = StringIO()
    call_command("import_oruk", str(path), "--source", "big", "--quiet", stdout=quiet)
    assert "records (" not in quiet.getvalue()
    assert "600 records: 0 created, 0 updated, 600 unchanged" in quiet.getvalue()


def test_progress_is_reported_after_each_batch(tmp_path):
    path = write_feed(tmp_path / "feed.json", 600)
    calls: list[tuple[int, int]] = []
    directory_import(
        actor=COMMAND_LINE_IMPORT,
        path=path,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (600, 600)
    assert len(calls) >= 3 and all(total == 600 for _, total in calls)

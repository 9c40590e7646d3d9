"""Backups that restore (OPS-4): `goldenthread backup`, `goldenthread restore`.

A backup is one file: a tar archive holding the database itself and `manifest.json`, sealed
with AES-256-GCM when GOLDENTHREAD_BACKUP_KEY is set (operations/crypto.py). The archive is
written and sealed in one pass over the database copy, and read back the same way: a
council-sized database is read and written as few times as possible (docs/how-to/
backup-and-restore.md has the measurements).

- SQLite: `VACUUM INTO` a new file, a consistent copy taken while the service keeps running
  (readers and the one writer carry on; the copy is of one moment).
- PostgreSQL: `pg_dump -Fc` inside an exported snapshot, and the manifest is counted in the
  same snapshot, so the two describe the same moment.

The manifest lists every table with its row count and a SHA-256 of its contents, computed
where it is cheapest: SQLite, of the table's own pages in page order (the restore is a copy
of those pages, so they must come back byte for byte); PostgreSQL, in the server, of every
row's text in primary-key order. `restore` refuses a database that already holds records unless told (`--force`),
restores, then proves the result: every table's count and hash equal the manifest's, SQLite's
`PRAGMA integrity_check` says ok, and the audit logs' hash chains verify (`audit-verify`).
A backup restores into the same kind of database it was taken from.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connections

from . import crypto

FORMAT = 2
READABLE_FORMATS = (1, 2)
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Rows `migrate` itself writes: a database holding only these is empty.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})

Progress = Callable[[str], None]
BATCH = 20000
COPY_CHUNK = 1024 * 1024
# How each format's table digests were made: format 1 hashed the rows in Python.
DIGESTS = {"sqlite": "sqlite-pages", "postgresql": "postgresql-rows"}
LEGACY_DIGEST = "rows-repr"
# SQLite reads the database through a memory map while checking it: far fewer system calls.
SQLITE_MMAP = 1 << 34


class BackupError(Exception):
    """A backup or restore that cannot go ahead, or whose result does not match."""


class TargetNotEmpty(BackupError):
    pass


@dataclass
class TableDigest:
    rows: int
    sha256: str


@dataclass
class Timings:
    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.steps.values())

    def text(self) -> str:
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.steps.items())
        return f"{self.total:.1f} s ({parts})"


@dataclass
class Result:
    path: Path
    manifest: dict[str, Any]
    timings: Timings

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    @property
    def tables(self) -> int:
        return len(self.manifest["tables"])


def _quiet(message: str) -> None:
    return None


# --- Table digests -------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def digest_table(cursor: Any, table: str, order_by: list[str]) -> TableDigest:
    """Row count and SHA-256 of the rows, in primary-key order. Values are hashed as the
    database driver returns them, so a digest compares with one from the same engine."""
    order = ", ".join(_quote(c) for c in order_by) if order_by else "1"
    cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608
    digest, rows = hashlib.sha256(), 0
    while True:
        batch = cursor.fetchmany(BATCH)
        if not batch:
            break
        rows += len(batch)
        # One repr a batch, not a row: the same batches on both sides (fetchmany of a fixed
        # size over the same rows in the same order), at a fraction of the cost.
        digest.update(repr([tuple(row) for row in batch]).encode())
    return TableDigest(rows, digest.hexdigest())


def sqlite_digests(db: sqlite3.Connection) -> dict[str, TableDigest]:
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    result = {}
    cursor = db.cursor()
    for table in tables:
        info = db.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        result[table] = digest_table(cursor, table, keys or [row[1] for row in info])
    return result


def postgresql_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def postgresql_digests(cursor: Any) -> dict[str, TableDigest]:
    """Format 1's digests (rows hashed in Python); kept to restore format 1 backups."""
    return {
        table: digest_table(cursor, table, _postgresql_keys(cursor, table))
        for table in postgresql_tables(cursor)
    }


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def sqlite_page_digests(path: Path) -> dict[str, TableDigest]:
    """Each table's row count and the SHA-256 of its own pages (its b-tree and overflow
    pages, in page-number order), read straight from the file. A restore copies the pages
    as they are, so every table's pages must come back byte for byte; this reads each page
    once, at the speed of the disk, instead of turning every row into Python values."""
    db = sqlite3.connect(path)
    try:
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() == "wal":
            # Pages still in the write-ahead log are not in the file yet.
            (busy, logged, copied) = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            # Busy only means the log could not be emptied while someone reads (the
            # restore's own integrity check reads beside this): the file is whole once
            # every page in the log is copied into it.
            if busy and (logged < 0 or copied < logged):
                raise BackupError(f"{path} is in use by another process; it cannot be read whole.")
        db.execute(f"PRAGMA mmap_size={SQLITE_MMAP}")
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        tables = _sqlite_tables(db)
        rows = {
            table: db.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]  # noqa: S608
            for table in tables
        }
        pages: dict[str, list[int]] = {table: [] for table in tables}
        for name, page in db.execute("SELECT name, pageno FROM dbstat"):
            if name in pages:
                pages[name].append(page)
    finally:
        db.close()
    result = {}
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        with memoryview(m) as view:
            for table in tables:
                digest = hashlib.sha256()
                # A table's pages mostly lie side by side (VACUUM INTO writes each b-tree
                # in one piece): each stretch of them is hashed in one call, not page by
                # page (half a million calls at council size, #20). The same bytes in the
                # same order, so the same digest.
                for first, last in _stretches(sorted(pages[table])):
                    digest.update(view[(first - 1) * page_size : last * page_size])
                result[table] = TableDigest(rows[table], digest.hexdigest())
    return result


def _stretches(pages: list[int]) -> list[tuple[int, int]]:
    """Sorted page numbers as (first, last) of each stretch of consecutive ones."""
    stretches: list[list[int]] = []
    for page in pages:
        if stretches and page == stretches[-1][1] + 1:
            stretches[-1][1] = page
        else:
            stretches.append([page, page])
    return [(first, last) for first, last in stretches]


# Row text is written by the server in one form whatever the session's defaults.
_POSTGRESQL_SESSION = (
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)


def _postgresql_keys(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
        [_quote(table)],
    )
    keys = [name for (name,) in cursor.fetchall()]
    if not keys:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        keys = [name for (name,) in cursor.fetchall()]
    return keys


def postgresql_row_digests(cursor: Any) -> dict[str, TableDigest]:
    """Each table's row count and a SHA-256 over the SHA-256 of every row's text in
    primary-key order, all worked out by the server (only 64 characters a table cross the
    connection)."""
    for statement in _POSTGRESQL_SESSION:
        cursor.execute(statement)
    result = {}
    for table in postgresql_tables(cursor):
        order = ", ".join(f"gt_row.{_quote(c)}" for c in _postgresql_keys(cursor, table))
        cursor.execute(
            "SELECT count(*), encode(sha256(coalesce(string_agg("  # noqa: S608
            "sha256(convert_to(gt_row::text, 'UTF8')), ''::bytea "
            f"ORDER BY {order}), ''::bytea)), 'hex') FROM {_quote(table)} AS gt_row"
        )
        rows, digest = cursor.fetchone()
        result[table] = TableDigest(int(rows), digest)
    return result


def _as_manifest_tables(digests: dict[str, TableDigest]) -> dict[str, dict[str, Any]]:
    return {name: {"rows": d.rows, "sha256": d.sha256} for name, d in sorted(digests.items())}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# --- Connections --------------------------------------------------------------------


def _settings(alias: str = "default") -> dict[str, Any]:
    return connections[alias].settings_dict


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _libpq_environment(settings: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings.get(key)
        if value:
            env[variable] = str(value)
    return env


def _postgresql_connect(settings: dict[str, Any], **extra: Any):
    import psycopg

    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        **extra,
    )


def _sqlite_path(settings: dict[str, Any]) -> Path:
    name = str(settings["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be restored into.")
    return Path(name)


# --- Backup ----------------------------------------------------------------------------


def _migration_heads(rows: list[tuple[str, str]]) -> dict[str, str]:
    heads: dict[str, str] = {}
    for app, name in rows:
        heads[app] = max(heads.get(app, ""), name)
    return dict(sorted(heads.items()))


def backup(
    out: Path, *, key: bytes | None = None, alias: str = "default", progress: Progress = _quiet
) -> Result:
    """Write a backup of the database to `out` (sealed with `key` if given)."""
    vendor = engine(alias)
    timings = Timings()
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="gt-backup-", dir=out.parent) as work:
        member = Path(work) / MEMBERS[vendor]
        if vendor == "sqlite":
            with timings.step("copy"):
                progress("Copying the SQLite database (VACUUM INTO)…")
                connection = connections[alias]
                connection.ensure_connection()
                if connection.in_atomic_block:
                    raise BackupError("A backup cannot be taken inside a transaction.")
                connection.connection.execute("VACUUM INTO ?", [str(member)])
            with timings.step("manifest"):
                progress("Counting and hashing every table…")
                digests = sqlite_page_digests(member)
                snapshot = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
                try:
                    migrations = snapshot.execute(
                        "SELECT app, name FROM django_migrations"
                    ).fetchall()
                finally:
                    snapshot.close()
        else:
            digests, migrations = _postgresql_dump(member, _settings(alias), timings, progress)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "engine": vendor,
            "digest": DIGESTS[vendor],
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "member": member.name,
            "migrations": _migration_heads([tuple(r) for r in migrations]),
            "tables": _as_manifest_tables(digests),
        }
        with timings.step("archive"):
            progress("Writing the backup file" + (" (encrypted)…" if key else "…"))
            _write_archive(out, member, manifest, key)
    return Result(out, manifest, timings)


def _tar_header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info.tobuf(format=tarfile.PAX_FORMAT)


def _tar_padding(size: int) -> bytes:
    return b"\0" * (-size % tarfile.BLOCKSIZE)


def _write_archive(out: Path, member: Path, manifest: dict[str, Any], key: bytes | None) -> None:
    """The tar archive, written (and sealed) in one pass over the database copy: the copy,
    then the manifest, which records the copy's SHA-256 worked out on the way. Written
    beside `out` with permissions 0600 and renamed when complete."""
    partial = out.with_name(out.name + ".partial")
    size = member.stat().st_size
    digest = hashlib.sha256()
    with partial.open("wb") as raw:
        os.chmod(partial, 0o600)
        sink: Any = crypto.SealingWriter(raw, key) if key is not None else raw
        sink.write(_tar_header(member.name, size))
        with member.open("rb") as handle:
            while chunk := handle.read(COPY_CHUNK):
                digest.update(chunk)
                sink.write(chunk)
        sink.write(_tar_padding(size))
        manifest["member_sha256"] = digest.hexdigest()
        manifest["member_bytes"] = size
        data = (json.dumps(manifest, indent=2) + "\n").encode()
        sink.write(_tar_header(MANIFEST, len(data)) + data + _tar_padding(len(data)))
        sink.write(b"\0" * (2 * tarfile.BLOCKSIZE))  # the end of the archive
        if key is not None:
            sink.close()  # seals the last chunk
        raw.flush()
        os.fsync(raw.fileno())
    partial.replace(out)


def _postgresql_dump(member: Path, settings: dict[str, Any], timings: Timings, progress: Progress):
    """pg_dump in an exported snapshot while the manifest is counted in the same snapshot, at
    the same time: the dump is the client's work and the hashing the server's."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    import psycopg

    with _postgresql_connect(settings) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        with timings.step("dump and manifest"):
            progress("Dumping the database (pg_dump) and hashing every table, in one snapshot…")
            # No compression: the file is sealed anyway, and compressing a council's
            # database costs more CPU than the rest of the backup together.
            dump = subprocess.Popen(  # noqa: S603
                [  # noqa: S607
                    "pg_dump",
                    "-Fc",
                    "--compress=0",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(member),
                ],
                env=_libpq_environment(settings),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                with conn.cursor() as cursor:
                    digests = postgresql_row_digests(cursor)
                    cursor.execute("SELECT app, name FROM django_migrations")
                    migrations = cursor.fetchall()
            except BaseException:
                dump.kill()
                dump.wait()
                raise
            _, errors = dump.communicate()
            if dump.returncode != 0:
                raise BackupError(f"pg_dump failed: {errors.strip()}")
        conn.rollback()
    return digests, migrations


# --- Restore ---------------------------------------------------------------------------


def _unpack(path: Path, *, key: bytes | None, vendor: str, staging: Path) -> dict[str, Any]:
    """Read the backup in one pass (opening it if sealed): the database copy goes straight
    to `staging`, its SHA-256 worked out on the way; returns the manifest once the copy is
    proven to be the one it describes."""
    engines = {member: name for name, member in MEMBERS.items()}
    manifest: dict[str, Any] | None = None
    copied: str | None = None
    with path.open("rb") as raw:
        encrypted = raw.read(len(crypto.MAGIC)) == crypto.MAGIC
        raw.seek(0)
        source: Any = raw
        if encrypted:
            key = key or crypto.key_from_environment(required=True)
            assert key is not None  # required=True raises instead
            source = crypto.OpeningReader(raw, key)
        try:
            with tarfile.open(fileobj=source, mode="r|", bufsize=COPY_CHUNK) as tar:
                for info in tar:
                    handle = tar.extractfile(info)
                    if handle is None:
                        continue
                    if info.name == MANIFEST:
                        manifest = json.load(handle)
                    elif info.name in engines:
                        if engines[info.name] != vendor:
                            made = engines[info.name]
                            raise BackupError(
                                f"This backup is of a {made} database; it restores into "
                                f"{made}, not {vendor}."
                            )
                        digest = hashlib.sha256()
                        with staging.open("wb") as target:
                            while chunk := handle.read(COPY_CHUNK):
                                digest.update(chunk)
                                target.write(chunk)
                        copied = digest.hexdigest()
        except (tarfile.TarError, EOFError) as exc:
            raise BackupError(f"The backup file is damaged: {exc}") from exc
        if encrypted:
            source.finish()
    if manifest is None:
        raise BackupError(f"The backup file has no {MANIFEST}.")
    if manifest.get("format") not in READABLE_FORMATS or manifest.get("engine") not in MEMBERS:
        raise BackupError("This is not a backup this version can restore.")
    if copied is None:
        raise BackupError(f"The backup file has no {MEMBERS[manifest['engine']]}.")
    if copied != manifest["member_sha256"]:
        raise BackupError("The database in the backup does not match its manifest.")
    return manifest


def records_in(alias: str = "default") -> dict[str, int]:
    """Tables of the database that hold rows other than `migrate`'s own."""
    vendor = engine(alias)
    counts: dict[str, int] = {}
    if vendor == "sqlite":
        path = _sqlite_path(_settings(alias))
        if not path.exists() or path.stat().st_size == 0:
            return {}
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [
                n
                for (n,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                (count,) = db.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()  # noqa: S608
                counts[table] = count
        finally:
            db.close()
    else:
        with _postgresql_connect(_settings(alias)) as conn, conn.cursor() as cursor:
            for table in postgresql_tables(cursor):
                cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return {t: n for t, n in counts.items() if n and t not in BOOKKEEPING_TABLES}


def restore(
    path: Path,
    *,
    force: bool = False,
    key: bytes | None = None,
    alias: str = "default",
    verify_audit: Callable[[], None] | None = None,
    progress: Progress = _quiet,
) -> Result:
    """Restore a backup into the database, then prove the result matches the manifest."""
    vendor = engine(alias)
    settings = _settings(alias)
    timings = Timings()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    held = records_in(alias)
    if held and not force:
        raise TargetNotEmpty(
            f"The database already holds records ({len(held)} tables with rows, e.g. "
            f"{', '.join(sorted(held)[:3])}). Restore into an empty database, or add "
            "--force to replace everything in it."
        )
    connections[alias].close()
    if vendor == "sqlite":
        # Unpacked beside the target (the same file system), so that a new database is
        # put in place by renaming it, not by copying it again.
        target = _sqlite_path(settings)
        target.parent.mkdir(parents=True, exist_ok=True)
        work_parent: Path | None = target.parent
    else:
        work_parent = path.parent if os.access(path.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="gt-restore-", dir=work_parent) as work:
        staging = Path(work) / MEMBERS[vendor]
        with timings.step("open"):
            progress("Opening the backup…")
            manifest = _unpack(path, key=key, vendor=vendor, staging=staging)
        with timings.step("restore"):
            progress("Restoring…")
            if vendor == "sqlite":
                _sqlite_restore(staging, target)
            else:
                _postgresql_restore(staging, settings)
    with timings.step("verify"):
        verify(manifest, alias=alias, verify_audit=verify_audit, progress=progress)
    return Result(path, manifest, timings)


def _sqlite_restore(member: Path, target: Path) -> None:
    """A new (or empty) file: the unpacked copy is renamed into place. A database that
    exists (empty, or replaced with --force): SQLite's backup API copies the pages in, so a
    process that still has it open sees a whole database, never half of one."""
    if not target.exists() or target.stat().st_size == 0:
        for suffix in ("-wal", "-shm", "-journal"):
            # Left by a database that is no longer there: they would be applied to ours.
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        member.replace(target)
        return
    source = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        destination.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        source.close()
        destination.close()


def _postgresql_restore(member: Path, settings: dict[str, Any]) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError(
            "pg_restore is not installed (Debian: apt-get install postgresql-client)."
        )
    with _postgresql_connect(settings, autocommit=True) as conn:
        # Only reached when the database is empty of records or --force was given.
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    done = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            str(settings["NAME"]),
            str(member),
        ],
        env=_libpq_environment(settings),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def current_digests(alias: str = "default", method: str | None = None) -> dict[str, TableDigest]:
    """The database's table digests, made as `method` makes them (this format's by default;
    an older backup's manifest names its own)."""
    vendor = engine(alias)
    method = method or DIGESTS[vendor]
    settings = _settings(alias)
    if vendor == "sqlite":
        path = _sqlite_path(settings)
        if method == DIGESTS["sqlite"]:
            return sqlite_page_digests(path)
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return sqlite_digests(db)
        finally:
            db.close()
    with _postgresql_connect(settings) as conn, conn.cursor() as cursor:
        if method == DIGESTS["postgresql"]:
            return postgresql_row_digests(cursor)
        return postgresql_digests(cursor)


def _table_problems(manifest: dict[str, Any], alias: str) -> list[str]:
    found = _as_manifest_tables(current_digests(alias, manifest.get("digest", LEGACY_DIGEST)))
    expected = manifest["tables"]
    problems = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"{table}: missing after restore")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif found[table] != expected[table]:
            problems.append(
                f"{table}: {found[table]['rows']} rows restored, "
                f"{expected[table]['rows']} in the backup, or their contents differ"
            )
    return problems


def recorded_migrations(alias: str = "default") -> set[tuple[str, str]]:
    """The (app, name) rows of the database's django_migrations (none if it has no such
    table), read over a connection of its own as the other checks here are."""
    query = "SELECT app, name FROM django_migrations"
    if engine(alias) == "sqlite":
        db = sqlite3.connect(f"file:{_sqlite_path(_settings(alias))}?mode=ro", uri=True)
        try:
            listed = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
            return {tuple(row) for row in db.execute(query)} if listed else set()
        finally:
            db.close()
    with _postgresql_connect(_settings(alias)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('django_migrations')")
        if cursor.fetchone()[0] is None:
            return set()
        cursor.execute(query)
        return {tuple(row) for row in cursor.fetchall()}


def migration_differences(alias: str = "default") -> tuple[list[str], list[str]]:
    """(missing, unknown): the migrations in this code's graph that the database's
    django_migrations does not list as applied, and the rows it lists that this code has no
    migration for (a backup from a newer or a different release). A squashed migration
    counts as applied when everything it replaces is, as `migrate` counts it (#20)."""
    from django.db.migrations.loader import MigrationLoader

    recorded = recorded_migrations(alias)
    # Without a connection the loader reads the code only: its graph has each squashed
    # migration in place of the ones it replaces.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = set(recorded)
    for squashed, migration in loader.replacements.items():
        # As `migrate` reads it, the squashed migration's own row does not count while the
        # migrations it replaces are in the code: all of them must be applied.
        if all(tuple(replaced) in recorded for replaced in migration.replaces):
            applied.add(squashed)
        else:
            applied.discard(squashed)
    missing = sorted(
        f"{app}.{name}" for app, name in loader.graph.nodes if (app, name) not in applied
    )
    unknown = sorted(
        f"{app}.{name}" for app, name in recorded if (app, name) not in loader.disk_migrations
    )
    return missing, unknown


def migration_problem(alias: str = "default") -> str:
    """Why the database's migrations do not match this code, in plain words ("" if they do)."""
    missing, unknown = migration_differences(alias)
    if not missing and not unknown:
        return ""
    parts = ["The restored database's migrations do not match this code."]
    if missing:
        parts.append(
            f"Missing ({len(missing)}; in this code but not applied to the restored database: "
            f"run `goldenthread migrate` if the backup is from an older release): "
            + ", ".join(missing)
            + "."
        )
    if unknown:
        parts.append(
            f"Unknown ({len(unknown)}; applied to the restored database but not in this "
            "code: the backup is from a newer or a different release; restore it with the "
            "code that made it): " + ", ".join(unknown) + "."
        )
    parts.append("The restore is not verified until they match.")
    return " ".join(parts)


def _sqlite_integrity(alias: str) -> str:
    db = sqlite3.connect(f"file:{_sqlite_path(_settings(alias))}?mode=ro", uri=True)
    try:
        db.execute(f"PRAGMA mmap_size={SQLITE_MMAP}")
        (answer,) = db.execute("PRAGMA integrity_check").fetchone()
    finally:
        db.close()
    return str(answer)


def verify(
    manifest: dict[str, Any],
    *,
    alias: str = "default",
    verify_audit: Callable[[], None] | None = None,
    progress: Progress = _quiet,
) -> None:
    """Every table's rows and hash equal the manifest's, SQLite's integrity check passes,
    the database's applied migrations are exactly this code's (migration_problem), and
    (with `verify_audit`) the audit chains verify.

    The database's own checks (the table hashes; SQLite's integrity check) each run in a
    thread of their own while the audit chains are walked here: the database does that work
    without holding Python's lock, so the three overlap and the slowest sets the time
    rather than the sum of them. At council size the integrity check (about 21 s of CPU)
    had waited for the table hashes in one thread; side by side, two cores share the
    work (#20)."""
    failures: list[BaseException] = []
    problems: list[str] = []
    integrity: list[str] = []

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # handed to the caller below
                failures.append(exc)

        return run

    def table_checks() -> None:
        problems.extend(_table_problems(manifest, alias))

    def integrity_check() -> None:
        integrity.append(_sqlite_integrity(alias))

    progress(
        "Checking every table against the manifest"
        + (", and the audit logs' hash chains…" if verify_audit else "…")
    )
    threads = [threading.Thread(target=guarded(table_checks), name="backup-verify", daemon=True)]
    if engine(alias) == "sqlite":
        threads.append(
            threading.Thread(target=guarded(integrity_check), name="backup-integrity", daemon=True)
        )
    if engine(alias) == "sqlite":
        # The service's connections switch the file to WAL (settings' init_command), which
        # needs the file to themselves: do it now, not behind the integrity check's read.
        db = sqlite3.connect(_sqlite_path(_settings(alias)))
        try:
            db.execute("PRAGMA journal_mode=WAL")
        finally:
            db.close()
    for thread in threads:
        thread.start()
    audit_failure: BaseException | None = None
    try:
        if verify_audit is not None:
            verify_audit()
    except BaseException as exc:
        audit_failure = exc
    finally:
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
    refused = []
    if problems:
        refused.append("The restored database does not match the backup: " + "; ".join(problems))
    if integrity and integrity[0] != "ok":
        refused.append(f"SQLite's integrity check failed: {integrity[0]}")
    migrations = migration_problem(alias)
    if migrations:
        refused.append(migrations)
    if refused:
        raise BackupError(" ".join(refused))
    if audit_failure is not None:
        raise audit_failure

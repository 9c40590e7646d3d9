"""Backups that restore (OPS-4): `goldenthread backup`, `goldenthread restore`.

A backup is one file: a tar archive holding `manifest.json` and the database itself, sealed
with AES-256-GCM when GOLDENTHREAD_BACKUP_KEY is set (operations/crypto.py).

- SQLite: `VACUUM INTO` a new file, a consistent copy taken while the service keeps running
  (readers and the one writer carry on; the copy is of one moment).
- PostgreSQL: `pg_dump -Fc` inside an exported snapshot, and the manifest is counted in the
  same snapshot, so the two describe the same moment.

The manifest lists every table with its row count and a SHA-256 of its rows in primary-key
order. `restore` refuses a database that already holds records unless told (`--force`),
restores, then proves the result: every table's count and hash equal the manifest's, SQLite's
`PRAGMA integrity_check` says ok, and the audit logs' hash chains verify (`audit-verify`).
A backup restores into the same kind of database it was taken from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connections

from . import crypto

FORMAT = 1
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Rows `migrate` itself writes: a database holding only these is empty.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})

Progress = Callable[[str], None]
BATCH = 20000


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
    result = {}
    for table in postgresql_tables(cursor):
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
        result[table] = digest_table(cursor, table, keys)
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
        workdir = Path(work)
        member = workdir / MEMBERS[vendor]
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
                snapshot = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
                try:
                    digests = sqlite_digests(snapshot)
                    migrations = snapshot.execute(
                        "SELECT app, name FROM django_migrations"
                    ).fetchall()
                finally:
                    snapshot.close()
        else:
            digests, migrations = _postgresql_dump(member, _settings(alias), timings, progress)
        manifest = {
            "format": FORMAT,
            "engine": vendor,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "member": member.name,
            "member_sha256": _file_sha256(member),
            "member_bytes": member.stat().st_size,
            "migrations": _migration_heads([tuple(r) for r in migrations]),
            "tables": _as_manifest_tables(digests),
        }
        (workdir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        with timings.step("archive"):
            progress("Writing the backup file…")
            archive = workdir / "backup.tar"
            with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(workdir / MANIFEST, arcname=MANIFEST)
                tar.add(member, arcname=member.name)
            member.unlink()
            partial = out.with_name(out.name + ".partial")
            if key is not None:
                crypto.encrypt_file(archive, partial, key)
            else:
                shutil.move(archive, partial)
            os.chmod(partial, 0o600)
            partial.replace(out)
    return Result(out, manifest, timings)


def _postgresql_dump(member: Path, settings: dict[str, Any], timings: Timings, progress: Progress):
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    with _postgresql_connect(settings) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        with timings.step("dump"):
            progress("Dumping the PostgreSQL database (pg_dump -Fc)…")
            done = subprocess.run(  # noqa: S603
                ["pg_dump", "-Fc", f"--snapshot={snapshot}", "--file", str(member)],  # noqa: S607
                env=_libpq_environment(settings),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        with timings.step("manifest"):
            progress("Counting and hashing every table…")
            with conn.cursor() as cursor:
                digests = postgresql_digests(cursor)
                cursor.execute("SELECT app, name FROM django_migrations")
                migrations = cursor.fetchall()
        conn.rollback()
    return digests, migrations


# --- Restore ---------------------------------------------------------------------------


def read_manifest(path: Path, *, key: bytes | None, workdir: Path) -> tuple[dict, Path]:
    """Open a backup into `workdir`: the manifest and the database member's path."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    archive = path
    if crypto.is_encrypted(path):
        key = key or crypto.key_from_environment(required=True)
        assert key is not None  # required=True raises instead
        archive = workdir / "backup.tar"
        crypto.decrypt_file(path, archive, key)
    try:
        with tarfile.open(archive, "r:") as tar:
            manifest = json.load(_member(tar, MANIFEST))
            if manifest.get("format") != FORMAT or manifest.get("engine") not in MEMBERS:
                raise BackupError("This is not a backup this version can restore.")
            name = MEMBERS[manifest["engine"]]
            target = workdir / name
            with target.open("wb") as handle:
                shutil.copyfileobj(_member(tar, name), handle, 1024 * 1024)
    except tarfile.TarError as exc:
        raise BackupError(f"The backup file is damaged: {exc}") from exc
    if archive != path:
        archive.unlink()
    if _file_sha256(target) != manifest["member_sha256"]:
        raise BackupError("The database in the backup does not match its manifest.")
    return manifest, target


def _member(tar: tarfile.TarFile, name: str):
    try:
        handle = tar.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"The backup file has no {name}.")
    return handle


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
    work_parent = path.parent if os.access(path.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="gt-restore-", dir=work_parent) as work:
        with timings.step("open"):
            progress("Opening the backup…")
            manifest, member = read_manifest(path, key=key, workdir=Path(work))
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; it restores into "
                f"{manifest['engine']}, not {vendor}."
            )
        held = records_in(alias)
        if held and not force:
            raise TargetNotEmpty(
                f"The database already holds records ({len(held)} tables with rows, e.g. "
                f"{', '.join(sorted(held)[:3])}). Restore into an empty database, or add "
                "--force to replace everything in it."
            )
        connections[alias].close()
        with timings.step("restore"):
            progress("Restoring…")
            if vendor == "sqlite":
                _sqlite_restore(member, _sqlite_path(settings))
            else:
                _postgresql_restore(member, settings)
    with timings.step("verify"):
        progress("Checking every table against the manifest…")
        verify(manifest, alias=alias)
        if verify_audit is not None:
            progress("Checking the audit logs' hash chains…")
            verify_audit()
    return Result(path, manifest, timings)


def _sqlite_restore(member: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
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


def current_digests(alias: str = "default") -> dict[str, TableDigest]:
    settings = _settings(alias)
    if engine(alias) == "sqlite":
        db = sqlite3.connect(f"file:{_sqlite_path(settings)}?mode=ro", uri=True)
        try:
            return sqlite_digests(db)
        finally:
            db.close()
    with _postgresql_connect(settings) as conn, conn.cursor() as cursor:
        return postgresql_digests(cursor)


def verify(manifest: dict[str, Any], *, alias: str = "default") -> None:
    """Every table's rows and hash equal the manifest's; SQLite's integrity check passes."""
    found = _as_manifest_tables(current_digests(alias))
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
    if problems:
        raise BackupError("The restored database does not match the backup: " + "; ".join(problems))
    if engine(alias) == "sqlite":
        db = sqlite3.connect(f"file:{_sqlite_path(_settings(alias))}?mode=ro", uri=True)
        try:
            (answer,) = db.execute("PRAGMA integrity_check").fetchone()
        finally:
            db.close()
        if answer != "ok":
            raise BackupError(f"SQLite's integrity check failed: {answer}")

"""Audit checkpoints signed with a key held apart from the database (#20, SEC-3, OPS-7;
docs/adr/0002-audit.md, "Retention of the audit log").

A checkpoint (models.AuditCheckpoint) says which audit rows a purge removed. Its hash chain
stops anyone *altering* one, but someone who can only write to the database could still
delete audit rows and append a new, correctly chained checkpoint that accounts for them.
So each checkpoint also carries an HMAC-SHA-256 `signature` made with a key the database
never holds, and `key_id`, which key it was (a rotation keeps the old ones for checking):

    signature = HMAC(key, "goldenthread.audit.checkpoint\\n" table "\\n" seq "\\n" prev_hash
                     "\\n" digest)

where `digest` is the SHA-256 of the row's canonical content (chain.py) without the
signature itself (the key id is in it). The signature binds the checkpoint to its place in
its chain; the row's hash then covers the signature too.

The key: 32 random bytes as URL-safe base64 (`goldenthread audit-key new` prints one).
- `GOLDENTHREAD_AUDIT_KEY`: the key that signs new checkpoints (from the secret store,
  never the database);
- `GOLDENTHREAD_AUDIT_OLD_KEYS`: retired keys, oldest first, comma-separated, kept only to
  check the checkpoints they signed; `KEY@N` says N was the last checkpoint it signed
  (`goldenthread audit-key id` prints the checkpoint head to write there). Along the chain
  a checkpoint may never be signed with an older key than the one before it, so a retired
  key cannot sign a new checkpoint that `audit-verify` accepts once its successor has
  signed one, nor (with @N) after N at all;
- without `GOLDENTHREAD_AUDIT_KEY`, the key file `GOLDENTHREAD_AUDIT_KEY_FILE` (the demo's
  `var/audit-key`, made with mode 0600 the first time a checkpoint is signed, when
  `GOLDENTHREAD_AUDIT_KEY_FILE_CREATE` is true; production never makes one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from . import chain

KEY_VARIABLE = "GOLDENTHREAD_AUDIT_KEY"
OLD_KEYS_VARIABLE = "GOLDENTHREAD_AUDIT_OLD_KEYS"
SIGNATURE_FIELD = "signature"


class AuditKeyError(Exception):
    """No audit key is set, or it is malformed."""


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes = b""
    rank: int = 0  # 0 the oldest retired key … the current key last
    last_seq: int | None = None  # a retired key given as KEY@N signs no checkpoint after N

    def __repr__(self) -> str:  # never print the secret
        return f"AuditKey(id={self.id!r}, rank={self.rank})"


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key(text: str, *, name: str = KEY_VARIABLE, rank: int = 0) -> AuditKey:
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise AuditKeyError(f"{name} is not URL-safe base64.") from exc
    if len(secret) != 32:
        raise AuditKeyError(f"{name} must be 32 bytes (44 characters of base64).")
    key_id = hmac.new(secret, b"goldenthread.audit.key-id", hashlib.sha256).hexdigest()[:16]
    return AuditKey(id=key_id, secret=secret, rank=rank)


def _key_file() -> Path | None:
    location = getattr(settings, "GOLDENTHREAD_AUDIT_KEY_FILE", "")
    return Path(location) if location else None


def _current_text(*, create: bool) -> str | None:
    text = (getattr(settings, "GOLDENTHREAD_AUDIT_KEY", "") or "").strip()
    if text:
        return text
    path = _key_file()
    if path is None:
        return None
    if path.exists():
        return path.read_text().strip()
    if not (create and getattr(settings, "GOLDENTHREAD_AUDIT_KEY_FILE_CREATE", False)):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(new_key() + "\n")
    return path.read_text().strip()


def keys() -> dict[str, AuditKey]:
    """Every key that may check a signature, by id: the retired ones, then the current."""
    old = [t for t in getattr(settings, "GOLDENTHREAD_AUDIT_OLD_KEYS", ()) if t.strip()]
    found: dict[str, AuditKey] = {}
    for rank, entry in enumerate(old):
        text, _, last = entry.partition("@")
        name = f"{OLD_KEYS_VARIABLE} (key {rank + 1})"
        key = parse_key(text, name=name, rank=rank)
        if last:
            if not last.strip().isdigit():
                raise AuditKeyError(f"{name}: after @ comes the last checkpoint it signed.")
            key = AuditKey(key.id, key.secret, rank, int(last))
        found[key.id] = key
    current = _current_text(create=False)
    if current:
        key = parse_key(current, rank=len(old))
        found[key.id] = key
    return found


def signing_key() -> AuditKey:
    """The key that signs a new checkpoint; refuses when none is set."""
    text = _current_text(create=True)
    if not text:
        raise AuditKeyError(
            f"No audit key: set {KEY_VARIABLE} (from your secret store; "
            "`goldenthread audit-key new` prints one). Nothing was written."
        )
    return parse_key(text, rank=len(getattr(settings, "GOLDENTHREAD_AUDIT_OLD_KEYS", ())))


def _signed_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in chain.content_fields(model) if f.name != SIGNATURE_FIELD)


def _mac(key: AuditKey, table: str, seq: int, prev_hash: str, digest: str) -> str:
    message = f"goldenthread.audit.checkpoint\n{table}\n{seq}\n{prev_hash}\n{digest}"
    return hmac.new(key.secret, message.encode("ascii"), hashlib.sha256).hexdigest()


def sign(instance: Any, after: tuple[int, str], key: AuditKey) -> None:
    """Set `key_id` and `signature` for `instance` joining its chain after `after`."""
    model = type(instance)
    instance.key_id = key.id
    fields = _signed_fields(model)
    digest = chain.content_digest(
        chain.canonical_content(fields, [f.pre_save(instance, True) for f in fields])
    )
    instance.signature = _mac(key, model._meta.db_table, after[0] + 1, after[1], digest)


@dataclass(frozen=True)
class SignatureProblem:
    seq: int
    problem: str


def check(model: type[models.Model]) -> Iterator[SignatureProblem]:
    """Each checkpoint whose signature is missing, made with a key not held, made with a
    key older than the one before it, or wrong (forged, or altered and re-chained).
    Reads no key when the table is empty."""
    fields = _signed_fields(model)
    table = model._meta.db_table
    names = ["seq", "prev_hash", "key_id", SIGNATURE_FIELD, *(f.attname for f in fields)]
    rows = model._default_manager.order_by("seq").values_list(*names).iterator(chunk_size=500)
    known: dict[str, AuditKey] | None = None
    highest = -1
    for seq, prev_hash, key_id, signature, *values in rows:
        if known is None:
            known = keys()
        if not key_id or not signature:
            yield SignatureProblem(seq, "the checkpoint is not signed (not written by the purge)")
            continue
        key = known.get(key_id)
        if key is None:
            held = ", ".join(sorted(known)) or "none"
            yield SignatureProblem(
                seq,
                f"signed with key {key_id}, which this service does not hold (keys held: "
                f"{held}; set {KEY_VARIABLE}, and {OLD_KEYS_VARIABLE} for retired keys)",
            )
            continue
        digest = chain.content_digest(chain.canonical_content(fields, values))
        expected = _mac(key, table, seq, prev_hash, digest)
        if not hmac.compare_digest(expected, signature):
            yield SignatureProblem(
                seq, "its signature does not match (forged, or altered and re-chained)"
            )
            continue
        if key.last_seq is not None and seq > key.last_seq:
            yield SignatureProblem(
                seq,
                f"signed with retired key {key_id}, which signs nothing after checkpoint "
                f"{key.last_seq}",
            )
            continue
        if key.rank < highest:
            yield SignatureProblem(
                seq,
                f"signed with retired key {key_id} after a newer key had signed a checkpoint",
            )
            continue
        highest = key.rank

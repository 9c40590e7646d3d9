"""Encryption at rest for backup files (OPS-4), with AES-256-GCM from `cryptography`.

The file is cut into chunks of 1 MiB, each sealed on its own (so a council-sized backup is
never held in memory). A chunk's nonce is a random 7-byte prefix for the file, a 4-byte
chunk counter and one byte saying whether it is the last chunk: chunks cannot be reordered,
dropped or the file cut short without decryption failing.

The key is 32 random bytes, written as URL-safe base64, from the environment variable
GOLDENTHREAD_BACKUP_KEY (`goldenthread backup --new-key` prints a fresh one). Keep it apart
from the backups: a backup without its key cannot be read by anyone, including you.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_VARIABLE = "GOLDENTHREAD_BACKUP_KEY"
MAGIC = b"GOLDENTHREAD-BACKUP-AESGCM-1\n"
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")


class BackupKeyError(Exception):
    """The key is missing, malformed, or not the one the file was sealed with."""


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def key_from_environment(*, required: bool) -> bytes | None:
    raw = os.environ.get(KEY_VARIABLE, "").strip()
    if not raw:
        if required:
            raise BackupKeyError(
                f"This backup is encrypted: set {KEY_VARIABLE} to the key it was made with."
            )
        return None
    return parse_key(raw)


def parse_key(raw: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise BackupKeyError(f"{KEY_VARIABLE} is not URL-safe base64.") from exc
    if len(key) != 32:
        raise BackupKeyError(f"{KEY_VARIABLE} must be 32 bytes (44 characters of base64).")
    return key


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def encrypt_file(source: Path, target: Path, key: bytes) -> None:
    aead = AESGCM(key)
    prefix = secrets.token_bytes(7)
    with source.open("rb") as plain, target.open("wb") as sealed:
        sealed.write(MAGIC + prefix)
        index = 0
        chunk = plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            last = not following
            data = aead.encrypt(_nonce(prefix, index, last), chunk, MAGIC)
            sealed.write(_LENGTH.pack(len(data)) + data)
            if last:
                break
            chunk, index = following, index + 1


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    aead = AESGCM(key)
    with source.open("rb") as sealed, target.open("wb") as plain:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise BackupKeyError("This file is not an encrypted Golden Thread backup.")
        prefix = sealed.read(7)
        index, finished = 0, False
        while True:
            header = sealed.read(_LENGTH.size)
            if not header:
                break
            if finished:
                raise BackupKeyError("The backup has data after its last chunk.")
            (length,) = _LENGTH.unpack(header)
            data = _read_exactly(sealed, length)
            opened, finished = _open_chunk(aead, prefix, index, data)
            plain.write(opened)
            index += 1
        if not finished:
            raise BackupKeyError("The backup is cut short: its last chunk is missing.")


def _open_chunk(aead: AESGCM, prefix: bytes, index: int, data: bytes) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return aead.decrypt(_nonce(prefix, index, last), data, MAGIC), last
        except InvalidTag:
            continue
    raise BackupKeyError(
        "The backup cannot be decrypted: the key is not the one it was made with, "
        "or the file has been altered."
    )


def _read_exactly(handle: BinaryIO, length: int) -> bytes:
    data = handle.read(length)
    if len(data) != length:
        raise BackupKeyError("The backup is cut short.")
    return data

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
import io
import os
import secrets
import shutil
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


class SealingWriter(io.RawIOBase):
    """A write-only stream that seals what is written to `sink`, chunk by chunk, in the
    format above (so a backup is archived and sealed in one pass, never written twice).
    A chunk is sealed only when more data follows it or on close, which marks the last."""

    def __init__(self, sink: BinaryIO, key: bytes):
        super().__init__()
        self._sink = sink
        self._aead = AESGCM(key)
        self._prefix = secrets.token_bytes(7)
        self._index = 0
        self._buffer = bytearray()
        sink.write(MAGIC + self._prefix)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self._buffer += data
        sealed = 0
        with memoryview(self._buffer) as view:
            while len(view) - sealed > CHUNK:
                self._seal(view[sealed : sealed + CHUNK], last=False)
                sealed += CHUNK
        if sealed:
            del self._buffer[:sealed]
        return len(data)

    def _seal(self, chunk, *, last: bool) -> None:
        data = self._aead.encrypt(_nonce(self._prefix, self._index, last), chunk, MAGIC)
        self._sink.write(_LENGTH.pack(len(data)))
        self._sink.write(data)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class OpeningReader(io.RawIOBase):
    """A read-only stream of what `source` (a sealed file) holds, opened chunk by chunk;
    every chunk is authenticated before any of its bytes are returned."""

    def __init__(self, source: BinaryIO, key: bytes):
        super().__init__()
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupKeyError("This file is not an encrypted Golden Thread backup.")
        self._source = source
        self._aead = AESGCM(key)
        self._prefix = source.read(7)
        self._index = 0
        self._finished = False
        self._buffer = b""
        self._offset = 0

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bool:
        header = self._source.read(_LENGTH.size)
        if not header:
            if not self._finished:
                raise BackupKeyError("The backup is cut short: its last chunk is missing.")
            return False
        if self._finished:
            raise BackupKeyError("The backup has data after its last chunk.")
        (length,) = _LENGTH.unpack(header)
        data = _read_exactly(self._source, length)
        self._buffer, self._finished = _open_chunk(self._aead, self._prefix, self._index, data)
        self._offset = 0
        self._index += 1
        return True

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes of the chunk being read (all of the rest of the file if
        `size` is negative). A reader asking for a whole chunk (the restore's tar reader
        asks for 1 MiB) gets the opened chunk itself, not a copy of it: a council-sized
        restore opens 2 GB, and each copy of it cost CPU (#20)."""
        if size is None or size < 0:
            return self.readall()
        while self._offset >= len(self._buffer):
            if not self._next_chunk():
                return b""
        if self._offset == 0 and size >= len(self._buffer):
            self._offset = len(self._buffer)
            return self._buffer
        with memoryview(self._buffer) as view:
            data = bytes(view[self._offset : self._offset + size])
        self._offset += len(data)
        return data

    def readinto(self, target) -> int:  # type: ignore[override]
        view = memoryview(target).cast("B")
        while self._offset >= len(self._buffer):
            if not self._next_chunk():
                return 0
        count = min(len(view), len(self._buffer) - self._offset)
        with memoryview(self._buffer) as chunk:
            view[:count] = chunk[self._offset : self._offset + count]
        self._offset += count
        return count

    def finish(self) -> None:
        """Read to the end: a file cut short, or with data after its last chunk, fails here
        even if the reader needed no more of it."""
        while self._next_chunk():
            pass


def encrypt_file(source: Path, target: Path, key: bytes) -> None:
    with source.open("rb") as plain, target.open("wb") as sealed:
        writer = SealingWriter(sealed, key)
        shutil.copyfileobj(plain, writer, CHUNK)
        writer.close()


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    with source.open("rb") as sealed, target.open("wb") as plain:
        shutil.copyfileobj(OpeningReader(sealed, key), plain, CHUNK)


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

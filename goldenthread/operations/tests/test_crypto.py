"""Backup encryption: sealed in chunks, nothing altered, dropped or cut off (OPS-4)."""

from __future__ import annotations

import os

import pytest

from goldenthread.operations import crypto


@pytest.fixture
def key():
    return crypto.parse_key(crypto.new_key())


def _seal(tmp_path, key, data: bytes):
    plain, sealed = tmp_path / "plain", tmp_path / "sealed"
    plain.write_bytes(data)
    crypto.encrypt_file(plain, sealed, key)
    return sealed


@pytest.mark.parametrize("size", [0, 10, crypto.CHUNK, crypto.CHUNK * 2 + 5])
def test_round_trip(tmp_path, key, size):
    data = os.urandom(size)
    sealed = _seal(tmp_path, key, data)
    assert crypto.is_encrypted(sealed)
    crypto.decrypt_file(sealed, tmp_path / "out", key)
    assert (tmp_path / "out").read_bytes() == data


def test_an_altered_byte_is_refused(tmp_path, key):
    sealed = _seal(tmp_path, key, b"x" * 1000)
    raw = bytearray(sealed.read_bytes())
    raw[-5] ^= 1
    sealed.write_bytes(bytes(raw))
    with pytest.raises(crypto.BackupKeyError, match="altered"):
        crypto.decrypt_file(sealed, tmp_path / "out", key)


def test_a_file_cut_after_a_whole_chunk_is_refused(tmp_path, key):
    sealed = _seal(tmp_path, key, os.urandom(crypto.CHUNK * 2 + 5))
    raw = sealed.read_bytes()
    header = len(crypto.MAGIC) + 7
    first = header + 4 + int.from_bytes(raw[header : header + 4], "big")
    sealed.write_bytes(raw[:first])
    with pytest.raises(crypto.BackupKeyError, match="cut short"):
        crypto.decrypt_file(sealed, tmp_path / "out", key)


def test_the_key_must_be_32_bytes_of_base64(monkeypatch):
    monkeypatch.setenv(crypto.KEY_VARIABLE, "c2hvcnQ=")
    with pytest.raises(crypto.BackupKeyError, match="32 bytes"):
        crypto.key_from_environment(required=False)
    monkeypatch.delenv(crypto.KEY_VARIABLE)
    assert crypto.key_from_environment(required=False) is None
    with pytest.raises(crypto.BackupKeyError, match="encrypted"):
        crypto.key_from_environment(required=True)


def test_reads_of_any_size_give_the_bytes_in_order(tmp_path, key):
    """A whole chunk is handed over as it is (#20); part of one, or across chunks, as much
    as asked for; readinto and read to the end alike."""
    data = os.urandom(crypto.CHUNK * 2 + 5)
    sealed = _seal(tmp_path, key, data)
    with sealed.open("rb") as handle:
        reader = crypto.OpeningReader(handle, key)
        parts = [reader.read(7), reader.read(crypto.CHUNK), reader.read(crypto.CHUNK)]
        into = bytearray(3)
        parts.append(bytes(into[: reader.readinto(into)]))
        parts += [reader.read(), reader.read(5)]
    assert [len(p) for p in parts] == [7, crypto.CHUNK - 7, crypto.CHUNK, 3, 2, 0]
    assert b"".join(parts) == data

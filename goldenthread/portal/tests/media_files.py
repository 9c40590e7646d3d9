"""Recordings and videos made in the tests (#12, P-4): the smallest headers the upload
checks read, so no binary is committed."""

from __future__ import annotations

import struct


def mp4(seconds: float, timescale: int = 1000) -> bytes:
    """The smallest MP4 the checks read: ftyp, and moov with a movie header (mvhd)."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    mvhd_body = bytes([0, 0, 0, 0]) + struct.pack(
        ">IIII", 0, 0, timescale, round(seconds * timescale)
    )
    mvhd_body += bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    return ftyp + moov


def wav(seconds: float, *, data_says: float | None = None, byte_rate: int | None = None):
    """8 kHz, 8-bit mono PCM (8,000 bytes a second) of silence; `data_says` and `byte_rate`
    make the data chunk's size or fmt's byte rate say something else than the file holds."""
    size = round(seconds * 8000)
    said = size if data_says is None else round(data_says * 8000)
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, byte_rate or 8000, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", said) + bytes([128]) * size
    return b"RIFF" + struct.pack("<I", len(body)) + body


def m4a(seconds: float) -> bytes:
    """ftyp with the M4A brand and a movie header (mvhd) saying how long it is."""
    return mp4(seconds).replace(b"isom", b"M4A ", 1)

"""A WebM file's kind and length, read from its own EBML structure (Matroska's subset).

No well-kept pure-Python library reads WebM's length (mutagen does not; pymediainfo needs
the system's libmediainfo), so this reads only what the checks need, bounded: the document
type (`webm`), whether a track is video, and the length — the Segment Info's Duration, or,
when a recorder left it out (a browser's MediaRecorder does), the last block's time in the
clusters. It never trusts a size past the end of the data, walks at most MAX_ELEMENTS
elements, and answers None for anything it cannot read, so the upload is refused.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

EBML = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
INFO = 0x1549A966
TIMECODE_SCALE = 0x2AD7B1
DURATION = 0x4489
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
TRACK_TYPE = 0x83
CLUSTER = 0x1F43B675
CLUSTER_TIMECODE = 0xE7
SIMPLE_BLOCK = 0xA3
BLOCK_GROUP = 0xA0
BLOCK = 0xA1
# Elements that sit beside clusters in a segment: where a cluster of unknown size ends.
SEGMENT_CHILDREN = {
    0x114D9B74,  # SeekHead
    INFO,
    TRACKS,
    CLUSTER,
    0x1C53BB6B,  # Cues
    0x1941A469,  # Attachments
    0x1043A770,  # Chapters
    0x1254C367,  # Tags
}
MAX_ELEMENTS = 200_000
VIDEO_TRACK = 1


@dataclass(frozen=True)
class WebmInfo:
    has_video: bool
    seconds: float | None


class _Bad(Exception):
    pass


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    """A variable-length integer at `at`: (value, its length in bytes). An element size of
    all ones is "unknown" and returned as -1."""
    if at >= len(data):
        raise _Bad
    first = data[at]
    length = 9 - first.bit_length() if first else 9
    if length > 8 or at + length > len(data):
        raise _Bad
    value = int.from_bytes(data[at : at + length], "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    if value == (1 << (7 * length)) - 1:
        return -1, length
    return value, length


class _Walker:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.count = 0

    def header(self, at: int, end: int) -> tuple[int, int, int]:
        """(element id, body start, body end) of the element at `at` inside `end`."""
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _Bad
        element, id_length = _vint(self.data, at, keep_marker=True)
        size, size_length = _vint(self.data, at + id_length, keep_marker=False)
        body = at + id_length + size_length
        if body > end:
            raise _Bad
        if size < 0:
            return element, body, -1  # unknown size: the caller decides where it ends
        if body + size > end:
            raise _Bad
        return element, body, body + size

    def children(self, start: int, end: int):
        at = start
        while at < end:
            element, body, stop = self.header(at, end)
            if stop < 0:
                stop = end
            yield element, body, stop
            at = stop

    def uint(self, body: int, stop: int) -> int:
        if not 0 < stop - body <= 8:
            raise _Bad
        return int.from_bytes(self.data[body:stop], "big")


def webm_info(data: bytes) -> WebmInfo | None:
    """Kind and length of a WebM file, or None if it is not one or cannot be read."""
    try:
        return _read(_Walker(data), data)
    except (_Bad, struct.error, OverflowError):
        return None


def _read(walk: _Walker, data: bytes) -> WebmInfo | None:
    element, body, stop = walk.header(0, len(data))
    if element != EBML or stop < 0:
        return None
    doc_type = b""
    for child, cbody, cstop in walk.children(body, stop):
        if child == DOC_TYPE:
            doc_type = data[cbody:cstop].rstrip(b"\0")
    if doc_type != b"webm":
        return None
    element, body, seg_end = walk.header(stop, len(data))
    if element != SEGMENT:
        return None
    seg_end = len(data) if seg_end < 0 else seg_end
    scale, duration, has_video, last_block = 1_000_000, None, False, None
    at = body
    while at < seg_end:
        element, cbody, cstop = walk.header(at, seg_end)
        if element == CLUSTER:
            cstop, block = _cluster(walk, cbody, seg_end if cstop < 0 else cstop)
            if block is not None:
                last_block = block if last_block is None else max(last_block, block)
            at = cstop
            continue
        cstop = seg_end if cstop < 0 else cstop
        if element == INFO:
            for child, ibody, istop in walk.children(cbody, cstop):
                if child == TIMECODE_SCALE:
                    scale = walk.uint(ibody, istop)
                elif child == DURATION:
                    size = istop - ibody
                    if size not in (4, 8):
                        raise _Bad
                    duration = struct.unpack(">f" if size == 4 else ">d", data[ibody:istop])[0]
        elif element == TRACKS:
            for child, tbody, tstop in walk.children(cbody, cstop):
                if child != TRACK_ENTRY:
                    continue
                for field, fbody, fstop in walk.children(tbody, tstop):
                    if field == TRACK_TYPE and walk.uint(fbody, fstop) == VIDEO_TRACK:
                        has_video = True
        at = cstop
    if not scale:
        return None
    ticks = duration if duration is not None else last_block
    if ticks is None or not math.isfinite(ticks) or ticks < 0:
        return WebmInfo(has_video=has_video, seconds=None)
    return WebmInfo(has_video=has_video, seconds=ticks * scale / 1e9)


def _cluster(walk: _Walker, start: int, end: int) -> tuple[int, int | None]:
    """(where the cluster ends, the time of its last block in timecode ticks). A cluster of
    unknown size ends where an element that sits beside clusters begins."""
    data = walk.data
    timecode, latest = 0, None
    at = start
    while at < end:
        element, body, stop = walk.header(at, end)
        if element in SEGMENT_CHILDREN:
            return at, latest
        stop = end if stop < 0 else stop
        if element == CLUSTER_TIMECODE:
            timecode = walk.uint(body, stop)
        elif element in (SIMPLE_BLOCK, BLOCK_GROUP):
            block = body
            if element == BLOCK_GROUP:
                block = next((b for e, b, _s in walk.children(body, stop) if e == BLOCK), -1)
            if block >= 0:
                _track, length = _vint(data, block, keep_marker=False)
                if block + length + 2 > stop:
                    raise _Bad
                relative = struct.unpack(">h", data[block + length : block + length + 2])[0]
                when = timecode + relative
                latest = when if latest is None else max(latest, when)
        at = stop
    return at, latest

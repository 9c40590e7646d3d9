"""An MP3 recording's length from its frames, not from what its first frame says (P-4, #12).

An encoder writes the number of frames in a Xing or VBRI header in the first frame, and
mutagen believes it; a file can say "2 seconds" there and carry half an hour of sound after
it, as a player plays every frame it finds. Here every frame is counted, as a player finds
them: after any ID3v2 tags, frame after frame by each header's own length, and past bytes
that are not a frame to the next frame header (a player resyncs the same way). The count
can only be too long (bytes that happen to look like a header are counted), never too
short. The work is bounded: the file is at most GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES, and
after MAX_SKIPS places that are not a frame the length is not known (None), so refused.
"""

from __future__ import annotations

MAX_SKIPS = 200_000

# Bit rates in kbit/s by (MPEG-1?, layer) and the header's index 1-14 (0 "free" and 15 "bad"
# are not taken: a free-format frame's length is not in its header).
_BITRATES = {
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the header's version bits (0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1; 1 is reserved).
_RATES = {0: (11025, 12000, 8000), 2: (22050, 24000, 16000), 3: (44100, 48000, 32000)}


def frame(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(frame length in bytes, samples in it, sample rate) of an MPEG audio frame header at
    `at`, or None if the four bytes there are not one."""
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    version, layer_bits = (data[at + 1] >> 3) & 3, (data[at + 1] >> 1) & 3
    rate_index, bitrate_index = (data[at + 2] >> 2) & 3, data[at + 2] >> 4
    if version == 1 or layer_bits == 0 or rate_index == 3 or bitrate_index in (0, 15):
        return None
    layer, mpeg1 = 4 - layer_bits, version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    rate = _RATES[version][rate_index]
    padding = (data[at + 2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4, 384, rate
    samples = 1152 if layer == 2 or mpeg1 else 576
    return samples // 8 * bitrate // rate + padding, samples, rate


def _after_id3v2(data: bytes) -> int:
    """Where the sound starts: after any ID3v2 tags (each: "ID3", version, flags, a size in
    7-bit bytes, and a footer of 10 more bytes when its flag says so)."""
    at = 0
    while data[at : at + 3] == b"ID3" and at + 10 <= len(data):
        size = 0
        for byte in data[at + 6 : at + 10]:
            size = (size << 7) | (byte & 0x7F)
        at += 10 + size + (10 if data[at + 5] & 0x10 else 0)
    return at


def frames_seconds(data: bytes) -> float | None:
    """The seconds of sound in every frame of the file, or None when there is no frame or
    the scan gives up (more than MAX_SKIPS places that are not a frame)."""
    at, seconds, frames, skips = _after_id3v2(data), 0.0, 0, 0
    end = len(data)
    while at < end:
        found = frame(data, at)
        if found is None:
            skips += 1
            if skips > MAX_SKIPS:
                return None
            at = data.find(b"\xff", at + 1)
            if at < 0:
                break
            continue
        length, samples, rate = found
        seconds += samples / rate
        frames += 1
        at += max(length, 4)
    return seconds if frames else None

"""P-4 (#12): an MP3, Ogg or FLAC recording's length is read (by mutagen) and one over
GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS is refused in words, as M4A, WAV and WebM are;
one whose length cannot be read is refused, never stored. Every file is made here, a few
hundred bytes to a few KB: the smallest headers and frames the reader needs."""

from __future__ import annotations

import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from mutagen.ogg import OggPage

from goldenthread.portal import uploads

# MPEG-1 Layer III, 32 kbit/s, 32 kHz, mono, no CRC: 144 bytes a frame, 4,000 bytes a second.
MP3_HEADER = b"\xff\xfb\x18\xc0"
MP3_FRAME = 144
ID3_EMPTY = b"ID3\x04\x00\x00\x00\x00\x00\x00"


def mp3(seconds: float, *, id3: bool = False) -> bytes:
    """A constant bit rate stream of silent frames: its length is its size over its rate."""
    frames = round(seconds * 4000 / MP3_FRAME)
    frame = MP3_HEADER + bytes(MP3_FRAME - 4)
    return (ID3_EMPTY if id3 else b"") + frame * frames


def mp3_xing(seconds: float) -> bytes:
    """One frame whose Xing header counts the stream's frames (as encoders write for a
    variable bit rate), so a long recording is a few hundred bytes."""
    frames = -(-seconds * 32000 // 1152)
    xing = b"Xing" + struct.pack(">II", 1, int(frames))  # flag 1: frame count present
    side_info = bytes(17)  # MPEG-1 mono: the Xing header follows 17 bytes of side info
    first = MP3_HEADER + side_info + xing
    return (first + bytes(MP3_FRAME - len(first))) + (MP3_HEADER + bytes(MP3_FRAME - 4)) * 3


def flac(seconds: float, *, rate: int = 8000) -> bytes:
    """fLaC and its one STREAMINFO block: the length is its total samples over its rate."""
    total = round(seconds * rate)
    packed = (rate << 44) | (0 << 41) | (15 << 36) | total  # mono, 16 bits
    info = struct.pack(">HH", 4096, 4096) + bytes(6) + packed.to_bytes(8, "big") + bytes(16)
    return b"fLaC" + b"\x80" + len(info).to_bytes(3, "big") + info


def ogg(seconds: float, codec: str = "vorbis") -> bytes:
    """An Ogg stream: its identification and comment headers, and a last page whose granule
    position is where the sound ends."""
    if codec == "vorbis":
        rate, skip = 8000, 0
        ident = b"\x01vorbis" + struct.pack("<IBI3iBB", 0, 1, rate, 0, 16000, 0, 0xB8, 1)
        comment = b"\x03vorbis" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0) + b"\x01"
    else:
        rate, skip = 48000, 312
        ident = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, skip, 48000, 0, 0)
        comment = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    pages = []
    for sequence, (packet, position) in enumerate(
        [(ident, 0), (comment, 0), (bytes(40), round(seconds * rate) + skip)]
    ):
        page = OggPage()
        page.serial, page.sequence, page.position = 7, sequence, position
        page.packets = [packet]
        page.first, page.last = sequence == 0, sequence == 2
        pages.append(page.write())
    return b"".join(pages)


def check(content: bytes):
    return uploads.check_upload(SimpleUploadedFile("sound.bin", content))


MAKERS = {
    "mp3": mp3,
    "mp3 after ID3 tags": lambda s: mp3(s, id3=True),
    "mp3 with a Xing header": mp3_xing,
    "flac": flac,
    "ogg vorbis": ogg,
    "ogg opus": lambda s: ogg(s, "opus"),
}


@pytest.mark.parametrize("what", MAKERS)
def test_a_short_recording_is_taken_and_a_long_one_refused(settings, what):
    """P-4, #12: the limit reaches MP3, Ogg and FLAC, in the words used for the others."""
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = 2
    make = MAKERS[what]
    short = check(make(1.5))
    assert short.kind == "audio" and short.extension == what.split()[0]
    assert uploads.sound_seconds(make(1.5), short.extension) == pytest.approx(1.5, abs=0.04)
    with pytest.raises(ValidationError, match="This sound recording is .* minutes long"):
        check(make(3))


def test_the_five_minute_limit_as_set():
    """P-4, #12: 300 s is taken and 301 s refused (a Xing header, so the file stays small)."""
    assert check(mp3_xing(299.5)).content_type == "audio/mpeg"
    with pytest.raises(ValidationError, match="5.0 minutes long. The most we can take is 5"):
        check(mp3_xing(301))
    with pytest.raises(ValidationError, match="The most we can take is 5 minutes"):
        check(flac(301, rate=44100))


@pytest.mark.parametrize(
    "content",
    [
        ID3_EMPTY + bytes(2000),  # tags, then no frames
        MP3_HEADER + bytes(MP3_FRAME - 4) + b"\x00" * 300,  # one frame: not sure it is MP3
        flac(10)[:20],  # STREAMINFO cut short
        flac(0),  # "total samples unknown"
        b"fLaC" + b"\x00" * 40,  # a padding block, no STREAMINFO
        ogg(10)[:60],  # the comment header and the end are missing
        ogg(10).replace(b"vorbis", b"theora"),  # not a sound codec we read
        b"OggS" + bytes(200),
    ],
    ids=[
        "mp3 tags only",
        "mp3 one frame",
        "flac cut short",
        "flac total unknown",
        "flac no streaminfo",
        "ogg cut short",
        "ogg theora",
        "ogg no page",
    ],
)
def test_a_recording_whose_length_cannot_be_read_is_refused(content):
    """P-4, #12: refused with a plain message, as an unreadable WebM is."""
    with pytest.raises(ValidationError, match="This recording could not be read"):
        check(content)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([mp3(1), mp3_xing(5), flac(5), ogg(5), ogg(5, "opus")]),
    st.integers(min_value=4, max_value=600),
    st.binary(max_size=64),
)
def test_a_damaged_file_is_read_or_refused_never_an_error(good, at, noise):
    """P-4, #12: whatever the bytes, the check answers (a length, or a refusal in words)."""
    damaged = good[:at] + noise + good[at + len(noise) :]
    try:
        check(damaged)
    except ValidationError:
        pass

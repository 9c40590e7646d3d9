"""P-4 (#12): a sound recording's length is read (MP3, Ogg, FLAC by mutagen, WAV and M4A
here) and one over GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS is refused in words, as
WebM is; one whose length cannot be read is refused, never stored, of any kind. A header
that says less than the file holds is not believed (an MP3's Xing/VBRI frame count, a WAV's
data size or byte rate). Every file is made here, a few hundred bytes to a few KB: the
smallest headers and frames the reader needs."""

from __future__ import annotations

import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from mutagen.ogg import OggPage

from goldenthread.portal import mp3 as mp3_reader
from goldenthread.portal import uploads
from goldenthread.portal.tests.media_files import m4a, mp4, wav

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
LENGTH_HERE = {"wav": (wav, uploads.wav_seconds), "m4a": (m4a, uploads.video_seconds)}


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


@pytest.mark.parametrize("what", LENGTH_HERE)
def test_wav_and_m4a_a_short_recording_is_taken_and_a_long_one_refused(settings, what):
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = 2
    make, length = LENGTH_HERE[what]
    short = check(make(1.5))
    assert short.kind == "audio" and short.extension == what
    assert length(make(1.5)) == pytest.approx(1.5, abs=0.01)
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
        # Until #12's last part a WAV or M4A whose length could not be read was taken: now,
        # as for every other kind, a length not known could be any length, so it is refused.
        b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40),  # fmt of no size, no data chunk
        wav(1)[:36],  # fmt, and no data chunk
        wav(1).replace(b"fmt ", b"junk"),  # data, and no fmt
        wav(0),  # no sound at all
        m4a(10)[:24] + bytes(100),  # ftyp, and no movie header
        m4a(10).replace(b"mvhd", b"free"),  # a movie with no header
        mp4(10, timescale=0).replace(b"isom", b"M4A ", 1),  # a header with no time scale
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
        "wav fmt of no size",
        "wav no data",
        "wav no fmt",
        "wav empty",
        "m4a no moov",
        "m4a no mvhd",
        "m4a no timescale",
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


SILENT_FRAMES = (MP3_HEADER + bytes(MP3_FRAME - 4)) * round(10 * 4000 / MP3_FRAME)  # 10 s


@pytest.mark.parametrize(
    "content",
    [
        mp3_xing(1)[:MP3_FRAME] + SILENT_FRAMES,  # Xing: "1 second", then 10 s of frames
        mp3_xing(1)[:MP3_FRAME] + b"not a frame" * 50 + SILENT_FRAMES,  # found past junk
        ID3_EMPTY + mp3_xing(1)[:MP3_FRAME] + bytes(333) + SILENT_FRAMES,
        wav(10, data_says=1),  # data: "1 second" of a file holding 10
        wav(10, byte_rate=80_000),  # fmt: ten times the bytes a second it holds
    ],
    ids=["mp3 xing", "mp3 xing then junk", "mp3 id3 xing padding", "wav data", "wav byte rate"],
)
def test_a_header_saying_it_is_short_is_not_believed(settings, content):
    """P-4, #12: each says it lasts a second; it holds 10, so it is refused as too long."""
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = 2
    with pytest.raises(ValidationError, match="This sound recording is 0.2 minutes long"):
        check(content)


def test_an_mp3_whose_frames_cannot_be_counted_within_the_bound_is_refused(monkeypatch):
    """P-4, #12: past MAX_SKIPS places that are not a frame, the length is not known."""
    monkeypatch.setattr(mp3_reader, "MAX_SKIPS", 50)
    content = mp3(1) + b"\xff" * 200 + mp3(1)
    with pytest.raises(ValidationError, match="This recording could not be read"):
        check(content)
    monkeypatch.setattr(mp3_reader, "MAX_SKIPS", 500)
    assert mp3_reader.frames_seconds(content) == pytest.approx(2 * 28 * 0.036)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=120),
    st.floats(min_value=0.1, max_value=600),
    st.binary(max_size=300),
    st.booleans(),
)
def test_an_mp3_is_never_read_as_shorter_than_the_frames_it_holds(frames, claim, junk, id3):
    """P-4, #12: whatever its Xing header claims and whatever lies between its frames."""
    held = (MP3_HEADER + bytes(MP3_FRAME - 4)) * frames
    content = (ID3_EMPTY if id3 else b"") + mp3_xing(claim)[:MP3_FRAME] + junk + held
    seconds = uploads.sound_seconds(content, "mp3")
    assert seconds is None or seconds >= frames * 1152 / 32000

"""P-4 (#12): WebM sound and video are taken, their length read from the file's own EBML
structure (portal/webm.py); a recording over its limit is refused with a clear message, as a
video is; a file that cannot be read is refused, never stored; the reader is bounded
whatever the bytes (fuzzed)."""

from __future__ import annotations

import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from goldenthread.portal import uploads
from goldenthread.portal.webm import webm_info

UNKNOWN = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def element(element_id: int, body: bytes, *, unknown: bool = False) -> bytes:
    ident = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = UNKNOWN if unknown else (0x0100000000000000 | len(body)).to_bytes(8, "big")
    return ident + size + body


def webm(
    seconds: float | None, *, video: bool = True, blocks_to: int = 0, unknown: bool = False
) -> bytes:
    """The smallest WebM the reader needs: the EBML header (DocType webm), a Segment with
    Info (TimecodeScale 1 ms, Duration when given), Tracks, and a Cluster whose last block
    is at `blocks_to` ms."""
    header = element(0x1A45DFA3, element(0x4282, b"webm"))
    info = element(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
    if seconds is not None:
        info += element(0x4489, struct.pack(">d", seconds * 1000))
    track = element(0xAE, element(0x83, bytes([1 if video else 2])))
    cluster_time = blocks_to - blocks_to % 30_000
    block = b"\x81" + struct.pack(">h", blocks_to - cluster_time) + b"\x80" + b"frame"
    cluster = element(
        0x1F43B675,
        element(0xE7, cluster_time.to_bytes(4, "big")) + element(0xA3, block),
        unknown=unknown,
    )
    segment = element(0x1549A966, info) + element(0x1654AE6B, track) + cluster
    return header + element(0x18538067, segment, unknown=unknown)


def check(content: bytes):
    return uploads.check_upload(SimpleUploadedFile("clip.bin", content))


def test_a_webm_video_and_recording_are_taken_with_their_length_read():
    assert webm_info(webm(90.5)).seconds == pytest.approx(90.5)
    video = check(webm(90))
    assert (video.kind, video.content_type, video.extension) == ("video", "video/webm", "webm")
    sound = check(webm(60, video=False))
    assert (sound.kind, sound.content_type) == ("audio", "audio/webm")


def test_a_browser_recording_without_a_duration_is_measured_by_its_blocks():
    """MediaRecorder leaves out Duration and the sizes of the segment and clusters."""
    info = webm_info(webm(None, blocks_to=61_500, unknown=True))
    assert info is not None and info.seconds == pytest.approx(61.5)


@pytest.mark.parametrize("video", [True, False])
def test_over_the_limit_is_refused_in_words(settings, video):
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS = 300
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = 120
    most = 300 if video else 120
    what = "video" if video else "sound recording"
    with pytest.raises(ValidationError, match=f"This {what} is .* The most we can take is"):
        check(webm(most + 1, video=video))
    assert check(webm(most - 1, video=video)).extension == "webm"


def test_a_long_wav_recording_is_refused(settings):
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = 2
    rate = 8000
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", rate * 3) + bytes(rate * 3)
    with pytest.raises(ValidationError, match="sound recording is 0.1 minutes"):
        check(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_a_webm_that_cannot_be_read_is_refused():
    good = webm(10)
    header_only = element(0x1A45DFA3, element(0x4282, b"webm"))
    for bad in (good[:40], good.replace(b"webm", b"mkvx"), header_only):
        with pytest.raises(ValidationError, match="could not be read|not a picture"):
            check(bad)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=400))
def test_the_reader_never_fails_on_any_bytes(noise, cut):
    """Any bytes, and any cut or corruption of a real file: a WebmInfo or None, quickly."""
    for data in (noise, b"\x1a\x45\xdf\xa3" + noise, webm(30)[:cut], webm(30)[:cut] + noise):
        info = webm_info(data)
        assert info is None or info.seconds is None or info.seconds >= 0

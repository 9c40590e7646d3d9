"""What an upload to About me really is (P-4, Std 4.3): known by its content (its first
bytes and, for video, its structure), never by its name or the type the browser sent.

- Pictures (JPEG, PNG, GIF, WebP) are opened and made again as PNG or JPEG: only the
  pixels are kept, so metadata such as where a photo was taken is gone, and anything else
  hidden in the file (a "polyglot" that is also a web page) goes with it.
- Sound (MP3, M4A, WAV, Ogg, FLAC, WebM) and video (MP4, MOV, WebM) cannot be made again
  here; they are refused if any part of them looks like a web page or script. A video
  longer than its limit is refused, and so is a sound recording over its limit (its length
  from the file: M4A, WAV and WebM here, Ogg and FLAC by mutagen, MP3 by mutagen and by
  counting its frames, mp3.py); one whose length cannot be read is refused, of any kind.
- Everything else, SVG and HTML included, is refused.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

import mutagen
from django.conf import settings
from django.core.exceptions import ValidationError
from mutagen import MutagenError
from mutagen.flac import FLAC
from mutagen.mp3 import MPEGInfo
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import MediaKind
from .mp3 import frames_seconds
from .webm import webm_info

# Markers of a page or a script: a file carrying any of them is not stored.
MARKUP_MARKERS = (
    b"<html",
    b"<!doctype",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<body",
    b"<head",
    b"javascript:",
)
CHUNK = 1024 * 1024
MAX_PIXELS = 40_000_000  # a larger picture is refused rather than decoded

WRONG_TYPE = (
    "This file is not a picture, sound recording or video we can take. Use a photo "
    "(JPEG, PNG, GIF or WebP), a sound recording (MP3, M4A, WAV, Ogg, FLAC or WebM) or a "
    "video (MP4, MOV or WebM)."
)


@dataclass(frozen=True)
class Checked:
    kind: MediaKind
    content_type: str
    extension: str
    content: bytes


def _sniff(head: bytes) -> tuple[MediaKind, str, str] | None:
    """(kind, content type, extension) from the first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaKind.IMAGE, "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaKind.IMAGE, "image/png", "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return MediaKind.IMAGE, "image/gif", "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaKind.IMAGE, "image/webp", "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return MediaKind.AUDIO, "audio/wav", "wav"
    if head.startswith(b"OggS"):
        return MediaKind.AUDIO, "audio/ogg", "ogg"
    if head.startswith(b"fLaC"):
        return MediaKind.AUDIO, "audio/flac", "flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MediaKind.AUDIO, "audio/mpeg", "mp3"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM if its document type says so; sound or video by its tracks (webm.py).
        return MediaKind.VIDEO, "video/webm", "webm"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return MediaKind.AUDIO, "audio/mp4", "m4a"
        if brand == b"qt  ":
            return MediaKind.VIDEO, "video/quicktime", "mov"
        if brand in (b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"3gp4"):
            return MediaKind.VIDEO, "video/mp4", "mp4"
    return None


def _has_markup(upload) -> bool:
    """Whether any part of the file carries a page or script marker (a marker split across
    two chunks is caught by the overlap)."""
    upload.seek(0)
    longest = max(len(m) for m in MARKUP_MARKERS)
    tail = b""
    while True:
        chunk = upload.read(CHUNK)
        if not chunk:
            return False
        window = (tail + chunk).lower()
        if any(marker in window for marker in MARKUP_MARKERS):
            return True
        tail = window[-longest:]


def _boxes(data: bytes, start: int, end: int):
    """The ISO base media (MP4/MOV) boxes between start and end: (type, body start, end)."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if size == 1:
            if at + 16 > end:
                return
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            return
        yield kind, at + header, at + size
        at += size


def video_seconds(data: bytes) -> float | None:
    """A video's length from its movie header (mvhd), or None if it has none."""
    for kind, body, end in _boxes(data, 0, len(data)):
        if kind != b"moov":
            continue
        for inner, ibody, iend in _boxes(data, body, end):
            if inner != b"mvhd" or iend - ibody < 20:
                continue
            version = data[ibody]
            if version == 1:
                if iend - ibody < 32:
                    return None
                timescale, duration = struct.unpack(">IQ", data[ibody + 20 : ibody + 32])
            else:
                timescale, duration = struct.unpack(">II", data[ibody + 12 : ibody + 20])
            return duration / timescale if timescale else None
    return None


# WAV's uncompressed codes (PCM, IEEE float, A-law, mu-law, "extensible"): a second of
# sound is its sample rate times channels times bytes a sample, whatever fmt's byte rate says.
WAV_UNCOMPRESSED = {1, 3, 6, 7, 0xFFFE}


def wav_seconds(data: bytes) -> float | None:
    """A WAV recording's length from its RIFF chunks, or None without fmt and data. Neither
    header is believed where it could say less than is there: the sound is taken to run from
    the data chunk to the end of the file (a player may play past a short data size), and an
    uncompressed recording's byte rate is worked out from its sample rate, channels and
    sample size (fmt's own byte rate only for a compressed codec)."""
    at, byte_rate, size = 12, None, None
    while at + 8 <= len(data) and (byte_rate is None or size is None):
        kind, length = struct.unpack("<4sI", data[at : at + 8])
        if kind == b"fmt " and length >= 16 and at + 24 <= len(data):
            code, channels, rate, declared, _, bits = struct.unpack(
                "<HHIIHH", data[at + 8 : at + 24]
            )
            if code in WAV_UNCOMPRESSED:
                byte_rate = rate * channels * ((bits + 7) // 8)
            else:
                byte_rate = declared
        elif kind == b"data":
            size = len(data) - at - 8
        at += 8 + length + (length & 1)
    if not byte_rate or not size or size < 0:
        return None
    return size / byte_rate


# The sound codecs an Ogg file may carry (not Theora: Ogg video is not taken).
OGG_SOUND = [OggVorbis, OggOpus, OggFLAC, OggSpeex]


def sound_seconds(data: bytes, extension: str) -> float | None:
    """An MP3, Ogg or FLAC recording's length, read by mutagen, or None when it cannot be
    read (no frames or stream header found, a header mutagen cannot make sense of, an MP3
    with too few frames in a row to be sure it is one, or a length of nothing)."""
    stream = io.BytesIO(data)
    try:
        if extension == "mp3":
            # The first frames (after any ID3 tags): a Xing/VBRI header's frame count, or
            # the stream's size over its bit rate. The tags themselves are not read. Not
            # believed alone: every frame is counted too (mp3.py), and the longer is kept.
            mpeg = MPEGInfo(stream)
            counted = frames_seconds(data)
            seconds = None if mpeg.sketchy or counted is None else max(mpeg.length, counted)
        elif extension == "flac":
            seconds = FLAC(stream).info.length  # STREAMINFO's samples over its rate
        else:
            # The codec known by its first packet's marker (as mutagen.File scores it); the
            # length from that stream's header and its last page's granule position.
            ogg = mutagen.File(stream, options=OGG_SOUND)
            seconds = None if ogg is None else ogg.info.length
    except (MutagenError, EOFError, ValueError, IndexError, struct.error, OverflowError):
        return None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None  # FLAC's "total samples unknown" is 0, so it is not known either
    return float(seconds)


def duration_words(seconds: int) -> str:
    """A limit in plain words: "5 minutes", "1 minute and 30 seconds", "45 seconds"."""
    minutes, rest = divmod(int(seconds), 60)
    parts = [f"{minutes} minute{'' if minutes == 1 else 's'}"] if minutes else []
    if rest or not minutes:
        parts.append(f"{rest} second{'' if rest == 1 else 's'}")
    return " and ".join(parts)


def size_words(size: int) -> str:
    """A size in plain words: "20 MB", "2.5 MB", "900 KB"."""
    value, unit = (size / 1_048_576, "MB") if size >= 1_048_576 else (size / 1024, "KB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def limits_words() -> str:
    """What the upload takes, with the limits as set (GOLDENTHREAD_PERSON_MEDIA_*)."""
    sound = duration_words(settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS)
    video = duration_words(settings.GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS)
    kinds = (
        "A photo (JPEG, PNG, GIF or WebP), a sound recording (MP3, M4A, WAV, Ogg, FLAC or "
        "WebM) or a video (MP4, MOV or WebM), "
    )
    if sound == video:
        kinds += f"each recording up to {sound}."
    else:
        kinds += f"a sound recording up to {sound} and a video up to {video}."
    size = size_words(settings.GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES)
    return f"{kinds} Up to {size}. Where a photo was taken is removed from it."


def _too_long(kind: MediaKind, seconds: float) -> None:
    if kind == MediaKind.VIDEO:
        most, what = settings.GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS, "video"
    else:
        most, what = settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS, "sound recording"
    if seconds > most:
        raise ValidationError(
            f"This {what} is {seconds / 60:.1f} minutes long. The most we can take is "
            f"{duration_words(most)}."
        )


def _remade_image(data: bytes) -> tuple[bytes, str, str]:
    """The picture made again from its pixels (turned the way it was taken), as PNG when
    it has transparency, otherwise JPEG. No metadata is carried over."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError("This picture is too large. Use a smaller one.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)  # the first frame of an animation
            image: Image.Image = ImageOps.exif_transpose(opened)
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P") and (
                image.mode != "P" or "transparency" in image.info
            ):
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png", "png"
            image.convert("RGB").save(out, format="JPEG", quality=88)
            return out.getvalue(), "image/jpeg", "jpg"
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("This picture could not be opened. Try another copy of it.") from None


def check_upload(upload) -> Checked:
    """The upload's kind, type and the content to store; ValidationError (in words for the
    person) when it is too big, not a kind we take, or looks like a page or script."""
    limit = settings.GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This file is {size_words(upload.size)}. The most we can take is {size_words(limit)}."
        )
    if upload.size == 0:
        raise ValidationError("This file is empty.")
    upload.seek(0)
    head = upload.read(64)
    sniffed = _sniff(head)
    if sniffed is None:
        raise ValidationError(WRONG_TYPE)
    kind, content_type, extension = sniffed
    upload.seek(0)
    data = upload.read()
    if kind == MediaKind.IMAGE:
        content, content_type, extension = _remade_image(data)
        return Checked(kind, content_type, extension, content)
    if _has_markup(upload):
        raise ValidationError(
            "This file has parts of a web page or script inside it, so we cannot take it. "
            "Try another copy of the recording."
        )
    seconds: float | None
    if extension == "webm":
        info = webm_info(data)
        seconds = None if info is None else info.seconds
        if info is not None and not info.has_video:
            kind, content_type = MediaKind.AUDIO, "audio/webm"
    elif kind == MediaKind.VIDEO or extension == "m4a":
        seconds = video_seconds(data)
    elif extension == "wav":
        seconds = wav_seconds(data)
    else:
        seconds = sound_seconds(data, extension)  # MP3, Ogg, FLAC
    if seconds is None:
        # Its length is not known, so it could be any length: not taken, whatever the kind.
        what = "video" if kind == MediaKind.VIDEO and extension != "webm" else "recording"
        raise ValidationError(f"This {what} could not be read. Try another copy of it.")
    _too_long(kind, seconds)
    return Checked(kind, content_type, extension, data)

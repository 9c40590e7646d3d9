"""About me's pictures, sound and video in the support plan (P-4, Std 4.3, #12): which are
shown, the same for every copy of the plan (on screen, easy read, PDF). The plan holds them
as `PlanMedia` (read by record/plan_about_me.py); each copy says how a picture is reached:
the PDF embeds its bytes read through the storage API (record/pdf.py), a page points at the
record's own permission-checked, access-logged file view. Sound and video are named, with a
link to the About me page where they can be played.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# The picture types About me stores (a picture is re-made as PNG or JPEG at upload,
# portal/uploads.py), with the first bytes each starts with.
PICTURE_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


@dataclass(frozen=True)
class PlanPicture:
    src: str  # where the copy gets it: a data: URI (PDF), the record's file view (a page)
    description: str  # what it shows, in the words written with it: its alternative text


def about_me_shown(plan, picture: Callable[[Any], PlanPicture | None]):
    """(pictures, sound and video) of the plan's About me, in the order added: pictures of
    a type About me stores, each as `picture(media)` makes it (None leaves it out), at most
    GOLDENTHREAD_PLAN_PDF_MAX_PICTURES of them; every sound recording and video."""
    most = settings.GOLDENTHREAD_PLAN_PDF_MAX_PICTURES
    pictures: list[PlanPicture] = []
    recordings: list = []
    for media in getattr(plan, "about_me_media", []):
        if media.kind != "image":
            recordings.append(media)
            continue
        if media.content_type not in PICTURE_TYPES or len(pictures) >= most:
            continue
        shown = picture(media)
        if shown is not None:
            pictures.append(shown)
    return pictures, recordings


def about_me_on_page(plan, *, file_url: Callable[[Any], str] | None, about_me_url: str) -> dict:
    """The context of support/_plan_about_me.html on a page of the plan. `file_url(media_id)`
    is the address of the record's own file view for this reader; None when the reader may
    not open it, so the pictures are named in words only (as sound and video are)."""
    pictures, recordings = about_me_shown(
        plan,
        lambda media: PlanPicture(
            src=file_url(media.media_id) if file_url else "", description=media.description
        ),
    )
    return {
        "about_me_pictures": pictures,
        "about_me_recordings": recordings,
        "about_me_url": about_me_url,
    }

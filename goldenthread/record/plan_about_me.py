"""About me in the support plan (P-4, Std 4.3, #12): the pictures, sound and video on the
person's About me page, for every copy of the plan (record/plan_media.py: pictures shown,
sound and video named with where to find them). One query, however many there are.

About me's files are the person's own record (the portal app, which sits above record: its
pages show this plan). record reads them by model, `apps.get_model("portal.AboutMeMedia")`,
here and nowhere else, and not at all when the portal is not installed: no import of the
portal, no hook registered by it (docs/adr/0009-layers.md, "The whole-record layer").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps

from goldenthread.people.models import Person

from .plan_document import PlanDocument, PlanMedia

ABOUT_ME_APP = "goldenthread.portal"
ABOUT_ME_MEDIA = "portal.AboutMeMedia"


def _reader(media: Any) -> Callable[[int], bytes | None]:
    """Read the file through its storage (the record's own, never a URL or a path typed by
    anyone), at most `limit` bytes: None if it is larger, or gone from the storage."""

    def read(limit: int) -> bytes | None:
        if media.size > limit:
            return None
        try:
            with media.file.storage.open(media.file.name, "rb") as handle:
                data = handle.read(limit + 1)
        except OSError:
            return None
        return data if len(data) <= limit else None

    return read


def add_to_plan(person: Person, plan: PlanDocument) -> None:
    if not apps.is_installed(ABOUT_ME_APP):
        return
    about_me_media = apps.get_model(ABOUT_ME_MEDIA)
    plan.about_me_media = [
        PlanMedia(
            kind=m.kind,
            description=m.description,
            content_type=m.content_type,
            read=_reader(m),
            media_id=m.pk,
        )
        for m in about_me_media.objects.filter(person=person, removed_at__isnull=True).order_by(
            "created_at", "id"
        )
    ]

"""About me in the support plan (P-4, Std 4.3, #12): the pictures, sound and video on the
person's About me page, for every copy of the plan (support/plan_media.py: pictures shown,
sound and video named with where to find them). One query, however many there are. Registered from PortalConfig.ready().
"""

from __future__ import annotations

from goldenthread.support.plan import PlanMedia

from .models import AboutMeMedia


def _reader(media: AboutMeMedia):
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


def contribute_about_me(person, plan) -> None:
    plan.about_me_media = [
        PlanMedia(
            kind=m.kind,
            description=m.description,
            content_type=m.content_type,
            read=_reader(m),
            media_id=m.pk,
        )
        for m in AboutMeMedia.objects.filter(person=person, removed_at__isnull=True).order_by(
            "created_at", "id"
        )
    ]

"""`{% load portal %}{% persons_words person item %}`: on a staff page, the person's own
comments on an item and their waiting correction requests, beside it (P-2). Read-only:
no staff page edits what the person wrote."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("portal/_persons_words.html")
def persons_words(person, item) -> dict:
    from goldenthread.portal.models import CorrectionRequest, CorrectionStatus, ItemComment

    key = {"person": person, "item_type": item._meta.label, "item_id": str(item.pk)}
    return {
        "person": person,
        "comments": list(ItemComment.objects.filter(**key).select_related("author")),
        "waiting": list(CorrectionRequest.objects.filter(**key, status=CorrectionStatus.WAITING)),
    }

"""`{% load portal %}{% persons_words person item %}`: on a staff page, the person's own
comments on an item and their waiting correction requests, beside it (P-2). Read-only:
no staff page edits what the person wrote."""

from __future__ import annotations

from django import template

register = template.Library()


_WORDS_ATTR = "_portal_persons_words"


def _words_for(person) -> dict:
    """Every comment and waiting correction request of the person, by item, loaded once per
    page (two queries, however many items the page shows) and kept on the person object."""
    from goldenthread.portal.models import CorrectionRequest, CorrectionStatus, ItemComment

    words = getattr(person, _WORDS_ATTR, None)
    if words is None:
        words = {}
        for c in ItemComment.objects.filter(person=person).select_related("author"):
            words.setdefault((c.item_type, c.item_id), ([], []))[0].append(c)
        for r in CorrectionRequest.objects.filter(
            person=person, status=CorrectionStatus.WAITING
        ).order_by("asked_at"):
            words.setdefault((r.item_type, r.item_id), ([], []))[1].append(r)
        setattr(person, _WORDS_ATTR, words)
    return words


@register.inclusion_tag("portal/_persons_words.html")
def persons_words(person, item) -> dict:
    """The person's own words beside `item` (any model instance of their record)."""
    label = getattr(getattr(item, "_meta", None), "label", None)
    if person is None or label is None:
        return {"person": person, "comments": [], "waiting": []}
    comments, waiting = _words_for(person).get((label, str(item.pk)), ([], []))
    return {"person": person, "comments": comments, "waiting": waiting}


@register.filter
def shown_to_person(user) -> str:
    """{{ user|shown_to_person }}: a staff member's name as the person sees it, or their
    team where the council's policy says so (portal.presenters.staff_name). The user's team
    should be loaded with them (select_related), so this runs no query."""
    from goldenthread.portal.presenters import staff_name

    return staff_name(user)

"""`{% load portal %}{% persons_words person item %}`: on a staff page, the person's own
comments on an item and their waiting correction requests, beside it (P-2). Read-only:
no staff page edits what the person wrote. The view loads them (PersonsWordsMixin)."""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured

register = template.Library()


class PersonsWordsNotLoaded(ImproperlyConfigured):
    """A page shows the person's words without its view loading them."""


@register.inclusion_tag("portal/_persons_words.html", takes_context=True)
def persons_words(context, person, item) -> dict:
    """The person's own words beside `item` (a model instance of their record, or a plan
    item naming one), from `persons_words` in the context: the view loads them once
    (`people.person_side.PersonsWordsMixin`), so a template never queries for them."""
    words = context.get("persons_words")
    if words is None:
        raise PersonsWordsNotLoaded(
            "This page shows the person's own words: add PersonsWordsMixin to its view."
        )
    comments, waiting = words.beside(item) if person is not None else ([], [])
    return {"person": person, "comments": comments, "waiting": waiting}


@register.inclusion_tag("portal/_plan_words.html", takes_context=True)
def plan_words(context, item, easy=False) -> dict:
    """The person's own words beside a part of the support plan (screen, easy read, PDF)
    that names its item (`words_ref`): a document, so no link to answer a correction. The
    plan's pages and its PDF load the words (support and portal `_plan_context`,
    `render_plan_pdf`); the plan drawn without them (its reading ease) shows none."""
    words = context.get("persons_words")
    comments, waiting = words.beside(item) if words is not None and item else ([], [])
    plan = context.get("plan")
    name = getattr(plan, "person_name", "") or "the person"
    return {"comments": comments, "waiting": waiting, "name": name, "easy": easy}


@register.filter
def shown_to_person(user) -> str:
    """{{ user|shown_to_person }}: a staff member's name as the person sees it, or their
    team where the council's policy says so (portal.presenters.staff_name). The user's team
    should be loaded with them (select_related), so this runs no query."""
    from goldenthread.portal.presenters import staff_name

    return staff_name(user)

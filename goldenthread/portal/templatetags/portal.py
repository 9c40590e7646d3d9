"""`{% load portal %}{% persons_words person item %}`: on a staff page, the person's own
comments on an item and their waiting correction requests, beside it (P-2). Read-only:
no staff page edits what the person wrote. The view loads them (PersonsWordsMixin)."""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.template import Template
from django.template.library import InclusionNode, parse_bits

register = template.Library()


class PersonsWordsNotLoaded(ImproperlyConfigured):
    """A page shows the person's words without its view loading them."""


PERSONS_WORDS_TEMPLATE = "portal/_persons_words.html"


def _persons_words(context, person, item) -> dict:
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


class PersonsWordsNode(InclusionNode):
    """Most items have no words beside them: then the template's output is the same
    whatever the page (its text outside `{% if comments or waiting %}`), so it is rendered
    once for each loaded template and reused, not drawn in a new context per item (#19).
    Items with words are rendered as any inclusion tag's. The output is kept on the node
    (it lives as long as the page's compiled template), with the template it came from."""

    _nothing: tuple[Template, str] | None = None

    def render(self, context):
        args, kwargs = self.get_resolved_arguments(context)
        data = self.func(*args, **kwargs)
        if data["comments"] or data["waiting"]:
            return self._render_with(context, data)
        template = self._template(context)
        found = self._nothing
        if found is None or found[0] is not template:
            nothing = template.render(context.new({"person": None, "comments": [], "waiting": []}))
            found = self._nothing = (template, nothing)
        return found[1]

    def _template(self, context) -> Template:
        template = context.render_context.get(self)
        if template is None:
            template = context.render_context[self] = context.template.engine.get_template(
                self.filename
            )
        return template

    def _render_with(self, context, data: dict) -> str:
        """As InclusionNode.render, with the data already worked out."""
        new_context = context.new(data)
        csrf_token = context.get("csrf_token")
        if csrf_token is not None:
            new_context["csrf_token"] = csrf_token
        return self._template(context).render(new_context)


@register.tag(name="persons_words")
def persons_words(parser, token):
    """{% persons_words person item %}: the person's own words beside `item`."""
    bits = token.split_contents()[1:]
    args, kwargs = parse_bits(
        parser,
        bits,
        ["context", "person", "item"],
        None,
        None,
        None,
        [],
        {},
        True,
        "persons_words",
    )
    return PersonsWordsNode(_persons_words, True, args, kwargs, PERSONS_WORDS_TEMPLATE)


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
    # On the person's own pages the plan speaks to them (portal.reader_words.Reader).
    reader = context.get("reader")
    you = reader is not None and reader.is_person
    return {"comments": comments, "waiting": waiting, "name": name, "easy": easy, "you": you}


@register.filter
def shown_to_person(user) -> str:
    """{{ user|shown_to_person }}: a staff member's name as the person sees it, or their
    team where the council's policy says so (portal.presenters.staff_name). The user's team
    should be loaded with them (select_related), so this runs no query."""
    from goldenthread.portal.presenters import staff_name

    return staff_name(user)

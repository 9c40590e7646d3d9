"""The person's own side: the person, or a proxy they authorise, acting on their record.

Workers record for the people they work with (people.guards.require_casework). The person
themselves, or a proxy they authorise, may raise a challenge and say whether they agree
once their own view of the record exists (#12): that work registers a check here
(`register_person_side_check`) answering "is this signed-in user this person, or their
authorised proxy?". Until one is registered, only workers pass. Answering a challenge is
always a worker's job. It lives in people, the lowest domain app, so outcomes (agreement)
and accountability (challenges) ask the same question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goldenthread.core.services import require_signed_in

from .guards import require_casework

PersonSideCheck = Callable[[Any, Any], bool]
_PERSON_SIDE: list[PersonSideCheck] = []


def register_person_side_check(check: PersonSideCheck) -> PersonSideCheck:
    if check not in _PERSON_SIDE:
        _PERSON_SIDE.append(check)
    return check


def is_person_side(actor: Any, person: Any) -> bool:
    """Whether `actor` is the person or their authorised proxy (by a registered check)."""
    return any(check(actor, person) for check in _PERSON_SIDE)


def require_worker(actor: Any, person: Any, *, doing: str) -> None:
    require_casework(actor, person, doing=doing)


def require_worker_or_person(actor: Any, person: Any, *, doing: str) -> None:
    """A worker who may record for the person, or the person (or their proxy) themselves."""
    require_signed_in(actor)
    if is_person_side(actor, person):
        return
    require_casework(actor, person, doing=doing)


# --- Telling the person (#12, #13) ----------------------------------------------------------
# The person's own view (portal, above every domain app) registers how to tell the person
# and their proxies that something happened on their record: who may hear it (a proxy only
# if the person shares that part of the record with them) and where it leads.
PersonSideTeller = Callable[..., None]
_TELLERS: list[PersonSideTeller] = []


def register_person_side_teller(teller: PersonSideTeller) -> PersonSideTeller:
    if teller not in _TELLERS:
        _TELLERS.append(teller)
    return teller


def tell_person_side(
    person_id: Any, *, section: str, kind: str, text: str, to_proxy: str = ""
) -> None:
    """Tell the person (`text`, to them as "you") and the proxies who see `section` of
    their record (`to_proxy`, about "someone you act for": naming no one, as every
    notification), in plain words, after the current transaction commits. Nothing happens
    until a teller is registered."""
    for teller in _TELLERS:
        teller(person_id, section=section, kind=kind, text=text, to_proxy=to_proxy or text)


# --- The person's own words beside items on staff pages (#12, P-2) -------------------------
# The person's own record (portal, above every domain app) registers how to load, once per
# page, the person's comments and their waiting correction requests by item. A staff view
# whose page shows items of the record adds `PersonsWordsMixin`; the page's template puts
# them beside each item with `{% load portal %}{% persons_words person item %}`, which only
# reads what the view loaded (no query from a template).
PersonsWordsLoader = Callable[..., Any]
_WORDS_LOADERS: list[PersonsWordsLoader] = []
_WORDS_READS: dict[PersonsWordsLoader, dict[str, Any]] = {}  # loader → its reads by name


class NoPersonsWords:
    """What a page gets when no loader is registered: nothing beside any item."""

    def beside(self, item: Any) -> tuple[list, list]:
        return [], []


def register_persons_words_loader(
    loader: PersonsWordsLoader, *, reads: dict[str, Any] | None = None
) -> PersonsWordsLoader:
    """`loader(person)` loads the words itself. With `reads` ({name: a PreparedQuery of the
    person's id}), a page that has already run them (the person's page runs them in its
    one statement, people.selectors.person_page) calls `loader(person, rows={name: rows})`
    instead."""
    if loader not in _WORDS_LOADERS:
        _WORDS_LOADERS.append(loader)
    if reads:
        _WORDS_READS[loader] = dict(reads)
    return loader


def persons_words_reads() -> dict[str, Any]:
    """The reads of the loader `persons_words_for` uses, by name ({} if it has none)."""
    for loader in _WORDS_LOADERS:
        return dict(_WORDS_READS.get(loader, {}))
    return {}


def persons_words_for(person: Any, *, rows: dict[str, list] | None = None) -> Any:
    """The person's own words by item (`.beside(item)` → (comments, waiting corrections)),
    loaded now by the registered loader, or made from its reads' `rows` already run."""
    for loader in _WORDS_LOADERS:
        reads = _WORDS_READS.get(loader)
        if reads and rows is not None and all(name in rows for name in reads):
            return loader(person, rows={name: rows[name] for name in reads})
        return loader(person)
    return NoPersonsWords()


class PersonsWordsMixin:
    """On a view after `people.access.PersonRecordMixin` whose page shows items of the
    record: `persons_words` in the context, loaded once (a fixed number of queries)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["persons_words"] = persons_words_for(self.person)  # type: ignore[attr-defined]
        return context

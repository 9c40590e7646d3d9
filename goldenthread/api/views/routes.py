"""The routes every part of a person's record has, made one way: a list (a page, oldest
first), an addition through the service, one item with its ETag, and a questionnaire read
and answered. Each maker registers its view on the app's router under the name, address and
words it is given, with the parameters a hand-written view would have (the OpenAPI document
is the same); what the view does is in `common` (`one`, `tagged`, `created`, `paged`)."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Collection
from typing import Any, TypedDict, Unpack

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from goldenthread.core.questionnaires import QuestionnaireAnswer
from goldenthread.people.models import Person

from ..pagination import page_of
from ..questionnaires import QuestionnaireIn, QuestionnaireOut, questionnaire_read
from ..questionnaires import questionnaire_write as _questionnaire_write
from .common import (
    IF_MATCH,
    PageParams,
    Rows,
    actor_of,
    answers,
    change_one,
    chosen_outcome,
    created,
    one,
    paged,
    person_of,
    tagged,
)

View = Callable[..., Any]
# How a route finds the person whose record it reads (`person_of`, or a stricter gate).
PersonOf = Callable[[HttpRequest], Person]


class Declared(TypedDict):
    """What the OpenAPI document and the URLs call a route: its operation id (`name`, the
    view's name), its URL name and its summary."""

    name: str
    url_name: str
    summary: str


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty):
    return inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation, default=default
    )


def _view(name: str, run: View, **parameters: Any) -> View:
    """A view called `name` (its operation id) taking the request, the person's id and
    `parameters` (name: annotation, or (annotation, default)), which runs `run`."""

    def view(request: HttpRequest, person_id: uuid.UUID, **values: Any) -> Any:
        return run(request, **values)

    view.__name__ = view.__qualname__ = name
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [_parameter("request", HttpRequest), _parameter("person_id", uuid.UUID)]
        + [
            _parameter(key, *(value if isinstance(value, tuple) else (value,)))
            for key, value in parameters.items()
        ]
    )
    return view


def _declare(
    operation: Callable[..., Any],
    path: str,
    ok: dict[int, Any],
    declared: Declared,
    run: View,
    **parameters: Any,
) -> View:
    """Register a view running `run` as `operation` (router.get, .post, …) of `path`, with
    its success `ok` and the problems it may answer with (a change's too, if it takes
    If-Match)."""
    return operation(
        path,
        response=answers(ok, write=operation.__name__ != "get"),
        url_name=declared["url_name"],
        summary=declared["summary"],
    )(_view(declared["name"], run, **parameters))


def list_route(
    router: Router,
    path: str,
    *,
    item: type,
    rows: Callable[[Person], Any],
    order: tuple[str, ...],
    **declared: Unpack[Declared],
) -> View:
    """GET `path`: a page of `rows(person)` in `order`."""

    def run(request: HttpRequest, params: PageParams) -> dict:
        return paged(request, params, rows(person_of(request)), *order)

    return _declare(router.get, path, {200: page_of(item)}, declared, run, params=Query[PageParams])


def detail_route(
    router: Router,
    path: str,
    *,
    item: type,
    key: str,
    rows: Callable[[Person], Rows],
    what: str,
    person: PersonOf = person_of,
    **declared: Unpack[Declared],
) -> View:
    """GET `path`: the item `key` names from `rows(person)` or 404, with its ETag."""

    def run(request: HttpRequest, response: HttpResponse, **values: Any) -> Any:
        return tagged(response, one(rows(person(request)), values[key], what))

    return _declare(
        router.get, path, {200: item}, declared, run, **{key: uuid.UUID}, response=HttpResponse
    )


def add_route(
    router: Router,
    path: str,
    *,
    item: type,
    body: type,
    service: Callable[..., Any],
    outcome: bool = False,
    **declared: Unpack[Declared],
) -> View:
    """POST `path`: `service(actor=…, person=…, **body)` (with `outcome`, the outcome of
    this person the body names by `outcome_id`, or 422), 201 with what it made. Name the
    service in a lambda, so that it is looked up when called, as in a view written out."""

    def run(request: HttpRequest, payload: Any, response: HttpResponse) -> Any:
        person = person_of(request)
        data = payload.dict()
        if outcome:
            data["outcome"] = chosen_outcome(person, data.pop("outcome_id"))
        return created(response, service(actor=actor_of(request), person=person, **data))

    return _declare(
        router.post, path, {201: item}, declared, run, payload=body, response=HttpResponse
    )


# What a questionnaire is about (an outcome, a conversation) and its rows, and the service
# that saves its answers: given the person and that parent.
Parent = Callable[[Person, uuid.UUID], Any]
AnswersOf = Callable[[Person, Any], Any]
Save = Callable[..., Any]


# What a PUT takes beside the address: the body, and the version it was made from.
_WRITE = {"payload": QuestionnaireIn, "if_match": (str | None, IF_MATCH)}


def questionnaire_routes(
    router: Router,
    path: str,
    *,
    names: tuple[str, str],
    url_name: str,
    summaries: tuple[str, str],
    key: str,
    model: type[QuestionnaireAnswer],
    parent: Parent,
    rows: AnswersOf,
    save: Callable[[HttpRequest, Person, Any], Save],
) -> tuple[View, View]:
    """GET and PUT `path` (If-Match): a questionnaire about `parent(person, key)`, its
    answers `rows(person, parent)`, saved by `save(request, person, parent)`."""

    def read(request: HttpRequest, response: HttpResponse, **values: Any) -> Any:
        person = person_of(request)
        return questionnaire_read(model, rows(person, parent(person, values[key])), response)

    def write(
        request: HttpRequest, payload: QuestionnaireIn, response: HttpResponse, **values: Any
    ) -> Any:
        person = person_of(request)
        about = parent(person, values[key])
        return _questionnaire_write(
            request,
            response,
            model=model,
            rows=lambda: rows(person, about),
            payload=payload,
            save=save(request, person, about),
        )

    detail, change = (
        _declare(
            operation,
            path,
            {200: QuestionnaireOut},
            Declared(name=name, url_name=url_name, summary=summary),
            run,
            **{key: uuid.UUID},
            response=HttpResponse,
            **more,
        )
        for operation, name, summary, run, more in (
            (router.get, names[0], summaries[0], read, {}),
            (router.put, names[1], summaries[1], write, _WRITE),
        )
    )
    return detail, change


def patched(payload: Any, clearable: Collection[str] = ()) -> dict[str, Any]:
    """The fields a PATCH sent: null leaves a field as it is, except the `clearable` ones
    (a date that may be empty), which null clears."""
    sent = payload.dict(exclude_unset=True)
    return {k: v for k, v in sent.items() if v is not None or k in clearable}


def change_route(
    router: Router,
    path: str,
    *,
    item: type,
    key: str,
    body: type,
    rows: Callable[[Person], Rows],
    what: str,
    change: Callable[..., object],
    method: str = "patch",
    person: PersonOf = person_of,
    **declared: Unpack[Declared],
) -> View:
    """PATCH (or `method`) `path` with If-Match: `change(item, payload, person, actor=…,
    expected_version=…)` made to the item `key` names from `rows(person)`
    (`common.change_one`), 200 with it as it is now."""

    def run(request: HttpRequest, payload: Any, response: HttpResponse, **values: Any) -> Any:
        who = person(request)

        def made(item: Any, **common: Any) -> object:
            return change(item, payload, who, **common)

        return change_one(request, response, rows(who), values[key], what, made)

    return _declare(
        getattr(router, method),
        path,
        {200: item},
        declared,
        run,
        **{key: uuid.UUID},
        payload=body,
        response=HttpResponse,
        if_match=(str | None, IF_MATCH),
    )

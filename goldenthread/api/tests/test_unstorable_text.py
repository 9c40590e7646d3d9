"""SEC, IO: text that cannot be stored (a NUL character, which PostgreSQL's text refuses; a
lone surrogate, which is not Unicode) is refused by every schema the API reads, in every
string field of every route: a 422 naming the field, and nothing saved. One validator does
it (schemas.Input); this walks the routes, so a route added later is tested too."""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from django.apps import apps
from pydantic import BaseModel

from goldenthread.api.main import api
from goldenthread.api.schemas import Input
from goldenthread.api.tests.helpers import token_for, with_a_possible_duplicate
from goldenthread.audit.models import ChangeRecord

NUL = "Mo\x00rag"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _routes() -> Iterator[tuple[str, str, Any]]:
    """(method, path, model) for each model ninja reads a route's input with."""
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    for method in operation.methods:
                        yield method, path, model


def _schemas(annotation: Any) -> list[type[BaseModel]]:
    """The schemas a type is, or is a union of (the kinds of item of a conversation)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _schemas(arg)]
    return []


def _read(annotation: Any) -> set[type[BaseModel]]:
    """Every schema a value of this type is read with, nested ones too."""
    kinds = set(_schemas(annotation))
    for arg in typing.get_args(annotation):
        kinds |= _read(arg)
    for kind in list(kinds):
        for info in kind.model_fields.values():
            kinds |= _read(info.annotation)
    return kinds


def _texts(annotation: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(where, value) for each place of a value of this type that holds text: `value`
    holds NUL there, and the fixed codes (a Literal of one value, the kind of an item)
    that choose a schema in a union; `where` is the path to it."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is str:
        yield (), NUL
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _texts(arg)
    elif origin is list:
        for where, value in _texts(args[0]):
            # Text in a list is named by the list; a schema's field in it by its place.
            yield ("0", *where) if where else (), [value]
    elif origin is dict:
        yield (), {NUL: {}}  # a key (the values here have defaults)
        for where, value in _texts(args[1]):
            yield ("a", *where), {"a": value}
    elif _schemas(annotation):
        fields = annotation.model_fields
        fixed = {
            info.alias or name: typing.get_args(info.annotation)[0]
            for name, info in fields.items()
            if typing.get_origin(info.annotation) is Literal
            and len(typing.get_args(info.annotation)) == 1
        }
        for name, info in fields.items():
            key = info.alias or name
            for where, value in _texts(info.annotation):
                yield (key, *where), {**fixed, key: value}


def _places(model: Any) -> list[tuple[str, str, Any]]:
    """(field, text, body) for each place of a route's input that holds text: `body` holds
    the text that cannot be stored ("nul" or "surrogate") in `field`."""
    source = model.__ninja_param_source__
    if source not in {"body", "query"}:
        return []  # the path's ids are UUIDs; If-Match is read, never stored
    # A query string is bytes that Django decodes (errors replaced): it can hold a NUL
    # character, never a lone surrogate.
    texts = ("nul",) if source == "query" else ("nul", "surrogate")
    return [
        (".".join(where), text, body)
        for info in model.model_fields.values()
        for where, body in _texts(info.annotation)
        if where  # a bare query parameter: there is none, each is in a schema
        for text in texts
    ]


ROUTES = sorted(
    {
        (method, path, model.__ninja_param_source__): model
        for method, path, model in _routes()
        if _places(model)
    }.items()
)


def test_every_schema_a_route_reads_refuses_text_that_cannot_be_stored():
    """One place: every schema ninja validates a route's body or query with is an Input."""
    read = {
        kind
        for _method, _path, model in _routes()
        if model.__ninja_param_source__ in {"body", "query"}
        for info in model.model_fields.values()
        for kind in _read(info.annotation)
    }
    assert read
    assert [kind.__name__ for kind in read if not issubclass(kind, Input)] == []
    # Every write route with a body, and every list with a query string, is walked below.
    assert len([key for key, _model in ROUTES if key[0] in WRITES]) >= 60
    assert sum(len(_places(model)) for _key, model in ROUTES) >= 300


def _address(path: str, ids: dict) -> str:
    return "/api/v1" + re.sub(r"\{(?:\w+:)?(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def _stored() -> dict[str, int]:
    """How many rows each model holds, less the access log (a refused call is logged)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in {"audit.AccessLog", "audit.AccessLogPerson"}
        if not model._meta.proxy and model._meta.managed
    }


@pytest.mark.parametrize(("route", "model"), ROUTES, ids=[" ".join(key) for key, _model in ROUTES])
def test_text_that_cannot_be_stored_is_refused_by_name_and_nothing_is_saved(
    client, full_record, practitioner, settings, route, model
):
    """Each string field of the route, in turn: a 422 naming it, and nothing saved."""
    settings.GOLDENTHREAD_API_RATE_PER_MINUTE = 100_000
    method, path, source = route
    address = _address(path, with_a_possible_duplicate(full_record, practitioner))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(practitioner)}", "HTTP_IF_MATCH": '"1"'}
    before, changes = _stored(), ChangeRecord.objects.count()
    for field, text, body in _places(model):
        if text == "surrogate":
            body = json.loads(json.dumps(body).replace("\\u0000", "\\ud800"))
        if source == "query":
            answer = getattr(client, method.lower())(address, data=body, **headers)
        else:
            answer = getattr(client, method.lower())(
                address, data=json.dumps(body), content_type="application/json", **headers
            )
        assert answer.status_code == 422, (field, text, answer.content)
        message = "NUL character" if text == "nul" else "not valid Unicode"
        # Named by the field's path, less the kind of item in a union (its schema's name,
        # or its code where the union is told apart by one: "matters").
        kinds = {value for value in body.values() if isinstance(value, str) and value != NUL}
        named = {
            ".".join(part for part in e["field"].split(".") if not part[:1].isupper()).removeprefix(
                next((k + "." for k in kinds if e["field"].startswith(k + ".")), "")
            )
            for e in answer.json()["errors"]
            if message in e["message"]
        }
        assert named == {field}, (field, text, answer.json()["errors"])
    assert _stored() == before
    assert ChangeRecord.objects.count() == changes

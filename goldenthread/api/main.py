"""The JSON API (SPEC IO-1): django-ninja under /api/v1/, its OpenAPI 3 document at
/api/v1/openapi.json. docs/adr/0011-api-and-fhir.md says why ninja and how it is guarded.

Every operation goes through `auth.api_auth` (who, how often, whose record, read or write)
before its body is read; every answer that is not a success is problem+json
(problems.py); every write calls the same service function as the page that makes it.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from goldenthread.audit.services import snapshot
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.formatting import date_text
from goldenthread.people.access import log_list_view
from goldenthread.people.services import (
    PersonAlreadyRecorded,
    PersonMayBeKnown,
    SamePersonMayBeRecorded,
    TooManyPossibleDuplicates,
)

from .auth import api_auth, logged_outcome
from .concurrency import etag
from .errors import ApiProblem
from .problems import (
    PROBLEM_CONTENT_TYPE,
    field_errors,
    ninja_field_errors,
    problem,
)

logger = logging.getLogger("goldenthread.api")

DESCRIPTION = """\
The records of Golden Thread, under the same permissions as the pages: a person is reached
only by someone who could open their record on the pages today (allocated workers, and
the team leaders of their team), and every call is written to that person's access log
with the name of the API token used.

**Authentication.** A personal API token (`Authorization: Bearer gt_…`), made on your
account page (`/account/api-tokens/`): shown once, named, with an expiry of at most a
year, read only or read and write (practitioners and team leaders only), revocable. Pages
of this site may call the API with the signed-in session instead (unsafe methods need the
`X-CSRFToken` header).

**Changing a record.** Every versioned record answers with an `ETag` (its version). Send
it back in `If-Match` when you change the record: without it the answer is 428; if someone
changed the record after you read it the answer is 412 with its current version and
nothing is written. A record not made yet (for example a step of the Support Sequence
nobody has marked) has the ETag `"0"`. A questionnaire (an outcome's check, the Support
and Outcome Sequence checklists) has one ETag for all its answers.

**Errors** are RFC 9457 problem details (`application/problem+json`). **Lists** are paged
by cursor: pass `next_cursor` back as `cursor`. **Rate limit**: a number of calls a minute
for each token; more answer 429 with `Retry-After`.

**What you send.** A body is JSON, sent with `Content-Type: application/json`: any other
type (or a body with none) answers 415 and nothing is read. A query parameter a route does
not take answers 400 naming it (a misspelt `page_size` never silently gives the default
page): each route's parameters are listed below.

**FHIR R4**: `GET /api/v1/people/{person_id}/fhir` gives the person's plan as a FHIR R4
Bundle (docs/fhir-mapping.md), in JSON only: `_format` may be `json`, `application/json`
or `application/fhir+json`; another format, or an `Accept` that leaves JSON out, answers
406. As FHIR allows, other query parameters are ignored, unless you send
`Prefer: handling=strict` (then 400).

**Who looked**: `GET /api/v1/people/{person_id}/access-log` gives the record's access log
(who looked at or changed it, with which token), for the team leader of the person's team
and the worker allocated to them; reading it is logged too. Each call is logged with what
it did: `change` only for a change made; `refused` for a change you were not allowed to
make (a read-only token), `not_saved` for one that was not saved (not valid, stale, not
JSON).

**Reports**: `GET /api/v1/reports` gives the report pages' tables (commissioners: the
council; team leaders: their team), with the same disclosure control: a count that could
reveal a few people is shown as words, never as a number.
"""


class GoldenThreadApi(NinjaAPI):
    _openapi_schemas: dict[str, dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._openapi_schemas = {}

    def get_openapi_operation_id(self, operation: Any) -> str:
        """The view's own name (person_update), not its module path."""
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Errors are documented as application/problem+json.

        Made once per process and path prefix, then copied: the document follows from the
        code alone (routes and schemas, fixed at import), and making it takes seconds of CPU
        (pydantic's JSON schemas), which every visit to the docs page and to openapi.json
        paid (the stored-markup crawl paid it four times a role)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        made = self._openapi_schemas.get(path_prefix)
        if made is None:
            made = self._openapi_schemas[path_prefix] = self._make_openapi_schema(path_prefix)
        # A copy for each caller (a caller may change it), without OpenAPISchema's __init__
        # (which makes the document again).
        schema = OpenAPISchema.__new__(OpenAPISchema)
        schema.update(copy.deepcopy(made))
        return schema

    def _make_openapi_schema(self, path_prefix: str) -> dict[str, Any]:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith(("4", "5")) and "content" in response:
                        response["content"] = {
                            PROBLEM_CONTENT_TYPE: response["content"]["application/json"]
                        }
        return dict(schema)


api = GoldenThreadApi(
    title="Golden Thread API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # the docs page is ours (views/docs.py): signed-in staff, our CSP
    openapi_url="/openapi.json",
    auth=api_auth,
)
# Round every operation, errors included: the call's access row says what the answer shows
# was done (auth.settle_access), written once it is known.
api.add_decorator(logged_outcome, mode="view")


# --- Problems ---------------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem(request, exc.status, exc.detail, headers=exc.headers, **exc.extra)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem(
        request,
        422,
        "Some of what was sent is not valid: see errors.",
        errors=ninja_field_errors(exc.errors),
    )


@api.exception_handler(ValidationError)
def _invalid_record(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = field_errors(exc)
    detail = (
        errors[0]["message"]
        if len(errors) == 1
        else "Some of what was sent is not valid: see errors."
    )
    return problem(request, 422, detail, errors=errors)


@api.exception_handler(StaleEditError)
def _stale(request: HttpRequest, exc: StaleEditError) -> HttpResponse:
    current = exc.current
    stored = current.pk is not None and not current._state.adding
    # A record not made yet (someone else made it, or it is still to be made) is version 0.
    version = (getattr(current, "version", 0) or 0) if stored else 0
    representation = snapshot(current) if stored else None
    return problem(
        request,
        412,
        "Someone else changed this record after you read it. "
        "Nothing was saved. Read it again, and send its new ETag.",
        current_version=version,
        current=representation,
        headers={"ETag": etag(version)},
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, str(exc) or "Not found.")


@api.exception_handler(PersonAlreadyRecorded)
def _already_recorded(request: HttpRequest, exc: PersonAlreadyRecorded) -> HttpResponse:
    return problem(
        request,
        409,
        f"A person with this CHI number is already recorded "
        f"(person {exc.person.pk}). Nothing was saved.",
    )


@api.exception_handler(PersonMayBeKnown)
def _may_be_known(request: HttpRequest, exc: PersonMayBeKnown) -> HttpResponse:
    return problem(
        request,
        409,
        f"This {exc.possible_duplicate.get_matched_on_display()} may belong to someone "
        "already known to the service. Nothing was saved; your team leader has been "
        "asked to check.",
    )


@api.exception_handler(SamePersonMayBeRecorded)
def _namesakes(request: HttpRequest, exc: SamePersonMayBeRecorded) -> HttpResponse:
    """Someone the caller may see has the name and date of birth sent: who (their names are
    read, so in their access logs, as on the page), and how to save anyway."""
    log_list_view(
        request,
        exc.people,
        reason="Shown through the API as possibly the person being added or changed "
        "(same name and date of birth)",
    )
    named = "; ".join(
        f"{p.display_name}, born {date_text(p.date_of_birth)} (person {p.pk})" for p in exc.people
    )
    detail = (
        f"This person may already have a record: {named}. Nothing was saved. If it is the "
        "same person, use that record; if they are a different person with the same name and "
        'date of birth, send the same body again with "confirmed_namesake": true.'
    )
    return problem(
        request,
        422,
        detail,
        errors=[{"field": "confirmed_namesake", "message": detail}],
        namesakes=[str(p.pk) for p in exc.people],
    )


@api.exception_handler(TooManyPossibleDuplicates)
def _too_many(request: HttpRequest, exc: TooManyPossibleDuplicates) -> HttpResponse:
    return problem(request, 409, f"{exc} {exc.refused}")


@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        "Sign in, or send a personal API token.",
        headers={"WWW-Authenticate": 'Bearer realm="Golden Thread API"'},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse"):
        detail = "The body is not valid JSON."
    return problem(request, exc.status_code, detail)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, never a 500 (found by the outside
    probe). Nothing of it was read."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return problem(
        request,
        413,
        f"The body is larger than the {filesizeformat(limit)} one call may send. "
        "Nothing was saved.",
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API call failed")
    return problem(
        request,
        500,
        "Something went wrong on our side and nothing was saved. "
        "Quote the reference in 'instance' if you report it.",
    )


# --- The routes -------------------------------------------------------------------------

from .views import (  # noqa: E402  (the routers register on `api`)
    access_log,
    accountability,
    conversations,
    fhir,
    outcomes,
    own_record,
    people,
    reports,
    reviews,
    risk,
    sds,
    support,
)

for _module in (
    people,
    conversations,
    outcomes,
    support,
    sds,
    risk,
    reviews,
    accountability,
    access_log,
    own_record,
    fhir,
    reports,
):
    api.add_router("", _module.router)

__all__ = ["api"]

"""Who is calling, and may they: the API's one gate, run before anything is read from the
request's body (so a refused call is refused whatever it sent).

In order, for every call:

1. Who: a personal API token (`Authorization: Bearer gt_…`), or the signed-in session of
   this site (second factor passed). Unsafe methods with the session must pass Django's
   CSRF check (the `X-CSRFToken` header), as forms do. A token call needs no CSRF check:
   a browser never sends the header on its own. Tokens of a deactivated owner, expired or
   revoked tokens, tokens whose owner has no second factor set up (while the second
   factor is required: a token made while it was off, or before their app was reset),
   and anyone who is not staff get 401/403.
2. How often: the rate limit for the token (or the session's user): 429 and Retry-After.
3. Whose record: a route with a person's id finds the record through the one door
   (`people.access.find_person_record`: `Person.objects.visible_to(user)`), which logs a
   refusal (one DENIED row) and raises it. The token's name and prefix are in the row's
   own columns (`api_token_name`, `api_token_prefix`), so the person's access log shows
   which token read or changed their record.
4. Write or read: an unsafe method needs a token with write scope whose owner may change
   records now (practitioner or team leader). The owner's role, team, casework access and
   allocations are those of this moment: a token never does more than its owner could on
   the pages today.
5. What was sent: the query parameters, the format asked for and the body's type
   (negotiation.py): 400, 406 or 415.

Each call on a person's record leaves exactly one access-log row, but for a method its
address does not take (405, urls.py): once the caller may open the record, that writes
none, as nothing of the record is read or changed (a refusal to open it is still DENIED).
A read's is written by the gate, before anything of the record is read (so a record is
never shown without it, and the access log's own answer includes the call): EXPORT for the
FHIR Bundle, VIEW otherwise, and VIEW for a read refused for its form (an unknown
parameter, a format we cannot give): the record was opened, nothing exported. A write's is
written when its answer is known (`logged_outcome`, round every operation;
`settle_access`), so it says what happened: a change made is CHANGE, written in the
transaction of the change; a change refused (a read-only token, a rule of the service) is
CHANGE_REFUSED, with why; one not saved (not valid, stale, not JSON, too large, a failure
on our side) is CHANGE_FAILED: never CHANGE. Calls that name no person are logged once
too (no person), a write when its answer is known.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja.utils import check_csrf

from goldenthread.accounts.models import STAFF_ROLES, User
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import (
    PendingAccess,
    access_record,
    defer_access,
    pending_access,
)
from goldenthread.audit.services import settle_access as write_pending_access
from goldenthread.core.formatting import date_text
from goldenthread.people.access import find_person_record, log_list_view
from goldenthread.people.models import Person

from . import negotiation, services
from .errors import ApiProblem
from .models import ApiToken
from .ratelimit import check_rate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes that list people by name: the view writes the call's one row itself, naming each
# person the page shows (LIST, as the list pages do: people.access.log_list_view), so each
# person's access log shows the call (log_people_listed).
LISTS_PEOPLE = frozenset({"api:people"})


@dataclass
class Caller:
    user: User
    token: ApiToken | None

    @property
    def via(self) -> str:
        return "token" if self.token is not None else "session"

    @property
    def may_write(self) -> bool:
        if not services.may_write(self.user):
            return False
        return self.token is None or self.token.may_write

    def __bool__(self) -> bool:  # django-ninja treats a falsy result as "not signed in"
        return True


class GatedRequest(HttpRequest):
    """A request as the gate leaves it: what it sets, named for the type checker. The views
    read them through views/common.py (person_of, caller_of)."""

    gt_caller: Caller
    gt_person: Person  # on a route with a person's id, once the record is opened
    gt_pending: PendingAccess | None  # the call's access row, until its answer is known
    gt_expects: negotiation.Expects  # what the operation reads (set by logged_outcome)
    gt_method_not_taken: bool  # the 405 answer of urls.py: nothing is read or changed
    api_token_name: str  # a token's call: its name and prefix go in each access-log row
    api_token_prefix: str


def gated(request: HttpRequest) -> GatedRequest:
    return cast(GatedRequest, request)


def what(request: HttpRequest) -> str:
    """What the access log says was used: the route's name. The token's name has its own
    column (`AccessLog.api_token_name`, from `request.api_token_name`)."""
    return request.resolver_match.view_name if request.resolver_match else request.path


def _unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="Golden Thread API"'})


def _from_token(request: HttpRequest, header: str) -> Caller:
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise _unauthorised("Send the token as 'Authorization: Bearer gt_…'.")
    token = services.token_find(raw.strip())
    if token is None:
        raise _unauthorised(
            "This API token is not one we issued. Check it was copied "
            "whole, or make a new one on your account page."
        )
    now = timezone.now()
    if token.revoked_at is not None:
        raise _unauthorised("This API token was revoked. Make a new one on your account page.")
    if token.expires_at <= now:
        raise _unauthorised(
            f"This API token expired on {date_text(token.expires_at)}. "
            "Make a new one on your account page."
        )
    owner = token.user
    if not owner.is_active:
        raise _unauthorised(
            "The owner of this API token can no longer sign in, so the token no longer works."
        )
    if settings.GOLDENTHREAD_REQUIRE_2FA and not services.owner_has_second_factor(token):
        # Made while the second factor was off, or its owner's app was reset since: the
        # owner could not reach a page today, so neither does their token.
        raise _unauthorised(
            "The owner of this API token has no second factor set up, so the token does "
            "not work until they sign in and set up their authenticator app."
        )
    # The token stands in for the owner's signed-in, second-factor session.
    owner.is_verified = lambda: True  # type: ignore[attr-defined]
    request.user = owner
    # Every access-log row of this call names the token (audit.services.access_record).
    gated(request).api_token_name = token.name
    gated(request).api_token_prefix = token.prefix
    services.token_used(token)
    return Caller(user=owner, token=token)


def _from_session(request: HttpRequest) -> Caller:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        raise _unauthorised("Sign in, or send a personal API token ('Authorization: Bearer gt_…').")
    if settings.GOLDENTHREAD_REQUIRE_2FA and not user.is_verified():
        raise _unauthorised("Finish signing in (the security code) first.")
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise ApiProblem(
            403,
            "The CSRF check failed. Send the X-CSRFToken header with the "
            "value of the csrftoken cookie, as the site's own pages do.",
        )
    return Caller(user=user, token=None)


def _log_without_person(request: HttpRequest, caller: Caller) -> None:
    access_record(
        actor=caller.user,
        person_id=None,
        action=AccessAction.VIEW,
        what=what(request),
        reason=NAMING_NO_ONE,
        request=request,
    )


NAMING_NO_ONE = "API call naming no one's record"


def _refuse_write(request: HttpRequest, caller: Caller) -> NoReturn:
    """Refuse a write the caller may not make; the call's row (CHANGE_REFUSED, with why) is
    written with the answer: the caller may read the record, so it is not DENIED."""
    if caller.token is not None and not caller.token.may_write:
        why = (
            "This API token may only read. To change records through the API, make a token "
            "that may read and write on your API tokens page (/account/api-tokens/)."
        )
    else:
        why = "Only practitioners and team leaders change records, through the API as on the pages."
    pending = pending_access(request)
    if pending is not None:
        pending.refusal = f"Refused: {why}"
    raise ApiProblem(403, why)


def _person_id(request: HttpRequest):
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    if "person_id" not in kwargs:
        return None, False
    try:
        return uuid.UUID(str(kwargs["person_id"])), True
    except ValueError:
        raise ApiProblem(404, "No such person.") from None


class ApiAuth:
    """django-ninja's auth callable: returns the Caller, or raises ApiProblem."""

    # The OpenAPI document describes the token; same-site pages use the session instead.
    openapi_security_schema = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "gt_… personal API token",
        "description": "A personal API token, made on your account page (/account/api-tokens/).",
    }

    def __call__(self, request: HttpRequest) -> Caller:
        header = request.headers.get("Authorization")
        caller = _from_token(request, header) if header else _from_session(request)
        gated(request).gt_caller = caller
        if caller.user.role not in STAFF_ROLES:
            raise ApiProblem(403, "The API is for staff.")
        key = f"token:{caller.token.pk}" if caller.token else f"user:{caller.user.pk}"
        rate = check_rate(key)
        if not rate.allowed:
            raise ApiProblem(
                429,
                f"More than {rate.limit} calls in a minute. Wait "
                f"{rate.retry_after} seconds and try again.",
                headers={"Retry-After": str(rate.retry_after)},
            )
        person_id, names_person = _person_id(request)
        writing = request.method not in SAFE_METHODS
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if not names_person:
            if writing:
                defer_access(request, PendingAccess(None, AccessAction.CHANGE, NAMING_NO_ONE))
                if not caller.may_write:
                    _refuse_write(request, caller)
            negotiation.check_request(request, _expects(request))
            if not writing and view_name not in LISTS_PEOPLE:
                _log_without_person(request, caller)
            return caller
        # Whether the caller may open the record is answered (a refusal logged) first.
        person = _find(request, person_id)
        gated(request).gt_person = person
        if getattr(request, "gt_method_not_taken", False):
            return caller  # 405: nothing of the record read or changed, so no row (ADR 0002)
        if not writing:
            _log_read(request, caller, person, view_name)
            return caller
        defer_access(
            request,
            PendingAccess(
                person.pk, AccessAction.CHANGE, person.access_reason, person.opened_by_break_glass
            ),
        )
        if not caller.may_write:
            _refuse_write(request, caller)
        negotiation.check_request(request, _expects(request))
        return caller


def _log_read(request: HttpRequest, caller: Caller, person: Any, view_name: str) -> None:
    """A read's one row, before anything of the record is read: EXPORT for the FHIR
    Bundle, VIEW otherwise, and VIEW for a read refused for its form (the record was
    opened; nothing was exported)."""
    action = AccessAction.EXPORT if view_name == "api:person_fhir" else AccessAction.VIEW
    try:
        negotiation.check_request(request, _expects(request))
    except ApiProblem:
        action = AccessAction.VIEW
        raise
    finally:
        access_record(
            actor=caller.user,
            person_id=person.pk,
            action=action,
            what=what(request),
            reason=person.access_reason,
            request=request,
            break_glass=person.opened_by_break_glass,
        )


def _expects(request: HttpRequest) -> negotiation.Expects | None:
    """What the operation reads (None on the 405 answer of urls.py: it reads nothing)."""
    return getattr(gated(request), "gt_expects", None)


def _find(request: HttpRequest, person_id) -> Any:
    """The Person, with why the caller may open it (`access_reason`,
    `opened_by_break_glass`: people.access.find_person_record), or 403."""
    try:
        return find_person_record(request, person_id, what=what(request))
    except PermissionDenied:
        raise ApiProblem(403, "You do not have access to this person's record.") from None


def log_people_listed(request: HttpRequest, people: list[uuid.UUID]) -> None:
    """The one access row of a call to a LISTS_PEOPLE route: LIST, naming every person the
    answer shows; a page showing no one is logged as a call naming no one's record."""
    if people:
        log_list_view(
            request,
            people,
            what=what(request),
            reason="Listed through the API: people you work with",
        )
    else:
        _log_without_person(request, gated(request).gt_caller)


def settle_access(request: HttpRequest, response: HttpResponseBase) -> None:
    """Write the access-log row the call owes (audit.services.PendingAccess), once, saying
    what the answer shows was done (the module's docstring says which row for which
    answer). A call whose row was written where it was refused (a refused budget decision:
    audit.services.change_refused) owes none."""
    pending = pending_access(request)
    if pending is None:
        return
    status = response.status_code
    if status == 403:
        write_pending_access(
            request,
            action=AccessAction.CHANGE_REFUSED,
            reason=pending.refusal or f"Refused: {_detail(response)}",
        )
    elif status >= 400:
        write_pending_access(request, action=AccessAction.CHANGE_FAILED)
    else:
        write_pending_access(request, action=pending.action)


def _detail(response: HttpResponseBase) -> str:
    """A problem's `detail` (the refusal's words, ours), or a plain stand-in."""
    try:
        detail = json.loads(getattr(response, "content", b"") or b"{}").get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail) if detail else "You may not do this."


def logged_outcome(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Round every operation (django-ninja's "view" decorator: the gate, the body, the view
    and the answer, errors included): the call's access row is written when its answer is
    known. A write runs in one transaction with its row, so a change is never kept without
    it; a write that fails on our side (5xx) keeps nothing, and its row is written after."""
    expects = negotiation.expects(getattr(run, "__self__", None))

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        gated(request).gt_expects = expects
        if request.method in SAFE_METHODS:
            return run(request, *args, **kwargs)  # a read's row is the gate's (_log_read)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            if response.status_code < 500:
                settle_access(request, response)
                return response
            transaction.set_rollback(True)
        settle_access(request, response)
        return response

    return wrapper


api_auth = ApiAuth()

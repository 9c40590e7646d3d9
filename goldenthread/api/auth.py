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
3. Whose record: a route with a person's id opens the record through the one door
   (`people.access.open_person_record`: `Person.objects.visible_to(user)`), which writes
   exactly one access-log row (DENIED for a refusal). The token's name and prefix are in
   the row's own columns (`api_token_name`, `api_token_prefix`), so the person's access log shows which token read or
   changed their record.
   Calls that name no person are logged once too (no person).
4. Write or read: an unsafe method needs a token with write scope whose owner may change
   records now (practitioner or team leader). The owner's role, team, casework access and
   allocations are those of this moment: a token never does more than its owner could on
   the pages today.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import NoReturn, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.utils import check_csrf

from goldenthread.accounts.models import STAFF_ROLES, User
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_denied, access_record
from goldenthread.core.formatting import date_text
from goldenthread.people.access import access_basis, log_list_view, open_person_record
from goldenthread.people.models import Person
from goldenthread.people.selectors import visible_person

from . import services
from .errors import ApiProblem
from .models import ApiToken
from .ratelimit import check_rate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes whose view logs the access itself, after a check it must make first (a budget
# decision: a refused decision leaves exactly one row, the DENIED one; ADR 0006).
DEFERRED_LOGGING = frozenset({"api:budget_request_decision"})
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
    gt_access_pending: bool  # DEFERRED_LOGGING: the access row is still to be written
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
        action=AccessAction.VIEW if request.method in SAFE_METHODS else AccessAction.CHANGE,
        what=what(request),
        reason="API call naming no one's record",
        request=request,
    )


def _refuse_write(request: HttpRequest, caller: Caller, person_id) -> None:
    if caller.token is not None and not caller.token.may_write:
        why = "This API token may only read."
    else:
        why = "Only practitioners and team leaders change records, through the API as on the pages."
    if person_id is not None:
        access_denied(
            actor=caller.user,
            person_id=person_id,
            what=what(request),
            reason=f"Refused: {why}",
            request=request,
        )
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
            if writing and not caller.may_write:
                _refuse_write(request, caller, None)
            if writing or view_name not in LISTS_PEOPLE:
                _log_without_person(request, caller)
            return caller
        if view_name in DEFERRED_LOGGING and writing:
            person = visible_person(caller.user, person_id)
            if person is None:
                _refuse_unseen(request, person_id)
            if not caller.may_write:
                _refuse_write(request, caller, person_id)
            gated(request).gt_person = person
            gated(request).gt_access_pending = True
            return caller
        if writing and not caller.may_write:
            # Refused whether or not they may see the person: one DENIED row either way.
            if visible_person(caller.user, person_id) is None:
                _refuse_unseen(request, person_id)
            _refuse_write(request, caller, person_id)
        gated(request).gt_person = _open(request, person_id)
        return caller


def _refuse_unseen(request: HttpRequest, person_id) -> NoReturn:
    """Refuse a person the caller may not see: the one door logs the refusal (DENIED)."""
    _open(request, person_id)
    raise ApiProblem(403, "You do not have access to this person's record.")


def _open(request: HttpRequest, person_id) -> Person:
    action = None
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    if view_name == "api:person_fhir":
        action = AccessAction.EXPORT
    try:
        return open_person_record(request, person_id, what=what(request), action=action)
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


def log_pending_access(request: HttpRequest) -> None:
    """Write the access row a deferred route owes (see DEFERRED_LOGGING), once."""
    gate = gated(request)
    if getattr(gate, "gt_access_pending", False):
        gate.gt_access_pending = False
        person = gate.gt_person
        access_record(
            actor=gate.gt_caller.user,
            person_id=person.pk,
            action=AccessAction.CHANGE,
            what=what(request),
            reason=access_basis(gate.gt_caller.user, person),
            request=request,
        )


api_auth = ApiAuth()

"""The single door to a named person's record for every view (SEC-2, SEC-3).

`PersonRecordMixin` fetches the person through `Person.objects.visible_to(user)`, writes
exactly one access-log row for the request (a refusal too), and only then lets the view
run. Views never query person data any other way (tests/test_scoped_queries.py).

Break-glass (SEC-3): a practitioner or team leader with no relationship to a person is
refused like anyone else, and the refusal page offers a form: "If you need to see this
record now, say why". With a reason, `break_glass_start` opens the record to that worker
alone for settings.GOLDENTHREAD_BREAK_GLASS_HOURS; `visible_to` includes it while it lasts,
every access-log row in that time is flagged `break_glass` with the reason given, and the
person's team leader sees the use on their review list. Commissioners, panel members,
administrators and superusers can never break glass.

List pages that show people's names, dates of birth or CHI numbers call
`log_list_view` once per request with the people shown.

A person's pages compose PersonRecordMixin with the ui parts (goldenthread/ui/views.py):
it comes first, so the record is opened and logged before a role is checked
(PermissionRequiredMixin asks about `self.person`), and `PersonChild` reaches an item of
the record by the id in the address, or 404.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from goldenthread.accounts.models import Role, User
from goldenthread.audit.forms import (
    BREAK_GLASS_MIN_REASON,
    BreakGlassForm,
    break_glass_reason_problem,
)
from goldenthread.audit.models import AccessAction, BreakGlassAccess
from goldenthread.audit.services import (
    PendingAccess,
    access_denied,
    access_record,
    break_glass_record,
    changes_kept,
    changes_watched,
    defer_access,
    settle_access,
)
from goldenthread.core.permissions import Permission, can
from goldenthread.core.prepared import PreparedQuery
from goldenthread.ui.views import ChildOr404, SignedInMixin

from .frame import record_frame
from .models import Person

BREAK_GLASS_SALT = "goldenthread.break-glass"
BREAK_GLASS_OFFER_SECONDS = 60 * 60  # the refusal page's form is good for an hour


class NoRelationship(PermissionDenied):
    """The user may not open this person's record (whether or not it exists)."""

    def __init__(self, person_id, message: str = "You do not have access to this person's record."):
        super().__init__(message)
        self.person_id = person_id


def access_basis(user, person: Person) -> str:
    """Why this user may open this record, in words for the access log."""
    if user.role == Role.PRACTITIONER:
        return "Allocated worker"
    if user.role == Role.TEAM_LEADER:
        if person.team_id == user.team_id:
            return "Team leader of the person's team"
        return "Team leader of an allocated worker"
    if user.role == Role.PERSON:
        return "The person themselves"
    if user.role == Role.PROXY:
        return "Acting for the person (proxy)"
    return "Relationship to the person"


def log_export(user, person: Person, *, what: str, why: str) -> None:
    """One access-log row (EXPORT) for a person's record read to leave the service (a FHIR
    bundle, a job's file), as `user`: the basis of their access and `why` ("FHIR export").
    Call it in the transaction that reads the record."""
    access_record(
        actor=user,
        person_id=person.pk,
        action=AccessAction.EXPORT,
        what=what,
        reason=f"{access_basis(user, person)} ({why})",
    )


def may_break_glass(user) -> bool:
    """Only practitioners and team leaders (casework roles), never a superuser."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and can(user, Permission.VIEW_CASELOAD)
    )


def _scoped_person_queryset(user, person_id, *, today, now):
    """The person if `user` may see them, with area, team and the reason of any
    break-glass use in force (one query)."""
    # In the same query as the person: the reason of a break-glass use in force, if any.
    active_grant = (
        BreakGlassAccess.objects.filter(
            actor_id=user.pk,
            person_id=OuterRef("pk"),
            at__lte=now,
            until__gt=now,
        )
        .order_by("-at")
        .values("reason")[:1]
    )
    # visible_to(…, person_id=…): the same as .filter(pk=person_id) on the whole, with its
    # allocations and break-glass uses read for this person alone (#19).
    return (
        Person.objects.visible_to(user, today=today, now=now, person_id=person_id)
        .select_related("area", "team")
        .annotate(break_glass_reason=Subquery(active_grant))[:1]
    )


def _sample_user(role: str, user_id, team_id):
    """A user of `role` in `team_id`, unsaved, standing in for the signed-in one while a
    prepared fetch is compiled."""
    user = User(pk=user_id, role=role, team_id=team_id, is_active=True)
    user._state.adding = False
    return user


_SAMPLE_DAY = datetime.date(1901, 2, 3)
_SAMPLE_NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


def _prepare_scoped_fetch(role: str, with_team: bool) -> PreparedQuery:
    if with_team:
        return PreparedQuery(
            lambda user_id, team_id, person_id, today, now: _scoped_person_queryset(
                _sample_user(role, user_id, team_id), person_id, today=today, now=now
            ),
            uuid.uuid4(),
            uuid.uuid4(),
            uuid.uuid4(),
            _SAMPLE_DAY,
            _SAMPLE_NOW,
        )
    return PreparedQuery(
        lambda user_id, person_id, today, now: _scoped_person_queryset(
            _sample_user(role, user_id, None), person_id, today=today, now=now
        ),
        uuid.uuid4(),
        uuid.uuid4(),
        _SAMPLE_DAY,
        _SAMPLE_NOW,
    )


# The scoped fetch of the casework roles, compiled once per process for each role and
# whether the user has a team (#19): the same SQL as `_scoped_person_queryset`, with the
# user, team, person, day and time as its parameters (people/tests/test_prepared_fetch.py).
_SCOPED_FETCH = {
    (role, with_team): _prepare_scoped_fetch(role, with_team)
    for role in (Role.PRACTITIONER, Role.TEAM_LEADER)
    for with_team in (True, False)
    if with_team or role == Role.PRACTITIONER  # a team leader with no team sees no one
}


def scoped_person(user, person_id, *, now: datetime.datetime) -> Person | None:
    """The person `user` may see with this id (area and team loaded, and
    `break_glass_reason` set), or None."""
    today = timezone.localdate(now)
    key: Any = (getattr(user, "role", None), getattr(user, "team_id", None) is not None)
    prepared = _SCOPED_FETCH.get(key)
    if prepared is None or not (user.is_authenticated and user.is_active):
        return next(iter(_scoped_person_queryset(user, person_id, today=today, now=now)), None)
    try:
        person_id = person_id if isinstance(person_id, uuid.UUID) else uuid.UUID(str(person_id))
    except ValueError:
        return None
    args = (user.pk, user.team_id, person_id) if key[1] else (user.pk, person_id)
    found = prepared(*args, today, now)
    return found[0] if found else None


def open_person_record(
    request: HttpRequest, person_id, *, what: str, action: AccessAction | None = None
) -> Person:
    """Return the person if the user may see them, logging the access (VIEW, or `action`:
    EXPORT for a download) or the refusal at once. A request that may change the record
    finds it (`find_person_record`) and writes its row when its answer is known
    (`logged_change`)."""
    person = find_person_record(request, person_id, what=what)
    access_record(
        actor=request.user,
        person_id=person.pk,
        action=action or AccessAction.VIEW,
        what=what,
        reason=person.access_reason,
        request=request,
        break_glass=person.opened_by_break_glass,
    )
    return person


# Methods that read: the row (VIEW) is written before the page runs.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The answer an exception raised by a page becomes (django.core.handlers.exception).
_EXCEPTION_STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (Http404, 404),
    (PermissionDenied, 403),
    (MultiPartParserError, 400),
    (BadRequest, 400),
    (SuspiciousOperation, 400),
)


def takes_the_record(view: Any, request: HttpRequest) -> bool:
    """Whether the page answers this request from the person's record (a read or a change):
    not OPTIONS, nor a method the page does not take (`answer_without_the_record`)."""
    method = (request.method or "").lower()
    return method != "options" and method in view.http_method_names and hasattr(view, method)


def answer_without_the_record(view: Any, request: HttpRequest) -> HttpResponseBase:
    """OPTIONS (the page's methods, in Allow) or a method the page does not take (405, with
    Allow), answered once the user may open the record (a refusal is "denied", whatever the
    method), with no access-log row: nothing of the person is read or changed, and the answer
    is the page's, the same for every person (ADR 0002). A download that only reads once
    answered a POST with a change "not saved", and OPTIONS with a view."""
    if request.method == "OPTIONS" and "options" in view.http_method_names:
        return view.options(request)
    return view.http_method_not_allowed(request)


def _status_of(error: BaseException) -> int:
    return next((status for kind, status in _EXCEPTION_STATUS if isinstance(error, kind)), 500)


def _refusal_words(error: BaseException | None) -> str:
    why = str(error) if isinstance(error, PermissionDenied) and str(error) else ""
    return f"Refused: {why or 'You may not do this.'}"


def logged_change(
    request: HttpRequest,
    run: Callable[[], HttpResponseBase],
    *,
    person_id: uuid.UUID,
    reason: str,
    break_glass: bool = False,
) -> HttpResponseBase:
    """Run a request that may change a person's record (`run`: the page), and write its one
    access-log row once its answer is known, saying what it did (SEC-3, ADR 0002), with
    `reason` (why the user may: `access_reason` of `find_person_record`):

    - a change made (a row of the change history written and kept: every change of a
      record writes one in its transaction) is CHANGE, written in the change's transaction,
      so a change is never kept without its row;
    - a refusal (403) is CHANGE_REFUSED, with why: the user could open the record, so it is
      not DENIED;
    - anything else (a form shown again with its errors, a stale save, a 4xx, a post that
      changes nothing) is CHANGE_FAILED, "not saved";
    - a failure on our side (5xx, or an exception that is not a 4xx) keeps nothing: the
      page's transaction is rolled back, and the row (CHANGE_FAILED) is written after it.

    A row written where the change was refused (`audit.services.change_refused`: a budget
    decision beyond the user's limit) settles the request: nothing more is written."""
    defer_access(request, PendingAccess(person_id, AccessAction.CHANGE, reason, break_glass))
    error: BaseException | None = None
    response: HttpResponseBase | None = None
    with changes_watched() as written, transaction.atomic():
        try:
            response = run()
            status = response.status_code
        except Exception as exc:  # answered below, after the row
            error, status = exc, _status_of(exc)
        rolled_back = status >= 500 or transaction.get_rollback()
        if rolled_back:
            transaction.set_rollback(True)
        elif changes_kept(written):
            settle_access(request, action=AccessAction.CHANGE)
        elif status == 403:
            settle_access(request, action=AccessAction.CHANGE_REFUSED, reason=_refusal_words(error))
        else:
            settle_access(request, action=AccessAction.CHANGE_FAILED)
    if rolled_back:  # nothing kept: the row on its own, after the rollback
        settle_access(request, action=AccessAction.CHANGE_FAILED)
    if error is not None:
        raise error
    assert response is not None
    return response


def find_person_record(request: HttpRequest, person_id, *, what: str) -> Any:
    """The person if the user may see them, with why (`access_reason`, and
    `opened_by_break_glass`) set for the row the caller writes: `open_person_record`
    at once, the API once it knows what the call did (api.auth). A refusal is logged here
    (one DENIED row) and raised (NoRelationship)."""
    user = request.user
    # Any: the fetch adds break_glass_reason, and this sets the request's own marks.
    person: Any = scoped_person(user, person_id, now=timezone.now())
    if person is None:
        access_denied(
            actor=user,
            person_id=person_id,
            what=what,
            reason="No relationship to the person",
            request=request,
        )
        raise NoRelationship(person_id)
    reason, break_glass = access_basis(user, person), False
    if person.break_glass_reason is not None and not (
        Person.objects.visible_to(user, break_glass=False).filter(pk=person.pk).exists()
    ):
        reason, break_glass = person.break_glass_reason, True
    person.access_reason = reason
    person.opened_by_break_glass = break_glass
    person.opened_for = user.pk  # people.guards.may_record_for: seen in this request
    return person


def log_list_view(
    request: HttpRequest,
    people: Iterable,
    *,
    what: str | None = None,
    reason: str = "Listed among the people the user works with",
) -> None:
    """One access-log row for a list page, naming every person it shows (people or ids).
    Nothing is written when the page shows nobody."""
    ids = [p if isinstance(p, uuid.UUID) else p.pk for p in people]
    if not ids:
        return
    access_record(
        actor=request.user,
        person_id=None,
        action=AccessAction.LIST,
        what=what or str(getattr(request.resolver_match, "view_name", "")),
        reason=reason,
        request=request,
        people_shown=ids,
    )


def closed_record_links(user, links: list[str]) -> set[str]:
    """The links among `links` (site paths, as in a notification) whose address names a
    person `user` may not open now (`Person.objects.visible_to`, break-glass included), in
    one query. Nothing is read from the records, so nothing is logged: the link is only
    left out (accounts.notifications.register_closed_links_check)."""
    named: dict[str, uuid.UUID] = {}
    for link in links:
        try:
            kwargs = resolve(urlsplit(link).path).kwargs
            named[link] = uuid.UUID(str(kwargs["person_id"]))
        except (Resolver404, KeyError, ValueError):
            continue
    if not named:
        return set()
    open_ids = set(
        Person.objects.visible_to(user)
        .filter(pk__in=set(named.values()))
        .values_list("pk", flat=True)
    )
    return {link for link, person_id in named.items() if person_id not in open_ids}


# --- Break-glass -----------------------------------------------------------------------------


def break_glass_token(person_id, next_path: str) -> str:
    """The refusal page's form carries which record and page it is for, signed, so the
    form cannot be pointed at another page."""
    return signing.dumps({"person": str(person_id), "next": next_path}, salt=BREAK_GLASS_SALT)


def read_break_glass_token(token: str) -> tuple[uuid.UUID, str]:
    data = signing.loads(token, salt=BREAK_GLASS_SALT, max_age=BREAK_GLASS_OFFER_SECONDS)
    person_id = uuid.UUID(data["person"])
    next_path = str(data.get("next") or "")
    if not next_path.startswith(f"/people/{person_id}/"):
        next_path = f"/people/{person_id}/"
    return person_id, next_path


def break_glass_hours() -> float:
    return float(getattr(settings, "GOLDENTHREAD_BREAK_GLASS_HOURS", 4))


def break_glass_start(
    *, actor, person_id: uuid.UUID, reason: str, request: HttpRequest | None = None
) -> BreakGlassAccess:
    """Open a record to a worker with no relationship, for a set time, for the reason
    they give (SEC-3). Refused (PermissionDenied, logged) for anyone who may not break
    glass and for a record that does not exist."""
    if not may_break_glass(actor):
        access_denied(
            actor=actor,
            person_id=person_id,
            what="audit:break_glass",
            request=request,
            reason="Break-glass refused: not a practitioner or team leader",
        )
        raise PermissionDenied("Your role cannot open a record without a relationship.")
    reason = " ".join((reason or "").split())
    problem = break_glass_reason_problem(reason)
    if problem:
        raise ValueError(problem)
    with transaction.atomic():
        if Person.objects.filter(pk=person_id).exists():
            return break_glass_record(
                actor=actor, person_id=person_id, reason=reason[:500], hours=break_glass_hours()
            )
    # Logged in its own transaction, after the one above: a denial row written inside a
    # block that the refusal then leaves would be rolled back with it.
    access_denied(
        actor=actor,
        person_id=person_id,
        what="audit:break_glass",
        request=request,
        reason=f"Break-glass for a record that does not exist: {reason}",
    )
    raise PermissionDenied("There is no record at this address.")


def break_glass_offer(request: HttpRequest, person_id) -> TemplateResponse:
    """The refusal page with the break-glass form (status 403: nothing is opened yet)."""
    form = BreakGlassForm(
        initial={
            "token": break_glass_token(person_id, request.get_full_path()),
        }
    )
    return TemplateResponse(
        request,
        "audit/break_glass.html",
        {
            "form": form,
            "hours": break_glass_hours(),
            "min_reason": BREAK_GLASS_MIN_REASON,
        },
        status=403,
    )


def signed_in_user_itself(request: HttpRequest) -> Any:
    """request.user with its lazy wrappers (django-otp's, the authentication middleware's)
    taken off: the object they stand for, set up as they set it up."""
    user: Any = request.user
    while issubclass(type(user), LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class PersonRecordMixin(SignedInMixin):
    """For views under /people/<person_id>/…: sets self.person, logged."""

    person: Person
    access_action: AccessAction | None = None  # e.g. EXPORT for a download

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # The signed-in user itself for the rest of the request (#19): request.user is
        # django-otp's lazy object over the authentication middleware's lazy object over the
        # user, so each of the hundred-odd reads of it a record page makes (the access check
        # and log, the role checks, the frame, the context processors) went through two
        # proxies. The same user, its device and is_verified() already set by both.
        request.user = signed_in_user_itself(request)
        what = request.resolver_match.view_name
        reads = self.only_reads(request)
        takes_record = takes_the_record(self, request)
        try:
            if not takes_record:  # whether the user may open it is answered first
                self.person = find_person_record(request, kwargs["person_id"], what=what)
            elif reads:
                self.person = open_person_record(
                    request, kwargs["person_id"], what=what, action=self.access_action
                )
            else:  # its row is written once its answer is known (logged_change)
                self.person = find_person_record(request, kwargs["person_id"], what=what)
        except NoRelationship as refused:
            if (
                request.method in ("GET", "HEAD")
                and not getattr(request, "htmx", False)
                and may_break_glass(request.user)
            ):
                return break_glass_offer(request, refused.person_id)
            raise
        if not takes_record:
            return answer_without_the_record(self, request)
        if reads:
            return super().dispatch(request, *args, **kwargs)
        return logged_change(
            request,
            lambda: super(PersonRecordMixin, self).dispatch(request, *args, **kwargs),
            person_id=self.person.pk,
            reason=self.person.access_reason,
            break_glass=self.person.opened_by_break_glass,
        )

    def only_reads(self, request: HttpRequest) -> bool:
        """Whether this request only reads the record (a VIEW row, written before the page
        runs): GET and HEAD (OPTIONS reads nothing: `answer_without_the_record`); a page whose POST asks for live feedback and saves nothing
        ("Check wording") says so too. Any other request may change it (logged_change)."""
        return request.method in SAFE_METHODS

    def get_permission_object(self):
        """What PermissionRequiredMixin asks about: this person."""
        return self.person

    def get_page_label(self) -> str:
        """The caption above a form page's heading (ui/form_page.html): whose record."""
        return self.person.display_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        context["record_frame"] = record_frame(self.request, self.person)
        return context


class PersonChild(ChildOr404):
    """On a PersonRecordMixin view: the item of this person's record named in the address
    (`kwarg`), or 404. `lookup` is a related manager of the person ("unmet_needs") or a
    selector (person, id) → item or None. The request's access-log row is already written
    when it is read."""

    def __init__(self, lookup, *, kwarg: str, missing: str, optional: bool = False) -> None:
        super().__init__(lookup, kwarg=kwarg, missing=missing, parent="person", optional=optional)

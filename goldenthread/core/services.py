"""The pieces every write service shares (foundation: imports no domain app, nor audit).

- `SystemActor`: a named job that writes without a signed-in person (an import run on the
  command line, a request routed by the delegated limits). A service that may run that way
  takes one by name; `None` is never an actor, and the Auditor refuses it.
- `require_signed_in(actor)`: refuses None, a system actor, an anonymous or an inactive
  user. The casework guard (`people.guards.require_casework`) starts with it.
- `audited_update()`: the one path for changing a versioned record: lock the stored row,
  refuse a stale copy (StaleEditError carrying the stored copy), take the "before"
  snapshot, apply the changes, validate, write one versioned UPDATE, and hand the change
  to the Auditor, all in the service's transaction. `audited_create()` is its other half
  (a new record), and `audited_upsert()` the one or the other, for a row kept one per
  something.
- `not_future()` and `require_text()`: the two field checks every recording service
  makes, each adding its message to the service's `errors` by field. `not_future()` also
  refuses a date before EARLIEST_DATE (a mistyped year: "0026", "1026"), and
  `not_far_off()` is its twin for a date that may be ahead (a start, an end, a date to
  look again): neither before EARLIEST_DATE nor more than FURTHEST_YEARS ahead;
  `refuse_far_off()` raises its message for a service that checks one date on its own.
- `refuse_unknown_fields()`: an update service's refusal of a field it does not change
  (a TypeError: the caller's mistake, not the user's).
- `create_once()`: a service's write of a row a form makes (a `SubmittedOnce` model), kept
  once when the same form is sent twice: the row its one-time token made already is
  returned, marked `repeated_submission`, and nothing new is written.

Core knows the Auditor only by its shape (`ChangeAuditor`); the audit app's `Auditor`
(audit/services.py) is the one every service passes in. So core sits at the bottom of the
layers and the audit app, which imports core, sits above it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .concurrency import StaleEditError, save_versioned
from .formatting import date_text
from .models import SubmittedOnce, VersionedModel

V = TypeVar("V", bound=VersionedModel)
M = TypeVar("M", bound=models.Model)
S = TypeVar("S", bound=SubmittedOnce)


@dataclass(frozen=True)
class SystemActor:
    """A job that writes with no signed-in person behind it, by name. It is never a user:
    it is not authenticated, holds no role, and passes no check meant for people."""

    name: str
    is_authenticated = False
    is_active = False
    pk = None
    role = ""

    def __str__(self) -> str:
        return self.name


def require_signed_in(actor: Any, message: str = "Sign in to do this.") -> None:
    """Refuse (PermissionDenied) unless `actor` is a signed-in, active person."""
    if (
        actor is None
        or isinstance(actor, SystemActor)
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", False)
    ):
        raise PermissionDenied(message)


# No record this service keeps is about anything before this day: an earlier date is a
# mistyped year. FURTHEST_YEARS: how far ahead a date in a plan may be.
EARLIEST_DATE = datetime.date(2000, 1, 1)
FURTHEST_YEARS = 10


def _too_long_ago(day: datetime.date, what: str) -> str:
    return f"{what} is too long ago ({date_text(day)}). Check the year."


def not_future(day: datetime.date | None, field: str, what: str, errors: dict[str, str]) -> None:
    """A date that cannot be later than today: "<what> must be today or in the past." on
    `field`; one before EARLIEST_DATE is a mistyped year (None, not given, passes)."""
    if day is None:
        return
    if day > timezone.localdate():
        errors[field] = f"{what} must be today or in the past."
    elif day < EARLIEST_DATE:
        errors[field] = _too_long_ago(day, what)


def not_far_off(day: datetime.date | None, field: str, what: str, errors: dict[str, str]) -> None:
    """A date that may be ahead (a start, an end, a date to look again), but neither before
    EARLIEST_DATE nor more than FURTHEST_YEARS from today: either is a mistyped year, and
    a date near the end of the calendar cannot have days added to it (None passes)."""
    if day is None:
        return
    today = timezone.localdate()
    if day < EARLIEST_DATE:
        errors[field] = _too_long_ago(day, what)
    elif day > today.replace(year=today.year + FURTHEST_YEARS, day=min(today.day, 28)):
        errors[field] = (
            f"{what} is more than {FURTHEST_YEARS} years ahead ({date_text(day)}). Check the year."
        )


def refuse_far_off(day: datetime.date | None, field: str, what: str) -> None:
    """`not_far_off()` for a service that checks one date on its own: ValidationError with
    its message on `field`."""
    errors: dict[str, str] = {}
    not_far_off(day, field, what, errors)
    if errors:
        raise ValidationError(errors)


def require_text(errors: dict[str, str], *checks: tuple[str, str, str]) -> None:
    """For each (field, value, message): the message on the field when the text is blank."""
    for field, value, message in checks:
        if not value.strip():
            errors[field] = message


class ChangeAuditor(Protocol):
    """What core's shared writers need of the Auditor (audit.services.Auditor)."""

    def snapshot(self, instance: models.Model) -> dict[str, Any]: ...

    def created(
        self, instance: models.Model, *, person_id: Any, extra: Mapping[str, Any] | None = None
    ) -> object: ...

    def updated(
        self,
        instance: models.Model,
        *,
        before: dict[str, Any],
        person_id: Any,
        extra: Mapping[str, Any] | None = None,
    ) -> object: ...


def refuse_unknown_fields(
    service: str, changes: Iterable[str], allowed: Iterable[str], *, verb: str = "change"
) -> None:
    """Refuse (TypeError: a programming error, not the user's) a change to a field the
    service `service` does not change ("advocacy_update cannot change ['person']"); a
    recording service says `verb="set"`."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{service} cannot {verb} {sorted(unknown)}")


def audited_update(
    instance: V,
    *,
    auditor: ChangeAuditor,
    expected_version: int,
    person_id: Any,
    changes: Mapping[str, Any] | None = None,
    fields: Iterable[str] | None = None,
    stored: V | None = None,
    clean: bool | Mapping[str, bool] = True,
    before_extra: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> V:
    """Change a versioned record and write its change history, or change nothing.

    Inside the service's `transaction.atomic()`:

    1. lock the stored row (or take `stored`, a copy the caller has already locked);
    2. refuse a stale copy: StaleEditError(stored) unless its version is `expected_version`;
    3. snapshot it as "before" (with `before_extra`, e.g. links the row does not hold);
    4. set `changes` on `instance` (the caller may also have set values on it already);
    5. validate: `instance.full_clean()`, or with the options given, or not if False;
    6. write `fields` (default: the names in `changes`) in one UPDATE … WHERE version =
       expected, which also raises the version (core.concurrency.save_versioned);
    7. record the change, before and after (with `extra`), through `auditor`.

    Any error leaves nothing written: the caller's transaction rolls back the lot.
    """
    _require_atomic("audited_update")
    stored = locked(instance, expected_version=expected_version) if stored is None else stored
    if stored.version != expected_version:
        raise StaleEditError(stored)
    before = auditor.snapshot(stored)
    if before_extra:
        before.update(before_extra)
    changes = changes or {}
    for name, value in changes.items():
        setattr(instance, name, value)
    _validate(instance, clean)
    to_write = list(changes) if fields is None else list(fields)
    save_versioned(instance, expected_version=expected_version, fields=to_write)
    auditor.updated(instance, before=before, person_id=person_id, extra=extra)
    return instance


def audited_create(
    instance: M,
    *,
    auditor: ChangeAuditor,
    person_id: Any,
    clean: bool | Mapping[str, bool] = True,
    extra: Mapping[str, Any] | None = None,
) -> M:
    """Add a new record and write its change history, or add nothing (#17): the other half
    of `audited_update`, for the validate → insert → "created" row pattern every service
    repeated. Inside the service's `transaction.atomic()`: validate (`instance.full_clean()`,
    with the options given, or not if False), INSERT, record it through `auditor`."""
    _require_atomic("audited_create")
    _validate(instance, clean)
    instance.save(force_insert=True)
    auditor.created(instance, person_id=person_id, extra=extra)
    return instance


def audited_upsert(
    model: type[V],
    stored: V | None,
    *,
    auditor: ChangeAuditor,
    person_id: Any,
    changes: Mapping[str, Any],
    new: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    clean: bool | Mapping[str, bool] = True,
    update_clean: bool | Mapping[str, bool] | None = None,
) -> V:
    """Add the record, or change the stored one (#17): the create-or-update step of a row
    kept one per something (a review's rating of an outcome, a person's About me page).

    `stored`: the caller's copy, already locked (`select_for_update()`) in the service's
    transaction, or None when there is none yet. None: a new `model` with `new` (what it
    belongs to) and `changes`, through `audited_create`. Otherwise `changes` are set on
    `stored` through `audited_update`, refused unless it is at `expected_version` (default:
    its own version, for a caller that has checked it already). `update_clean`: how the
    change is validated, when not as the new row (`clean`)."""
    if stored is None:
        return audited_create(
            model(**(new or {}), **changes), auditor=auditor, person_id=person_id, clean=clean
        )
    return audited_update(
        stored,
        auditor=auditor,
        expected_version=stored.version if expected_version is None else expected_version,
        stored=stored,
        person_id=person_id,
        changes=changes,
        clean=clean if update_clean is None else update_clean,
    )


def earlier_submission(
    model: type[S], token: uuid.UUID | None, *, made_by: Mapping[str, Any], used_message: str
) -> S | None:
    """The row of `model` this form's one-time token made already, marked
    `repeated_submission`, or None (no token, or nothing made with it yet). A token that
    made a row for anyone or anything other than `made_by` (field name → value, such as
    {"person_id": …, "author_id": …}) is refused with `used_message`, never returned."""
    if token is None:
        return None
    earlier = model._default_manager.filter(submission_token=token).first()
    if earlier is None:
        return None
    if any(getattr(earlier, name) != value for name, value in made_by.items()):
        raise ValidationError({"__all__": [used_message]})
    earlier.repeated_submission = True
    return earlier


def create_once(
    model: type[S],
    token: uuid.UUID | None,
    create: Callable[[], S],
    *,
    made_by: Mapping[str, Any],
    used_message: str,
) -> S:
    """Make a row with a form's one-time token, once (P-2, SEC-6: nothing doubled).

    The row `token` made already (`earlier_submission`) is returned as it is, and nothing
    is checked or written again. Otherwise `create()` (the service's own checks and writes,
    which store `token` as the row's `submission_token`) runs in a savepoint; when the same
    form sent at the same moment was saved first, the token's unique index refuses this
    copy, its writes are undone, and the row the other copy made is returned."""
    earlier = earlier_submission(model, token, made_by=made_by, used_message=used_message)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        earlier = earlier_submission(model, token, made_by=made_by, used_message=used_message)
        if earlier is None:
            raise
        return earlier


def _require_atomic(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(f"{name} runs inside the service's transaction.atomic().")


def _validate(instance: models.Model, clean: bool | Mapping[str, bool]) -> None:
    """`clean`: True for `full_clean()`, False for none, or which of its checks to run."""
    if clean is True:
        instance.full_clean()
    elif clean:
        unknown = set(clean) - {"validate_unique", "validate_constraints"}
        if unknown:
            raise TypeError(f"cannot clean with {sorted(unknown)}")
        instance.full_clean(
            validate_unique=clean.get("validate_unique", True),
            validate_constraints=clean.get("validate_constraints", True),
        )


def locked(instance: V, *, expected_version: int | None = None) -> V:
    """The stored copy of a versioned record, locked until the service's transaction ends
    (SELECT … FOR UPDATE); StaleEditError(stored) when `expected_version` is given and
    someone has saved it since. For a service that must look at the stored row before it
    changes it; `audited_update(…, stored=…)` then takes this copy."""
    stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and stored.version != expected_version:
        raise StaleEditError(stored)
    return stored

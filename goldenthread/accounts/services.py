"""Every change to accounts, roles, teams, areas, casework access and sign-in (SEC-1, SEC-4).

One path for the admin, the pages and commands. Each function takes a required `actor`,
runs in one transaction and writes the change history (`goldenthread.audit`, append-only)
in that transaction; Django's own admin log is never the record.

The rules that stop one administrator reaching case content (issue #11):
- casework access (named records) is asked for by one person and approved by another
  (another administrator, or the team leader of that team); `Person.objects.visible_to`
  gives nothing until then;
- administrators never set or see anyone's password or authenticator key: they issue a
  one-time code, shown once, which the person uses with what only they know;
- a reset that could leave one administrator holding every way into an account pauses that
  account's casework access until a second person approves it again.
"""

from __future__ import annotations

import copy
import datetime
import secrets
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Exists, Q
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.audit.models import ChangeAction, ChangeRecord
from goldenthread.audit.services import change_record, snapshot
from goldenthread.core.services import not_future, refuse_unknown_fields

from . import sign_in_cache
from .models import (
    CASEWORK_ROLES,
    AccessStatus,
    Area,
    CaseworkAccess,
    CodePurpose,
    FormStash,
    Handover,
    HandoverReason,
    Role,
    SignInCode,
    Team,
    User,
)
from .signals import casework_ended

# Codes are typed by people: no 0/O, 1/I/L. 12 characters from 31 is about 59 bits, and a
# code is void after a few wrong tries, so guessing is hopeless.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
# A code issued for setting a password also lets that same session set up an app, for this
# long after the password was set, when the account has none.
ENROL_AFTER_SET_UP = datetime.timedelta(minutes=30)

R = TypeVar("R", Team, Area)

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "team",
    "job_title",
    "is_staff",
    "is_superuser",
)


# --- Helpers -------------------------------------------------------------------------------


def _is_administrator(actor: Any) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.ADMINISTRATOR
    )


def _require_administrator(actor: Any, what: str) -> None:
    if not _is_administrator(actor):
        raise PermissionDenied(f"Only administrators {what}.")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: it is kept in the history."})
    return reason


def _redacted(instance: models.Model) -> models.Model:
    """A copy safe to write to the history: no password hash, no authenticator key."""
    clone = copy.copy(instance)
    if isinstance(clone, User) and isinstance(instance, User):
        clone.password = "set" if instance.has_usable_password() else "not set"
    if isinstance(clone, TOTPDevice):
        clone.key = "(secret)"
    if isinstance(clone, EmailDevice):
        clone.token = "(secret)" if instance.token else None  # type: ignore[attr-defined]
    if isinstance(clone, SignInCode):
        clone.code_hash = "(kept hashed, not in the history)"
    return clone


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return snapshot(_redacted(instance))


def _record(
    actor: Any,
    instance: models.Model,
    action: ChangeAction,
    before: dict[str, Any] | None,
    **extra: Any,
) -> None:
    change_record(
        actor=actor,
        instance=_redacted(instance),
        action=action,
        before=before,
        person_id=None,
        extra=extra or None,
    )


def _end_sessions(user: User) -> None:
    """End every session the user has: the session hash Django checks on each request
    includes this number (User._get_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_generation=models.F("session_generation") + 1)
    sign_in_cache.forget(user.pk)  # update() sends no signal
    user.refresh_from_db(fields=["session_generation"])


# --- One-time sign-in codes ----------------------------------------------------------------


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _issue_code(*, actor: User, user: User, purpose: CodePurpose, reason: str) -> str:
    """Make a code (earlier live codes of the same kind stop working); return it in clear,
    once. Only its hash is kept."""
    now = timezone.now()
    SignInCode.objects.filter(
        user=user, purpose=purpose, used_at__isnull=True, void_at__isnull=True
    ).update(void_at=now)
    code = _new_code()
    row = SignInCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=make_password(normalise_code(code)),
        reason=reason[:300],
        issued_by=actor,
        issued_at=now,
        expires_at=now + settings.GOLDENTHREAD_SIGN_IN_CODE_LIFETIME,
    )
    _record(actor, row, ChangeAction.CREATE, None)
    return code


def sign_in_code_check(*, user: User | None, purpose: CodePurpose, code: str) -> SignInCode | None:
    """The live code of this kind issued to `user` that matches, or None. Every wrong try
    counts against the user's live codes, which stop working after a few."""
    if user is None:
        return None
    now = timezone.now()
    typed = normalise_code(code)
    with transaction.atomic():
        live = [
            c
            for c in SignInCode.objects.select_for_update().filter(
                user=user,
                purpose=purpose,
                used_at__isnull=True,
                void_at__isnull=True,
                expires_at__gt=now,
                failed_tries__lt=SignInCode.MAX_FAILED_TRIES,
            )
        ]
        for row in live:
            if typed and check_password(typed, row.code_hash):
                return row
        SignInCode.objects.filter(pk__in=[c.pk for c in live]).update(
            failed_tries=models.F("failed_tries") + 1
        )
    return None


# --- Accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str
    purpose: CodePurpose
    expires_at: datetime.datetime


def _issued(user: User, code: str, purpose: CodePurpose) -> IssuedCode:
    """The code just issued, to show once, with when it stops working."""
    return IssuedCode(
        user=user,
        code=code,
        purpose=purpose,
        expires_at=timezone.now() + settings.GOLDENTHREAD_SIGN_IN_CODE_LIFETIME,
    )


def _check_role_and_team(role: str, team: Team | None, is_staff: bool) -> None:
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = "Choose a role."
    if role in CASEWORK_ROLES and team is None:
        errors["team"] = "Practitioners and team leaders belong to a team: choose one."
    if role in (Role.PERSON, Role.PROXY) and is_staff:
        errors["is_staff"] = "A supported person or proxy never uses the admin."
    if errors:
        raise ValidationError(errors)


def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    role: str,
    team: Team | None,
    job_title: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    reason: str,
) -> IssuedCode:
    """Add an account with no password: the person sets their own with the one-time code
    returned here (shown once to the administrator, to hand over by another channel).
    Casework roles get access only when a second person approves it."""
    _require_administrator(actor, "add accounts")
    reason = _require_reason(reason)
    _check_role_and_team(role, team, is_staff)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        team=team,
        job_title=job_title,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.set_unusable_password()
    user.full_clean()
    with transaction.atomic():
        user.save(force_insert=True)
        _record(actor, user, ChangeAction.CREATE, None, reason=reason)
        if role in CASEWORK_ROLES:
            _grant_request(actor=actor, user=user, reason=reason)
        code = _issue_code(
            actor=actor,
            user=user,
            purpose=CodePurpose.ACCOUNT_SET_UP,
            reason=f"New account: {reason}",
        )
    return _issued(user, code, CodePurpose.ACCOUNT_SET_UP)


def user_update(*, actor: User, user: User, reason: str = "", **changes: Any) -> User:
    """Change an account's details, role or team. A new role or team ends the casework
    access the old one had and asks for new access (approved by a second person); leaving
    the team or casework ends their allocations, listed for the team leader to reassign."""
    _require_administrator(actor, "change accounts")
    refuse_unknown_fields("user_update", changes, USER_FIELDS)
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(stored)
        old_role, old_team, old_team_id = stored.role, stored.team, stored.team_id
        for name, value in changes.items():
            setattr(stored, name, value)
        after = _snapshot(stored)
        changed = {name for name in changes if after.get(name) != before.get(name)}
        if not changed:
            return stored
        moved = "role" in changed or "team" in changed
        if moved:
            reason = _require_reason(reason)
        if stored.pk == actor.pk and changed & {"role", "is_staff", "is_superuser"}:
            raise PermissionDenied("Ask another administrator to change your own role.")
        _check_role_and_team(stored.role, stored.team, stored.is_staff)
        stored.full_clean()
        stored.save(
            update_fields=[f.attname for f in User._meta.concrete_fields if f.name in changed]
        )
        _record(actor, stored, ChangeAction.UPDATE, before, reason=reason)
        if moved:
            _grant_end(actor=actor, user=stored, reason=f"Role or team changed: {reason}")
            left_casework = old_role in CASEWORK_ROLES and (
                stored.role not in CASEWORK_ROLES or stored.team_id != old_team_id
            )
            if left_casework and old_team is not None:
                _hand_over(
                    actor=actor,
                    worker=stored,
                    team=old_team,
                    last_day=timezone.localdate(),
                    kind=HandoverReason.MOVED,
                    reason=reason,
                )
            if stored.role in CASEWORK_ROLES:
                _grant_request(actor=actor, user=stored, reason=reason)
    user.refresh_from_db()
    return user


def user_leave(*, actor: User, user: User, last_day: datetime.date, reason: str) -> Handover | None:
    """A leaver: the account stops working now (every session ends), their casework access
    ends, and their allocations end on their last day; the team leader is shown the people
    they held, to allocate someone else. The account is kept: their name stays on what
    they recorded.

    The last day is today or earlier (docs/adr/0004, "Leavers"): the account closes when
    this is recorded, so a day ahead would say they still work here when they cannot."""
    _require_administrator(actor, "record leavers")
    reason = _require_reason(reason)
    if user.pk == actor.pk:
        raise PermissionDenied("Ask another administrator to record that you have left.")
    _refuse_last_day_ahead(last_day)
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        if not stored.is_active:
            raise ValidationError("This account is already closed.")
        before = _snapshot(stored)
        stored.is_active = False
        stored.save(update_fields=["is_active"])
        _end_sessions(stored)
        _record(
            actor, stored, ChangeAction.UPDATE, before, reason=f"Left: {reason}", last_day=last_day
        )
        _grant_end(actor=actor, user=stored, reason=f"Left the service: {reason}")
        SignInCode.objects.filter(user=stored, used_at__isnull=True, void_at__isnull=True).update(
            void_at=timezone.now()
        )
        handover = None
        if stored.team is not None:
            handover = _hand_over(
                actor=actor,
                worker=stored,
                team=stored.team,
                last_day=last_day,
                kind=HandoverReason.LEFT,
                reason=reason,
            )
    user.refresh_from_db()
    return handover


def _refuse_last_day_ahead(last_day: datetime.date) -> None:
    errors: dict[str, str] = {}
    not_future(last_day, "last_day", "The last working day", errors)
    if errors and last_day > timezone.localdate():
        errors["last_day"] += (
            " The account closes as soon as you record this, so record it on or after "
            "their last day."
        )
    if errors:
        raise ValidationError(errors)


def _hand_over(
    *,
    actor: User,
    worker: User,
    team: Team,
    last_day: datetime.date,
    kind: HandoverReason,
    reason: str,
) -> Handover | None:
    """End the worker's running and future allocations on `last_day` and list those people
    for the team leader. Allocations belong to people, which sits above accounts: the
    people app does it, in this transaction, as the receiver of `casework_ended`
    (people.services.hand_over_allocations); an error there rolls this change back."""
    replies = casework_ended.send(
        sender=User,
        actor=actor,
        worker=worker,
        team=team,
        last_day=last_day,
        kind=kind,
        reason=reason,
    )
    for _, reply in replies:
        if isinstance(reply, Handover):
            return reply
    return None


def _may_hold_every_factor(actor: User, user: User) -> bool:
    """Whether `actor` could now know every way into `user`'s account: the password is
    unset or was set through a code `actor` issued, and the app likewise."""
    has_app = has_second_factor(user)
    password_open = not user.has_usable_password() or user.password_set_by_id == actor.pk
    app_open = not has_app or user.second_factor_set_by_id == actor.pk
    return password_open and app_open


def _pause_access_if_one_person_holds_the_keys(actor: User, user: User, reason: str) -> bool:
    if not _may_hold_every_factor(actor, user):
        return False
    current = (
        CaseworkAccess.objects.select_for_update()
        .filter(user=user, status=AccessStatus.APPROVED)
        .first()
    )
    if current is None:
        return False
    _grant_end(
        actor=actor,
        user=user,
        reason="Paused: one person reset every way to sign in to this account",
    )
    _grant_request(
        actor=actor,
        user=user,
        reason=f"Sign-in reset ({reason}); approve again once the person has "
        "signed in and you have checked it was them",
    )
    return True


@dataclass(frozen=True)
class ResetResult:
    issued: IssuedCode
    access_paused: bool


def second_factor_reset(*, actor: User, user: User, reason: str) -> ResetResult:
    """Lost or new phone: remove the person's authenticator apps, end every session, and
    issue a one-time code to set up a new app. The code only works after signing in with
    the person's own password, which the administrator does not know."""
    _require_administrator(actor, "reset authenticator apps")
    reason = _require_reason(reason)
    if user.pk == actor.pk:
        raise PermissionDenied("Ask another administrator to reset your own app.")
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        devices: list[Device] = [
            *TOTPDevice.objects.filter(user=stored),
            *EmailDevice.objects.filter(user=stored),
        ]
        for device in devices:
            change_record(
                actor=actor,
                instance=_redacted(device),
                action=ChangeAction.DELETE,
                before=_snapshot(device),
                person_id=None,
                extra={"reason": reason},
            )
            device.delete()
        before = _snapshot(stored)
        stored.second_factor_set_by = None
        stored.save(update_fields=["second_factor_set_by"])
        _end_sessions(stored)
        _record(
            actor, stored, ChangeAction.UPDATE, before, reason=f"Authenticator app reset: {reason}"
        )
        paused = _pause_access_if_one_person_holds_the_keys(actor, stored, reason)
        code = _issue_code(
            actor=actor, user=stored, purpose=CodePurpose.SECOND_FACTOR, reason=reason
        )
    return ResetResult(
        issued=_issued(stored, code, CodePurpose.SECOND_FACTOR),
        access_paused=paused,
    )


def password_reset(*, actor: User, user: User, reason: str) -> ResetResult:
    """Forgotten password: the old one stops working, every session ends, and the person
    sets a new one with a one-time code. Their authenticator app is still needed after."""
    _require_administrator(actor, "reset passwords")
    reason = _require_reason(reason)
    if user.pk == actor.pk:
        raise PermissionDenied("Change your own password yourself.")
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(stored)
        stored.set_unusable_password()
        stored.password_set_by = None
        stored.save(update_fields=["password", "password_set_by"])
        _end_sessions(stored)
        _record(actor, stored, ChangeAction.UPDATE, before, reason=f"Password reset: {reason}")
        paused = _pause_access_if_one_person_holds_the_keys(actor, stored, reason)
        code = _issue_code(
            actor=actor,
            user=stored,
            purpose=CodePurpose.ACCOUNT_SET_UP,
            reason=f"Password reset: {reason}",
        )
    return ResetResult(
        issued=_issued(stored, code, CodePurpose.ACCOUNT_SET_UP),
        access_paused=paused,
    )


def account_set_up(*, username: str, code: str, password: str) -> tuple[User, SignInCode]:
    """The person sets their own password with the code they were given. Raises
    ValidationError with one message whether the username, the code or both are wrong."""
    wrong = ValidationError(
        {
            "code": "The username or code is not right, or the code has expired. "
            "Check them, or ask an administrator for a new code."
        }
    )
    user = User.objects.filter(username=username, is_active=True).first()
    row = sign_in_code_check(user=user, purpose=CodePurpose.ACCOUNT_SET_UP, code=code)
    if user is None or row is None:
        raise wrong
    validate_password(password, user)
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().get(pk=row.pk)
        if not row.is_live(timezone.now()):
            raise wrong
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(stored)
        stored.set_password(password)
        stored.password_set_by_id = row.issued_by_id
        stored.save(update_fields=["password", "password_set_by"])
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        _record(
            stored,
            stored,
            ChangeAction.UPDATE,
            before,
            reason="Set their own password with a one-time code",
        )
    return stored, row


def enrolment_allowed(*, user: User, code_id: str | None) -> SignInCode | None:
    """The code that lets this signed-in user set up an app now, if any: a live
    authenticator code they typed in this session, or the code they set their password with
    in this session, used in the last half hour, while they have no app."""
    if not code_id:
        return None
    row = SignInCode.objects.filter(pk=code_id, user=user).first()
    if row is None:
        return None
    now = timezone.now()
    if row.purpose == CodePurpose.SECOND_FACTOR:
        return row if row.is_live(now) else None
    if (
        row.used_at is not None
        and now - row.used_at <= ENROL_AFTER_SET_UP
        and not has_second_factor(user)
    ):
        return row
    return None


def second_factor_enrol(*, user: User, device: Device, code_id: str | None) -> Device:
    """Confirm the app (or the e-mail address for codes) the person has just linked; the
    code is used up."""
    with transaction.atomic():
        row = enrolment_allowed(user=user, code_id=code_id)
        if row is None:
            raise PermissionDenied("Setting up an app needs a one-time code.")
        row = SignInCode.objects.select_for_update().get(pk=row.pk)
        if row.purpose == CodePurpose.SECOND_FACTOR:
            if not row.is_live(timezone.now()):
                raise PermissionDenied("That code has already been used or has expired.")
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
        if has_second_factor(user):
            raise PermissionDenied("A way to get sign-in codes is already set up.")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(stored)
        stored.second_factor_set_by_id = row.issued_by_id
        stored.save(update_fields=["second_factor_set_by"])
        change_record(
            actor=user,
            instance=_redacted(device),
            action=ChangeAction.CREATE,
            before=None,
            person_id=None,
        )
        what = "e-mail codes" if isinstance(device, EmailDevice) else "their authenticator app"
        _record(
            user,
            stored,
            ChangeAction.UPDATE,
            before,
            reason=f"Set up {what} with a one-time code",
        )
    return device


# --- The second factor: an app, or (people and proxies) codes by e-mail --------------------

# Staff always use an authenticator app (ADR 4). A person or a proxy may choose codes by
# e-mail instead, for those without a smartphone (issue #12).
EMAIL_CODE_ROLES = frozenset({Role.PERSON, Role.PROXY})
CODE_SENT = "A sign-in code was sent by e-mail"
WRONG_CODE = "A wrong sign-in code was entered"


def confirmed_device(user: User) -> Device | None:
    """The device this account signs in with: its app, or else its e-mail codes."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).first()
        or EmailDevice.objects.filter(user=user, confirmed=True).first()
    )


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or EmailDevice.objects.filter(user=user, confirmed=True).exists()
    )


def second_factor_annotations(user_id: Any) -> dict[str, Exists]:
    """`has_second_factor()` for the user `user_id` (an OuterRef) as annotations of another
    query, so a lookup that reads the user anyway learns it in the same query (the API's
    token check: api/services.token_find). Either annotation true: they have one."""
    return {
        "owner_has_app": Exists(TOTPDevice.objects.filter(user_id=user_id, confirmed=True)),
        "owner_has_email_codes": Exists(
            EmailDevice.objects.filter(user_id=user_id, confirmed=True)
        ),
    }


def may_use_email_codes(user: Any) -> bool:
    return getattr(user, "role", None) in EMAIL_CODE_ROLES


def masked_email(address: str) -> str:
    """Enough of the address to recognise it, not enough to learn it: p•••@example.org."""
    local, _, domain = (address or "").partition("@")
    if not local or not domain:
        return "your e-mail address"
    return f"{local[0]}•••@{domain}"


def email_code_send(*, user: User, device: EmailDevice) -> None:
    """Send a new code to the device's address (the last one stops working). Refused
    (ValidationError, in words for the person) within a minute of the last code, and after
    GOLDENTHREAD_EMAIL_CODES_PER_HOUR codes in an hour. Each code sent is in the history
    (never the code itself)."""
    now = timezone.now()
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().get(pk=device.pk, user=user)
        allowed, _ = device.generate_is_allowed()
        if not allowed:
            raise ValidationError(
                "A code was sent less than a minute ago. Check your e-mail, or wait a "
                "minute and ask for a new code."
            )
        sent_this_hour = ChangeRecord.objects.filter(
            object_type=EmailDevice._meta.label,
            object_id=str(device.pk),
            at__gt=now - datetime.timedelta(hours=1),
            after__event=CODE_SENT,
        ).count()
        if sent_this_hour >= settings.GOLDENTHREAD_EMAIL_CODES_PER_HOUR:
            raise ValidationError(
                "Too many codes have been sent in the last hour. Wait an hour and try "
                "again, or ask your worker for help."
            )
        before = _snapshot(device)
        device.throttle_reset(commit=False)  # a new code gets its own tries
        minutes = settings.OTP_EMAIL_TOKEN_VALIDITY // 60
        device.generate_challenge({"name": user.first_name or user.username, "minutes": minutes})
        _record(user, device, ChangeAction.UPDATE, before, event=CODE_SENT)


def email_code_check(*, user: User, device: EmailDevice, token: str) -> str | None:
    """None if `token` is the live code of this device (then used up); otherwise what to
    tell the person. A code stops working after its time or GOLDENTHREAD_EMAIL_CODE_TRIES
    wrong tries; each wrong try is in the history."""
    now = timezone.now()
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.token or device.valid_until <= now:
            return "That code has expired. Ask for a new code."
        if device.throttling_failure_count >= settings.GOLDENTHREAD_EMAIL_CODE_TRIES:
            return "Too many wrong codes. Ask for a new code."
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return "Too many wrong codes. Wait a minute, then try again."
        before = _snapshot(device)
        if device.verify_token(token):
            return None
        _record(user, device, ChangeAction.UPDATE, before, event=WRONG_CODE)
        left = settings.GOLDENTHREAD_EMAIL_CODE_TRIES - device.throttling_failure_count
        if left <= 0:
            return "That code is not right, and it has now stopped working. Ask for a new code."
        return "That code is not right. Check the newest e-mail we sent you."


def email_codes_start(*, user: User, email: str, code_id: str | None) -> EmailDevice:
    """A person or proxy chooses codes by e-mail while setting up their sign-in: the
    address is proved by the code sent to it (email_codes_confirm)."""
    if not may_use_email_codes(user):
        raise PermissionDenied("Staff sign in with an authenticator app.")
    if enrolment_allowed(user=user, code_id=code_id) is None:
        raise PermissionDenied("Setting up sign-in codes needs a one-time code.")
    if has_second_factor(user):
        raise PermissionDenied("A way to get sign-in codes is already set up.")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an e-mail address like name@example.org."}) from None
    with transaction.atomic():
        device = EmailDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = EmailDevice.objects.create(
                user=user, name="E-mail codes", email=email, confirmed=False
            )
        elif device.email != email:
            # A code sent to the old address must not prove the new one.
            device.email, device.token = email, None
            device.save(update_fields=["email", "token"])
    email_code_send(user=user, device=device)
    return device


def email_codes_confirm(*, user: User, token: str, code_id: str | None) -> EmailDevice:
    device = EmailDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"token": "Enter your e-mail address first."})
    problem = email_code_check(user=user, device=device, token=token)
    if problem:
        raise ValidationError({"token": problem})
    second_factor_enrol(user=user, device=device, code_id=code_id)
    return device


# --- Casework access: asked for by one person, approved by another -------------------------


def _grant_request(*, actor: User | None, user: User, reason: str) -> CaseworkAccess:
    if user.team is None:
        raise ValidationError({"team": "Practitioners and team leaders belong to a team."})
    grant = CaseworkAccess.objects.create(
        user=user,
        role=user.role,
        team=user.team,
        status=AccessStatus.PENDING,
        reason=reason[:300],
        granted_by=actor,
        granted_at=timezone.now(),
    )
    change_record(
        actor=actor, instance=grant, action=ChangeAction.CREATE, before=None, person_id=None
    )
    return grant


def _grant_end(*, actor: User, user: User, reason: str) -> None:
    for grant in CaseworkAccess.objects.select_for_update().filter(
        user=user, status__in=[AccessStatus.PENDING, AccessStatus.APPROVED]
    ):
        before = snapshot(grant)
        grant.status = AccessStatus.ENDED
        grant.ended_by, grant.ended_at, grant.end_reason = actor, timezone.now(), reason[:300]
        grant.save(update_fields=["status", "ended_by", "ended_at", "end_reason"])
        change_record(
            actor=actor, instance=grant, action=ChangeAction.UPDATE, before=before, person_id=None
        )


def casework_access_request(*, actor: User, user: User, reason: str) -> CaseworkAccess:
    """Ask for casework access for `user` in their current role and team (for example
    after it was paused or ended); a second person must approve it."""
    _require_administrator(actor, "ask for casework access")
    reason = _require_reason(reason)
    if user.role not in CASEWORK_ROLES or user.team_id is None or not user.is_active:
        raise ValidationError(
            "Only an active practitioner or team leader with a team can be given casework access."
        )
    with transaction.atomic():
        if CaseworkAccess.objects.filter(
            user=user, status__in=[AccessStatus.PENDING, AccessStatus.APPROVED]
        ).exists():
            raise ValidationError("This person already has access, or it is waiting for approval.")
        return _grant_request(actor=actor, user=user, reason=reason)


def can_decide(actor: Any, grant: CaseworkAccess) -> bool:
    """A different person decides: another administrator, or a team leader of that team
    who has approved access themselves. Never the person who asked, nor the grantee."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if grant.status != AccessStatus.PENDING:
        return False
    if actor.pk in (grant.user_id, grant.granted_by_id):
        return False
    if actor.role == Role.ADMINISTRATOR:
        return True
    return bool(
        actor.role == Role.TEAM_LEADER
        and actor.team_id == grant.team_id
        and CaseworkAccess.objects.approved_for(actor).exists()
    )


def _decide(*, actor: User, grant: CaseworkAccess, approve: bool, note: str) -> CaseworkAccess:
    with transaction.atomic():
        grant = CaseworkAccess.objects.select_for_update().select_related("user").get(pk=grant.pk)
        if not can_decide(actor, grant):
            if grant.status != AccessStatus.PENDING:
                raise ValidationError("This access has already been decided.")
            raise PermissionDenied(
                "Someone other than the person who asked for it (and other than the person "
                "given it) must decide: another administrator or the team leader of the team."
            )
        user = grant.user
        if approve and (
            not user.is_active or user.role != grant.role or user.team_id != grant.team_id
        ):
            raise ValidationError(
                "This person's role or team has changed since access was "
                "asked for; it cannot be approved."
            )
        before = snapshot(grant)
        grant.status = AccessStatus.APPROVED if approve else AccessStatus.REFUSED
        grant.decided_by, grant.decided_at = actor, timezone.now()
        grant.decision_note = note[:300]
        grant.full_clean()
        grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        change_record(
            actor=actor, instance=grant, action=ChangeAction.UPDATE, before=before, person_id=None
        )
    return grant


def casework_access_approve(
    *, actor: User, grant: CaseworkAccess, note: str = ""
) -> CaseworkAccess:
    return _decide(actor=actor, grant=grant, approve=True, note=note.strip())


def casework_access_refuse(*, actor: User, grant: CaseworkAccess, note: str) -> CaseworkAccess:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why you are refusing: the administrator sees it."})
    return _decide(actor=actor, grant=grant, approve=False, note=note)


# --- Teams and areas -----------------------------------------------------------------------


def _save_reference(*, actor: User, instance: R, what: str) -> R:
    _require_administrator(actor, f"change {what}")
    adding = instance._state.adding
    with transaction.atomic():
        before = None
        if not adding:
            before = snapshot(
                type(instance)._default_manager.select_for_update().get(pk=instance.pk)
            )
        instance.full_clean()
        instance.save()
        change_record(
            actor=actor,
            instance=instance,
            action=ChangeAction.CREATE if adding else ChangeAction.UPDATE,
            before=before,
            person_id=None,
        )
    return instance


def _delete_reference(*, actor: User, instance: models.Model, what: str) -> None:
    _require_administrator(actor, f"remove {what}")
    with transaction.atomic():
        change_record(
            actor=actor,
            instance=instance,
            action=ChangeAction.DELETE,
            before=snapshot(instance),
            person_id=None,
        )
        instance.delete()


def team_save(*, actor: User, team: Team) -> Team:
    return _save_reference(actor=actor, instance=team, what="teams")


def team_delete(*, actor: User, team: Team) -> None:
    _delete_reference(actor=actor, instance=team, what="teams")


def area_save(*, actor: User, area: Area) -> Area:
    return _save_reference(actor=actor, instance=area, what="areas")


def area_delete(*, actor: User, area: Area) -> None:
    _delete_reference(actor=actor, instance=area, what="areas")


# --- Forms kept across an expired session --------------------------------------------------


def form_stash_save(*, user: User, path: str, fields: dict[str, list[str]]) -> FormStash:
    """Keep what `user` typed into the form at `path` (their latest only), for a while."""
    now = timezone.now()
    with transaction.atomic():
        FormStash.objects.filter(Q(user=user) | Q(expires_at__lte=now)).delete()
        return FormStash.objects.create(
            user=user,
            path=path[:500],
            fields=fields,
            stashed_at=now,
            expires_at=now + settings.GOLDENTHREAD_FORM_STASH_LIFETIME,
        )


def form_stash_take(*, user: User) -> FormStash | None:
    """The form `user` was filling in when their session ended, removed as it is handed
    back (so it is shown once). Never anyone else's."""
    now = timezone.now()
    with transaction.atomic():
        stash = FormStash.objects.select_for_update().filter(user=user, expires_at__gt=now).first()
        FormStash.objects.filter(user=user).delete()
    return stash


def form_stash_waiting(*, user: User) -> bool:
    return FormStash.objects.filter(user=user, expires_at__gt=timezone.now()).exists()

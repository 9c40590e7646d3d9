"""Every write of the api app: personal API tokens (issue, revoke, note their use).

The plan import (FHIR) writes through the domain apps' own services: fhir/importer.py.
Each function takes keyword-only arguments and a required `actor`, runs in one transaction
and writes the change history (goldenthread.audit) in that transaction. A token's secret
never reaches the history: only its prefix; the stored hash is redacted there too.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from goldenthread.accounts.models import CASEWORK_ROLES, STAFF_ROLES, User
from goldenthread.accounts.rules import is_administrator
from goldenthread.accounts.services import second_factor_annotations
from goldenthread.audit.models import ChangeAction
from goldenthread.audit.services import Auditor, change_record, snapshot
from goldenthread.core.formatting import date_text
from goldenthread.core.services import audited_create

from .models import ApiToken, TokenScope

TOKEN_PATTERN = re.compile(r"^gt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
REDACTED = {"token_hash": "[not kept in the history]"}
NAME_MAX_LENGTH = 60  # ApiToken.name
# The words of a refusal, the form's and the service's alike (forms.TokenForm).
NAME_NEEDED = "Give the token a name, for example 'Finance system'."
NAME_TOO_LONG = f"Use a name of {NAME_MAX_LENGTH} characters or fewer."
NAME_TAKEN = "You already have a token with this name. Choose another name."
SCOPE_NEEDED = "Choose whether the token may read only, or read and write."
WRITE_NOT_ALLOWED = (
    "Only practitioners and team leaders may have a token that writes. Choose read only."
)


def hash_token(token: str) -> str:
    """SHA-256 of the whole token. The secret is 32 random bytes, so a plain hash is
    enough: nothing can be guessed from it (a slow password hash is for what people
    choose)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def max_days() -> int:
    return int(getattr(settings, "GOLDENTHREAD_API_TOKEN_MAX_DAYS", 366))


def latest_expiry() -> datetime.date:
    """The last day a token made today may work to: the page's hint and the refusal both
    name this date. The first is today (a token works to the end of its last day)."""
    return timezone.localdate() + datetime.timedelta(days=max_days())


def expiry_hint() -> str:
    """The words beside the date on the page, with the same latest date as the refusal."""
    return (
        f"Today or any day up to {date_text(latest_expiry())}. It works until the end of that "
        "day. You can revoke it sooner."
    )


def may_hold_token(user: User) -> bool:
    """Staff may hold API tokens; the supported person and their proxies may not."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.role in STAFF_ROLES
    )


def may_write(user: User | AnonymousUser) -> bool:
    """Only practitioners and team leaders (casework) change records, through the API as on
    the pages. Panel members, commissioners and administrators read only: none of them
    writes a person's record on the pages either (a panel member's decision is made on the
    panel's own page). No one who is not signed in."""
    return isinstance(user, User) and user.role in CASEWORK_ROLES


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


def api_token_create(
    *, actor: User, name: str, scope: str, expires_on: datetime.date
) -> IssuedToken:
    """Issue a token to `actor` (for themselves only). Shown once: only its hash is kept.
    The name is checked and the token made in one transaction, under a lock on the actor's
    row: two requests at once cannot both make a working token of the same name."""
    if not may_hold_token(actor):
        raise PermissionDenied("Only staff hold API tokens.")
    name = (name or "").strip()
    prefix = secrets.token_hex(6)
    secret = f"gt_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
        _check_token(actor, name=name, scope=scope, expires_on=expires_on)
        # The end of the chosen day, in the service's time zone.
        expires_at = timezone.make_aware(
            datetime.datetime.combine(expires_on, datetime.time(23, 59, 59))
        )
        token = ApiToken(
            user=actor,
            name=name,
            prefix=prefix,
            token_hash=hash_token(secret),
            scope=scope,
            expires_at=expires_at,
        )
        audited_create(token, auditor=Auditor(actor), person_id=None, extra=REDACTED)
    return IssuedToken(token=token, secret=secret)


def _check_token(actor: User, *, name: str, scope: str, expires_on: datetime.date) -> None:
    """Refuse (ValidationError, by field) a token that may not be made as asked."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = NAME_NEEDED
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = NAME_TOO_LONG
    elif actor.api_tokens.filter(
        name=name, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        errors["name"] = NAME_TAKEN
    if scope not in TokenScope.values:
        errors["scope"] = SCOPE_NEEDED
    elif scope == TokenScope.WRITE and not may_write(actor):
        errors["scope"] = WRITE_NOT_ALLOWED
    # A token works to 23:59:59 of its last day: today is a day it can stop working.
    if expires_on is None:
        errors["expires_on"] = "Enter the date the token stops working."
    elif expires_on < timezone.localdate():
        errors["expires_on"] = "The date the token stops working must be today or later."
    elif expires_on > latest_expiry():
        errors["expires_on"] = (
            f"The date the token stops working must be on or before {date_text(latest_expiry())}."
        )
    if errors:
        raise ValidationError(errors)


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Stop a token working now. Its owner revokes it; so may an administrator (for a
    leaver or a token that has leaked)."""
    if actor is None or not (token.user_id == actor.pk or is_administrator(actor)):
        raise PermissionDenied("Only the token's owner or an administrator revokes it.")
    with transaction.atomic():
        stored = ApiToken.objects.select_for_update().get(pk=token.pk)
        if stored.revoked_at is not None:
            return stored
        before = {**snapshot(stored), **REDACTED}
        stored.revoked_at = timezone.now()
        stored.save(update_fields=["revoked_at", "updated_at"])
        change_record(
            actor=actor,
            instance=stored,
            action=ChangeAction.UPDATE,
            before=before,
            person_id=None,
            extra=REDACTED,
        )
    return stored


def token_find(raw: str) -> ApiToken | None:
    """The token this string is, if it is one we issued (whatever its state); else None.
    Compared in constant time. One query: the token, its owner and their team, and whether
    the owner has a second factor set up (`owner_has_second_factor`)."""
    match = TOKEN_PATTERN.match(raw or "")
    if match is None:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__team")
        .annotate(**second_factor_annotations(OuterRef("user_id")))
        .filter(prefix=match.group(1))
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    return token


def owner_has_second_factor(token: ApiToken) -> bool:
    """Whether the owner of a token from `token_find` has a second factor set up, as that
    one query read it (with its revocation and expiry: all of this moment)."""
    return bool(
        getattr(token, "owner_has_app", False) or getattr(token, "owner_has_email_codes", False)
    )


def token_used(token: ApiToken) -> None:
    """Note when a token was last used (at most once a minute: it costs a write). Not a
    change to anyone's record, so not in the change history."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

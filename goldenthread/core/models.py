"""The base every Golden Thread record stands on."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from goldenthread.accounts.models import User


class BaseModel(models.Model):
    """A UUID key (not guessable, safe in URLs) and when the row was made and last changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """A record people edit: `version` goes up by one on every save through a service,
    so a save made from an older copy can be refused instead of overwriting (SEC-5)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class SubmittedOnce(models.Model):
    """A row made by a form that carries a one-time token (ui.forms.OneTimeTokenForm): the
    same form sent twice (a double click, back and send again, a retried request) finds
    the row it made the first time instead of making another (core.services.create_once).
    The token is unique; rows made without a form (imports, demo data) have none."""

    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Not stored: set by create_once when a repeated submission found this row.
    repeated_submission = False

    class Meta:
        abstract = True


def optional_user_link() -> models.ForeignKey[User | None, User | None]:
    """Who did something to a record (granted, decided, ended, resolved it), empty until
    someone has, or where no one signed in did it. The user is never deleted while a
    record names them (PROTECT), and has no reverse accessor ("+")."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

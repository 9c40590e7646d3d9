"""Reads the API needs beyond a person's own relations. Each starts from a person the
caller reached through `Person.objects.visible_to(user)` (the gate in auth.py)."""

from __future__ import annotations

import uuid

from goldenthread.conversations.models import PositiveChange
from goldenthread.people.models import Person

from .models import ApiToken


def positive_change_of(person: Person, change_id) -> PositiveChange | None:
    return PositiveChange.objects.filter(person=person, pk=change_id).first()


def tokens_of(user) -> list[ApiToken]:
    """A user's own API tokens, newest first (revoked and expired ones too)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))


def token_of(user, token_id) -> ApiToken | None:
    """One of the user's own tokens, or None (also for an id that is not a UUID)."""
    try:
        token_id = uuid.UUID(str(token_id))
    except ValueError:
        return None
    return ApiToken.objects.filter(user=user, pk=token_id).first()

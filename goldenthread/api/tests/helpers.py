"""Shared by the API tests: tokens, calls with a token, and the routes of the router."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from goldenthread.api import services
from goldenthread.api.models import TokenScope


def token_for(user, scope: str = TokenScope.WRITE, name: str = "Test system") -> str:
    """A token `user` made on their account page, which they reach only with their second
    factor set up (an authenticator app, confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    scope = scope if services.may_write(user) else TokenScope.READ
    issued = services.api_token_create(
        actor=user,
        name=name,
        scope=scope,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    return issued.secret


def call(client, method: str, url: str, token: str | None = None, body=None, **headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    kwargs = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method.lower())(url, **kwargs, **extra)


def fields(answer) -> set[str]:
    """The fields a 422 answer names."""
    assert answer.status_code == 422, answer.content
    return {error["field"] for error in answer.json()["errors"]}


def changes(object_type: str, action: str = "create") -> int:
    """How many change records of this kind the audit holds."""
    from goldenthread.audit.models import ChangeRecord

    return ChangeRecord.objects.filter(object_type=object_type, action=action).count()


def with_a_possible_duplicate(full_record, practitioner) -> dict:
    """The record's ids, and a possible duplicate the practitioner raised about its person
    (the one route whose address names no person)."""
    import datetime

    from goldenthread.people.models import Person, PossibleDuplicate

    person = Person.objects.get(pk=full_record["person_id"])
    raised = PossibleDuplicate.objects.create(
        requested_by=practitioner,
        team=practitioner.team,
        given_name="Morag",
        family_name="Brown",
        date_of_birth=datetime.date(1950, 1, 1),
        chi_number="0101501234",
        existing_person_id=person.pk,
        existing_team=person.team,
    )
    return {**full_record, "duplicate_id": raised.pk}

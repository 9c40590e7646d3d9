"""Telling people about decisions (SPEC ACC-3): an in-app notifications list, and an e-mail
through Django's e-mail backend where the user has an address (the console in the demo).

`notify()` is called by the services that decide things (sds: a budget request decided;
accountability: a challenge answered; reviews: a review due; people: a team leader's answer
about a person who may already be known). It runs after the deciding
transaction commits, so a rolled-back decision tells no one. The words of a notification
and of its e-mail name no one and quote nothing from the record: the link leads to the
page, which checks access as every page does.

A link can outlive the user's access (their allocation ended, a proxy's link was
withdrawn): the notifications list then says plainly that the record is no longer open to
them, with no link. Whether a link is still open is asked of the app that owns the records
a link names (`register_closed_links_check`: people, above accounts, registers it)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

EMAIL_SUBJECT = "Golden Thread: {text}"
EMAIL_BODY = (
    "{text}\n\nSign in to Golden Thread to see it: {link}\n\n"
    "This message names no one. Your notifications list shows everything you have been told."
)


class Kind:
    BUDGET_DECIDED = "budget_decided"
    CHALLENGE_ANSWERED = "challenge_answered"
    REVIEW_DUE = "review_due"
    CORRECTION_ANSWERED = "correction_answered"
    ACCESS_ENDED = "access_ended"  # someone's access to the person's record, ended by another
    POSSIBLE_DUPLICATE_ANSWERED = "duplicate_answered"  # a team leader checked a worker's request


def _send(users: list[Any], kind: str, text: str, url: str, key: str) -> list[Notification]:
    made = []
    for user in users:
        if user is None or not getattr(user, "is_active", False):
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user, kind=kind, text=text[:300], url=url, key=key
                )
        except IntegrityError:  # told already (same key)
            continue
        made.append(note)
        if user.email:
            link = settings.GOLDENTHREAD_SITE_URL.rstrip("/") + url
            try:
                send_mail(
                    EMAIL_SUBJECT.format(text=text)[:150],
                    EMAIL_BODY.format(text=text, link=link),
                    None,
                    [user.email],
                )
            except OSError:  # the mail server is down: the in-app notice still stands
                log.warning("notification e-mail not sent", extra={"kind": kind})
            else:
                Notification.objects.filter(pk=note.pk).update(emailed=True)
    return made


def notify(users: Iterable[Any], *, kind: str, text: str, url: str = "", key: str = "") -> None:
    """Tell each user (once per `key`, if given), after the current transaction commits."""
    unique = list({getattr(u, "pk", None): u for u in users if u is not None}.values())
    transaction.on_commit(lambda: _send(unique, kind, text, url, key))


# (user, links) → the links among them that lead to a record the user may no longer open.
ClosedLinksCheck = Callable[[Any, list[str]], set[str]]
_CLOSED_LINKS_CHECKS: list[ClosedLinksCheck] = []


def register_closed_links_check(check: ClosedLinksCheck) -> ClosedLinksCheck:
    if check not in _CLOSED_LINKS_CHECKS:
        _CLOSED_LINKS_CHECKS.append(check)
    return check


def closed_links(user, links: Iterable[str]) -> set[str]:
    """The links (of this user's notifications) that lead to a record closed to them now."""
    asked = sorted({link for link in links if link})
    closed: set[str] = set()
    for check in _CLOSED_LINKS_CHECKS:
        closed |= check(user, asked)
    return closed


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, notes: Iterable[Notification]) -> None:
    ids = [n.pk for n in notes if n.read_at is None]
    if ids:
        Notification.objects.filter(user=user, pk__in=ids).update(read_at=timezone.now())

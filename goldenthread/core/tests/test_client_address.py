"""SEC-2, SEC-3: behind the council's proxies, sign-in throttling, the access log and the
invitation throttle count the person's own address, never the proxy's; a forged
X-Forwarded-For never chooses the address (#11)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.core.client_address import client_address

LOGIN = "/account/sign-in/"
PROXY = "10.0.0.1"


def address(forwarded: str | None, *, proxies: int, settings) -> str | None:
    settings.GOLDENTHREAD_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra))


@pytest.mark.parametrize(
    "forwarded, proxies, expected",
    [
        ("203.0.113.7", 0, PROXY),  # no proxies of ours: the header is the client's own text
        ("203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # what the client wrote is never believed
        ("6.6.6.6, 203.0.113.7, 192.0.2.5", 2, "203.0.113.7"),
        ("203.0.113.7", 2, PROXY),  # shorter than promised
        (None, 1, PROXY),
        ("", 1, PROXY),
        ("203.0.113.7, not-an-address", 1, PROXY),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_the_address_is_the_one_our_outermost_proxy_saw(forwarded, proxies, expected, settings):
    assert address(forwarded, proxies=proxies, settings=settings) == expected


def post_via_proxy(client, forwarded, username, password="wrong-password"):  # noqa: S107
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_a_proxy_one_address_spraying_does_not_lock_out_the_council(
    client, practitioner, settings
):
    """Before: every sign-in came from the proxy's address, so one person's 30 failures
    locked out everyone in the council."""
    from axes.models import AccessAttempt

    settings.GOLDENTHREAD_PROXY_COUNT = 1
    limit = settings.GOLDENTHREAD_SIGN_IN_FAILURES_PER_ADDRESS
    for n in range(limit):
        post_via_proxy(client, "203.0.113.9", f"someone{n}")
    assert post_via_proxy(client, "203.0.113.9", "pat", DEMO_PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # Pat, behind the same proxy at her own desk, signs in; the access log has her address.
    response = post_via_proxy(client, "198.51.100.20", "pat", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(practitioner.pk)


@pytest.mark.django_db
def test_the_access_log_records_the_persons_address_not_the_proxys(
    practitioner_client, person, settings
):
    from django.urls import reverse

    from goldenthread.audit.models import AccessLog

    settings.GOLDENTHREAD_PROXY_COUNT = 1
    before = set(AccessLog.objects.values_list("pk", flat=True))
    response = practitioner_client.get(
        reverse("people:detail", args=[person.pk]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20",
    )
    assert response.status_code == 200
    rows = AccessLog.objects.exclude(pk__in=before)
    assert rows.exists()
    assert set(rows.values_list("ip_address", flat=True)) == {"198.51.100.20"}

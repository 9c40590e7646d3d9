"""P-1: a practitioner invites the person (or a proxy); they make their own sign-in with the
one-time code, link an authenticator app as staff do, and land on their own record. Proxy
scope, legal powers, and the 12+ rule."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from goldenthread.accounts.models import Role, User
from goldenthread.audit.models import ChangeRecord
from goldenthread.people.factories import PersonFactory
from goldenthread.people.models import Person
from goldenthread.portal import services
from goldenthread.portal.factories import ProxyLinkFactory
from goldenthread.portal.models import Invitation, ProxyBasis, RecordLink

PASSWORD = "four words of my own"


def issue(practitioner, person, **kwargs):
    return services.invitation_issue(
        actor=practitioner,
        person=person,
        **{"kind": "self", "name": "Jean Macdonald", "channel": "in_person", **kwargs},
    )


def join(client, code, username="jean", password=PASSWORD):
    return client.post(
        reverse("portal:join"),
        {"code": code, "username": username, "new_password1": password, "new_password2": password},
    )


def test_practitioner_invites_from_the_record_and_the_code_is_shown_once(
    practitioner_client, person
):
    response = practitioner_client.post(
        reverse("portal_staff:invite", args=[person.pk]),
        {"kind": "self", "name": "Jean Macdonald", "channel": "in_person"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    invitation = Invitation.objects.get(person=person)
    code = page.split('id="invitation-code">')[1].split("<")[0]
    assert invitation.code_lookup == services.code_lookup(code)
    assert code not in str(list(ChangeRecord.objects.values_list("after", flat=True)))
    assert invitation.expires_at - invitation.issued_at == datetime.timedelta(days=14)
    overview = practitioner_client.get(reverse("portal_staff:overview", args=[person.pk]))
    assert code not in overview.content.decode()


def test_the_code_can_be_emailed(practitioner, person):
    issued = issue(practitioner, person, channel="email", email="jean@example.org")
    assert len(mail.outbox) == 1 and issued.code in mail.outbox[0].body
    assert mail.outbox[0].to == ["jean@example.org"]
    with pytest.raises(ValidationError):
        issue(practitioner, person, channel="email", email="")


def test_only_a_worker_for_the_person_can_invite(other_practitioner, person):
    with pytest.raises(PermissionDenied):
        issue(other_practitioner, person)


def test_the_person_sets_up_their_sign_in_and_links_an_app(client, practitioner, person, settings):
    settings.GOLDENTHREAD_REQUIRE_2FA = True
    code = issue(practitioner, person).code
    response = join(client, code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response.url == reverse("accounts:setup_second_factor")
    user = User.objects.get(username="jean")
    assert user.role == Role.PERSON and user.check_password(PASSWORD)
    assert list(Person.objects.visible_to(user)) == [person]
    # The staff app-linking step accepts them in this session.
    assert client.get(response.url).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    done = client.post(response.url, {"token": f"{token:06d}"})
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(reverse("core:home")).url == reverse("portal:home")
    # The code works once.
    client.logout()
    again = join(client, code, username="jean2")
    assert again.status_code == 200 and not User.objects.filter(username="jean2").exists()


def test_an_expired_code_is_refused(pinned_clock, client, practitioner, person):
    code = issue(practitioner, person).code  # at 10:30 on 3 June
    pinned_clock.move_to("2026-06-17 10:30:01+01:00", tick=False)
    response = join(client, code)
    assert response.status_code == 200
    assert "expired" in response.content.decode()
    assert not User.objects.filter(username="jean").exists()


def test_wrong_codes_are_throttled(client, practitioner, person):
    code = issue(practitioner, person).code
    for _ in range(10):
        join(client, "WRONG-CODE-0000")
    response = join(client, code)
    assert "Too many tries" in response.content.decode()
    assert not User.objects.filter(username="jean").exists()


def test_a_weak_password_is_refused_and_nothing_is_made(client, practitioner, person):
    code = issue(practitioner, person).code
    response = join(client, code, password="password1234")
    assert response.status_code == 200
    assert not User.objects.filter(username="jean").exists()
    assert Invitation.objects.get().used_at is None


def test_a_proxy_with_everything_except_some_sections(client, practitioner, person):
    code = issue(
        practitioner,
        person,
        kind="proxy",
        name="Ann Macdonald",
        relationship="Daughter",
        basis=ProxyBasis.AUTHORISED,
        hidden_sections=["risks", "who_looked"],
    ).code
    join(client, code, username="ann")
    ann = User.objects.get(username="ann")
    assert ann.role == Role.PROXY
    link = RecordLink.objects.get(user=ann)
    assert not link.shows("risks") and link.shows("outcomes")
    sign_in(client, ann)
    assert client.get(reverse("portal:record", args=[person.pk])).status_code == 200
    assert client.get(reverse("portal:who_looked", args=[person.pk])).status_code == 403


def test_a_legal_power_needs_its_reference_and_end_date(practitioner, person):
    with pytest.raises(ValidationError) as refused:
        issue(
            practitioner,
            person,
            kind="proxy",
            name="A Guardian",
            relationship="Guardian",
            basis=ProxyBasis.GUARDIAN,
        )
    assert {"legal_reference", "valid_until"} <= set(refused.value.error_dict)


def test_a_power_ends_on_its_date(pinned_clock, person):
    link = ProxyLinkFactory(
        person=person, basis=ProxyBasis.POWER_OF_ATTORNEY, valid_until=datetime.date(2026, 6, 30)
    )
    assert Person.objects.visible_to(link.user).exists()
    pinned_clock.move_to("2026-07-01 10:00:00+01:00", tick=False)
    assert not Person.objects.visible_to(link.user).exists()


def test_from_twelve_a_young_person_agrees_to_a_parents_access(pinned_clock, practitioner, team):
    young = PersonFactory(team=team, date_of_birth=datetime.date(2013, 5, 1))  # 13
    from goldenthread.people.factories import AllocationFactory

    AllocationFactory(person=young, worker=practitioner)
    with pytest.raises(ValidationError) as refused:
        issue(
            practitioner,
            young,
            kind="proxy",
            name="Mum",
            relationship="Mother",
            basis=ProxyBasis.PARENT,
        )
    assert "young_person_agreed_on" in refused.value.error_dict
    issue(
        practitioner,
        young,
        kind="proxy",
        name="Mum",
        relationship="Mother",
        basis=ProxyBasis.PARENT,
        young_person_agreed_on=datetime.date(2026, 6, 1),
        young_person_agreement="Said so at our meeting",
    )
    # A parent's access made while a child was under 12 stops when they turn 12, until
    # they agree.
    child = PersonFactory(team=team, date_of_birth=datetime.date(2014, 7, 1))  # 11
    parent = ProxyLinkFactory(person=child, basis=ProxyBasis.PARENT, relationship="Father")
    assert Person.objects.visible_to(parent.user).exists()
    pinned_clock.move_to("2026-07-01 10:00:00+01:00", tick=False)
    assert not Person.objects.visible_to(parent.user).exists()


def test_the_person_ends_a_proxys_access(client, person):
    from goldenthread.portal.factories import RecordLinkFactory

    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person)
    sign_in(client, me)
    response = client.post(
        reverse("portal:end_access", args=[person.pk, proxy.pk]),
        {"reason": "I do not want her to see it now"},
    )
    assert response.status_code == 302
    proxy.refresh_from_db()
    assert proxy.ended_at is not None and proxy.ended_by == me
    assert not Person.objects.visible_to(proxy.user).exists()
    assert ChangeRecord.objects.filter(object_id=str(proxy.pk), actor=me).exists()


def test_a_proxy_cannot_end_someone_elses_access(person):
    one, two = ProxyLinkFactory(person=person), ProxyLinkFactory(person=person)
    with pytest.raises(PermissionDenied):
        services.link_end(actor=one.user, link=two, reason="No")


def test_access_is_ended_once(client, person):
    """#12: ending access that has ended already (a second press, another tab, the API) is
    refused by the service, with the reason on the page; nothing more is written."""
    from goldenthread.portal.factories import RecordLinkFactory

    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person)
    services.link_end(actor=me, link=proxy, reason="Not now")
    stale = RecordLink.objects.get(pk=proxy.pk)
    with pytest.raises(ValidationError, match="already ended"):
        services.link_end(actor=me, link=stale, reason="Again")
    assert ChangeRecord.objects.filter(object_id=str(proxy.pk)).count() == 1
    sign_in(client, me)
    response = client.post(
        reverse("portal:end_access", args=[person.pk, proxy.pk]), {"reason": "Again"}
    )
    assert response.status_code == 200
    assert "Their access has already ended." in response.content.decode()
    assert RecordLink.objects.get(pk=proxy.pk).end_reason == "Not now"

"""Factories for the person's own record: tests and demo data."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from goldenthread.accounts.factories import UserFactory
from goldenthread.accounts.models import Role

from .models import (
    AboutMe,
    AccessQuestion,
    CorrectionRequest,
    Invitation,
    ItemComment,
    LinkKind,
    ProxyBasis,
    RecordLink,
    Withholding,
)


class PersonAccountFactory(UserFactory):
    role = Role.PERSON
    team = None  # type: ignore[assignment]  # people and proxies belong to no team
    job_title = ""
    username = factory.Sequence(lambda n: f"person{n}")


class ProxyAccountFactory(PersonAccountFactory):
    role = Role.PROXY
    username = factory.Sequence(lambda n: f"proxy{n}")


class RecordLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordLink

    user = factory.SubFactory(PersonAccountFactory)
    person = None  # always given
    kind = LinkKind.SELF
    valid_from = factory.LazyFunction(lambda: timezone.localdate())


class ProxyLinkFactory(RecordLinkFactory):
    user = factory.SubFactory(ProxyAccountFactory)
    kind = LinkKind.PROXY
    relationship = "Daughter"
    basis = ProxyBasis.AUTHORISED


class ItemCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemComment

    person = None
    item_type = "people.Person"
    item_id = factory.LazyAttribute(lambda c: str(c.person.pk))
    text = "I would rather be called Jean."
    author = None


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorrectionRequest

    person = None
    item_type = "people.Person"
    item_id = factory.LazyAttribute(lambda c: str(c.person.pk))
    item_text = factory.LazyAttribute(lambda c: c.person.communication_needs)
    what_is_wrong = "I do not use a hearing aid any more."
    asked_by = None
    asked_at = factory.LazyFunction(timezone.now)


def portal_record_kwargs(person) -> dict:
    """For the full_record fixture: one of every portal record with every text field
    filled (the stored-markup test marks them), so every portal URL is covered by the URL
    sweeps: the person's own sign-in, a proxy (and one whose access ended), an invitation,
    a comment, a waiting and an answered correction request, a withholding and a question
    about who looked."""
    from goldenthread.audit.services import access_record
    from goldenthread.core.services import SystemActor

    worker = person.allocations.first().worker
    today = timezone.localdate()
    own: Any = RecordLinkFactory(person=person)
    proxy: Any = ProxyLinkFactory(
        person=person,
        legal_reference="POA 123",
        hidden_sections=["risks"],
        young_person_agreement="Agreed at the meeting",
    )
    ProxyLinkFactory(
        person=person,
        relationship="Neighbour",
        ended_at=timezone.now(),
        ended_by=own.user,
        end_reason="Moved away",
    )
    Invitation.objects.create(
        person=person,
        kind=LinkKind.PROXY,
        name="Ann Macdonald",
        relationship="Daughter",
        basis=ProxyBasis.AUTHORISED,
        legal_reference="None",
        hidden_sections=["risks"],
        young_person_agreement="Not needed",
        channel="email",
        email="ann@example.org",
        code_lookup=f"test-{person.pk}",
        issued_by=worker,
        issued_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    ItemCommentFactory(person=person, author=own.user)
    correction: Any = CorrectionRequestFactory(
        person=person,
        asked_by=own.user,
        item_text="Uses a hearing aid",
        should_say="Does not use a hearing aid",
    )
    CorrectionRequestFactory(
        person=person,
        asked_by=own.user,
        item_text="Lives alone",
        should_say="Lives with Ann",
        status="declined",
        answered_by=worker,
        answered_at=timezone.now(),
        answer="We checked with you on 3 June; your comment is added.",
    )
    withholding = Withholding.objects.create(
        person=person,
        item_type="people.Person",
        item_id=str(person.pk),
        grounds="third_party",
        reason="Names a neighbour who has not agreed",
        review_on=today + datetime.timedelta(days=90),
        withheld_by=worker,
    )
    log = access_record(
        actor=SystemActor("Test data"),
        person_id=person.pk,
        action="view",
        what="data set-up",
        reason="Made by test data",
    )
    question = AccessQuestion.objects.create(
        person=person,
        log_id=log.pk,
        about=log.actor_name,
        looked_at=log.at,
        question="Why did you look?",
        asked_by=own.user,
        asked_at=timezone.now(),
        answer="",
    )
    AccessQuestion.objects.create(
        person=person,
        log_id=log.pk,
        about=log.actor_name,
        looked_at=log.at,
        question="And why then?",
        asked_by=own.user,
        asked_at=timezone.now(),
        answered_by=worker,
        answered_at=timezone.now(),
        answer="To prepare your review.",
    )
    AboutMe.objects.create(
        person=person,
        what_matters="My garden",
        admired="My jokes",
        how_to_support="Give me time",
        communication="I write things down",
        important_people="Ann, my daughter",
        changed_by=own.user,
    )
    media = about_me_picture(person, own.user)
    return {
        "media_id": media.pk,
        "log_id": log.pk,
        "question_id": question.pk,
        "link_id": proxy.pk,
        "correction_id": correction.pk,
        "withholding_id": withholding.pk,
    }


def about_me_picture(person, added_by, description: str = "Me in my garden"):
    """A picture on About me, stored as the upload service stores one."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from .models import AboutMeMedia, MediaKind

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 120, 40)).save(out, format="PNG")
    media = AboutMeMedia(
        person=person,
        kind=MediaKind.IMAGE,
        content_type="image/png",
        size=len(out.getvalue()),
        description=description,
        original_name="garden.png",
        added_by=added_by,
    )
    media.file.save(f"{person.pk}/{media.pk}.png", ContentFile(out.getvalue()), save=False)
    media.save()
    return media

"""Demo sign-ins for the person's own record (OPS-1, P-1..P-3).

    load_portal_demo()      # one call, after the rest of the demo data is loaded
    PORTAL_SIGN_INS         # (username, what) pairs to print with the staff sign-ins

Makes `person`, the sign-in of the demo person with the fullest record allocated to the
demo `practitioner`, and `proxy`, their daughter acting for them with their authority,
with a comment and a correction request waiting on the practitioner's worklist. The demo
runs with the second factor off (dev settings), as for the staff sign-ins. Written through
the portal's services (audited). Idempotent: does nothing if `person` exists.
"""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.accounts.models import User
from goldenthread.people.chi import sex_from_chi
from goldenthread.people.models import Allocation, active_on

from . import services
from .factories import PersonAccountFactory, ProxyAccountFactory
from .models import LinkKind, ProxyBasis, RecordLink

PORTAL_SIGN_INS = (
    ("person", "A supported person: their own record (/my-record/)"),
    ("proxy", "Their daughter, acting for them (proxy)"),
)


@transaction.atomic
def load_portal_demo() -> bool:
    if User.objects.filter(username="person").exists():
        return False
    allocations = (
        Allocation.objects.filter(active_on(timezone.localdate()), worker__username="practitioner")
        .annotate(n=Count("person__outcomes", distinct=True))
        # The same person on every load (#16): ties broken by the person's name and CHI.
        .order_by(
            "-n",
            "person__family_name",
            "person__given_name",
            "person__date_of_birth",
            "person__chi_number",
        )
        .select_related("person", "worker")
    )
    # The proxy is the person's daughter (#16): someone with a daughter in their circle.
    allocation = (
        allocations.filter(person__circle__relationship="Daughter").first() or allocations.first()
    )
    if allocation is None:
        return False
    person, worker = allocation.person, allocation.worker
    first = person.preferred_name or person.given_name
    daughter_in_circle = person.circle.filter(relationship="Daughter").order_by("name").first()
    daughter_first, _, daughter_last = (
        daughter_in_circle.name.partition(" ") if daughter_in_circle else ("Ann", "", "")
    )
    # What a daughter calls them: their recorded sex (the CHI number's), or their name.
    called = {"female": "Mum", "male": "Dad"}.get(sex_from_chi(person.chi_number), first)
    me = cast(
        User,
        PersonAccountFactory(
            username="person",
            first_name=first,
            last_name=person.family_name,
            password=DEMO_PASSWORD,
            email="",
        ),
    )
    RecordLink.objects.create(
        user=me,
        person=person,
        kind=LinkKind.SELF,
        valid_from=timezone.localdate(),
        granted_by=worker,
    )
    daughter = cast(
        User,
        ProxyAccountFactory(
            username="proxy",
            first_name=daughter_first,
            last_name=daughter_last or person.family_name,
            password=DEMO_PASSWORD,
            email="",
        ),
    )
    RecordLink.objects.create(
        user=daughter,
        person=person,
        kind=LinkKind.PROXY,
        relationship="Daughter",
        basis=ProxyBasis.AUTHORISED,
        valid_from=timezone.localdate(),
        granted_by=worker,
    )
    outcome = person.outcomes.order_by("statement").first()
    if outcome is not None:
        services.comment_add(
            actor=me,
            person=person,
            label="outcomes.Outcome",
            item_id=str(outcome.pk),
            text="This is right, and I would like to start in the spring.",
        )
    services.correction_ask(
        actor=daughter,
        person=person,
        label="people.Person",
        item_id=str(person.pk),
        what_is_wrong=f"{called} does not use a hearing aid any more.",
        should_say="No special needs for talking, but speak clearly.",
    )
    services.about_me_media_add(
        actor=me, person=person, upload=_demo_picture(), description=f"{first}'s garden in May"
    )
    return True


def _demo_picture():
    """A small picture for the demo's About me, added through the same checks as any."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (182, 215, 168))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 140, 320, 200), fill=(96, 150, 72))
    for x in range(30, 300, 60):
        draw.ellipse((x, 100, x + 30, 130), fill=(230, 120, 150))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return SimpleUploadedFile("garden.jpg", out.getvalue(), content_type="image/jpeg")

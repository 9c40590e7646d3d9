"""#13: a challenge is shown on the SDS decision it challenges, and checks of understanding
are shown on the "Choices and budget" page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldenthread.accountability import services
from goldenthread.sds import services as sds_services
from goldenthread.sds.factories import DecisionFactory

pytestmark = pytest.mark.usefixtures("pinned_clock")


def test_a_challenge_is_shown_on_the_decision_it_challenges(
    practitioner_client, practitioner, person
):
    from django.utils import timezone

    challenged = DecisionFactory(person=person, summary="Day centre three days a week")
    other = DecisionFactory(person=person, summary="Option 2 chosen")
    challenge = services.challenge_raise(
        actor=practitioner,
        person=person,
        raised_by="person",
        raised_by_name="Jean Macdonald",
        raised_on=timezone.localdate(),
        about="support",
        details="I never agreed to the day centre.",
        decision=challenged,
    )
    body = practitioner_client.get(reverse("sds:overview", args=[person.pk])).content.decode()
    cards = body.split('class="gt_decision"')
    challenged_part = next(c for c in cards if "Day centre three days a week" in c)
    assert "Challenged: received 3 June 2026 from Jean Macdonald (the person)." in challenged_part
    assert "Stage 1 open, answer due 10 June 2026" in challenged_part
    assert f"#challenge-{challenge.pk}" in challenged_part
    other_part = next(c for c in cards if "Option 2 chosen" in c)
    assert "Challenged" not in other_part
    # Each decision offers to record a challenge to it, with the decision named.
    assert f"?decision={other.pk}" in other_part
    form = practitioner_client.get(
        reverse("accountability:challenge_raise", args=[person.pk]) + f"?decision={other.pk}"
    ).content.decode()
    assert f'value="{other.pk}" selected' in form


def test_a_decision_of_someone_else_is_not_preselected(practitioner_client, person):
    from goldenthread.people.factories import PersonFactory

    stranger = DecisionFactory(person=PersonFactory())
    form = practitioner_client.get(
        reverse("accountability:challenge_raise", args=[person.pk]) + f"?decision={stranger.pk}"
    ).content.decode()
    assert str(stranger.pk) not in form


def test_understanding_checks_are_shown_on_the_sds_page(practitioner_client, practitioner, person):
    from django.utils import timezone

    page = reverse("sds:overview", args=[person.pk])
    assert (
        "No checks of understanding recorded yet." in practitioner_client.get(page).content.decode()
    )
    sds_services.understanding_check_record(
        actor=practitioner,
        person=person,
        about="sds_options",
        checked_on=timezone.localdate(),
        how_checked="Jean told me in her own words what option 2 means.",
        understood="partly",
        help_given="easy_read",
    )
    body = practitioner_client.get(page).content.decode()
    assert "How understanding was checked" in body
    assert (
        "3 June 2026: The SDS options. How it was checked: Jean told me in her own words "
        "what option 2 means. Partly. What was done: Easy read." in body
    )
    assert reverse("accountability:understanding_add", args=[person.pk]) in body

"""P-2: the person's comments beside items, never edited by staff; correction requests
answered (accepted with history, or declined with reasons), visible as waiting with the
days waited, never silently dropped."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations.factories import ConversationFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.factories import PersonFactory
from goldenthread.portal import services
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.models import CorrectionRequest, CorrectionStatus, ItemComment


@pytest.fixture
def outcome(person):
    return OutcomeFactory(
        person=person,
        positive_change__conversation=ConversationFactory(person=person),
        statement="Jean walks to the shop twice a week",
    )


@pytest.fixture
def me(person):
    return RecordLinkFactory(person=person).user


def ref(obj):
    return f"{obj._meta.label}:{obj.pk}"


def test_a_comment_is_shown_to_staff_and_cannot_be_changed(
    client, me, person, outcome, practitioner
):
    sign_in(client, me)
    url = reverse("portal:comment", args=[person.pk]) + f"?item={ref(outcome)}"
    page = client.get(url)
    assert "Jean walks to the shop" in page.content.decode()
    response = client.post(url, {"item": ref(outcome), "text": "I <b>want</b> to go daily"})
    assert response.status_code == 302
    comment = ItemComment.objects.get()
    assert comment.author == me and comment.item_id == str(outcome.pk)
    record = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    assert "I &lt;b&gt;want&lt;/b&gt; to go daily" in record
    sign_in(client, practitioner)
    staff = client.get(reverse("portal_staff:overview", args=[person.pk])).content.decode()
    assert "I &lt;b&gt;want&lt;/b&gt; to go daily" in staff
    # No service or page changes a comment; the model offers no edit to staff.
    assert not [name for name in dir(services) if "comment" in name and name != "comment_add"]


def test_a_comment_on_someone_elses_item_is_refused(client, me, team):
    other = PersonFactory(team=team)
    other_outcome = OutcomeFactory(
        person=other, positive_change__conversation=(ConversationFactory(person=other))
    )
    sign_in(client, me)
    person_id = me.portal_links.get().person_id
    url = reverse("portal:comment", args=[person_id]) + f"?item={ref(other_outcome)}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "x"}).status_code == 404
    assert not ItemComment.objects.exists()


def test_a_proxy_comments_on_behalf_but_not_in_a_part_kept_from_them(person, outcome):
    proxy = ProxyLinkFactory(person=person, hidden_sections=["outcomes"])
    with pytest.raises(PermissionDenied):
        services.comment_add(
            actor=proxy.user,
            person=person,
            label="outcomes.Outcome",
            item_id=str(outcome.pk),
            text="Hidden from me",
        )
    comment = services.comment_add(
        actor=proxy.user,
        person=person,
        label="people.Person",
        item_id=str(person.pk),
        text="She prefers Jean",
    )
    assert comment.on_behalf and comment.author == proxy.user


def test_the_whole_correction_journey(client, me, person, outcome, practitioner, team_leader):
    sign_in(client, me)
    url = reverse("portal:correction", args=[person.pk]) + f"?item={ref(outcome)}"
    response = client.post(
        url,
        {
            "item": ref(outcome),
            "what_is_wrong": "Not the shop",
            "should_say": "Jean walks to the park twice a week",
        },
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.status == CorrectionStatus.WAITING
    assert correction.item_text == "Jean walks to the shop twice a week"
    # Waiting on the worker's and the team leader's worklists, with days waited.
    for worker in (practitioner, team_leader):
        sign_in(client, worker)
        page = client.get(reverse("portal_staff:worklist")).content.decode()
        assert "Jean Macdonald" in page and "0 of 30" in page
        # Challenges and complaints wait on their own list: the worklist points to it.
        assert f'href="{reverse("accountability:open_challenges")}"' in page
    sign_in(client, practitioner)
    answer_url = reverse("portal_staff:answer", args=[person.pk, correction.pk])
    form = client.get(answer_url)
    assert "Jean walks to the park" in form.content.decode()
    done = client.post(
        answer_url,
        {
            "decision": "accept",
            "new_text": "Jean walks to the park twice a week",
            "answer": "You are right, I have changed it.",
            "version": correction.version,
        },
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("portal_staff:overview", args=[person.pk])  # back
    outcome.refresh_from_db()
    assert outcome.statement == "Jean walks to the park twice a week"
    history = ChangeRecord.objects.filter(object_id=str(outcome.pk), action="update").get()
    assert history.before["statement"] == "Jean walks to the shop twice a week"
    assert history.actor == practitioner
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED
    sign_in(client, practitioner)
    assert "Jean Macdonald" not in client.get(reverse("portal_staff:worklist")).content.decode()
    sign_in(client, me)
    seen = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    assert "You are right, I have changed it." in seen
    assert (
        "You are right" in client.get(reverse("portal:requests", args=[person.pk])).content.decode()
    )


def test_declining_needs_reasons_and_changes_nothing(me, person, outcome, practitioner):
    correction = services.correction_ask(
        actor=me,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        what_is_wrong="Wrong",
    )
    with pytest.raises(ValidationError):
        services.correction_answer(
            actor=practitioner,
            correction=correction,
            accept=False,
            answer="",
            expected_version=correction.version,
        )
    declined = services.correction_answer(
        actor=practitioner,
        correction=correction,
        accept=False,
        answer="This is what you told us on 3 June; we have added your comment.",
        expected_version=correction.version,
    )
    assert declined.status == CorrectionStatus.DECLINED
    outcome.refresh_from_db()
    assert outcome.statement == "Jean walks to the shop twice a week"
    with pytest.raises(ValidationError):  # answered once, never again
        services.correction_answer(
            actor=practitioner,
            correction=declined,
            accept=True,
            answer="x",
            new_text="y",
            expected_version=declined.version,
        )


def test_every_path_leaves_the_request_answered_or_waiting(
    me, person, outcome, practitioner, other_practitioner
):
    correction = services.correction_ask(
        actor=me,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        what_is_wrong="Wrong",
    )
    attempts = [
        dict(actor=other_practitioner, accept=True, answer="ok", new_text="z"),  # no access
        dict(actor=me, accept=True, answer="ok", new_text="z"),  # the person cannot answer
        dict(actor=practitioner, accept=True, answer="ok", new_text=""),  # no new words
        dict(actor=practitioner, accept=True, answer="", new_text="z"),  # no answer
    ]
    for attempt in attempts:
        with pytest.raises((PermissionDenied, ValidationError)):
            services.correction_answer(
                correction=correction, expected_version=correction.version, **attempt
            )
        correction.refresh_from_db()
        assert correction.status == CorrectionStatus.WAITING
    outcome.refresh_from_db()
    assert outcome.statement == "Jean walks to the shop twice a week"
    # A stale answer is refused too.
    from goldenthread.core.concurrency import StaleEditError

    with pytest.raises(StaleEditError):
        services.correction_answer(
            actor=practitioner,
            correction=correction,
            accept=False,
            answer="No",
            expected_version=correction.version + 1,
        )
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.WAITING


def test_a_request_older_than_a_month_shows_as_overdue(
    pinned_clock, client, me, person, outcome, practitioner
):
    services.correction_ask(
        actor=me,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        what_is_wrong="Wrong",
    )  # 3 June
    pinned_clock.move_to("2026-07-06 10:00:00+01:00", tick=False)
    sign_in(client, practitioner)
    page = client.get(reverse("portal_staff:worklist")).content.decode()
    assert "33 of 30" in page and "Overdue" in page


def test_the_persons_words_show_beside_the_outcome_on_the_staff_page(
    me, person, outcome, practitioner_client
):
    services.comment_add(
        actor=me,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        text="I want to go daily",
    )
    services.correction_ask(
        actor=me,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        what_is_wrong="Not the shop",
    )
    page = practitioner_client.get(reverse("outcomes:detail", args=[person.pk, outcome.pk]))
    text = page.content.decode()
    assert "I want to go daily" in text and "Not the shop" in text
    assert "Jean Macdonald&#x27;s own words" in text or "Jean Macdonald's own words" in text

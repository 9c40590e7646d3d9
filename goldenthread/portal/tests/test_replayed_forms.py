"""P-2, ACC-2, REV-1 (SEC-6: nothing doubled): the person's forms sent twice — a double
click, back and send again, a retried request — make their row once. Each form carries a
one-time token (ui.forms.OneTimeTokenForm); the second copy lands where the first did, with
a plain message, and nothing new is written: one comment (which can never be removed), one
correction request (one 30-day clock), one challenge (one 5-day clock), one view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import form_token, sign_in
from goldenthread.accountability.models import Challenge, ChallengeEvent
from goldenthread.audit.models import ChangeRecord
from goldenthread.core import services as core_services
from goldenthread.outcomes.models import Outcome
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import CorrectionRequest, ItemComment
from goldenthread.reviews.models import PersonView

pytestmark = pytest.mark.usefixtures("pinned_clock")

SENT_ALREADY = "This was sent already. The form was sent twice, so it is kept once"


@pytest.fixture
def me(person):
    return RecordLinkFactory(person=person).user


@pytest.fixture
def me_client(client, me):
    return sign_in(client, me)


def item_url(name, person, label, item_id):
    return reverse(name, args=[person.pk]) + f"?item={label}:{item_id}"


def send_twice(client, url, data):
    """The form opened once and sent twice: the first answer, and the second followed."""
    token = form_token(client.get(url))
    first = client.post(url, {**data, "submission_token": token})
    second = client.post(url, {**data, "submission_token": token}, follow=True)
    assert first.status_code == 302, first.content.decode()[:2000]
    # The second lands where the first did, saying so in plain words.
    assert second.redirect_chain == [(first["Location"], 302)]
    assert SENT_ALREADY in second.content.decode()
    return token


def created_rows(row):
    return ChangeRecord.objects.filter(object_id=str(row.pk), action="create").count()


def test_a_comment_sent_twice_is_kept_once(me_client, me, person, full_record):
    url = item_url("portal:comment", person, "outcomes.Outcome", full_record["outcome_id"])
    send_twice(me_client, url, {"text": "I want to go every day"})
    comment = ItemComment.objects.get(author=me)
    assert comment.text == "I want to go every day"
    assert created_rows(comment) == 1
    # A new copy of the form has a new token, and adds a second comment.
    again = form_token(me_client.get(url))
    assert again != str(comment.submission_token)
    me_client.post(url, {"text": "And on Sundays", "submission_token": again})
    assert ItemComment.objects.filter(author=me).count() == 2


def test_a_correction_request_sent_twice_starts_one_clock(me_client, me, person, full_record):
    url = item_url("portal:correction", person, "outcomes.Outcome", full_record["outcome_id"])
    send_twice(me_client, url, {"what_is_wrong": "Not the shop", "should_say": "The park"})
    request = CorrectionRequest.objects.get(asked_by=me)
    assert request.what_is_wrong == "Not the shop" and created_rows(request) == 1


def test_a_challenge_sent_twice_is_one_stage_1_challenge(me_client, person, full_record):
    url = item_url("portal:challenge", person, "sds.Decision", full_record["decision_id"])
    before = Challenge.objects.count()
    send_twice(me_client, url, {"details": "Thursdays are left out", "wanted": "Thursdays"})
    assert Challenge.objects.count() == before + 1
    challenge = Challenge.objects.get(details="Thursdays are left out")
    assert ChallengeEvent.objects.filter(challenge=challenge).count() == 1


def test_a_view_at_a_review_sent_twice_is_kept_once(me_client, person, full_record):
    url = reverse("portal:review_view", args=[person.pk, full_record["review_id"]])
    before = PersonView.objects.count()
    send_twice(
        me_client,
        url,
        {
            "outcome": str(full_record["outcome_id"]),
            "rating": "partly",
            "in_their_words": "Better, but the bus is still hard.",
        },
    )
    assert PersonView.objects.count() == before + 1


def test_a_token_used_on_one_item_is_refused_on_another(me_client, me, person, full_record):
    """A form's token makes one thing: sent about another item (an edited copy), it is
    refused with a plain message, the words typed are kept, and nothing is added."""
    first_url = item_url("portal:comment", person, "outcomes.Outcome", full_record["outcome_id"])
    token = form_token(me_client.get(first_url))
    me_client.post(first_url, {"text": "About the outcome", "submission_token": token})
    other_url = item_url("portal:comment", person, "people.Person", person.pk)
    response = me_client.post(other_url, {"text": "About me", "submission_token": token})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This form has been used already. To add another comment, open" in page
    assert "About me</textarea>" in page
    assert [c.text for c in ItemComment.objects.filter(author=me)] == ["About the outcome"]


def test_two_copies_arriving_together_make_one_comment(
    me_client, me, person, full_record, monkeypatch
):
    """The second copy does not see the first when it looks (they arrived together): the
    token's unique index stops its insert, nothing of it is kept, and it lands where the
    first did."""
    outcome = Outcome.objects.get(pk=full_record["outcome_id"])
    url = item_url("portal:comment", person, "outcomes.Outcome", outcome.pk)
    token = form_token(me_client.get(url))
    me_client.post(url, {"text": "Once", "submission_token": token})
    real = core_services.earlier_submission
    looked = []

    def not_yet_visible(model, token, **kwargs):
        looked.append(token)
        return None if len(looked) == 1 else real(model, token, **kwargs)

    monkeypatch.setattr(core_services, "earlier_submission", not_yet_visible)
    changes = ChangeRecord.objects.count()
    second = me_client.post(url, {"text": "Once", "submission_token": token})
    assert len(looked) == 2 and second.status_code == 302
    assert ItemComment.objects.filter(author=me).count() == 1
    assert ChangeRecord.objects.count() == changes  # the refused copy's history undone too

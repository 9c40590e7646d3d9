"""P-2: the person's comments, and their correction requests waiting for an answer, are
shown beside the item on the staff pages where the item appears (outcome, risks, choices
and decisions, conversation steps, reviews), read-only, as text; one fixed cost per page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from goldenthread.conversations.factories import StrengthFactory
from goldenthread.conversations.models import Conversation
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import CorrectionRequest
from goldenthread.reviews.models import Review
from goldenthread.risk.models import RiskEnablement
from goldenthread.sds.models import BudgetRequest, Decision

pytestmark = pytest.mark.django_db


def comment(me, person, obj, text):
    return services.comment_add(
        actor=me, person=person, label=obj._meta.label, item_id=str(obj.pk), text=text
    )


@pytest.fixture
def commented(person, full_record):
    """The person commented on a risk, a decision, a strength and a review, and asked for
    a correction of the strength."""
    me = RecordLinkFactory(person=person, user__first_name="Jean").user
    conversation = Conversation.objects.get(pk=full_record["conversation_id"])
    strength = StrengthFactory(conversation=conversation, text="Good with numbers")
    items = {
        "risk": RiskEnablement.objects.get(pk=full_record["risk_id"]),
        "decision": Decision.objects.get(pk=full_record["decision_id"]),
        "strength": strength,
        "review": Review.objects.get(pk=full_record["review_id"]),
        "budget request": BudgetRequest.objects.get(pk=full_record["request_id"]),
    }
    for name, obj in items.items():
        comment(me, person, obj, f"My <b>words</b> on the {name}")
    services.correction_ask(
        actor=me,
        person=person,
        label=strength._meta.label,
        item_id=str(strength.pk),
        what_is_wrong="I am good with words, not numbers",
    )
    return full_record


@pytest.mark.parametrize(
    ("page", "kwargs", "name"),
    [
        ("risk:list", ("person_id",), "risk"),
        ("sds:overview", ("person_id",), "decision"),
        ("conversations:step2", ("person_id", "conversation_id"), "strength"),
        ("reviews:detail", ("person_id", "review_id"), "review"),
        ("sds:request_detail", ("person_id", "request_id"), "budget request"),
    ],
)
def test_the_persons_words_are_beside_the_item_on_the_staff_page(
    client, practitioner, commented, page, kwargs, name
):
    sign_in(client, practitioner)
    url = reverse(page, args=[commented[k] for k in kwargs])
    html = client.get(url).content.decode()
    assert f"My &lt;b&gt;words&lt;/b&gt; on the {name}" in html
    assert "<b>words</b>" not in html
    if name == "strength":
        assert "I am good with words, not numbers" in html
        waiting = CorrectionRequest.objects.get(what_is_wrong="I am good with words, not numbers")
        assert reverse("portal_staff:answer", args=[waiting.person_id, waiting.pk]) in html


def test_the_words_cost_two_queries_however_many_items(client, practitioner, commented, person):
    """Loaded once per page for every item on it."""
    sign_in(client, practitioner)
    url = reverse("conversations:step2", args=[person.pk, commented["conversation_id"]])
    conversation = Conversation.objects.get(pk=commented["conversation_id"])
    me = person.portal_links.first().user
    for n in range(5):
        comment(me, person, StrengthFactory(conversation=conversation), f"More words {n}")
    with CaptureQueriesContext(connection) as six:
        html = client.get(url).content.decode()
    assert "More words 4" in html
    for table in ("portal_itemcomment", "portal_correctionrequest"):
        assert len([q for q in six.captured_queries if table in q["sql"]]) == 1, table

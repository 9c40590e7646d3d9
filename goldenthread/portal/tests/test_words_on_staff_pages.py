"""P-2: the person's comments, and their correction requests waiting for an answer, are
shown beside the item on the staff pages where the item appears (outcome, risks, choices
and decisions, conversation steps, reviews), read-only, as text; one fixed cost per page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from conftest import sign_in
from goldenthread.conversations.factories import StrengthFactory
from goldenthread.conversations.models import Conversation
from goldenthread.outcomes.models import Outcome
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.items import ITEM_TYPES
from goldenthread.portal.models import CorrectionRequest
from goldenthread.reviews.models import Review
from goldenthread.risk.models import RiskEnablement
from goldenthread.sds.models import BudgetRequest, Decision
from goldenthread.ui.testing import templates_run_no_queries

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


def _own(obj) -> list:
    return [obj.person_id, obj.pk]


def _in_conversation(obj) -> list:
    return [obj.person_id, obj.conversation_id]


def _for_outcome(obj) -> list:
    return [obj.person_id, obj.outcome_id]


def _in_review(obj) -> list:
    return [obj.person_id, obj.review_id, obj.outcome_id]


def _person(obj) -> list:
    return [obj.person_id]


# Every kind of item the person can comment on (portal/items.py), and the staff pages that
# show it: the person's words must be beside it on each of them (#12, P-2).
STAFF_PAGES = {
    "people.Person": [("people:detail", lambda o: [o.pk])],
    "people.CircleMember": [("people:detail", _person)],
    "conversations.Conversation": [("conversations:detail", _own), ("conversations:about", _own)],
    "conversations.MattersItem": [("conversations:step1", _in_conversation)],
    "conversations.WhoMatters": [("conversations:step1", _in_conversation)],
    "conversations.Aspiration": [("conversations:step1", _in_conversation)],
    "conversations.WorkingItem": [("conversations:step2", _in_conversation)],
    "conversations.Strength": [("conversations:step2", _in_conversation)],
    "conversations.PositiveChange": [("conversations:step3", _in_conversation)],
    "outcomes.Outcome": [("outcomes:detail", _own), ("support:outcome_support", _own)],
    "support.SupportPlanning": [("support:outcome_support", _for_outcome)],
    "support.Solution": [("support:outcome_support", _for_outcome)],
    "support.StepExploration": [("support:outcome_support", _for_outcome)],
    "sds.SdsChoice": [("sds:overview", _person)],
    "sds.FirstChoiceNotDelivered": [("sds:overview", _person)],
    "sds.IndicativeBudget": [("sds:overview", _person)],
    "sds.BudgetRequest": [("sds:overview", _person), ("sds:request_detail", _own)],
    "sds.Decision": [("sds:overview", _person)],
    "sds.UnderstandingCheck": [("sds:overview", _person), ("accountability:overview", _person)],
    "sds.UnmetNeed": [("sds:overview", _person)],
    "accountability.Challenge": [("accountability:overview", _person)],
    "accountability.Advocacy": [("accountability:overview", _person)],
    "accountability.Transition": [("accountability:overview", _person)],
    "outcomes.Agreement": [("accountability:overview", _person)],
    "accountability.ChallengeEvent": [("accountability:overview", _person)],
    "risk.RiskEnablement": [("risk:list", _person)],
    "risk.RiskAgreement": [("risk:list", _person)],
    "risk.RiskView": [("risk:list", _person)],
    "reviews.Review": [("reviews:detail", _own)],
    "reviews.OutcomeReview": [("reviews:outcome", _in_review)],
    "reviews.PersonView": [("reviews:outcome", _in_review)],
    "reviews.SolutionReview": [
        ("reviews:outcome", lambda o: [o.person_id, o.review_id, o.solution.outcome_id])
    ],
}


def test_every_kind_of_item_has_its_staff_pages_named():
    """A new kind of item the person can comment on must say where staff see it."""
    assert set(STAFF_PAGES) == {t.label for t in ITEM_TYPES}


def test_the_persons_words_are_beside_every_kind_of_item_on_every_staff_page_showing_it(
    client, practitioner, person, every_item
):
    """P-2 (#12): a comment on each item of every commentable kind appears (escaped) beside
    the item on each staff page showing it; the views load them, so no template runs a
    query for them (the step pages' forms still list their choices while rendering)."""

    me = RecordLinkFactory(person=person, user__first_name="Jean").user
    expected: dict[str, list[str]] = {}
    for kind in ITEM_TYPES:
        objects = list(kind.queryset(person))
        assert objects, f"the test record has no {kind.label}: add one to every_item"
        for obj in objects:
            text = f"Jean on {kind.label} {obj.pk} <i>own</i>"
            comment(me, person, obj, text)
            for name, args in STAFF_PAGES[kind.label]:
                expected.setdefault(reverse(name, args=args(obj)), []).append(text)
    sign_in(client, practitioner)
    pages, seen = {}, []
    try:
        with templates_run_no_queries() as seen:
            pages = {url: client.get(url) for url in expected}
    except AssertionError:
        pass  # queries of the pages' own forms; the person's words are checked below
    assert not [sql for _name, sql in seen if "portal_" in sql]
    missing = []
    for url, texts in expected.items():
        assert pages[url].status_code == 200, url
        html = pages[url].content.decode()
        assert "<i>own</i>" not in html, url
        missing += [(url, t) for t in texts if escape(t) not in html]
    assert not missing, missing


def test_a_page_showing_the_words_without_loading_them_fails_loudly():
    """The tag reads only what the view loaded: no query from a template (#12)."""
    from django.template import engines

    from goldenthread.portal.templatetags.portal import PersonsWordsNotLoaded

    template = engines["django"].from_string("{% load portal %}{% persons_words person item %}")
    with pytest.raises(PersonsWordsNotLoaded, match="PersonsWordsMixin"):
        template.render({"person": object(), "item": object()})


# The kinds of item the support plan shows, each beside the person's words about it.
PLAN_KINDS = (
    "people.Person",
    "conversations.MattersItem",
    "conversations.WhoMatters",
    "conversations.Aspiration",
    "outcomes.Outcome",
    "support.SupportPlanning",
    "support.Solution",
    "sds.SdsChoice",
    "sds.FirstChoiceNotDelivered",
    "sds.IndicativeBudget",
    "sds.BudgetRequest",
    "sds.Decision",
    "sds.UnmetNeed",
    "risk.RiskEnablement",
    "accountability.Advocacy",
    "accountability.Transition",
    "outcomes.Agreement",
)


def _pdf_text(pdf: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(BytesIO(pdf)).pages
    )


def test_the_persons_words_are_beside_the_items_of_the_plan_on_screen_easy_read_and_pdf(
    client, practitioner, person, every_item
):
    """P-2 (#12): the person's comments, and a correction they asked for, are in the
    support plan beside the item (staff screen, easy read and PDF; and the person's own copy),
    escaped, with no link to answer in a document. (The easy read leaves out what they
    have tried and their ideas, so the words about those are not in it.)"""
    me = RecordLinkFactory(person=person, user__first_name="Jean").user
    texts = []
    for label in PLAN_KINDS:
        kind = next(k for k in ITEM_TYPES if k.label == label)
        obj = kind.queryset(person).first()
        text = f"Jean on {label} <i>plan</i>"
        comment(me, person, obj, text)
        texts.append(text)
    outcome = Outcome.objects.get(pk=every_item["outcome_id"])
    asked = services.correction_ask(
        actor=me,
        person=person,
        label="outcomes.Outcome",
        item_id=str(outcome.pk),
        what_is_wrong="It is Tuesdays, not Thursdays",
    )
    answer = reverse("portal_staff:answer", args=[person.pk, asked.pk])
    sign_in(client, practitioner)
    for name in ("support:plan", "support:plan_easy_read"):
        html = client.get(reverse(name, args=[person.pk])).content.decode()
        shown = texts if name == "support:plan" else [t for t in texts if "Planning" not in t]
        missing = [t for t in shown if escape(t) not in html]
        assert not missing, (name, missing)
        assert "<i>plan</i>" not in html
        assert "It is Tuesdays, not Thursdays" in html
        assert answer not in html  # a document: the answer is given on the worklist
    response = client.get(reverse("support:plan_pdf", args=[person.pk]))
    pdf = _pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    for text in texts:
        # (a line of the PDF may wrap anywhere: compared without spaces)
        assert text.replace(" ", "") in pdf.replace(" ", ""), text
    assert "It is Tuesdays, not Thursdays" in pdf
    sign_in(client, me)
    own = client.get(reverse("portal:plan", args=[person.pk])).content.decode()
    assert not [t for t in texts if escape(t) not in own]

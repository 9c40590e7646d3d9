"""P-1, P-2, P-4, A11Y-3: the plan's PDF, the plan's page and the review view speak to
whoever reads them, as the rest of the person's pages do (portal/reader_words.py): to the
person as "you", to a proxy by the person's name. Staff's plan PDF is unchanged, and what
is stored is the same whoever gave it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import sign_in
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.record import pdf
from goldenthread.reviews.models import PersonView, Review

NAME = "Jean Macdonald"


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each plan PDF is drawn from, as rendered."""
    drawn: list[str] = []
    render = pdf.render_to_string

    def keeping(*args, **kwargs):
        drawn.append(render(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(pdf, "render_to_string", keeping)
    return drawn


def _pdf(client, url, drawn) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return unescape(drawn[-1])


def test_the_persons_pdf_says_you_and_a_proxys_names_them(
    client, every_item, person, practitioner, pdf_html
):
    from goldenthread.portal import services
    from goldenthread.support.models import SupportPlanning

    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person).user
    planning = SupportPlanning.objects.filter(person=person).first()
    services.comment_add(
        actor=me,
        person=person,
        label="support.SupportPlanning",
        item_id=str(planning.pk),
        text="The bus step is the problem.",
    )
    url = reverse("portal:plan_pdf", args=[person.pk])

    sign_in(client, me)
    html = _pdf(client, url, pdf_html)
    for words in (
        "About you",
        "How to communicate with you",
        "What matters to you",
        "Your ideas",
        "This is your plan.",
        "In your own words:",
    ):
        assert words in html, words
    for words in (f"About {NAME}", f"What matters to {NAME}", f"This plan is shared with {NAME}"):
        assert words not in html, words

    sign_in(client, proxy)
    html = _pdf(client, url, pdf_html)
    for words in (
        f"About {NAME}",
        f"What matters to {NAME}",
        f"{NAME}'s ideas",
        f"This plan is shared with {NAME}.",
        f"In {NAME}'s own words:",
    ):
        assert words in html, words
    for words in ("About you", "What matters to you", "Your ideas", "This is your plan"):
        assert words not in html, words

    # Staff's PDF is as it was: it names the person.
    sign_in(client, practitioner)
    html = _pdf(client, reverse("support:plan_pdf", args=[person.pk]), pdf_html)
    assert f"About {NAME}" in html and f"This plan is shared with {NAME}." in html
    assert "About you" not in html and "This is your plan" not in html


@pytest.mark.parametrize("easy", [False, True])
def test_the_plan_pages_heading_is_to_its_reader(client, every_item, person, easy):
    url = reverse("portal:plan_easy_read" if easy else "portal:plan", args=[person.pk])
    sign_in(client, RecordLinkFactory(person=person).user)
    page = client.get(url).content.decode()
    assert "Your support plan" in page
    sign_in(client, ProxyLinkFactory(person=person).user)
    page = client.get(url).content.decode()
    assert "Your support plan" not in page
    assert escape(f"{NAME}'s support plan") in page


def test_the_rating_at_a_review_is_about_the_person_by_name_to_a_proxy(client, full_record, person):
    review = Review.objects.get(pk=full_record["review_id"])
    url = reverse("portal:review_view", args=[person.pk, review.pk])
    sign_in(client, RecordLinkFactory(person=person).user)
    page = client.get(url).content.decode()
    assert "It does not matter to me now" in page and "Send my view" in page

    proxy = ProxyLinkFactory(person=person).user
    sign_in(client, proxy)
    page = client.get(url).content.decode()
    assert "It does not matter to me now" not in page and "Send my view" not in page
    assert f"It does not matter to {NAME} now" in page
    assert escape(f"Send {NAME}'s view") in page
    response = client.post(
        url,
        {
            "outcome": str(full_record["outcome_id"]),
            "rating": "not_relevant",
            "in_their_words": "Mum has stopped going to the club.",
        },
    )
    assert response.status_code == 302
    # The value stored is the one value, whoever chose it.
    view = PersonView.objects.get(in_their_words="Mum has stopped going to the club.")
    assert (view.rating, view.recorded_by) == ("not_relevant", proxy)


def test_adding_to_about_me_tells_the_person_who_sees_it_as_you(client, person):
    url = reverse("portal:about_me_media_add", args=[person.pk])
    sign_in(client, RecordLinkFactory(person=person).user)
    page = client.get(url).content.decode()
    assert (
        "to you, the people acting for you who can see the record, and the workers who "
        "support you." in page
    )
    assert "acting for them" not in page
    sign_in(client, ProxyLinkFactory(person=person).user)
    page = client.get(url).content.decode()
    assert f"to {NAME}, the people acting for them" in page


@pytest.fixture
def agreed_budget(every_item, person, team_leader):
    """An agreed budget paying for a solution of the record's outcome (the plan's money
    sentences, the budget's rows and the solution's "from … budget")."""
    from decimal import Decimal

    from goldenthread.outcomes.models import Outcome
    from goldenthread.sds import services
    from goldenthread.sds.factories import make_budget_request, set_limits
    from goldenthread.sds.services import DecideAction, LineInput
    from goldenthread.support.factories import SolutionFactory

    set_limits(practitioner=Decimal("8000.00"), team_leader=Decimal("35000.00"))
    outcome = Outcome.objects.get(pk=every_item["outcome_id"])
    solution = SolutionFactory(
        outcome=outcome, status="idea", cost=Decimal("45.00"), cost_period="week"
    )
    request = make_budget_request(
        person,
        lines=[
            LineInput(
                description=solution.what, amount=Decimal("45.00"), period="week", solution=solution
            )
        ],
    )
    request.refresh_from_db()
    services.budget_request_decide(
        actor=team_leader,
        budget_request=request,
        action=DecideAction.APPROVE,
        expected_version=request.version,
        reasons="Considered the plan",
        reasons_for_person="It meets the outcomes agreed.",
    )


def _plan_text(html: str) -> str:
    """The plan itself (its body on the page, or the PDF's whole document), as words."""
    if 'class="gt_plan"' in html:
        html = html.split('class="gt_plan"', 1)[1].split('class="gt_plan__small">Prepared', 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(html)).split())


# The plan's own words in its later parts (SDS, budget, decisions, risks, advocacy, what
# was agreed, money): to the person, and as a proxy reads them.
TO_THE_PERSON = (
    "How your support is arranged",
    "The four Self-directed Support options we talked about, and what you chose.",
    "Your choice Option 2: you choose the organisation and the support, and the council "
    "arranges it. You choose the organisation and the support you want, and the council "
    "arranges it for you.",
    "Why you chose it, in your words",
    "Your first choice could not be arranged",
    "You are still deciding about the alternative.",
    "Your budget",
    "The likely budget you were told",
    "Your agreed budget",
    "£45.00 a week from your budget",
    "Your agreed budget of £2,340.00 a year pays for support in this plan (see “Your budget”).",
    "Decisions about your choices, support and budget",
    "Your choices:",
    "The option that limits you least:",
    "What you want:",
    "Your advocate",
    "(you): Agreed with some of it",
    "What you did not agree with:",
)
TO_A_PROXY = (
    f"How {NAME}'s support is arranged",
    f"The four Self-directed Support options we talked about, and what {NAME} chose.",
    f"{NAME}'s choice Option 2: {NAME} chooses the organisation and the support, and the "
    f"council arranges it. {NAME} chooses the organisation and the support they want, and "
    "the council arranges it for them.",
    f"Why {NAME} chose it, in their words",
    f"{NAME}'s first choice could not be arranged",
    f"{NAME} is still deciding about the alternative.",
    f"{NAME}'s budget",
    f"The likely budget {NAME} was told",
    f"{NAME}'s agreed budget",
    f"£45.00 a week from {NAME}'s budget",
    f"{NAME}'s agreed budget of £2,340.00 a year pays for support in this plan "
    f"(see “{NAME}'s budget”).",
    f"Decisions about {NAME}'s choices, support and budget",
    f"{NAME}'s choices:",
    f"The option that limits {NAME} least:",
    f"What {NAME} wants:",
    f"{NAME}'s advocate",
    "(the person): Agreed with some of it",
    "What they did not agree with:",
)


def test_the_plans_later_parts_speak_to_the_person_and_name_them_to_a_proxy(
    client, every_item, agreed_budget, person, pdf_html
):
    """Every part of the plan, on screen and in the PDF: "you" to the person, and to a proxy
    the person's name, never "you" (the proxy) or "the person" in our own words."""
    plan_url = reverse("portal:plan", args=[person.pk])
    pdf_url = reverse("portal:plan_pdf", args=[person.pk])
    for user, words in (
        (RecordLinkFactory(person=person).user, TO_THE_PERSON),
        (ProxyLinkFactory(person=person).user, TO_A_PROXY),
    ):
        sign_in(client, user)
        for text in (
            _plan_text(client.get(plan_url).content.decode()),
            _plan_text(_pdf(client, pdf_url, pdf_html)),
        ):
            missing = [w for w in words if w not in text]
            assert not missing, missing
            if words is TO_A_PROXY:
                assert not re.search(r"\b(you|your)\b", text, re.I), re.findall(
                    r".{40}\b(?:you|your)\b.{20}", text, re.I
                )
            else:
                assert "Option 2: the person chooses" not in text
                assert "The person is still deciding" not in text


def test_staffs_plan_keeps_its_words(client, every_item, agreed_budget, person, practitioner):
    """Staff's plan is as written: it speaks to the person in its later parts, and names
    the option as "the person chooses" (the person's copy is theirs alone)."""
    sign_in(client, practitioner)
    text = _plan_text(client.get(reverse("support:plan", args=[person.pk])).content.decode())
    for words in (
        "How your support is arranged",
        "Option 2: the person chooses the organisation",
        "The person is still deciding about the alternative.",
        "£45.00 a week from your budget",
        "(the person): Agreed with some of it",
        "What they did not agree with:",
        "Your advocate",
    ):
        assert words in text, words
    assert NAME + "'s budget" not in text

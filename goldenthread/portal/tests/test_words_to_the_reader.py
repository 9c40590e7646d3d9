"""P-1, P-2, P-4, A11Y-3: the plan's PDF, the plan's page and the review view speak to
whoever reads them, as the rest of the person's pages do (portal/reader_words.py): to the
person as "you", to a proxy by the person's name. Staff's plan PDF is unchanged, and what
is stored is the same whoever gave it."""

from __future__ import annotations

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

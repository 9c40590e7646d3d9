"""The checker suggests a national outcome domain (#14, AGG-4): beside the domain select of
the outcome form and of a "what matters" item, as live feedback (htmx) and on the page as
served (no JavaScript), in plain words. The practitioner chooses; nothing is chosen for them
and only their choice is stored."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from goldenthread.audit.models import AccessLog
from goldenthread.conversations.factories import (
    ConversationFactory,
    MattersItemFactory,
    PositiveChangeFactory,
)
from goldenthread.conversations.models import MattersItem
from goldenthread.core import domains
from goldenthread.core.domains import framework_for
from goldenthread.outcomes.checker._domains import domain_words
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import Outcome
from goldenthread.people.models import Person

SUGGEST = "outcomes:suggest_domain"
FRIENDS = "I'd like to see my friends at the bowling club every week by June."


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner)


@pytest.fixture
def change(conversation):
    return PositiveChangeFactory(conversation=conversation)


def a_child(person: Person) -> Person:
    Person.objects.filter(pk=person.pk).update(date_of_birth=datetime.date(2014, 3, 1))
    person.refresh_from_db()
    return person


def step4(change) -> str:
    return reverse("outcomes:step4", args=[change.person_id, change.conversation_id])


def step1(conversation) -> str:
    return reverse("conversations:step1", args=[conversation.person_id, conversation.pk])


def selected(page: str, value: str) -> bool:
    return re.search(rf'<option value="{re.escape(value)}"[^>]*\bselected\b', page) is not None


# --------------------------------------------------------------------------- the lists agree


def test_every_domain_the_checker_can_suggest_is_one_the_practitioner_can_choose() -> None:
    """The checker's word lists name core's codes, and every code has words (AGG-4)."""
    known = {d.key for d in domains.domains()}
    assert set(domain_words()) == known


def test_children_and_young_people_are_coded_to_shanarri_until_they_are_18() -> None:
    born = datetime.date(2008, 12, 5)
    assert framework_for(born, datetime.date(2026, 12, 4)) == "child"
    assert framework_for(born, datetime.date(2026, 12, 5)) == "adult"


# --------------------------------------------------------------------------- live (htmx)


def test_the_live_suggestion_says_in_plain_words_which_domain_and_why(practitioner_client, db):
    logged = AccessLog.objects.count()
    response = practitioner_client.post(
        reverse(SUGGEST),
        {
            "statement": "In a month I'd like to be phoning my sister every Sunday again.",
            "domain": "",
            "framework": "adult",
        },
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This sounds like ‘Seeing people’" in page
    assert "(you wrote “phoning”, “sister”)" in page
    assert "Choose it if that is right." in page
    assert "<form" not in page and "<select" not in page  # a suggestion, not a choice
    assert AccessLog.objects.count() == logged  # no person's record was read


def test_two_domains_are_offered_as_a_choice_and_unclear_words_get_nothing(practitioner_client, db):
    two = practitioner_client.post(
        reverse(SUGGEST),
        {"statement": "Kim wants to go to the cinema with her friends.", "framework": "adult"},
    ).content.decode()
    assert "‘Seeing people’" in two and "‘Having things to do’" in two
    assert "Choose one of them if that is right." in two
    for text in ("To ensure that all of her care needs are met.", ""):
        quiet = practitioner_client.post(
            reverse(SUGGEST), {"statement": text, "framework": "adult"}
        )
        assert "This sounds like" not in quiet.content.decode()


def test_the_persons_framework_decides_the_list(practitioner_client, db):
    text = {"matters-text": "Ali will be less aggressive at school"}
    child = practitioner_client.post(reverse(SUGGEST), {**text, "framework": "child"})
    assert "‘Responsible’" in child.content.decode()
    safe = {"text": "Feeling safe at home"}
    adult = practitioner_client.post(reverse(SUGGEST), {**safe, "framework": "adult"})
    assert "‘Feeling safe’" in adult.content.decode() and "‘Safe’" not in adult.content.decode()


def test_nothing_is_suggested_once_the_suggested_domain_is_chosen(practitioner_client, db):
    data = {"statement": "To feel less lonely.", "framework": "adult"}
    chosen = practitioner_client.post(
        reverse(SUGGEST), {**data, "domain": "adult:seeing_people"}
    ).content.decode()
    assert "This sounds like" not in chosen
    other = practitioner_client.post(
        reverse(SUGGEST), {**data, "domain": "adult:things_to_do"}
    ).content.decode()
    assert "‘Seeing people’" in other  # another choice is the practitioner's; it still says


def test_the_words_quoted_back_are_escaped(practitioner_client, db):
    response = practitioner_client.post(
        reverse(SUGGEST),
        {"statement": "<b>friend's</b> lunch <script>alert(1)</script>", "framework": "adult"},
    )
    page = response.content.decode()
    assert "“friend&#x27;s”" in page
    assert "<b>" not in page and "<script>" not in page and "friend's" not in page


def test_only_practitioners_and_team_leaders_ask(client, commissioner, db):
    from conftest import sign_in

    assert client.post(reverse(SUGGEST), {"statement": FRIENDS}).status_code in (302, 403)
    sign_in(client, commissioner)
    assert client.post(reverse(SUGGEST), {"statement": FRIENDS}).status_code == 403


# --------------------------------------------------------------------------- the outcome form


def test_the_outcome_form_has_the_live_region_beside_the_domain_select(practitioner_client, change):
    page = practitioner_client.get(step4(change)).content.decode()
    region = page.split('id="domain-suggestion"')[1].split(">")[0]
    assert 'role="status"' in region and 'aria-live="polite"' in region
    assert f'hx-post="{reverse(SUGGEST)}"' in region
    assert "from:#id_statement" in region and "change from:#id_domain" in region
    assert """hx-vals='{"framework": "adult"}'""" in region
    assert "data-gt-htmx=" in region  # htmx acts on it (ui/htmx.py)
    select = page.split('name="domain"')[1].split(">")[0]
    assert 'aria-describedby="id_domain_helptext domain-suggestion"' in select
    assert page.index('name="domain"') < page.index('id="domain-suggestion"')


def test_check_wording_without_javascript_suggests_and_keeps_the_choice(
    practitioner_client, change
):
    data = {"positive_change": str(change.pk), "statement": FRIENDS, "check_wording": "1"}
    page = practitioner_client.post(step4(change), {**data, "domain": ""}).content.decode()
    assert "This sounds like ‘Having things to do’" in page and " or ‘Seeing people’" in page
    assert not Outcome.objects.exists()
    kept = practitioner_client.post(
        step4(change), {**data, "domain": "adult:mobility"}
    ).content.decode()
    assert selected(kept, "adult:mobility")  # "Check wording" no longer drops the choice


def test_a_suggestion_is_never_stored_the_practitioners_choice_is(practitioner_client, change):
    data = {"positive_change": str(change.pk), "statement": FRIENDS}
    practitioner_client.post(step4(change), {**data, "domain": ""})
    practitioner_client.post(step4(change), {**data, "domain": "adult:confidence"})
    assert sorted(Outcome.objects.values_list("domain", flat=True)) == ["", "adult:confidence"]


def test_the_change_page_suggests_for_the_stored_words_in_the_persons_framework(
    practitioner_client, person, conversation
):
    a_child(person)
    outcome = OutcomeFactory(
        conversation=conversation,
        positive_change=PositiveChangeFactory(conversation=conversation),
        statement="By June, Ali will be less aggressive at school.",
    )
    page = practitioner_client.get(
        reverse("outcomes:edit", args=[person.pk, outcome.pk])
    ).content.decode()
    assert "This sounds like ‘Responsible’" in page
    assert """hx-vals='{"framework": "child"}'""" in page


# --------------------------------------------------------------------------- what matters


def test_what_matters_has_the_live_region_and_a_button_for_without_javascript(
    practitioner_client, conversation
):
    page = practitioner_client.get(step1(conversation)).content.decode()
    region = page.split('id="domain-suggestion"')[1].split(">")[0]
    assert "from:#id_matters-text" in region and "change from:#id_matters-domain" in region
    assert 'name="suggest_domain"' in page
    response = practitioner_client.post(
        step1(conversation),
        {
            "kind": "matters",
            "matters-kind": "what",
            "matters-text": "Sunday lunch with my friends",
            "matters-domain": "",
            "suggest_domain": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not MattersItem.objects.filter(conversation=conversation).exists()  # nothing saved
    assert "Sunday lunch with my friends" in page  # what was typed is kept
    assert "This sounds like ‘Seeing people’ " in page and "(you wrote “friends”)" in page
    assert '<details class="ds_details" open>' in page


def test_what_matters_stores_only_the_domain_chosen(practitioner_client, conversation):
    for domain in ("", "adult:things_to_do"):
        practitioner_client.post(
            step1(conversation),
            {
                "kind": "matters",
                "matters-kind": "what",
                "matters-text": "Seeing my friends",
                "matters-domain": domain,
            },
        )
    stored = MattersItem.objects.filter(conversation=conversation)
    assert sorted(stored.values_list("domain", flat=True)) == ["", "adult:things_to_do"]


def test_changing_a_what_matters_item_shows_the_suggestion_and_keeps_its_domain(
    practitioner_client, conversation
):
    item = MattersItemFactory(
        conversation=conversation, text="Seeing my friends", domain="adult:things_to_do"
    )
    edit = reverse(
        "conversations:item_edit",
        args=[conversation.person_id, conversation.pk, "matters", item.pk],
    )
    page = practitioner_client.get(edit).content.decode()
    assert "This sounds like ‘Seeing people’" in page
    assert selected(page, "adult:things_to_do")  # the stored choice, not the suggestion
    practitioner_client.post(
        edit,
        {
            "version": item.version,
            "kind": "what",
            "text": "Seeing my old friends",
            "domain": "adult:things_to_do",
        },
    )
    item.refresh_from_db()
    assert item.text == "Seeing my old friends" and item.domain == "adult:things_to_do"

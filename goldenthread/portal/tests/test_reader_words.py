"""P-1, A11Y-3: the person's own pages speak to whoever reads them, in one mapping
(portal/reader_words.py): to the person as "you", to a proxy by the person's name; never in
the staff pages' words ("What has the person tried already?"). The words recorded are
shown exactly as recorded."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import sign_in
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.items import ITEM_TYPES, item_rows
from goldenthread.portal.reader_words import FIELD_LABELS, NOUNS, Reader

# Staff wording the person's pages must never show (the staff labels of their record).
STAFF_PHRASES = (
    "What has the person tried already?",
    "What ideas do they have?",
    "Why they chose it, in their own words",
    "The option the person chose",
    "The person&#x27;s story, in their own words",
    "Their name",
    "Their rating",
    "Name of who spoke for them",
    "The person&#x27;s answer",
    "The least restrictive option considered",
    "Date the person was told",
    "(optional)",
)


def test_every_field_an_item_shows_has_words_for_the_reader():
    for kind in ITEM_TYPES:
        assert kind.label in NOUNS, f"add {kind.label} to reader_words.NOUNS"
        labels = FIELD_LABELS.get(kind.label, {})
        missing = set(kind.fields) - set(labels)
        assert not missing, f"add {kind.label} {sorted(missing)} to reader_words.FIELD_LABELS"


def test_the_words_for_the_person_say_you_and_those_for_a_proxy_name_the_person():
    person, proxy = Reader(), Reader(name="Jean Macdonald")
    for kind in ITEM_TYPES:
        words = [NOUNS[kind.label], *FIELD_LABELS[kind.label].values()]
        for w in words:
            to_person, to_proxy = person.say(w), proxy.say(w)
            assert "{name}" not in to_person and "{name}" not in to_proxy, (kind.label, w)
            assert not re.search(r"\bthe person\b", to_person, re.I), (kind.label, to_person)
            # A proxy reads someone else's record: "you" would be the proxy.
            assert not re.search(r"\byou(r)?\b", to_proxy, re.I), (kind.label, to_proxy)


def _page(client, user, person):
    sign_in(client, user)
    return client.get(reverse("portal:record", args=[person.pk])).content.decode()


def test_the_person_reads_their_record_addressed_to_them(client, every_item, person):
    me = RecordLinkFactory(person=person).user
    page = _page(client, me, person)
    for phrase in STAFF_PHRASES:
        assert phrase not in page, phrase
    for phrase in (
        "What have you tried already?",
        "What ideas do you have?",
        "Why you chose it, in your own words",
        "Your story, in your own words",
        "About you",
        "Your details",
        "Option 2: you choose, the council arranges",
    ):
        assert escape(phrase) in page, phrase
    # The words recorded are shown as recorded.
    assert "Jean wants to choose her own assistant" in page


def test_a_proxy_reads_the_record_with_the_persons_name(client, every_item, person):
    proxy = ProxyLinkFactory(person=person).user
    page = _page(client, proxy, person)
    for phrase in (*STAFF_PHRASES, "About you", "Your details", "What have you tried"):
        assert phrase not in page, phrase
    for phrase in (
        "What has Jean Macdonald tried already?",
        "What ideas does Jean Macdonald have?",
        "Why Jean Macdonald chose it, in their own words",
        "About Jean Macdonald",
        "Jean Macdonald's details",
    ):
        assert escape(phrase) in page, phrase


def test_every_value_recorded_is_on_the_proxys_page_as_recorded(client, every_item, person):
    proxy = ProxyLinkFactory(person=person).user
    page = _page(client, proxy, person)
    reader = Reader(name=person.display_name)
    for kind in ITEM_TYPES:
        for obj in kind.queryset(person):
            for label, text in item_rows(kind, obj, reader):
                assert escape(label) in page, (kind.label, label)
                assert escape(text).replace("\n", "<br>") in page, (kind.label, text)


@pytest.mark.parametrize("as_proxy", [False, True])
def test_the_comment_page_names_the_item_for_its_reader(client, every_item, person, as_proxy):
    from goldenthread.support.models import SupportPlanning

    user = (ProxyLinkFactory if as_proxy else RecordLinkFactory)(person=person).user
    sign_in(client, user)
    planning = SupportPlanning.objects.filter(person=person).first()
    url = reverse("portal:comment", args=[person.pk])
    page = client.get(f"{url}?item=support.SupportPlanning:{planning.pk}").content.decode()
    assert "What has the person tried already?" not in page
    if as_proxy:
        assert "What has Jean Macdonald tried already?" in page
        assert "Back to Jean Macdonald&#x27;s record" in page
        assert "your record" not in page.split("<main", 1)[1]
    else:
        assert "What have you tried already?" in page
        assert "Back to your record" in page


def test_who_can_see_the_record_does_not_repeat_the_name(client, person):
    me = RecordLinkFactory(person=person)
    me.user.first_name, me.user.last_name = "Jean", "Macdonald"
    me.user.save()
    proxy = ProxyLinkFactory(person=person)
    sign_in(client, me.user)
    page = client.get(reverse("portal:access", args=[person.pk])).content.decode()
    assert "Jean Macdonald</strong>: Jean Macdonald" not in page
    assert "(you): it is your record" in page
    assert "authorised by you" in page
    sign_in(client, proxy.user)
    page = client.get(reverse("portal:access", args=[person.pk])).content.decode()
    assert "it is their record" in page
    assert "authorised by Jean Macdonald" in page
    assert "(you)" in page
    assert "Your workers" not in page


def test_who_looked_names_the_person_to_a_proxy(client, person):
    RecordLinkFactory(person=person)
    proxy = ProxyLinkFactory(person=person).user
    sign_in(client, proxy)
    client.get(reverse("portal:record", args=[person.pk]))
    page = client.get(reverse("portal:who_looked", args=[person.pk])).content.decode()
    assert "Looked at your" not in page
    assert "Someone acting for you" not in page
    assert "Looked at Jean Macdonald&#x27;s own record pages" in page
    assert "Acting for the person (proxy)" not in page
    assert "Someone acting for Jean Macdonald" in page


def test_the_plan_on_screen_says_you_to_the_person_and_names_them_to_a_proxy(
    client, every_item, person
):
    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person).user
    url = reverse("portal:plan", args=[person.pk])
    sign_in(client, me)
    page = client.get(url).content.decode()
    assert "About you" in page and "How to communicate with you" in page
    assert "How to communicate with Jean Macdonald" not in page
    sign_in(client, proxy)
    page = client.get(url).content.decode()
    assert "About Jean Macdonald" in page and "About you" not in page


def test_an_exports_why_is_told_without_the_standards_name():
    """A probe read "Allocated worker (FHIR export)" on the person's "who looked" page."""
    from goldenthread.portal.reader_words import access_reason

    person, proxy = Reader(), Reader(name="Jean Macdonald")
    assert access_reason("Allocated worker (FHIR export)", person) == (
        "Your worker (a copy of the record in a standard format, for another system)"
    )
    assert access_reason("Allocated worker (PDF pack)", proxy) == (
        "Jean Macdonald's worker (a printed copy of the record)"
    )
    # A reason someone typed is shown as written, even if it ends with the same words.
    assert access_reason("Checking the file (FHIR export)", person) == (
        "Checking the file (FHIR export)"
    )

"""A11Y-3, P-1 (#12): the person's own pages are measured for reading ease as the plan is.

The words the service itself puts on the person's pages (headings, explanations, labels,
buttons) must score at least "plain English" on the Flesch scale, the threshold the
standard plan is held to (record/tests/test_plan.py). What workers recorded is theirs,
in their words, so it is taken out before measuring: every value written on the record,
every comment, request and answer, every name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessLog
from goldenthread.portal import selectors
from goldenthread.portal.models import AboutMe, AboutMeMedia, AccessQuestion, CorrectionRequest
from goldenthread.record.tests.test_plan import STANDARD_MINIMUM
from goldenthread.support.readability import measure, text_from_html

PAGES = ["record", "about_me", "requests", "who_looked", "access"]
ITEM_PAGES = ["comment", "correction"]


def _recorded(person) -> set[str]:
    """Everything on the person's pages that someone wrote or that names someone."""
    words = {person.display_name, person.given_name, person.family_name}
    for section in selectors.record_sections(person):
        for item in section.items:
            words.update(text for _, text in item.rows)
    for c in selectors.comments_for(person):
        words.update({c.text, c.author.get_full_name()})
    for r in CorrectionRequest.objects.filter(person=person):
        words.update({r.what_is_wrong, r.should_say, r.item_text, r.answer})
    for q in AccessQuestion.objects.filter(person=person):
        words.update({q.question, q.answer, q.about})
    for about in AboutMe.objects.filter(person=person):
        words.update(str(getattr(about, f.name)) for f in about._meta.fields)
    words.update(AboutMeMedia.objects.filter(person=person).values_list("description", flat=True))
    for log in AccessLog.objects.filter(person_id=person.pk):
        words.update({log.actor_name, log.reason})
    return {w for w in words if w and w.strip()}


def fixed_words(html: str, recorded: set[str]) -> str:
    """The service's own words in <main>: recorded text, dates and times taken out."""
    main = html[html.index("<main") : html.index("</main>")]
    text = text_from_html(main)
    for value in sorted(recorded, key=len, reverse=True):
        for line in value.splitlines():
            if line.strip():
                text = text.replace(line.strip(), " ")
    text = re.sub(r"\b\d{1,2} [A-Z][a-z]+ \d{4}(, \d{2}:\d{2})?\b", " ", text)
    return "\n".join(line for line in text.splitlines() if re.search(r"[A-Za-z]", line))


@pytest.fixture
def pages(client, every_item, person):
    me = person.portal_links.get(kind="self").user
    sign_in(client, me)
    urls = [reverse(f"portal:{name}", args=[person.pk]) for name in PAGES]
    item = f"?item=outcomes.Outcome:{every_item['outcome_id']}"
    urls += [reverse(f"portal:{name}", args=[person.pk]) + item for name in ITEM_PAGES]
    rendered = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = response.content.decode()
    return rendered, _recorded(person)


def test_the_persons_own_pages_read_as_plain_english(pages, capsys):
    rendered, recorded = pages
    scores = {}
    for url, html in rendered.items():
        scores[url] = measure(fixed_words(html, recorded))
    with capsys.disabled():
        for url, r in scores.items():
            page = url.split("/", 3)[-1] or "record"
            print(f"\nReading ease {page}: {r.score} ({r.band}, {r.words} words)")
    failing = {url: r.score for url, r in scores.items() if r.score < STANDARD_MINIMUM}
    assert not failing
    assert all(r.words >= 20 for r in scores.values())  # there is something to measure


def test_recorded_words_are_not_measured():
    html = "<main><h1>Your record</h1><dl><dt>Outcome</dt><dd>Notwithstanding</dd></dl></main>"
    assert fixed_words(html, {"Notwithstanding"}).split() == ["Your", "record", "Outcome"]

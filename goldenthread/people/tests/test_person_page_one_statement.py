"""The person's page reads its lists, the person's own words and the sections' summaries
in one statement (#19): each read's rows are exactly what it gives alone, the page makes
a fixed number of queries, and the words drawn from the batch are the words loaded alone."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.accountability.factories import ChallengeFactory
from goldenthread.accountability.selectors import SUMMARY_READ, summary_for
from goldenthread.conversations.factories import ConversationFactory
from goldenthread.core.prepared import BATCH_SQL_START
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people import selectors
from goldenthread.people.factories import AllocationFactory, CircleMemberFactory
from goldenthread.people.person_side import persons_words_for, persons_words_reads
from goldenthread.people.sections import section_reads
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.presenters import PAGE_READS

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(person, team):
    """A person with something in every list the page reads."""
    me = RecordLinkFactory(person=person, user__first_name="Jean").user
    members = [CircleMemberFactory(person=person, name=f"Member {i}") for i in range(3)]
    for i in range(7):
        ConversationFactory(person=person, held_on=datetime.date(2026, 1, 1 + i))
    for _ in range(3):
        OutcomeFactory(person=person)
    AllocationFactory(person=person, worker__team=team)
    ChallengeFactory(person=person)
    for member in members[:2]:
        services.comment_add(
            actor=me, person=person, label=member._meta.label, item_id=str(member.pk), text="Mine"
        )
    services.correction_ask(
        actor=me,
        person=person,
        label=members[0]._meta.label,
        item_id=str(members[0].pk),
        what_is_wrong="Not my daughter's name",
    )
    return person


def test_the_pages_registered_reads_are_the_sections_and_the_persons_words():
    assert set(persons_words_reads()) == set(PAGE_READS)
    assert SUMMARY_READ in section_reads()


def test_one_statement_gives_each_read_exactly_its_own_rows(busy):
    with CaptureQueriesContext(connection) as queries:
        page = selectors.person_page(busy)
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith(BATCH_SQL_START)
    for name, read in selectors._PAGE_READS.items():
        alone = read(busy.pk)
        assert alone, name  # every list has rows here
        assert getattr(page, name) == alone, name
        assert getattr(page, name) == list(read.queryset(busy.pk)), name
    for name, read in {**section_reads(), **persons_words_reads()}.items():
        alone = read(busy.pk)
        assert alone, name
        assert page.rows[name] == alone, name
    # What the page shows from them: the same as each part loading its own.
    assert summary_for(busy, rows=page.rows[SUMMARY_READ]) == summary_for(busy)
    from_batch = persons_words_for(busy, rows=page.rows)
    alone = persons_words_for(busy)
    assert from_batch.by_item == alone.by_item and len(from_batch.by_item) == 2


def test_the_person_page_makes_a_fixed_number_of_queries(practitioner_client, busy):
    """On this test database (sessions in the database, no sign-in cache): session, user
    and the second factor's device (3), the scoped fetch (1), its access-log row (1 on
    PostgreSQL; on SQLite 2 here, the chain's head and the row, and outside a test's
    transaction also BEGIN IMMEDIATE and COMMIT: why the bench counts 12 on SQLite and 9 on
    PostgreSQL before this change), and the page's reads in one statement (1), whatever the
    record holds. Before #19's batch the reads were seven statements (13 here, 12 on
    PostgreSQL); only fewer is right."""
    url = reverse("people:detail", args=[busy.pk])
    practitioner_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = practitioner_client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith(BATCH_SQL_START) for s in sql) == 1
    expected = 6 if connection.vendor == "postgresql" else 7
    assert len(sql) == expected, [s[:50] for s in sql]


def test_words_drawn_once_for_items_without_any_are_the_templates_own(busy):
    """`{% persons_words %}` reuses the template's output for an item with no words; it is
    the inclusion template's own rendering, and items with words are rendered in full."""
    words = persons_words_for(busy)
    members = list(busy.circle.order_by("name"))
    page = Template(
        "{% load portal %}{% for m in members %}[{% persons_words person m %}]{% endfor %}"
    )
    for _ in range(2):  # the second time from the kept output
        shown = page.render(Context({"members": members, "person": busy, "persons_words": words}))
        expected = "".join(
            "["
            + render_to_string(
                "portal/_persons_words.html",
                {
                    "person": busy,
                    "comments": words.beside(m)[0],
                    "waiting": words.beside(m)[1],
                },
            )
            + "]"
            for m in members
        )
        assert shown == expected
        assert shown.count("Not my daughter") == 1 and shown.count("Mine") == 2


def test_the_pages_reads_are_merged_once_after_the_apps_are_ready(monkeypatch):
    """Registration happens in AppConfig.ready(): after it, a page reuses the one batch and
    does not merge the registered reads again (#19)."""
    first = selectors._page_batch()
    assert set(first.reads) == {*selectors._PAGE_READS, *section_reads(), *persons_words_reads()}

    def merged_again():
        raise AssertionError("the registered reads were merged again")

    monkeypatch.setattr(selectors, "section_reads", merged_again)
    monkeypatch.setattr(selectors, "persons_words_reads", merged_again)
    assert selectors._page_batch() is first
    monkeypatch.setattr(selectors, "_READY", [])  # before the apps were ready: merged
    with pytest.raises(AssertionError, match="merged again"):
        selectors._page_batch()

"""The person's words on staff pages are two reads compiled once per process (#19,
core/prepared.py): each gives exactly what the queryset it is built from gives, and
`PersonsWords` puts them beside the same items as before."""

from __future__ import annotations

import pytest

from goldenthread.people.factories import CircleMemberFactory, PersonFactory
from goldenthread.portal import presenters, services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import CorrectionStatus

pytestmark = pytest.mark.django_db


def _words(me, person, item, text):
    label, item_id = item._meta.label, str(item.pk)
    services.comment_add(actor=me, person=person, label=label, item_id=item_id, text=text)
    return services.correction_ask(
        actor=me, person=person, label=label, item_id=item_id, what_is_wrong=f"Not {text}"
    )


def test_prepared_reads_match_their_querysets(person, team, practitioner):
    me = RecordLinkFactory(person=person, user__first_name="Jean").user
    member = CircleMemberFactory(person=person, name="Ali")
    _words(me, person, person, "my name")
    answered = _words(me, person, member, "my friend")
    services.correction_answer(
        actor=practitioner,
        correction=answered,
        accept=False,
        answer="Ali is recorded as you told us.",
        expected_version=answered.version,
    )
    someone_else = PersonFactory(team=team)
    _words(RecordLinkFactory(person=someone_else).user, someone_else, someone_else, "theirs")

    for who in (person, someone_else):
        comments = presenters._COMMENTS(who.pk)
        expected = list(presenters.comments_queryset(who.pk))
        assert comments == expected and comments
        assert [(c.text, c.author.first_name, c.author_id) for c in comments] == [
            (c.text, c.author.first_name, c.author_id) for c in expected
        ]
        waiting = presenters._WAITING(who.pk)
        assert waiting == list(presenters.waiting_corrections_queryset(who.pk))
        assert all(r.status == CorrectionStatus.WAITING for r in waiting)
    assert len(presenters._WAITING(person.pk)) == 1  # the answered one is not waiting

    words = presenters.PersonsWords(person)
    said, asked = words.beside(person)
    assert [c.text for c in said] == ["my name"] and [r.what_is_wrong for r in asked] == [
        "Not my name"
    ]
    said, asked = words.beside(member)
    assert [c.text for c in said] == ["my friend"] and asked == []

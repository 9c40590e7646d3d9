"""OS-1 to OS-9: the good conversation recorded as linked data, step by step."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations import selectors, services
from goldenthread.conversations.factories import (
    AspirationFactory,
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.conversations.forms import ADD_FORMS, item_edit_form_class
from goldenthread.conversations.models import (
    Aspiration,
    MattersItem,
    Perspective,
    PositiveChange,
    ReflectionQuestion,
    WorkingItem,
)
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.factories import CircleMemberFactory, PersonFactory


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner, narrative="", place="")


def url(name, conversation, **extra):
    return reverse(
        name,
        kwargs={"person_id": conversation.person_id, "conversation_id": conversation.pk, **extra},
    )


def test_start_a_conversation(practitioner_client, person):
    response = practitioner_client.post(
        reverse("conversations:create", args=[person.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "At home",
            "person_took_part": "on",
            "narrative": "I want to <b>stay</b> in my own home.",
        },
    )
    assert response.status_code == 302
    conversation = person.conversations.get()
    assert response["Location"] == url("conversations:step1", conversation)  # on in order
    assert conversation.narrative == "I want to <b>stay</b> in my own home."
    page = practitioner_client.get(url("conversations:about", conversation)).content.decode()
    assert "I want to &lt;b&gt;stay&lt;/b&gt; in my own home." in page  # exactly as typed


def test_conversation_cannot_be_in_the_future(practitioner_client, person):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = practitioner_client.post(
        reverse("conversations:create", args=[person.pk]),
        {"held_on": tomorrow.isoformat(), "narrative": "Typed story kept"},
    )
    body = response.content.decode()
    assert "cannot be in the future" in body and "Typed story kept" in body
    assert not person.conversations.exists()


def test_step_items_are_stored_with_perspective_and_shown_side_by_side(
    practitioner_client, conversation
):
    step2 = url("conversations:step2", conversation)
    for is_working, perspective, text in [
        ("true", "person", "I love my garden"),
        ("false", "person", "I can't get up the stairs"),
        ("false", "family", "Mum is lonely since Dad died"),
    ]:
        response = practitioner_client.post(
            step2,
            {
                "kind": "working",
                "working-is_working": is_working,
                "working-perspective": perspective,
                "working-text": text,
            },
        )
        assert response.status_code == 302
    items = WorkingItem.objects.filter(conversation=conversation)
    assert items.get(text="Mum is lonely since Dad died").perspective == Perspective.FAMILY
    body = practitioner_client.get(step2).content.decode()
    assert "Family or carer" in body and "The person" in body


def test_step_item_needs_words_and_keeps_the_form(practitioner_client, conversation):
    response = practitioner_client.post(
        url("conversations:step1", conversation),
        {
            "kind": "matters",
            "matters-kind": "what",
            "matters-text": "",
        },
    )
    assert response.status_code == 200
    assert "Enter what matters to the person, or where." in response.content.decode()
    assert not MattersItem.objects.filter(conversation=conversation).exists()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("matters", "Enter what matters to the person, or where."),
        ("aspiration", "Enter the person's aspiration."),
        ("working", "Enter what they said."),
        ("strength", "Enter the strength, asset or support."),
        ("change", "Enter the positive change the person wants to see."),
    ],
)
def test_an_empty_item_is_told_what_to_write_when_added_or_changed(kind, message):
    """A probe left "What matters" empty: "Write something here." said nothing of what to
    write. Each box's message names it, as the other forms' do."""
    for form_class in (ADD_FORMS[kind], item_edit_form_class(kind)):
        lists = (
            {"not_working": WorkingItem.objects.none(), "aspirations": Aspiration.objects.none()}
            if kind == "change"
            else {}
        )
        form = form_class(data={"text": ""}, **lists)
        assert not form.is_valid()
        assert form.errors["text"] == [message], form_class


def test_who_matters_links_the_circle_only_of_this_person(practitioner_client, conversation):
    mine = CircleMemberFactory(person=conversation.person, name="Ann")
    theirs = CircleMemberFactory(person=PersonFactory(), name="Stranger")
    step1 = url("conversations:step1", conversation)
    ok = practitioner_client.post(
        step1, {"kind": "who", "who-circle_member": str(mine.pk), "who-text": "Visits on Sundays"}
    )
    assert ok.status_code == 302
    refused = practitioner_client.post(step1, {"kind": "who", "who-circle_member": str(theirs.pk)})
    assert refused.status_code == 200
    assert "Choose someone from the person's circle." in html.unescape(refused.content.decode())


def test_positive_change_links_to_not_working_and_aspiration(practitioner_client, conversation):
    not_working = WorkingItemFactory(conversation=conversation, is_working=False)
    aspiration = AspirationFactory(conversation=conversation)
    response = practitioner_client.post(
        url("conversations:step3", conversation),
        {
            "kind": "change",
            "change-text": "Get back to the bowling club",
            "change-from_not_working": [str(not_working.pk)],
            "change-from_aspirations": [str(aspiration.pk)],
        },
    )
    assert response.status_code == 302
    change = PositiveChange.objects.get(conversation=conversation)
    assert list(change.from_not_working.all()) == [not_working]
    assert list(change.from_aspirations.all()) == [aspiration]
    history = ChangeRecord.objects.get(object_id=str(change.pk))
    assert history.after["from_not_working"] == [str(not_working.pk)]


def test_positive_change_must_be_linked(practitioner_client, conversation):
    WorkingItemFactory(conversation=conversation, is_working=False)
    response = practitioner_client.post(
        url("conversations:step3", conversation),
        {
            "kind": "change",
            "change-text": "Something better",
        },
    )
    body = response.content.decode()
    assert "so the golden thread is kept" in body
    # The error summary links to the first box to tick, and the message is beside the list
    # (a probe found the link went to the text box and nothing marked the lists).
    form = response.context["change_form"]
    assert form.errors["from_not_working"] == [
        "Link the positive change to something that is not working or to an aspiration, so "
        "the golden thread is kept."
    ]
    assert 'href="#id_change-from_not_working_0"' in body
    assert body.count("so the golden thread is kept") == 2  # the summary and the list


def test_positive_change_cannot_link_another_persons_items(practitioner, conversation):
    elsewhere = WorkingItemFactory(is_working=False)
    with pytest.raises(ValidationError):
        services.positive_change_add(
            actor=practitioner, conversation=conversation, text="x", from_not_working=[elsewhere]
        )


def test_item_with_a_change_built_on_it_cannot_be_removed(practitioner, conversation):
    item = WorkingItemFactory(conversation=conversation, is_working=False)
    services.positive_change_add(
        actor=practitioner, conversation=conversation, text="Better", from_not_working=[item]
    )
    with pytest.raises(ValidationError):
        services.step_item_remove(actor=practitioner, item=item)


def test_steps_are_shown_incomplete_not_blocked(practitioner_client, conversation):
    """OS-9: any step can be opened first; progress is shown in words."""
    record = selectors.conversation_record(conversation)
    assert set(record.statuses().values()) == {"Not started"}
    for name in [
        "conversations:step3",
        "outcomes:step5",
        "conversations:checklist",
        "outcomes:step4",
        "conversations:step1",
    ]:
        assert practitioner_client.get(url(name, conversation)).status_code == 200
    WorkingItemFactory(conversation=conversation, is_working=True)
    assert selectors.conversation_record(conversation).statuses()["step2"] == "In progress"


def test_checklist_is_prefilled_from_the_record(practitioner_client, conversation):
    body = html.unescape(
        practitioner_client.get(url("conversations:checklist", conversation)).content.decode()
    )
    assert "The record has no 'what matters, who matters, where matters' entry" in body
    assert "No positive change is recorded yet." in body
    data = {f"{q.value}__answer": "yes" for q in ReflectionQuestion}
    data[f"{ReflectionQuestion.INVOLVED.value}__note"] = "Her daughter helped her say it."
    data.update({f"{q.value}__version": "0" for q in ReflectionQuestion})  # none answered yet
    response = practitioner_client.post(url("conversations:checklist", conversation), data)
    assert response.status_code == 302
    assert conversation.reflection_answers.count() == len(ReflectionQuestion)
    assert selectors.conversation_record(conversation).statuses()["checklist"] == "Completed"


def test_autosave_saves_the_story_and_refuses_a_stale_copy(practitioner_client, conversation):
    about = url("conversations:about", conversation)
    data = {
        "held_on": conversation.held_on.isoformat(),
        "place": "At home",
        "person_took_part": "on",
        "narrative": "First words",
        "version": "1",
    }
    response = practitioner_client.post(about, data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Saved at" in response.content.decode()
    assert 'name="version" value="2"' in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.narrative == "First words"
    stale = practitioner_client.post(
        about, {**data, "narrative": "Other words"}, headers={"HX-Request": "true"}
    )
    assert "someone else changed this" in stale.content.decode()
    conversation.refresh_from_db()
    assert conversation.narrative == "First words"


def test_participants(practitioner_client, conversation):
    member = CircleMemberFactory(person=conversation.person, name="Ann")
    add = url("conversations:participant_add", conversation)
    assert (
        practitioner_client.post(
            add, {"kind": "circle", "circle_member": str(member.pk)}
        ).status_code
        == 302
    )
    assert (
        practitioner_client.post(
            add, {"kind": "interpreter", "name": "Ewa Nowak", "role": "Polish interpreter"}
        ).status_code
        == 302
    )
    missing = practitioner_client.post(add, {"kind": "advocate"})
    assert "Enter the name of who took part." in missing.content.decode()
    assert conversation.participants.count() == 2


def test_checklist_suggestions_count_in_words_not_item_s(conversation):
    """OS-, A11Y-3: the checklist's notes say "1 item ... is", "2 items ... are", never
    "item(s)"."""

    def notes():
        return selectors.reflection_suggestions(selectors.conversation_record(conversation))

    WorkingItemFactory(conversation=conversation, is_working=True)
    not_working = WorkingItemFactory(conversation=conversation, is_working=False)
    change = PositiveChangeFactory(conversation=conversation)
    first = notes()
    assert first[ReflectionQuestion.WORKING] == ("2 items in step 2 are the person's own view.")
    assert first[ReflectionQuestion.POSITIVE_CHANGE].startswith("1 positive change is not linked")
    change.from_not_working.set([not_working])
    OutcomeFactory(positive_change=change)
    OutcomeFactory(positive_change=change, checker_codes=["vague"])
    later = PositiveChangeFactory(conversation=conversation)
    later.from_not_working.set([not_working])
    after = notes()
    assert after[ReflectionQuestion.SPECIFIC_OUTCOMES] == "1 positive change has no outcome yet."
    assert "2 outcomes not fully checked" in after[ReflectionQuestion.CHECKED]
    assert "suggestions for 1 outcome." in after[ReflectionQuestion.CHECKED]
    OutcomeFactory(positive_change=later)
    last = notes()
    assert last[ReflectionQuestion.SPECIFIC_OUTCOMES] == "3 outcomes recorded."
    assert not any("(s)" in text for n in (first, after, last) for text in n.values())


def test_conversation_cannot_be_before_the_person_was_born(
    practitioner_client, practitioner, person
):
    """A probe recorded a conversation on 1 January 1990 with someone born in 2000, "the
    person took part" ticked: it was kept. Now refused, at the start and when redated."""
    person.date_of_birth = datetime.date(2000, 2, 29)
    person.save(update_fields=["date_of_birth"])
    response = practitioner_client.post(
        reverse("conversations:create", args=[person.pk]),
        {"held_on": "1990-01-01", "person_took_part": "on", "narrative": "Typed story kept"},
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "cannot be before the person was born (29 February 2000)" in body
    assert "Typed story kept" in body
    assert not person.conversations.exists()

    conversation = ConversationFactory(
        person=person, recorded_by=practitioner, held_on=datetime.date(2020, 5, 1)
    )
    with pytest.raises(ValidationError):
        services.conversation_update(
            actor=practitioner,
            conversation=conversation,
            expected_version=conversation.version,
            held_on=datetime.date(2000, 2, 28),
        )
    on_the_day = services.conversation_update(
        actor=practitioner,
        conversation=conversation,
        expected_version=conversation.version,
        held_on=datetime.date(2000, 2, 29),
    )
    assert on_the_day.held_on == datetime.date(2000, 2, 29)

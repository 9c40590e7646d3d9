"""Changing an item of steps 1 to 3 and a positive change's links (#17): through
audited_update, so a stale copy is refused and the change history keeps before and after."""

from __future__ import annotations

import pytest

from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations import services
from goldenthread.conversations.factories import (
    AspirationFactory,
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.core.concurrency import StaleEditError

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner)


def test_an_item_is_changed_once_and_a_stale_copy_is_refused(conversation, practitioner):
    item = WorkingItemFactory(conversation=conversation, text="Goes to the club")
    seen = item.version
    services.step_item_update(
        actor=practitioner,
        item=item,
        expected_version=seen,
        text="  Goes to the club on Thursdays ",
    )
    item.refresh_from_db()
    assert item.text == "Goes to the club on Thursdays" and item.version == seen + 1
    record = ChangeRecord.objects.get(object_id=str(item.pk), action="update")
    assert record.before["text"] == "Goes to the club"
    assert record.after["text"] == "Goes to the club on Thursdays"
    with pytest.raises(StaleEditError) as refused:
        services.step_item_update(
            actor=practitioner, item=item, expected_version=seen, text="From an old copy"
        )
    assert refused.value.current.text == "Goes to the club on Thursdays"


def test_relinking_a_positive_change_keeps_the_links_before_and_after(conversation, practitioner):
    not_working = WorkingItemFactory(conversation=conversation, is_working=False)
    aspiration = AspirationFactory(conversation=conversation)
    change = PositiveChangeFactory(conversation=conversation, from_not_working=[not_working])
    seen = change.version
    services.positive_change_relink(
        actor=practitioner,
        change=change,
        expected_version=seen,
        text="Out twice a week",
        from_not_working=[],
        from_aspirations=[aspiration],
    )
    change.refresh_from_db()
    assert list(change.from_aspirations.all()) == [aspiration]
    assert not change.from_not_working.exists()
    record = ChangeRecord.objects.get(object_id=str(change.pk), action="update")
    assert record.before["from_not_working"] == [str(not_working.pk)]
    assert record.after["from_aspirations"] == [str(aspiration.pk)]
    assert record.after["text"] == "Out twice a week"
    with pytest.raises(StaleEditError):  # links are not changed from a stale copy either
        services.positive_change_relink(
            actor=practitioner,
            change=change,
            expected_version=seen,
            text="Old",
            from_not_working=[not_working],
            from_aspirations=[],
        )
    assert list(change.from_aspirations.all()) == [aspiration]

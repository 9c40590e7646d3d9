"""P-1, SDS-5: everything a worker writes about the person appears in the person's view,
through the one list of item kinds (portal/items.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from conftest import sign_in
from goldenthread.core.scoped_queries import person_data_models
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.items import ITEM_TYPES, NOT_SHOWN_SEPARATELY, item_rows
from goldenthread.portal.reader_words import Reader


def test_every_model_of_a_persons_data_is_shown_or_says_where():
    labels = {m._meta.label for m in person_data_models()}
    listed = {t.label for t in ITEM_TYPES}
    missing = labels - listed - set(NOT_SHOWN_SEPARATELY)
    assert not missing, f"add {sorted(missing)} to portal/items.py ITEM_TYPES (or say why not)"
    assert not (listed & set(NOT_SHOWN_SEPARATELY))
    assert listed | set(NOT_SHOWN_SEPARATELY) <= labels | {"people.Person"}


def test_every_kind_of_item_appears_in_the_persons_view(client, every_item, person):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    shown_kinds = set()
    for kind in ITEM_TYPES:
        objects = list(kind.queryset(person))
        assert objects, f"the test record has no {kind.label}: add one to every_item"
        for obj in objects:
            assert f'id="item-{obj.pk}"' in page, kind.label
            # In the words the person reads (reader_words): the values as recorded.
            for _label, text in item_rows(kind, obj, Reader()):
                assert escape(text).replace("\n", "<br>") in page, (kind.label, text)
        shown_kinds.add(kind.label)
    assert shown_kinds == {k.label for k in ITEM_TYPES}


def test_the_record_page_costs_a_fixed_number_of_queries(
    client, every_item, person, django_assert_max_num_queries
):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    with django_assert_max_num_queries(len(ITEM_TYPES) + 20):
        assert client.get(reverse("portal:record", args=[person.pk])).status_code == 200

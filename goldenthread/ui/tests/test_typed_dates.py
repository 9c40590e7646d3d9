"""A date is taken as its own message shows it (A11Y-1, A11Y-3).

Where there is no date box (an older browser, a script posting the form, a screen reader
user typing), people type a date day first. Every date question's "Enter … as a real date,
for example 3 March 2027" must take "3 March 2027": before, the reviews', outcomes' and API
tokens' examples were refused with the same message again (the probe of 2026-12-07)."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms

from goldenthread.outcomes.checking import check_typed

from .test_form_messages import form_classes, made, samples

TYPED = ["31 3 2027", "31/03/2027", "31-3-2027", "31.3.2027", "31 March 2027", "31 Mar 2027"]


def date_fields(person) -> list[tuple[str, forms.DateField]]:
    given = samples(person)
    found = []
    for form_class in form_classes():
        for name, field in made(form_class, given).fields.items():
            if isinstance(field, forms.DateField):
                found.append((f"{form_class.__module__}.{form_class.__name__}.{name}", field))
    return found


@pytest.mark.django_db
def test_every_date_question_takes_the_example_its_message_gives(person):
    fields = date_fields(person)
    assert len(fields) >= 10
    refused = []
    for where, field in fields:
        example = re.search(r"for example ([^,.]+)", str(field.error_messages["invalid"]))
        if example and field.clean(example.group(1)) is None:
            refused.append(where)  # pragma: no cover - a refusal raises
    assert refused == []


@pytest.mark.django_db
@pytest.mark.parametrize("typed", TYPED)
def test_every_date_question_takes_a_date_typed_day_first(person, typed):
    refused = []
    for where, field in date_fields(person):
        try:
            assert field.clean(typed) == datetime.date(2027, 3, 31)
        except forms.ValidationError:
            refused.append(where)
    assert refused == []


def test_a_date_typed_is_read_by_the_live_checker_as_the_form_reads_it():
    result = check_typed({"statement": "I will walk to the shop", "target_date": "31 March 2027"})
    assert result is not None
    assert check_typed({"statement": "I will walk", "target_date": "31 3 2027"}) == check_typed(
        {"statement": "I will walk", "target_date": "2027-03-31"}
    )

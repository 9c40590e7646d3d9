"""Choices of records read before the page renders (#19): a ModelChoiceField's options come
from a queryset that runs when the widget is drawn, that is, from inside the template.
`read_choices` runs it in the view instead, once, and hands the widget the list, so the
template only writes out what it was given (the same options, in the same order)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet
from django.forms.models import ModelChoiceIterator


def read_choices(form: forms.BaseForm) -> None:
    """Every record choice on `form` read now: its options become a list, and its
    queryset holds the records (a template asking whether there are any asks no more)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not hasattr(field, "_choices"):
            field.choices = _options(field)


def _options(field: forms.ModelChoiceField) -> list[Any]:
    """What ModelChoiceIterator gives, from one read of the field's queryset that stays
    in the queryset's cache (the iterator itself reads afresh every time)."""
    choices: Any = field.choices
    if field.iterator is not ModelChoiceIterator or field.queryset is None:
        return list(choices)  # a field with options of its own making
    iterator = ModelChoiceIterator(field)
    options: list[Any] = [] if field.empty_label is None else [("", field.empty_label)]
    return options + [iterator.choice(record) for record in field.queryset]


def read_choices_in(context: Mapping[str, Any] | Iterable[Any]) -> None:
    """`read_choices` for each form (and each form of a formset) among a page's values."""
    values = context.values() if isinstance(context, Mapping) else context
    for value in values:
        if isinstance(value, forms.BaseForm):
            read_choices(value)
        elif isinstance(value, BaseFormSet):
            for form in value.forms:
                read_choices(form)

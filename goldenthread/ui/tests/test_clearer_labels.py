"""Clearer pages (#16): a label says "(optional)" once, and only when the answer may be
left out; a needed-sometimes field explains itself in its hint instead."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django import forms

from goldenthread.reviews.forms import FinishForm, OutcomeReviewForm
from goldenthread.sds.forms import DecideForm

from .helpers import parse


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)
    place = forms.CharField(label="Where", required=False)
    needed_sometimes = forms.CharField(label="Reasons", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needed_sometimes"].optional_label = False


def labels(form) -> list[str]:
    return [label.all_text() for label in parse(str(form)).find_all("label")]


def test_optional_is_said_once_and_only_for_answers_that_may_be_left_out():
    assert labels(NoteForm()) == ["Note (optional)", "Where (optional)", "Reasons"]


def test_what_we_learned_and_the_next_review_date_are_not_called_optional():
    text = str(FinishForm())
    assert "What we learned at this review" in text
    assert "(optional)" not in text


def test_a_team_leaders_reasons_are_not_called_optional():
    form = DecideForm(may_decide=True, may_refer=True)
    assert "(optional)" not in str(form)


def test_the_panels_empty_decline_shows_each_error_once():
    form = DecideForm(
        data={"action": "decline", "reasons": "", "reasons_for_person": "", "version": "1"},
        may_decide=True,
        may_refer=False,
        as_panel=True,
    )
    assert not form.is_valid()
    assert form.errors["reasons_for_person"] == [
        "Write the reasons as they will be explained to the person."
    ]
    assert form.errors["reasons"] == ["Give the reasons for not agreeing the budget."]


def test_the_review_measure_hint_tells_no_one_persons_story():
    hint = str(OutcomeReviewForm.base_fields["new_measure_value"].help_text)
    assert "she" not in hint.split() and "club" not in hint


@pytest.mark.django_db
def test_a_cost_of_nothing_with_no_cost_is_accepted(person):
    from goldenthread.support.forms import SolutionForm

    form = SolutionForm(
        data={
            "what": "A walk with Ann",
            "who": "",
            "cost": "0",
            "cost_period": "",
            "status": "idea",
            "notes": "",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cost"] is None
    form = SolutionForm(
        data={"what": "Lunch club", "cost": "3.50", "cost_period": "", "status": "idea"}
    )
    assert not form.is_valid()
    assert Decimal("3.50") == form.cleaned_data["cost"]


@pytest.mark.django_db
def test_linked_items_are_offered_in_full_in_the_persons_words(person):
    """#17 (OS-4, OS-5): the positive change's links and the outcome's positive change are
    worded by the item's text in full (an item's `str()` stops at 80 characters), escaped,
    through ui's worded choice fields."""
    from goldenthread.conversations.factories import (
        AspirationFactory,
        ConversationFactory,
        PositiveChangeFactory,
        WorkingItemFactory,
    )
    from goldenthread.conversations.forms import PositiveChangeForm
    from goldenthread.conversations.models import Aspiration, PositiveChange, WorkingItem
    from goldenthread.outcomes.forms import OutcomeForm

    said = "x" * 90 + " <b>and the bus</b>"
    conversation = ConversationFactory(person=person)
    WorkingItemFactory(conversation=conversation, text=f"Not working {said}")
    AspirationFactory(conversation=conversation, text=f"Aspiration {said}")
    PositiveChangeFactory(conversation=conversation, text=f"Change {said}")
    change_form = PositiveChangeForm(
        not_working=WorkingItem.objects.all(), aspirations=Aspiration.objects.all()
    )
    outcome_form = OutcomeForm(changes=PositiveChange.objects.all())

    html = str(change_form) + str(outcome_form)
    assert "<b>" not in html
    options = {label.all_text().strip() for label in parse(html).find_all("label")}
    assert {f"Not working {said}", f"Aspiration {said}", f"Change {said}"} <= options


def _declared_date_fields():
    """(form, field name, field) for every date question declared on a form class of the
    service (fields added in __init__ are written from labels that begin "Date")."""
    import importlib
    import pkgutil

    import goldenthread

    for module_info in pkgutil.walk_packages(goldenthread.__path__, "goldenthread."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                for name, field in getattr(value, "base_fields", {}).items():
                    if isinstance(field, forms.DateField):
                        yield value.__name__, name, field


def test_every_date_question_says_which_date_in_its_messages():
    """A probe read "Enter the when to look at it again as a real date." A label that is a
    question or a phrase ("When to look at it again", "Look at it again on") needs its own
    `what`; the messages name a date."""
    found = list(_declared_date_fields())
    assert len(found) >= 20
    clumsy = [
        (form, name, message)
        for form, name, field in found
        for message in (field.error_messages["required"], field.error_messages["invalid"])
        if re.match(r"Enter the (when|what|how|who|why|look|on)\b", str(message))
    ]
    assert clumsy == []

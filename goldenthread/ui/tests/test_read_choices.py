"""Record choices read in the view (#19, ui/forms/choices.py): the same options as the
widget would draw, from one query per field, and nothing left for the template to ask."""

from __future__ import annotations

import pytest
from django import forms

from goldenthread.accounts.factories import AreaFactory
from goldenthread.accounts.models import Area
from goldenthread.ui.forms.choices import read_choices, read_choices_in


class AreasForm(forms.Form):
    area = forms.ModelChoiceField(Area.objects.order_by("name"))
    areas = forms.ModelMultipleChoiceField(Area.objects.order_by("name"), required=False)
    radio = forms.ModelChoiceField(
        Area.objects.order_by("-name"), widget=forms.RadioSelect, empty_label=None
    )


@pytest.mark.django_db
def test_the_options_are_the_same_and_read_once(django_assert_num_queries):
    AreaFactory(name="Riverside")
    AreaFactory(name="Northfield")
    drawn_by_the_widgets = str(AreasForm())
    form = AreasForm()
    with django_assert_num_queries(3):
        read_choices(form)
    with django_assert_num_queries(0):
        assert str(form) == drawn_by_the_widgets
        assert str(form) == drawn_by_the_widgets  # drawn again: still nothing to read
        assert form.fields["area"].queryset  # "are there any?", as a template asks
    assert [label for _, label in form.fields["area"].choices] == [
        "---------",
        "Northfield",
        "Riverside",
    ]
    assert [label for _, label in form.fields["radio"].choices] == ["Riverside", "Northfield"]


@pytest.mark.django_db
def test_a_bound_form_still_checks_the_choice_against_the_records(django_assert_num_queries):
    area = AreaFactory(name="Northfield")
    form = AreasForm({"area": str(area.pk), "radio": "not-an-area"})
    read_choices_in({"form": form, "other": "not a form"})
    assert not form.is_valid()
    assert form.cleaned_data["area"] == area
    assert "radio" in form.errors

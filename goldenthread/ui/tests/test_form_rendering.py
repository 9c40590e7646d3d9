"""{{ form }} gives SGDS markup with the error summary and ARIA wiring (A11Y-1, A11Y-2)."""

import datetime

from django import forms
from django.conf import settings

from goldenthread.ui.forms import described_also_by
from goldenthread.ui.forms.renderer import DesignSystemBoundField, DesignSystemRenderer

from .helpers import parse


class DemoForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        help_text="As the person would like it written",
        widget=forms.TextInput(attrs={"class": "ds_input--fixed-20"}),
    )
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    start = forms.DateField(label="Start date")
    support = forms.ChoiceField(
        label="How would the person like to arrange support?",
        choices=[("1", "Direct payment"), ("2", "The council arranges it")],
        widget=forms.RadioSelect,
        help_text="Choose one option",
    )
    who = forms.MultipleChoiceField(
        label="Who was there?",
        choices=[("p", "The person"), ("f", "Family")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    council = forms.ChoiceField(choices=[("", "Choose a council"), ("e", "Edinburgh")])
    notes = forms.CharField(widget=forms.Textarea, required=False)
    agreed = forms.BooleanField(label="The person agreed to this plan")
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Check the plan before you save it")


def bound_form():
    form = DemoForm(
        data={"name": "", "start": "not a date", "support": "", "council": ""},
        renderer=DesignSystemRenderer(),
    )
    assert not form.is_valid()
    return form


def test_project_uses_the_renderer():
    assert settings.FORM_RENDERER == "goldenthread.ui.forms.renderer.DesignSystemRenderer"
    assert isinstance(DemoForm()["name"], DesignSystemBoundField)


def test_error_summary_first_lists_every_error_as_link_non_field_first():
    doc = parse(str(bound_form()))
    summary = doc.children[0]
    assert "ds_error-summary" in summary.classes
    assert summary.attrs["role"] == "alert"
    assert summary.attrs["tabindex"] == "-1"
    links = summary.find_all("a")
    assert [(a.all_text(), a.attrs["href"]) for a in links] == [
        ("Check the plan before you save it", "#id_name"),
        ("This field is required.", "#id_name"),
        ("Enter a valid date.", "#id_start"),
        ("This field is required.", "#id_support_0"),
        ("This field is required.", "#id_council"),
        ("This field is required.", "#id_agreed"),
    ]
    for link in links:  # every link points at an element on the page
        assert doc.find(id=link.attrs["href"][1:])


def test_no_error_summary_on_unbound_form():
    doc = parse(str(DemoForm(renderer=DesignSystemRenderer())))
    assert not doc.find_all(class_="ds_error-summary")
    assert not doc.find_all(class_="ds_question--error")


def test_text_input_question_with_hint_and_error():
    doc = parse(str(bound_form()))
    field = doc.find("input", name="name")
    question = field.parent
    assert question.classes == ["ds_question", "ds_question--error"]
    assert question.find("label", class_="ds_label").attrs["for"] == "id_name"
    hint = question.find(class_="ds_hint-text")
    error = question.find(class_="ds_question__error-message")
    assert error.find("span", class_="visually-hidden").text == "Error:"
    assert error.all_text() == "Error: This field is required."
    assert field.attrs["aria-describedby"].split() == [hint.attrs["id"], error.attrs["id"]]
    assert field.attrs["aria-invalid"] == "true"
    # SGDS classes merged with the width class from widget attrs, not replaced.
    assert field.classes == ["ds_input", "ds_input--error", "ds_input--fixed-20"]


def test_valid_or_unbound_field_has_no_error_state():
    doc = parse(str(bound_form()))
    email = doc.find("input", name="email")
    assert email.classes == ["ds_input"]
    assert "aria-invalid" not in email.attrs
    assert email.attrs["type"] == "email"
    assert "(optional)" in email.parent.find("label").all_text()
    assert doc.find("input", name="phone").attrs["type"] == "tel"


def test_date_is_native_date_input_with_iso_value():
    form = DemoForm(initial={"start": datetime.date(2025, 4, 1)}, renderer=DesignSystemRenderer())
    date = parse(str(form)).find("input", name="start")
    assert date.attrs["type"] == "date"
    assert date.attrs["value"] == "2025-04-01"
    assert date.classes == ["ds_input", "ds_input--fixed-10"]

    class OwnFormat(forms.Form):
        when = forms.DateField(widget=forms.DateInput(format="%d/%m/%Y"))

    kept = parse(str(OwnFormat(initial={"when": datetime.date(2025, 4, 1)}))).find("input")
    assert kept.attrs["type"] == "text" and kept.attrs["value"] == "01/04/2025"
    posted = DemoForm(data={"start": "2025-04-01"}, renderer=DesignSystemRenderer())
    posted.is_valid()
    assert posted.cleaned_data["start"] == datetime.date(2025, 4, 1)


def test_radios_in_fieldset_with_legend_and_described_by():
    doc = parse(str(bound_form()))
    radio = doc.find("input", id="id_support_0")
    assert radio.attrs["type"] == "radio"
    assert "ds_radio__input" in radio.classes
    assert "ds_radio" in radio.parent.classes
    assert radio.parent.find("label", class_="ds_radio__label").attrs["for"] == "id_support_0"
    group = radio.parent.parent
    assert {"ds_radios", "ds_field-group"} <= set(group.classes)
    fieldset = next(a for a in radio.ancestors() if a.tag == "fieldset")
    assert {"ds_question", "ds_question--error"} <= set(fieldset.classes)
    assert fieldset.children[0].tag == "legend"
    assert fieldset.children[0].all_text() == "How would the person like to arrange support?"
    described = fieldset.attrs["aria-describedby"].split()
    assert described == ["id_support_helptext", "id_support_error"]
    for id_ in described:
        assert fieldset.find(id=id_)


def test_checkbox_list_in_fieldset():
    doc = parse(str(bound_form()))
    box = doc.find("input", id="id_who_1")
    assert box.attrs["type"] == "checkbox" and "ds_checkbox__input" in box.classes
    group = box.parent.parent
    assert {"ds_checkboxes", "ds_field-group"} <= set(group.classes)
    fieldset = next(a for a in box.ancestors() if a.tag == "fieldset")
    assert fieldset.find("legend").all_text() == "Who was there? (optional)"


def test_select_has_wrapper_and_arrow():
    doc = parse(str(bound_form()))
    select = doc.find("select", name="council")
    assert {"ds_select", "ds_select--error"} <= set(select.classes)
    assert select.attrs["aria-invalid"] == "true"
    wrapper = select.parent
    assert "ds_select-wrapper" in wrapper.classes
    assert wrapper.find("span", class_="ds_select-arrow").attrs["aria-hidden"] == "true"
    assert [o.all_text() for o in select.find_all("option")] == ["Choose a council", "Edinburgh"]


def test_textarea_and_single_checkbox():
    doc = parse(str(bound_form()))
    assert "ds_input" in doc.find("textarea", name="notes").classes
    agreed = doc.find("input", name="agreed")
    assert "ds_checkbox__input" in agreed.classes
    wrapper = agreed.parent
    assert "ds_checkbox" in wrapper.classes
    assert wrapper.find("label", class_="ds_checkbox__label").attrs["for"] == "id_agreed"
    assert "(optional)" not in wrapper.all_text()


def test_hidden_field_has_no_question_wrapper():
    doc = parse(str(bound_form()))
    hidden = doc.find("input", name="token")
    assert hidden.attrs["type"] == "hidden"
    assert hidden.parent.tag == "#document"


def test_inline_radios_class_on_group():
    class YesNo(forms.Form):
        answer = forms.ChoiceField(
            choices=[("y", "Yes"), ("n", "No")],
            widget=forms.RadioSelect(attrs={"class": "ds_field-group--inline"}),
        )

    doc = parse(str(YesNo(renderer=DesignSystemRenderer())))
    group = doc.find("input", id="id_answer_0").parent.parent
    assert "ds_field-group--inline" in group.classes
    assert doc.find("input", id="id_answer_0").classes == ["ds_radio__input"]


class SuggestedForm(forms.Form):
    domain = forms.ChoiceField(
        label="Domain",
        help_text="Choose the one it comes closest to",
        choices=[("", "Choose a domain"), ("a", "Seeing people")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        described_also_by(self, "domain", "domain-suggestion")


def test_a_field_described_also_by_a_suggestion_keeps_its_hint_and_error():
    """described_also_by (#17): the select is described by its hint, then its error when it
    has one (as Django does), then the suggestion beside it."""
    unbound = parse(str(SuggestedForm(renderer=DesignSystemRenderer())))
    select = unbound.find("select", name="domain")
    assert select.attrs["aria-describedby"].split() == ["id_domain_helptext", "domain-suggestion"]
    doc = parse(str(SuggestedForm(data={"domain": ""}, renderer=DesignSystemRenderer())))
    select = doc.find("select", name="domain")
    error = doc.find(class_="ds_question__error-message")
    assert error.attrs["id"] == "id_domain_error"
    assert select.attrs["aria-describedby"].split() == [
        "id_domain_helptext",
        "id_domain_error",
        "domain-suggestion",
    ]
    assert doc.find(id="id_domain_helptext")


def test_a_formsets_management_form_draws_its_hidden_inputs_only():
    """Sent without its hidden counts, a formset says so once, in the page's summary (its
    non_form_errors); {{ formset.management_form }} draws no second summary (A11Y-1)."""
    formset = forms.formset_factory(DemoForm)(data={}, prefix="line")
    assert not formset.is_valid()
    drawn = str(formset.management_form)
    assert "ds_error-summary" not in drawn and "There is a problem" not in drawn
    assert drawn.count('type="hidden"') == 4
    assert 'name="line-TOTAL_FORMS"' in drawn
    assert formset.non_form_errors()

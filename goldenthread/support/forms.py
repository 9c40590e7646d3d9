"""Forms for the Support Sequence. They validate; services save."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django import forms

from goldenthread.core.questionnaires import Suggestion
from goldenthread.people.forms import VersionField
from goldenthread.ui.questionnaire import Question, QuestionnaireForm

from . import presenters
from .models import (
    ChecklistAnswerChoice,
    ChecklistQuestion,
    CostPeriod,
    PlanType,
    Solution,
    SolutionStatus,
    SupportChecklistAnswer,
    SupportPlanning,
)


class SeenVersionField(forms.IntegerField):
    """The version the editor saw; 0 when nothing was recorded yet (SEC-5)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=True, min_value=0, **kwargs)


class MoneyField(forms.DecimalField):
    """Pounds and pence as a Decimal. Accepts what people type: '£1,234.50', '12', '7.5'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("error_messages", {
            "invalid": "Enter the cost in pounds and pence, for example 12.50.",
            "max_decimal_places": "Enter the cost to the nearest penny, for example 12.50.",
            "max_digits": "Enter a cost under £10,000,000,000.",
            "max_whole_digits": "Enter a cost under £10,000,000,000.",
            "min_value": "Enter a cost of £0 or more.",
        })
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"class": "ds_input--fixed-10",
                                             "inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[£,\s]", "", value)
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PlanningForm(forms.ModelForm):
    version = SeenVersionField()
    plan_type_override = forms.ChoiceField(
        label="Which questions to use for steps 6 and 7", required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SupportPlanning
        fields = ["tried_already", "own_ideas", "plan_type_override"]
        widgets = {
            "tried_already": forms.Textarea(attrs={"rows": 4}),
            "own_ideas": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "tried_already": {"max_length": "Write 4,000 characters or fewer."},
            "own_ideas": {"max_length": "Write 4,000 characters or fewer."},
        }

    def __init__(self, *args, variant: presenters.Variant, from_age_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_type_override"].choices = [
            ("", f"Choose from the person's age (now: {from_age_label.lower()})"),
            (PlanType.YOUNG_PERSON, "Young person: school or college, the local offer, "
                                    "specialist support"),
            (PlanType.ADULT, "Adult: health and social services, organising support"),
        ]
        self.fields["plan_type_override"].error_messages["invalid_choice"] = (
            "Choose one of the options."
        )
        self.fields["version"].initial = (
            0 if self.instance._state.adding else self.instance.version
        )


class SolutionForm(forms.ModelForm):
    cost = MoneyField(label="Cost (if any)", required=False,
                      help_text="In pounds, for example 12.50. Leave blank if it costs nothing.")
    status = forms.ChoiceField(
        label="Status", choices=SolutionStatus.choices, widget=forms.RadioSelect,
        initial=SolutionStatus.IDEA,
        error_messages={"required": "Choose a status.",
                        "invalid_choice": "Choose one of the statuses."},
    )

    class Meta:
        model = Solution
        fields = ["what", "who", "cost", "cost_period", "status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"notes": "Notes"}
        error_messages = {
            "what": {"required": "Say what the solution is.",
                     "max_length": "Keep this to 300 characters or fewer."},
            "who": {"max_length": "Keep this to 200 characters or fewer."},
            "notes": {"max_length": "Write 4,000 characters or fewer."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_period"].choices = [("", "No cost"), *CostPeriod.choices]
        self.fields["cost_period"].label = "How often this cost is paid"
        self.fields["cost_period"].error_messages["invalid_choice"] = "Choose from the list."
        if not self.instance._state.adding:
            self.fields["version"] = VersionField(initial=self.instance.version)
            self.fields["status_note"] = forms.CharField(
                label="Why the status changed (optional)", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Kept in the solution's history if you change its status.",
                error_messages={"max_length": "Write 2,000 characters or fewer."},
            )

    def clean(self):
        cleaned = super().clean()
        cost, period = cleaned.get("cost"), cleaned.get("cost_period")
        if cost is not None and not period and "cost_period" not in self.errors:
            self.add_error("cost_period", "Say how often this cost is paid.")
        if cost is None and period and "cost" not in self.errors:
            self.add_error("cost", "Enter the cost, or choose 'No cost'.")
        return cleaned

    def _post_clean(self):
        # The model's own clean() is run by the service, with the person and outcome set.
        pass


class NothingSuitableForm(forms.Form):
    note = forms.CharField(
        label="Why is nothing suitable? (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: 'no group near enough', 'tried before and it did not help'.",
        error_messages={"max_length": "Write 2,000 characters or fewer."},
    )
    version = SeenVersionField()


class ReopenForm(forms.Form):
    version = SeenVersionField()


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="What are you looking for?", required=False, max_length=200,
                        help_text="For example: walking group, lunch club, carers.")
    place = forms.CharField(label="Where (optional)", required=False, max_length=100,
                            help_text="A town, area or postcode.")


class AddResourceForm(forms.Form):
    """The directory's "Use this" button (directory/_results.html) posts `resource_id`."""

    resource_id = forms.CharField(max_length=64, widget=forms.HiddenInput)


# The groups of "How well did I use the Support Sequence?", by their first question.
CHECKLIST_HEADINGS = {
    ChecklistQuestion.TRIED_ALREADY: "Before step 1",
    ChecklistQuestion.YOURSELF: "The seven steps",
    ChecklistQuestion.PERSONAL_BUDGETS: "Personal budgets",
    ChecklistQuestion.INVOLVED: "The person's part in decisions",
}


def checklist_form(*, plan_type: str, suggestions: Mapping[str, Suggestion],
                   stored: Mapping[str, SupportChecklistAnswer], data=None) -> QuestionnaireForm:
    """SS-5: one radio group and a note per question, in order, in the wording of the
    plan's variant, with what the record suggests as each hint (core/questionnaires.py,
    ui/questionnaire.py)."""
    questions = [
        Question(q.value, presenters.checklist_question_text(q, plan_type),
                 suggestion=suggestions.get(q.value), heading=CHECKLIST_HEADINGS.get(q, ""))
        for q in ChecklistQuestion
    ]
    return QuestionnaireForm(data=data, questions=questions,
                             choices=ChecklistAnswerChoice.choices, stored=stored)

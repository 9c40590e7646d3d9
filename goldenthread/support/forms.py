"""Forms for the Support Sequence. They validate; services save."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from goldenthread.core.questionnaires import Suggestion
from goldenthread.directory import forms as directory_forms
from goldenthread.ui.forms import Form, ModelForm, MoneyField, VersionField, choice_field
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

# What a cost is called when it cannot be read (ui.forms.MoneyField words the rest).
COST_ERRORS = {
    "invalid": "Enter the cost in pounds and pence, for example 12.50.",
    "too_many_decimals": "Enter the cost to the nearest penny, for example 12.50.",
    "too_large": "Enter a cost under £10,000,000,000.",
    "negative": "Enter a cost of £0 or more.",
}


class PlanningForm(ModelForm):
    version = VersionField(min_value=0)  # 0: nothing recorded yet
    plan_type_override = forms.ChoiceField(
        label="Which questions to use for steps 6 and 7",
        required=False,
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

    def __init__(
        self, *args: Any, variant: presenters.Variant, from_age_label: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "plan_type_override").choices = [
            ("", f"Choose from the person's age (now: {from_age_label.lower()})"),
            (
                PlanType.YOUNG_PERSON,
                "Young person: school or college, the local offer, specialist support",
            ),
            (PlanType.ADULT, "Adult: health and social services, organising support"),
        ]
        self.fields["plan_type_override"].error_messages["invalid_choice"] = (
            "Choose one of the options."
        )
        self.fields["version"].initial = 0 if self.instance._state.adding else self.instance.version


class SolutionForm(ModelForm):
    cost = MoneyField(
        label="Cost (if any)",
        required=False,
        allow_zero=True,
        error_messages=COST_ERRORS,
        help_text="In pounds, for example 12.50. Leave blank if it costs nothing.",
        widget=forms.TextInput(
            attrs={"class": "ds_input--fixed-10", "inputmode": "decimal", "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(
        label="Status",
        choices=SolutionStatus.choices,
        widget=forms.RadioSelect,
        initial=SolutionStatus.IDEA,
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "Choose one of the statuses.",
        },
    )

    class Meta:
        model = Solution
        fields = ["what", "who", "cost", "cost_period", "status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"notes": "Notes"}
        error_messages = {
            "what": {
                "required": "Say what the solution is.",
                "max_length": "Keep this to 300 characters or fewer.",
            },
            "who": {"max_length": "Keep this to 200 characters or fewer."},
            "notes": {"max_length": "Write 4,000 characters or fewer."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "cost_period").choices = [("", "No cost"), *CostPeriod.choices]
        self.fields["cost_period"].label = "How often this cost is paid"
        self.fields["cost_period"].error_messages["invalid_choice"] = "Choose from the list."
        if not self.instance._state.adding:
            self.fields["version"] = VersionField(initial=self.instance.version)
            self.fields["status_note"] = forms.CharField(
                label="Why the status changed (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Kept in the solution's history if you change its status.",
                error_messages={"max_length": "Write 2,000 characters or fewer."},
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cost, period = cleaned.get("cost"), cleaned.get("cost_period")
        if cost == 0 and not period:
            cleaned["cost"] = cost = None  # £0 and "No cost" say the same thing (#16)
        if cost is not None and not period and "cost_period" not in self.errors:
            self.add_error("cost_period", "Say how often this cost is paid.")
        if cost is None and period and "cost" not in self.errors:
            self.add_error("cost", "Enter the cost, or choose 'No cost'.")
        return cleaned

    def _post_clean(self) -> None:
        # The model's own clean() is run by the service, with the person and outcome set.
        pass


class NothingSuitableForm(Form):
    note = forms.CharField(
        label="Why is nothing suitable? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: 'no group near enough', 'tried before and it did not help'.",
        error_messages={"max_length": "Write 2,000 characters or fewer."},
    )
    version = VersionField(min_value=0)  # 0: the step was never marked


class ReopenForm(Form):
    version = VersionField(min_value=0)


class DirectorySearchForm(directory_forms.DirectorySearchForm):
    """The directory's search (its limits and messages) inside steps 5 and 6, with examples
    for a support step. It had its own copy, which answered Django's "Ensure this value has
    at most 200 characters" where the directory says "Use 200 characters or fewer"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = "For example: walking group, lunch club, carers."
        self.fields["place"].label = "Where"  # shown "Where (optional)", as in the step
        self.fields["place"].help_text = "A town, area or postcode."


class AddResourceForm(Form):
    """The directory's "Use this" button (directory/_results.html) posts `resource_id`."""

    resource_id = forms.CharField(max_length=64, widget=forms.HiddenInput)


# The groups of "How well did I use the Support Sequence?", by their first question.
CHECKLIST_HEADINGS = {
    ChecklistQuestion.TRIED_ALREADY: "Before step 1",
    ChecklistQuestion.YOURSELF: "The seven steps",
    ChecklistQuestion.PERSONAL_BUDGETS: "Personal budgets",
    ChecklistQuestion.INVOLVED: "The person's part in decisions",
}


def checklist_form(
    *,
    plan_type: str,
    suggestions: Mapping[str, Suggestion],
    stored: Mapping[str, SupportChecklistAnswer],
    data: Mapping[str, Any] | None = None,
) -> QuestionnaireForm:
    """SS-5: one radio group and a note per question, in order, in the wording of the
    plan's variant, with what the record suggests as each hint (core/questionnaires.py,
    ui/questionnaire.py)."""
    questions = [
        Question(
            q.value,
            presenters.checklist_question_text(q, plan_type),
            suggestion=suggestions.get(q.value),
            heading=CHECKLIST_HEADINGS.get(q, ""),
        )
        for q in ChecklistQuestion
    ]
    return QuestionnaireForm(
        data=data, questions=questions, choices=ChecklistAnswerChoice.choices, stored=stored
    )

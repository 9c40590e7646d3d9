"""Forms for the Support Sequence. They validate; services save."""

from __future__ import annotations

from django import forms
from django.utils.html import escape

from goldenthread.ui.forms import MoneyField, VersionField

from . import presenters
from .models import (
    ChecklistAnswerChoice,
    ChecklistQuestion,
    CostPeriod,
    PlanType,
    Solution,
    SolutionStatus,
    SupportPlanning,
)


class SeenVersionField(VersionField):
    """The version of a checklist answer the editor saw; 0 when it was not answered yet."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, **kwargs)


# What a cost is called when it cannot be read (ui.forms.MoneyField words the rest).
COST_ERRORS = {
    "invalid": "Enter the cost in pounds and pence, for example 12.50.",
    "too_many_decimals": "Enter the cost to the nearest penny, for example 12.50.",
    "too_large": "Enter a cost under £10,000,000,000.",
    "negative": "Enter a cost of £0 or more.",
}


class PlanningForm(forms.ModelForm):
    version = VersionField(min_value=0)  # 0: nothing recorded yet
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
    cost = MoneyField(
        label="Cost (if any)", required=False, allow_zero=True, error_messages=COST_ERRORS,
        help_text="In pounds, for example 12.50. Leave blank if it costs nothing.",
        widget=forms.TextInput(attrs={"class": "ds_input--fixed-10", "inputmode": "decimal",
                                      "autocomplete": "off"}),
    )
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
    version = VersionField(min_value=0)  # 0: the step was never marked


class ReopenForm(forms.Form):
    version = VersionField(min_value=0)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="What are you looking for?", required=False, max_length=200,
                        help_text="For example: walking group, lunch club, carers.")
    place = forms.CharField(label="Where (optional)", required=False, max_length=100,
                            help_text="A town, area or postcode.")


class AddResourceForm(forms.Form):
    """The directory's "Use this" button (directory/_results.html) posts `resource_id`."""

    resource_id = forms.CharField(max_length=64, widget=forms.HiddenInput)


class ChecklistForm(forms.Form):
    """One radio question and an optional note per checklist question, in order."""

    def __init__(self, *args, plan_type: str, suggestions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for question in ChecklistQuestion:
            stored = answers.get(question)
            suggestion = suggestions[question]
            answer_name, note_name, version_name = (
                f"{question}-answer", f"{question}-note", f"{question}-version"
            )
            if suggestion.answer:
                hint = (f"Suggested from the record: {ChecklistAnswerChoice(suggestion.answer).label}"
                        f". {suggestion.reason}")
            else:
                hint = suggestion.reason
            self.fields[answer_name] = forms.ChoiceField(
                label=presenters.checklist_question_text(question, plan_type),
                help_text=escape(hint),
                choices=ChecklistAnswerChoice.choices, required=False,
                widget=forms.RadioSelect,
                initial=stored.answer if stored else "",
                error_messages={"invalid_choice": "Choose yes, partly or not yet."},
            )
            self.fields[note_name] = forms.CharField(
                label="Your note on this question", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=stored.note if stored else "",
                error_messages={"max_length": "Write 2,000 characters or fewer."},
            )
            self.fields[version_name] = SeenVersionField(initial=stored.version if stored else 0)
            self.rows.append({
                "question": question,
                "suggestion": suggestion,
                "suggested_label": (ChecklistAnswerChoice(suggestion.answer).label
                                    if suggestion.answer else ""),
                "stored": stored,
                "answer_name": answer_name,
                "note_name": note_name,
                "version_name": version_name,
            })

    def bound_rows(self):
        return [
            {**row, "answer": self[row["answer_name"]], "note": self[row["note_name"]],
             "version": self[row["version_name"]]}
            for row in self.rows
        ]

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            row["question"]: (self.cleaned_data[row["answer_name"]] or "",
                              self.cleaned_data[row["note_name"]] or "")
            for row in self.rows
        }

    def versions(self) -> dict[str, int]:
        return {row["question"]: self.cleaned_data[row["version_name"]] for row in self.rows}

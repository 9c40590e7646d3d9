"""Forms for risk enablement. The service decides what is allowed; its messages are put
beside the fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from goldenthread.sds.selectors import purpose_choices
from goldenthread.ui.forms import YES_NO, Form, VersionField, date_field, radio_field, text_field

from .models import CapacityQuestion, Whose
from .services import RISK_FIELDS


class RiskForm(Form):
    about = forms.ChoiceField(
        label="Which outcome or solution is this about?",
        error_messages={
            "required": "Choose the outcome or the solution this risk is about.",
            "invalid_choice": "Choose one of this person's outcomes or solutions.",
        },
    )
    activity = forms.CharField(
        label="What the person wants to do",
        max_length=300,
        help_text="In the person's words, for example: 'go to the shops on my own'.",
        error_messages={
            "required": "Say what the person wants to do.",
            "max_length": "Keep this to 300 characters or fewer.",
        },
    )
    could_go_wrong = text_field(
        "What could go wrong", rows=4, max_length=4000, required_message="Say what could go wrong."
    )
    good_it_brings = text_field(
        "What good it brings",
        rows=4,
        max_length=4000,
        required_message="Say what good it brings to the person (positive risk).",
        help_text="What the person gains: wellbeing, confidence, friendships, independence "
        "(Standard 6.3).",
    )
    least_restrictive = text_field(
        "The least restrictive option considered",
        required=False,
        rows=3,
        max_length=4000,
        help_text="The option that limits the person's freedom least, and whether it was "
        "chosen (Standard 6.4).",
    )
    decision = text_field(
        "What was decided",
        required=False,
        rows=3,
        max_length=4000,
        help_text="Leave blank if it is not decided yet.",
    )
    reasons = text_field(
        "Why it was decided",
        required=False,
        rows=3,
        max_length=4000,
        help_text="Decisions are proportionate and their reasons recorded (Standard 6.5).",
    )
    decided_on = date_field("Date decided", required=False)
    review_on = date_field(
        "When to look at it again", required=False, what="the date to look at it again"
    )
    capacity_in_question = radio_field(
        "Is the person's capacity to make this decision in question?",
        CapacityQuestion.choices,
        inline=True,
        message="Say whether the person's capacity to decide is in question.",
    )
    capacity_notes = text_field("About capacity", required=False, rows=2)
    decision_supported_by = forms.CharField(
        label="Who supported the person to make the decision",
        required=False,
        max_length=300,
        help_text="Supported decision-making comes before anyone decides for the person "
        "(Standard 6.7).",
        error_messages={"max_length": "Keep this to 300 characters or fewer."},
    )
    views_conflict = radio_field(
        "Does a guardian's or attorney's view conflict with what the person wants?",
        YES_NO,
        inline=True,
        message="Say whether there is a conflict of views.",
        help_text="Record each view separately after saving, so they are kept side by side.",
    )
    conflict_handling = text_field(
        "How the conflict is being dealt with",
        required=False,
        rows=3,
        max_length=4000,
        help_text="Standard 6.8.",
    )

    def __init__(self, *args, person, risk=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices, self.lookup = purpose_choices(person)
        self.fields["about"].choices = [("", "Choose an outcome or solution"), *choices[1:]]
        self.fields["capacity_in_question"].initial = CapacityQuestion.NO
        self.fields["views_conflict"].initial = "no"
        if risk is not None:
            self.fields["version"] = VersionField()
            about = f"s:{risk.solution_id}" if risk.solution_id else f"o:{risk.outcome_id}"
            self.initial.update({name: getattr(risk, name) for name in RISK_FIELDS})
            self.initial.update(
                {
                    "about": about,
                    "version": risk.version,
                    "views_conflict": "yes" if risk.views_conflict else "no",
                }
            )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        outcome, solution = self.lookup.get(data.pop("about"), (None, None))
        data.pop("version", None)
        data["views_conflict"] = data["views_conflict"] == "yes"
        return {"outcome": outcome, "solution": solution, **data}


class AgreementForm(Form):
    name = forms.CharField(
        label="Who",
        max_length=200,
        error_messages={
            "required": "Enter who agreed.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )
    role = forms.CharField(
        label="Who they are",
        max_length=120,
        help_text="For example: 'Jean herself', 'daughter', 'social worker', 'club secretary'.",
        error_messages={
            "required": "Say who they are to the person.",
            "max_length": "Keep this to 120 characters or fewer.",
        },
    )
    agreed_to = text_field(
        "What they agreed to do or accept", required_message="Say what they agreed to."
    )
    agreed_on = date_field("Date agreed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()


class ViewForm(Form):
    whose = radio_field("Whose view is this?", Whose.choices, message="Choose whose view this is.")
    name = forms.CharField(
        label="Their name",
        max_length=200,
        error_messages={
            "required": "Enter their name.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )
    view = text_field(
        "Their view, in their words",
        rows=4,
        max_length=4000,
        required_message="Write their view, in their words.",
        help_text="It is kept beside everyone else's view; nothing is overwritten.",
    )
    given_on = date_field("Date given")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()

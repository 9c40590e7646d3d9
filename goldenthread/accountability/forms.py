"""Forms for challenges, advocacy and transitions. The services decide what is allowed;
their messages are put beside the fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from goldenthread.core.formatting import date_text
from goldenthread.outcomes.models import Agreed, AgreedHow, AgreementWhose
from goldenthread.sds.models import UnderstandingAbout, UnderstandingHelp, Understood
from goldenthread.ui.forms import (
    Form,
    OneTimeTokenForm,
    VersionField,
    date_field,
    radio_field,
    text_field,
)

from .models import (
    AdvocacyAnswer,
    ChallengeAbout,
    ChallengeOutcome,
    EscalationBody,
    Mediation,
    RaisedBy,
    TransitionKind,
)
from .services import ADVOCACY_FIELDS, TRANSITION_FIELDS


def _short(
    label: str, max_length: int, message: str = "", help_text: str = "", required: bool = True
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={
            "required": message or f"Enter {label[0].lower()}{label[1:]}.",
            "max_length": f"Keep this to {max_length:,} characters or fewer.",
        },
    )


class ChallengeRaiseForm(OneTimeTokenForm):
    raised_by = radio_field("Who raised it?", RaisedBy.choices, message="Choose who raised it.")
    raised_by_name = _short("Their name", 200, "Enter the name of who raised it.")
    raised_on = date_field(
        "Date received",
        help_text="The deadline for the first answer is counted in working days from this date.",
    )
    about = radio_field(
        "What is it about?", ChallengeAbout.choices, message="Choose what it is about."
    )
    decision = forms.ChoiceField(
        label="The decision it is about",
        required=False,
        help_text="If it is about a decision already recorded, choose it.",
        error_messages={"invalid_choice": "Choose one of this person's decisions."},
    )
    details = text_field(
        "What they are unhappy about, in their words",
        rows=5,
        max_length=4000,
        required_message="Write what they are unhappy about, in their words.",
    )
    wanted = text_field("What they would like to happen", required=False, rows=3, max_length=4000)

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = {str(d.pk): d for d in decisions}
        self.fields["decision"].choices = [("", "Not about a recorded decision")] + [
            (str(d.pk), f"{date_text(d.decided_on)}: {d.summary}") for d in decisions
        ]
        self.fields["raised_on"].initial = timezone.localdate()
        self.fields["raised_by"].initial = RaisedBy.PERSON

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["decision"] = self.decisions.get(data.get("decision") or "")
        return data


class ChallengeInvestigateForm(Form):
    version = VersionField()
    started_on = date_field("Date the investigation started")
    reason = text_field(
        "Why it is being investigated",
        rows=3,
        required_message="Say why it is being investigated.",
        help_text="For example: the person is not satisfied with the "
        "frontline answer, or it is too complex to answer in 5 working days.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()


class ChallengeAnswerForm(Form):
    version = VersionField()
    outcome = radio_field(
        "Was it upheld?", ChallengeOutcome.choices, message="Choose whether it was upheld."
    )
    answer = text_field(
        "The answer, as given to the person",
        rows=5,
        max_length=6000,
        required_message="Write the answer as it was given to the person.",
    )
    what_changed = text_field(
        "What changed because of it",
        required=False,
        rows=3,
        max_length=4000,
        help_text="Needed when it is upheld or partly upheld.",
    )
    answered_on = date_field("Date answered")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].initial = timezone.localdate()


class ChallengeExtendForm(Form):
    version = VersionField()
    due_on = date_field("The new date the answer is due", what="the new date")
    reason = text_field(
        "Why more time is needed",
        rows=4,
        max_length=4000,
        help_text="As the person is told it, in plain words.",
        required_message="Say why more time is needed, as the person will be told.",
    )
    agreed_by = forms.CharField(
        label="The manager who agreed it",
        max_length=200,
        help_text="Their name and role, for example 'Lee Smith, service manager'.",
        error_messages={
            "required": "Name the manager who agreed the extension.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )


class ChallengeMediationForm(Form):
    version = VersionField()
    mediation = radio_field(
        "Mediation",
        [c for c in Mediation.choices if c[0] != Mediation.NOT_OFFERED],
        message="Choose what happened about mediation.",
    )
    on = date_field("Date", what="the date")
    note = text_field("Notes", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ChallengeEscalateForm(Form):
    body = radio_field(
        "Who was it taken to?", EscalationBody.choices, message="Choose who it was taken to."
    )
    escalated_on = date_field("Date it was taken to them", what="the date")
    reference = _short("Their reference", 100, required=False)
    note = text_field("Notes", required=False, rows=2, help_text="For another body, say which.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalated_on"].initial = timezone.localdate()


class AdvocacyForm(Form):
    identified_on = date_field("Date the need was identified")
    identified_by = _short(
        "Who identified the need",
        200,
        "Say who identified the need.",
        help_text="For example: 'the person', 'her social worker'.",
    )
    why = text_field(
        "Why advocacy is needed", rows=3, required_message="Say why advocacy is needed."
    )
    offered_on = date_field("Date advocacy was offered", required=False)
    answer = radio_field(
        "The person's answer", AdvocacyAnswer.choices, message="Choose the person's answer."
    )
    declined_reason = text_field("Why they declined, in their words", required=False, rows=2)
    referred_on = date_field("Date referred", required=False)
    provider = forms.ChoiceField(
        label="Advocacy provider from the directory",
        required=False,
        error_messages={"invalid_choice": "Choose a provider from the list."},
    )
    provider_name = _short(
        "Or the provider's name",
        200,
        required=False,
        help_text="If the provider is not in the directory.",
    )
    started_on = date_field("Date the advocate started", required=False)

    def __init__(self, *args, providers=(), advocacy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {str(p.pk): p for p in providers}
        self.fields["provider"].choices = [("", "Not in the directory")] + [
            (str(p.pk), p.name) for p in providers
        ]
        self.fields["answer"].initial = AdvocacyAnswer.NOT_OFFERED
        if advocacy is None:
            self.fields["identified_on"].initial = timezone.localdate()
        else:
            self.fields["version"] = VersionField()
            self.initial.update(
                {
                    name: getattr(advocacy, name)
                    for name in ADVOCACY_FIELDS
                    if name != "provider"  # a choice by id, below
                }
            )
            self.initial.update(
                {"version": advocacy.version, "provider": str(advocacy.provider_id or "")}
            )
            if advocacy.provider_id:
                self.initial["provider_name"] = ""

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["provider"] = self.providers.get(data.get("provider") or "")
        return data


class TransitionForm(Form):
    kind = radio_field("Type of move", TransitionKind.choices, message="Choose the type of move.")
    planned_on = date_field("Planned date")
    actual_on = date_field(
        "Date it happened", required=False, help_text="Leave blank until the move has happened."
    )
    outcomes = forms.MultipleChoiceField(
        label="The outcomes this move serves",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A move with no outcome is shown as a broken link in the golden thread.",
        error_messages={"invalid_choice": "Choose this person's outcomes."},
    )
    circle_members = forms.MultipleChoiceField(
        label="Who from the person's circle is involved",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from this person's circle."},
    )
    other_agencies = text_field("Other agencies and people involved", required=False, rows=2)
    receiving_details = text_field(
        "The receiving council or service",
        required=False,
        rows=2,
        help_text="For a move to another council: who receives the plan, and how.",
    )
    notes = text_field("What matters about this move", required=False, rows=3, max_length=4000)

    def __init__(self, *args, outcomes=(), members=(), transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome_lookup = {str(o.pk): o for o in outcomes}
        self.member_lookup = {str(m.pk): m for m in members}
        self.fields["outcomes"].choices = [(str(o.pk), o.statement) for o in outcomes]
        self.fields["circle_members"].choices = [
            (str(m.pk), f"{m.name} ({m.relationship})") for m in members
        ]
        if not members:
            del self.fields["circle_members"]
        if transition is not None:
            self.fields["version"] = VersionField()
            self.initial.update({name: getattr(transition, name) for name in TRANSITION_FIELDS})
            self.initial.update(
                {
                    "version": transition.version,
                    "outcomes": [str(o.pk) for o in transition.outcomes.all()],
                    "circle_members": [str(m.pk) for m in transition.circle_members.all()],
                }
            )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["outcomes"] = [self.outcome_lookup[k] for k in data.get("outcomes", [])]
        data["circle_members"] = [
            self.member_lookup[k] for k in data.pop("circle_members", []) or []
        ]
        return data


class AgreementForm(Form):
    whose = radio_field(
        "Who is saying whether they agree?", AgreementWhose.choices, message="Choose who this is."
    )
    name = _short("Their name", 200, "Enter their name.")
    agreed = radio_field("Did they agree?", Agreed.choices, message="Choose whether they agreed.")
    not_agreed = text_field(
        "What they did not agree with, in their words",
        required=False,
        rows=3,
        max_length=4000,
        help_text="Needed unless they agreed all of it.",
    )
    agreed_on = date_field("Date", what="the date")
    how = radio_field("How did they say so?", AgreedHow.choices, message="Choose how they said so.")

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()
        self.fields["whose"].initial = AgreementWhose.PERSON
        if person is not None:
            self.fields["name"].initial = person.display_name


class UnderstandingForm(Form):
    about = radio_field(
        "What was explained?", UnderstandingAbout.choices, message="Choose what was explained."
    )
    decision = forms.ChoiceField(
        label="The decision explained",
        required=False,
        error_messages={"invalid_choice": "Choose one of this person's decisions."},
    )
    checked_on = date_field("Date checked")
    how_checked = text_field(
        "How you checked it was understood",
        rows=3,
        max_length=2000,
        required_message="Say how you checked it was understood.",
        help_text="For example: 'Jean told me in her own words what option 2 would mean "
        "for her Thursdays'.",
    )
    understood = radio_field(
        "Was it understood?", Understood.choices, message="Choose whether it was understood."
    )
    help_given = radio_field("If not, what was done?", UnderstandingHelp.choices, required=False)
    what_done = text_field("More about what was done", required=False, rows=2)

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = {str(d.pk): d for d in decisions}
        self.fields["decision"].choices = [("", "Not about one decision")] + [
            (str(d.pk), f"{date_text(d.decided_on)}: {d.summary}") for d in decisions
        ]
        self.fields["checked_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["decision"] = self.decisions.get(data.get("decision") or "")
        data["help_given"] = data.get("help_given") or ""
        return data

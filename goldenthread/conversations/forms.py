from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone

from goldenthread.core.domains import SUGGESTION_REGION_ID, domain_choices
from goldenthread.core.questionnaires import Suggestion
from goldenthread.ui.forms import (
    DateInput,
    Form,
    ModelForm,
    VersionField,
    WordedModelMultipleChoiceField,
    asks_for,
    choice_field,
    described_also_by,
    text_field,
)
from goldenthread.ui.questionnaire import Question, QuestionnaireForm

from .models import (
    Conversation,
    MattersKind,
    ParticipantKind,
    Perspective,
    ReflectionAnswer,
    ReflectionAnswerChoice,
    ReflectionQuestion,
    StrengthKind,
)


def _text(
    label: str,
    help_text: str = "",
    *,
    required: bool = True,
    several: bool = False,
    message: str = "",
):
    """An item of steps 1 to 3, in the person's words. `several`: one item per line (#16).
    `message`: what an empty box is told, naming what to write ("Enter <label>." unless
    given)."""
    if several:
        help_text = f"{help_text} To add several, put each on a line of its own.".strip()
    return text_field(
        label,
        help_text=help_text,
        rows=3 if several else 2,
        max_length=4000,
        required=required,
        required_message=message,
    )


# Kinds of item where people list things: several can be added at once, one per line.
SEVERAL_AT_ONCE = frozenset({"matters", "aspiration", "working", "strength"})


class ConversationForm(ModelForm):
    version = VersionField()

    class Meta:
        model = Conversation
        fields = ["held_on", "place", "person_took_part", "narrative"]
        widgets = {"held_on": DateInput(), "narrative": forms.Textarea(attrs={"rows": 10})}
        error_messages = {
            "held_on": {
                "required": "Enter the date of the conversation.",
                "invalid": "Enter the date of the conversation as a real date.",
            },
            "place": {"max_length": "Keep the place to 200 characters or fewer."},
            "narrative": {
                "max_length": "The story can be up to 20,000 characters. "
                "Split it over two conversations if you need more."
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            del self.fields["version"]
            self.fields["held_on"].initial = timezone.localdate()
        else:
            self.fields["version"].initial = self.instance.version

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the conversation cannot be in the future.")
        return value


class ParticipantForm(Form):
    kind = forms.ChoiceField(
        label="Who took part",
        choices=ParticipantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who took part."},
    )
    circle_member: forms.ModelChoiceField[Any] = asks_for(
        forms.ModelChoiceField(
            label="Who from the circle",
            queryset=None,
            required=False,
            help_text="Only if they are in the person's circle.",
        ),
        "someone from the person's circle",
    )
    name = forms.CharField(
        label="Their name",
        max_length=200,
        required=False,
        help_text="For an advocate, interpreter, worker or someone else.",
    )
    role = forms.CharField(
        label="Their role",
        max_length=120,
        required=False,
        help_text="For example: advocate from Circles Network, BSL interpreter.",
    )

    def __init__(self, *args, circle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circle_member"].queryset = circle
        self.fields["circle_member"].empty_label = "Choose someone"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ParticipantKind.CIRCLE and not data.get("circle_member"):
            self.add_error("circle_member", "Choose who from the circle took part.")
        if kind and kind != ParticipantKind.CIRCLE and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the name of who took part.")
        return data


class MattersForm(Form):
    kind = forms.ChoiceField(
        label="Is this about what or where?",
        choices=MattersKind.choices,
        initial=MattersKind.WHAT,
        widget=forms.RadioSelect,
    )
    text = _text(
        "What matters, or where",
        "In the person's words, for example "
        "'my garden', 'Sunday lunch at my daughter's', 'the bowling club'.",
        several=True,
        message="Enter what matters to the person, or where.",
    )
    domain = forms.ChoiceField(
        label="National outcome domain (optional)",
        required=False,
        help_text="What this is about, in the national framework: Talking Points for adults, "
        "the wellbeing indicators (SHANARRI) for children and young people. It lets what "
        "matters be counted in the reports.",
        error_messages={"invalid_choice": "Choose a domain from the list, or leave it blank."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        domain = choice_field(self, "domain")
        domain.choices = [("", "Not coded to a domain"), *domain_choices()]
        # Read with the suggestion beside it (ui/components/domain_suggestion.html).
        described_also_by(self, "domain", SUGGESTION_REGION_ID)


class WhoMattersForm(Form):
    circle_member: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Who matters",
        queryset=None,
        help_text="Add people to the person's circle on their page first.",
        error_messages={
            "required": "Choose who matters.",
            "invalid_choice": "Choose someone from the person's circle.",
        },
    )
    text = _text("Why they matter", required=False)

    def __init__(self, *args, circle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circle_member"].queryset = circle
        self.fields["circle_member"].empty_label = "Choose someone"


class AspirationForm(Form):
    text = _text(
        "Aspiration",
        "A hope for the future, where it is right to ask.",
        several=True,
        message="Enter the person's aspiration.",
    )


class WorkingItemForm(Form):
    is_working = forms.TypedChoiceField(
        label="Is this working or not working?",
        choices=[("true", "Working"), ("false", "Not working")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is working or not working."},
    )
    perspective = forms.ChoiceField(
        label="Whose view is this?",
        choices=Perspective.choices,
        initial=Perspective.PERSON,
        widget=forms.RadioSelect,
    )
    text = _text("What they said", several=True)


class StrengthForm(Form):
    kind = asks_for(
        forms.ChoiceField(
            label="What kind",
            choices=StrengthKind.choices,
            initial=StrengthKind.STRENGTH,
            widget=forms.RadioSelect,
        ),
        "what kind it is",
    )
    text = _text(
        "Strength, asset or support",
        "For example: 'good cook', 'owns a car', 'goes to the lunch club at the church'.",
        several=True,
        message="Enter the strength, asset or support.",
    )


def _item_text(item: Any) -> str:
    """An item in full, in the person's words (its `str()` is cut at 80 characters)."""
    return item.text


class PositiveChangeForm(Form):
    text = _text(
        "The positive change the person wants to see",
        "Changing something that is not working, or moving towards an aspiration.",
    )
    from_not_working: forms.ModelMultipleChoiceField[Any] = WordedModelMultipleChoiceField(
        label="What is not working that this would change",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label_from=_item_text,
    )
    from_aspirations: forms.ModelMultipleChoiceField[Any] = WordedModelMultipleChoiceField(
        label="Aspirations this moves towards",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label_from=_item_text,
    )

    def __init__(self, *args, not_working=None, aspirations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_not_working"].queryset = not_working
        self.fields["from_aspirations"].queryset = aspirations

    def clean(self):
        data = super().clean()
        if not data.get("from_not_working") and not data.get("from_aspirations"):
            message = (
                "Link the positive change to something that is not working or to an "
                "aspiration, so the golden thread is kept."
            )
            # Beside the first list there is to tick, and the error summary links to it.
            offered = [
                name
                for name in ("from_not_working", "from_aspirations")
                if self.fields[name].queryset is not None and self.fields[name].queryset.exists()
            ]
            if not offered:
                raise forms.ValidationError(message)
            self.add_error(offered[0], message)
        return data


def reflection_form(
    stored: Mapping[str, ReflectionAnswer], suggestions: Mapping[str, str], data=None
) -> QuestionnaireForm:
    """OS-8: one radio group and a note per question, what the record shows as each hint
    (core/questionnaires.py, ui/questionnaire.py)."""
    questions = [
        Question(q.value, q.label, suggestion=Suggestion("", suggestions.get(q.value, "")))
        for q in ReflectionQuestion
    ]
    return QuestionnaireForm(
        data=data, questions=questions, choices=ReflectionAnswerChoice.choices, stored=stored
    )


# The add form of each kind of item of steps 1 to 3, which its change form starts from.
ADD_FORMS: dict[str, type[forms.Form]] = {
    "matters": MattersForm,
    "who": WhoMattersForm,
    "aspiration": AspirationForm,
    "working": WorkingItemForm,
    "strength": StrengthForm,
    "change": PositiveChangeForm,
}
_SEVERAL_HINT = " To add several, put each on a line of its own."


def item_edit_form_class(kind: str) -> type[forms.Form]:
    """The form that changes one item (#16): the add form's questions, one item's words
    (not one per line), and the version the editor started from (SEC-5)."""
    base = ADD_FORMS[kind]
    attrs: dict[str, Any] = {"version": VersionField()}
    if kind in SEVERAL_AT_ONCE:
        text = base.base_fields["text"]
        attrs["text"] = _text(
            str(text.label),
            str(text.help_text).replace(_SEVERAL_HINT, ""),
            message=str(text.error_messages["required"]),
        )
    return type(f"{base.__name__}Change", (base,), attrs)


def item_initial(kind: str, item) -> dict[str, Any]:
    """What the change form shows first: the item as stored."""
    initial: dict[str, Any] = {"version": item.version, "text": item.text}
    if kind == "matters":
        initial["kind"] = item.kind
        initial["domain"] = item.domain  # else a change of words would uncode it (AGG-4)
    elif kind == "who":
        initial["circle_member"] = item.circle_member_id
    elif kind == "working":
        initial["is_working"] = "true" if item.is_working else "false"
        initial["perspective"] = item.perspective
    elif kind == "strength":
        initial["kind"] = item.kind
    elif kind == "change":
        initial["from_not_working"] = list(item.from_not_working.values_list("pk", flat=True))
        initial["from_aspirations"] = list(item.from_aspirations.values_list("pk", flat=True))
    return initial

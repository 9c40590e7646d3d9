"""Forms for reviews. They validate what was typed; the services save (and check the rest).
Every message says what to do, in plain words."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from goldenthread.outcomes.checking import LIVE_CHECK_ATTRS
from goldenthread.ui.forms import (
    Form,
    NumberField,
    OneTimeTokenForm,
    VersionField,
    choice_field,
    date_field,
    needed_sometimes,
    radio_field,
    text_field,
)

from . import presenters
from .models import OutcomeDecision, Rating, SolutionDecision, WhoseWords
from .selectors import SHOW_CHOICES, SORT_CHOICES

RATING_CHOICES = [(r.value, presenters.RATING_TEXT[r]) for r in Rating]


def _date_field(label: str, *, required: bool = True, what: str) -> forms.DateField:
    return date_field(label, required=required, what=what, example="3 March 2027")


class ScheduleForm(Form):
    version = VersionField(required=False)  # empty until the first save
    next_review_on = _date_field("Date of the next review", what="the date of the next review")


class StartForm(Form):
    held_on = _date_field("Date of the review", what="the date of the review")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields[
            "held_on"
        ].help_text = "The day you met. Today, unless you are recording a review held earlier."


class OutcomeReviewForm(Form):
    """The practitioner's review of one outcome, and the new wording if it is rewritten."""

    version = VersionField(required=False)  # empty until the first save
    new_measure_value = NumberField(
        label="The measure now, as a number",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="Where the measure is a count or an amount: for example 2, for twice in "
        "the last month. Leave it blank if the measure is not a number.",
        what="the measure as a number",
        example="2 or 3.5, or leave it blank",
        error_messages={
            "max_digits": "Enter a number with no more than 10 digits before the point.",
            "max_decimal_places": "Enter a number with no more than 2 decimal places.",
            "max_whole_digits": "Enter a number with no more than 10 digits before the point.",
        },
    )
    rating = radio_field(
        "How far has it come?",
        RATING_CHOICES,
        message="Choose how far the outcome has come.",
        invalid_message="Choose one of the ratings.",
    )
    evidence = text_field(
        "What shows this, in everyday words",
        max_length=4000,
        help_text="What has happened since the last review; what the person and the people "
        "around them have noticed.",
        required_message="Say what shows this, in everyday words: what has happened, what the "
        "person and others have seen.",
    )
    decision = radio_field(
        "What happens to this outcome now?",
        [
            (OutcomeDecision.KEEP.value, "Keep it as it is"),
            (OutcomeDecision.REWRITE.value, "Rewrite it (the old wording is kept in the record)"),
            (OutcomeDecision.CLOSE.value, "Close it (as achieved, if you rated it achieved)"),
        ],
        message="Choose whether to keep, rewrite or close this outcome.",
        invalid_message="Choose keep, rewrite or close.",
    )
    statement = forms.CharField(
        label="The new outcome",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you are rewriting it. What the person wants to change or achieve "
        "now, in everyday words. Say what will be different, not how.",
        error_messages={"max_length": "Keep the outcome to 2,000 characters or fewer."},
    )
    baseline = forms.CharField(
        label="Starting point now",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the starting point to 2,000 characters or fewer."},
    )
    measure = forms.CharField(
        label="How we will know",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep this to 1,000 characters or fewer."},
    )
    target_date = _date_field(
        "When it should be achieved by", required=False, what="the date it should be achieved by"
    )
    assessed_need = forms.CharField(
        label="Assessed need it meets",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep this to 2,000 characters or fewer."},
    )

    carry = forms.MultipleChoiceField(
        label="What goes on under the new wording",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked items move to the new wording with their costs; anything you "
        "untick stays with the old wording (you can move it later from the golden "
        "thread).",
    )
    # Sent with every form that offers the choice, so "nothing ticked" means nothing.
    carry_offered = forms.CharField(widget=forms.HiddenInput, required=False)

    REWRITE_FIELDS = ("statement", "baseline", "measure", "target_date", "assessed_need")

    def __init__(self, *args, key: str = "", checker_url: str = "", carry_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        choices = list(carry_choices)
        carry = choice_field(self, "carry")
        carry.choices = choices
        if choices:
            self.fields["carry"].initial = [value for value, _ in choices]
            self.fields["carry_offered"].initial = "1"
        else:
            del self.fields["carry"]
        if checker_url:
            attrs = {
                **LIVE_CHECK_ATTRS,
                "hx-post": checker_url,
                "hx-trigger": "input changed delay:400ms",
                "hx-target": f"#checker-feedback-{key}",
                "hx-include": "closest form",
                "aria-describedby": f"checker-feedback-{key}",
            }
            self.fields["statement"].widget.attrs.update(attrs)
            # Check again when the starting point or date change, not only the words (#16).
            for name in ("baseline", "target_date"):
                self.fields[name].widget.attrs.update(
                    {**attrs, "hx-trigger": "input changed delay:400ms, change"}
                )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == OutcomeDecision.REWRITE
            and not (data.get("statement") or "").strip()
        ):
            self.add_error("statement", "Write the new wording of the outcome.")
        return data

    def rewrite_fields(self):
        names = [*self.REWRITE_FIELDS, *(["carry"] if "carry" in self.fields else [])]
        return [self[name] for name in names]

    def carry_keys(self) -> frozenset[str] | None:
        """What the worker chose to carry across (None: not offered, so carry all)."""
        if "carry" not in self.fields or not self.cleaned_data.get("carry_offered"):
            return None
        return frozenset(self.cleaned_data.get("carry") or [])

    def review_fields(self):
        return [self[name] for name in ("new_measure_value", "rating", "evidence", "decision")]


class PersonViewForm(OneTimeTokenForm):
    """The person's own view, in their words. Saved as a new row; never edits an earlier one."""

    in_their_words = text_field(
        "What they said about this outcome",
        max_length=4000,
        help_text="Write it as they said it. It is shown as theirs, beside your rating, and "
        "is never changed.",
        required_message="Write what the person said about this outcome.",
    )
    rating = forms.ChoiceField(
        label="Their own rating",
        required=False,
        widget=forms.RadioSelect,
        choices=RATING_CHOICES,
        error_messages={"invalid_choice": "Choose one of the ratings, or leave it blank."},
    )
    whose_words = forms.ChoiceField(
        label="Whose words are these?",
        widget=forms.RadioSelect,
        choices=WhoseWords.choices,
        initial=WhoseWords.PERSON,
        error_messages={
            "required": "Choose whose words these are.",
            "invalid_choice": "Choose whose words these are.",
        },
    )
    speaker_name = forms.CharField(
        label="If someone spoke for them: their name, and who they are",
        max_length=200,
        required=False,
        help_text="For example: Ann Macdonald, her daughter. Leave it blank "
        "if the words are the person's own.",
        error_messages={"max_length": "Keep the name to 200 characters or fewer."},
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            name = presenters.first_name(person)
            self.fields["in_their_words"].label = f"What {name} said about this outcome"
            self.fields["rating"].label = f"{name}'s own rating"
            self.fields["whose_words"].choices = [
                (WhoseWords.PERSON.value, f"{name}, in their own words"),
                (WhoseWords.WITH_SUPPORT.value, f"{name}, with help to say it"),
                (WhoseWords.ON_BEHALF.value, f"Someone speaking for {name}"),
            ]

    def clean(self):
        data = super().clean()
        if (
            data.get("whose_words") == WhoseWords.ON_BEHALF
            and not (data.get("speaker_name") or "").strip()
        ):
            self.add_error("speaker_name", "Enter the name of who spoke for the person.")
        return data


class SolutionReviewForm(Form):
    version = VersionField(required=False)  # empty until the first save
    decision = radio_field(
        "Keep, change or stop it?",
        SolutionDecision.choices,  # "Keep it", "Change it", "Stop it"
        message="Choose whether to keep, change or stop it.",
        invalid_message="Choose keep, change or stop.",
    )
    why = text_field(
        "Why", required=False, rows=2, help_text="Needed if it is changing or stopping."
    )

    def clean(self):
        data = super().clean()
        decision, why = data.get("decision"), (data.get("why") or "").strip()
        if decision == SolutionDecision.CHANGE and not why:
            self.add_error("why", "Say what is changing and why.")
        elif decision == SolutionDecision.STOP and not why:
            self.add_error("why", "Say why it is stopping.")
        return data


class FinishForm(Form):
    version = VersionField()
    held_on = _date_field("Date of the review", what="the date of the review")
    what_learned = forms.CharField(
        label="What we learned at this review",
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has worked, what has not, and what changes because of it. Needed "
        "before you finish.",
        error_messages={"max_length": "Keep this to 8,000 characters or fewer."},
    )
    next_review_on = _date_field(
        "Date of the next review", required=False, what="the date of the next review"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kept while the review is in progress, needed to finish it: never "(optional)".
        needed_sometimes(self.fields["what_learned"], self.fields["next_review_on"])


class DueFilterForm(Form):
    """The worklist's filter and sort, from the query string (validated)."""

    show = forms.ChoiceField(
        label="Show",
        choices=SHOW_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose which reviews to show."},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=SORT_CHOICES,
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Choose how to sort the list."},
    )

    def values(self) -> tuple[str, str]:
        """(show, sort): defaults where nothing valid was given."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("show") or "all", data.get("sort") or "date"

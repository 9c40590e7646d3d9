"""Forms of the person's own record and of the staff pages that serve it."""

from __future__ import annotations

from django import forms

from goldenthread.ui.forms import (
    Form,
    NewPasswordForm,
    OneTimeTokenForm,
    VersionField,
    date_field,
    radio_field,
    text_field,
)

from .models import Channel, LinkKind, ProxyBasis, Section, WithholdingGrounds
from .reader_words import Reader, Words

CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "characters",
    "spellcheck": "false",
    "class": "ds_input--fixed-20",
}


class InvitationForm(Form):
    kind = radio_field(
        "Who is the invitation for?", LinkKind.choices, message="Choose who the invitation is for."
    )
    name = forms.CharField(
        label="Their name", max_length=200, error_messages={"required": "Enter their name."}
    )
    channel = radio_field(
        "How will they get the code?", Channel.choices, message="Choose how they will get the code."
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Only if the code is sent by e-mail.",
        error_messages={"invalid": "Enter a real e-mail address."},
    )
    relationship = forms.CharField(
        label="Who they are to the person",
        required=False,
        max_length=100,
        help_text="Only for someone acting for the person. For example: daughter, advocate.",
    )
    basis = forms.ChoiceField(
        label="What gives them the right to act for the person",
        required=False,
        choices=[("", "Not a proxy"), *ProxyBasis.choices],
        help_text="Only for someone acting for the person.",
    )
    legal_reference = forms.CharField(
        label="Order or registration reference",
        required=False,
        max_length=200,
        help_text="For a guardianship order or power of attorney.",
    )
    valid_until = date_field(
        "Their access ends on",
        required=False,
        help_text="For an order or power, the date it ends. Otherwise leave blank.",
    )
    hidden_sections = forms.MultipleChoiceField(
        label="Parts of the record they will not see",
        required=False,
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for everything, as the person (or the order) allows.",
    )
    young_person_agreed_on = date_field(
        "Date the young person agreed",
        required=False,
        help_text="Needed when the person is 12 or over and under 18.",
    )
    young_person_agreement = forms.CharField(
        label="How they agreed", required=False, max_length=300
    )


class JoinForm(NewPasswordForm):
    code = forms.CharField(
        label="Your code",
        max_length=40,
        widget=forms.TextInput(attrs=CODE_ATTRS),
        help_text="The code your worker gave you, for example ABCD-EFGH-JKMN.",
        error_messages={"required": "Enter the code you were given."},
    )
    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        help_text="You will type this to sign in. Letters and numbers are best.",
        error_messages={"required": "Choose a username."},
    )


class CommentForm(OneTimeTokenForm):
    text = text_field(
        "Your comment",
        max_length=4000,
        rows=5,
        help_text="Say it in your own words. Your worker will see it next to "
        "this part of your record. Nobody can change it.",
        required_message="Write your comment.",
    )


class ChallengeForm(OneTimeTokenForm):
    """Challenge a decision (#12): the same challenge a worker records for the person."""

    details = text_field(
        "What are you unhappy about?",
        max_length=4000,
        rows=5,
        help_text="Say it in your own words.",
        required_message="Say what you are unhappy about.",
    )
    wanted = text_field(
        "What would you like to happen? (optional)", max_length=4000, rows=3, required=False
    )


class CorrectionForm(OneTimeTokenForm):
    what_is_wrong = text_field(
        "What is wrong?", max_length=4000, rows=4, required_message="Say what is wrong."
    )
    should_say = text_field(
        "What should it say?",
        required=False,
        max_length=4000,
        rows=4,
        help_text="If you know. You can leave this empty.",
    )


class AnswerForm(Form):
    decision = radio_field(
        "Your answer",
        [("accept", "Correct the record"), ("decline", "Do not change the record")],
        message="Choose whether to correct the record.",
    )
    new_text = text_field(
        "What the record should now say",
        required=False,
        max_length=4000,
        rows=4,
        help_text="Only if you correct it. What it said before is kept in its history.",
    )
    answer = text_field(
        "Your answer to the person, with reasons",
        max_length=4000,
        rows=4,
        help_text="The person sees this. Use everyday words.",
        required_message="Write your answer to the person.",
    )
    version = VersionField()


class EndAccessForm(Form):
    reason = forms.CharField(
        label="Why is their access ending?",
        max_length=300,
        error_messages={"required": "Say why their access is ending."},
    )


class StaffEndAccessForm(EndAccessForm):
    """A worker ends a proxy's access (the person's own page: EndAccessForm)."""

    reason = forms.CharField(
        label="Why is their access ending?",
        max_length=300,
        help_text="The person can read this. Use everyday words.",
        error_messages={"required": "Say why their access is ending."},
    )
    version = VersionField()


class WithholdForm(Form):
    grounds = radio_field(
        "Why must the person not see this?",
        WithholdingGrounds.choices,
        message="Choose the grounds.",
    )
    reason = text_field(
        "Explain why",
        max_length=2000,
        rows=4,
        help_text="Your team leader reads this before agreeing.",
        required_message="Say why.",
    )
    review_on = date_field(
        "Look at it again on",
        help_text="The person is told this date.",
        what="the date to look at it again",
    )


class QuestionForm(Form):
    question = text_field(
        "What do you want to know?",
        max_length=2000,
        rows=4,
        help_text="A team leader will answer.",
        required_message="Write your question.",
    )


class QuestionAnswerForm(Form):
    answer = text_field(
        "Your answer to the person",
        max_length=4000,
        rows=4,
        help_text="Why they looked, in everyday words.",
        required_message="Write your answer to the person.",
    )
    version = VersionField()


# The person's rating of an outcome at a review (reviews.Rating's values), in the person's
# words, or for a proxy about the person by name (reader_words).
RATING_WORDS: tuple[tuple[str, Words], ...] = (
    ("achieved", "It has happened"),
    ("partly", "Some of it has happened"),
    ("not_yet", "Not yet"),
    ("not_relevant", ("It does not matter to me now", "It does not matter to {name} now")),
)


class ReviewViewForm(OneTimeTokenForm):
    outcome = forms.ChoiceField(
        label="Which outcome is this about?",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome."},
    )
    rating = forms.ChoiceField(
        label="How far has it come?",
        required=False,
        widget=forms.RadioSelect,
        choices=(),
    )
    in_their_words = text_field(
        "What do you think?",
        max_length=4000,
        rows=5,
        help_text="In your own words. Your worker sees it next to theirs. Nobody can change it.",
        required_message="Write what you think about how it is going.",
    )

    def __init__(self, *args, outcomes=(), reader: Reader | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        outcome, rating = self.fields["outcome"], self.fields["rating"]
        assert isinstance(outcome, forms.ChoiceField) and isinstance(rating, forms.ChoiceField)
        outcome.choices = [(str(o.pk), o.statement) for o in outcomes]
        # The same values stored whoever gives the view; the words to whoever reads (P-2).
        reader = reader or Reader()
        rating.choices = [(value, reader.say(w)) for value, w in RATING_WORDS]


class AboutMeForm(Form):
    what_matters = text_field("What matters to me", required=False, max_length=4000)
    admired = text_field("What people like and admire about me", required=False, max_length=4000)
    how_to_support = text_field("How best to support me", required=False, max_length=4000)
    communication = text_field("How I communicate", required=False, max_length=4000)
    important_people = text_field("Important people", required=False, max_length=4000)
    version = VersionField(min_value=0)


class AboutMeMediaForm(Form):
    upload = forms.FileField(
        label="Picture, sound recording or video",
        error_messages={"required": "Choose a file to add.", "empty": "This file is empty."},
    )
    description = forms.CharField(
        label="What it shows or is",
        max_length=300,
        help_text="A few words for people who cannot see or hear it, for example "
        "“Me at the beach with my sister”.",
        error_messages={
            "required": "Say in a few words what it shows or is.",
            "max_length": "Keep this under 300 characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .uploads import limits_words  # the limits as set (GOLDENTHREAD_PERSON_MEDIA_*)

        self.fields["upload"].help_text = limits_words()

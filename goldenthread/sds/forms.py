"""Forms for SDS choices, budgets, decisions and unmet need. Forms read and tidy what was
typed; the services decide what is allowed, and their messages are put beside the field
(ui.forms.apply_service_errors). Amounts are typed as people write them: "1,234.50",
"£1234.5" (ui.forms.MoneyField)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import Model
from django.utils import timezone
from django.utils.html import format_html

from goldenthread.core.formatting import date_text
from goldenthread.outcomes.models import Outcome
from goldenthread.outcomes.services import NOT_THEIR_OUTCOME
from goldenthread.people.models import Person
from goldenthread.support.models import Solution
from goldenthread.ui.forms import (
    HIDDEN_MESSAGE,
    YES_NO,
    Form,
    MoneyField,
    OneTimeTokenForm,
    VersionField,
    WordedModelChoiceField,
    choice_field,
    date_field,
    needed_sometimes,
    radio_field,
    text_field,
)

from . import presenters
from .models import (
    MIX_OPTIONS,
    Accepted,
    BudgetPeriod,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    DecisionAbout,
    FirstChoiceNotDelivered,
    HowTold,
    MixPart,
    NeedCategory,
    SdsChoice,
    SdsOption,
    UnmetReason,
)
from .selectors import open_outcomes, purpose_choices
from .services import Explanation, LineInput


def stored_limit(model: type[Model], name: str) -> int:
    """The most characters the database field keeps: the form's limit (and so the box's
    maxlength, which Django's CharField sets from it) read from the model, never a second
    number that could drift from it."""
    field = model._meta.get_field(name)
    limit = getattr(field, "max_length", None)
    assert isinstance(limit, int), f"{model.__name__}.{name} has no max_length"
    return limit


def _outcome_field(person: Person, label: str = "The outcome it is for") -> forms.ModelChoiceField:
    return WordedModelChoiceField(
        queryset=open_outcomes(person),
        required=False,
        label=label,
        empty_label="Not linked to an outcome",
        error_messages={"invalid_choice": NOT_THEIR_OUTCOME},
        label_from=lambda outcome: outcome.statement[:120],
    )


# --- SDS options ----------------------------------------------------------------------------


class OptionsForm(Form):
    """For each of the four options: explained?, how, when; then the choice and why."""

    def __init__(
        self, *args: Any, person: Person, choice: SdsChoice | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.option_groups: list[dict[str, Any]] = []
        for option in SdsOption:
            key = option.value
            short = presenters.OPTION_SHORT[option]
            self.fields[f"{key}_explained"] = radio_field(
                f"Was {short} explained to the person?",
                YES_NO,
                inline=True,
                message=f"Say whether {short} was explained.",
            )
            self.fields[f"{key}_ways"] = forms.MultipleChoiceField(
                label=f"How was {short} explained?",
                choices=presenters.WAY_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Choose all that apply.",
                error_messages={"invalid_choice": "Choose from the list."},
            )
            self.fields[f"{key}_other_way"] = forms.CharField(
                label=f"Another way {short} was explained",
                required=False,
                max_length=200,
                help_text="For example: in British Sign Language, with a video.",
                error_messages={"max_length": "Keep this to 200 characters or fewer."},
            )
            self.fields[f"{key}_on"] = date_field(f"Date {short} was explained", required=False)
            self.option_groups.append(
                {
                    "option": key,
                    "title": presenters.OPTION_TITLE[option],
                    "meaning": presenters.OPTION_MEANING[option],
                    "fields": [f"{key}_explained", f"{key}_ways", f"{key}_other_way", f"{key}_on"],
                }
            )
        self.fields["chosen_option"] = radio_field(
            "Which option did the person choose?",
            [
                ("", "They have not chosen yet"),
                *[(o.value, presenters.OPTION_TITLE[o]) for o in SdsOption],
            ],
            required=False,
        )
        self.fields["chosen_on"] = date_field("Date they chose", required=False)
        self.fields["reasons"] = text_field(
            "Why they chose it, in their own words",
            required=False,
            max_length=stored_limit(SdsChoice, "reasons"),
            rows=5,
            help_text="Write what the person said. It is shown exactly as typed.",
        )
        conversations = person.conversations.all()
        self.fields["conversation"] = WordedModelChoiceField(
            queryset=conversations,
            required=False,
            label="The conversation where the options were talked about",
            empty_label="Not linked to a conversation",
            error_messages={"invalid_choice": "Choose one of this person's conversations."},
            label_from=lambda c: date_text(c.held_on) + (f", {c.place}" if c.place else ""),
        )
        if choice is not None:
            self.fields["version"] = VersionField()
            self.fields["version"].initial = choice.version
            self.initial.update(initial_from_choice(choice))

    def explanations(self) -> list[Explanation]:
        data = self.cleaned_data
        return [
            Explanation(
                option=o.value,
                explained=data.get(f"{o.value}_explained") == "yes",
                ways=frozenset(data.get(f"{o.value}_ways") or ()),
                other_way=data.get(f"{o.value}_other_way", ""),
                explained_on=data.get(f"{o.value}_on"),
            )
            for o in SdsOption
        ]


def initial_from_choice(choice: SdsChoice) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "chosen_option": choice.chosen_option,
        "chosen_on": choice.chosen_on,
        "reasons": choice.reasons,
        "conversation": choice.conversation_id,
    }
    for row in choice.explanations.all():
        initial[f"{row.option}_explained"] = "yes" if row.explained else "no"
        initial[f"{row.option}_ways"] = [w for w in row.ways if w != "other_way"]
        initial[f"{row.option}_other_way"] = row.other_way
        initial[f"{row.option}_on"] = row.explained_on
    return initial


class MixForm(Form):
    """Option 4: for each part of the support (solution), the option it is arranged by."""

    def __init__(
        self,
        *args: Any,
        solutions: Iterable[Solution],
        parts: Iterable[MixPart],
        version: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.solutions = list(solutions)
        current = {part.solution_id: part.option for part in parts}
        choices = [
            ("", "Not part of the mix"),
            *[(o.value, presenters.OPTION_TITLE[o]) for o in MIX_OPTIONS],
        ]
        self.groups: list[dict[str, Any]] = []
        for solution in self.solutions:
            name = f"solution_{solution.pk}"
            self.fields[name] = forms.ChoiceField(
                label=solution.what,
                choices=choices,
                required=False,
                initial=current.get(solution.pk, ""),
                # The "who" is stored free text: escaped here, whatever prints the hint (#11).
                help_text=format_html("Who: {}", solution.who) if solution.who else "",
                error_messages={"invalid_choice": "Choose option 1, 2 or 3."},
            )
            if not self.groups or self.groups[-1]["outcome_id"] != solution.outcome_id:
                self.groups.append(
                    {
                        "outcome_id": solution.outcome_id,
                        "outcome": solution.outcome.statement,
                        "names": [],
                    }
                )
            self.groups[-1]["names"].append(name)
        self.fields["version"] = VersionField()
        self.fields["version"].initial = version

    def parts(self) -> dict[Solution, str]:
        return {s: self.cleaned_data.get(f"solution_{s.pk}", "") for s in self.solutions}


class UnmetNeedFields(Form):
    """What a first choice not delivered and an unmet need both say of the need left
    unmet: its kind, the person's open outcome it affects, and when it was identified
    (today unless changed); in the order of the form's `field_order`."""

    category = forms.ChoiceField(
        label="Kind of need",
        choices=[("", "Choose a kind of need"), *NeedCategory.choices],
        error_messages={"required": "Choose the kind of need."},
    )
    identified_on = date_field("Date identified")

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = _outcome_field(person, "The outcome it affects")
        self.fields["identified_on"].initial = timezone.localdate()
        self.order_fields(self.field_order)


def _alternative_accepted_field() -> forms.ChoiceField:
    """Whether the person accepted the alternative: when the first choice is recorded and
    when it is answered later (FirstChoiceAnswerForm)."""
    return radio_field(
        "Did the person accept the alternative?",
        Accepted.choices,
        message="Say whether the person accepted the alternative.",
    )


def _plan_to_meet_need_field(help_text: str = "") -> forms.CharField:
    return text_field(
        "The plan to meet the need over time",
        rows=4,
        max_length=stored_limit(FirstChoiceNotDelivered, "plan_to_meet_need"),
        required_message="Say how the need will be met over time.",
        help_text=help_text,
    )


class FirstChoiceForm(UnmetNeedFields):
    first_choice = forms.ChoiceField(
        label="Their first choice",
        choices=[(o.value, presenters.OPTION_TITLE[o]) for o in SdsOption],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the option they chose first."},
    )
    why = text_field(
        "Why it cannot be delivered",
        required_message="Say why their first choice cannot be delivered.",
    )
    alternative_offered = text_field(
        "The alternative offered",
        required_message="Say what alternative was offered.",
        help_text="What was offered instead, even if it is only for now.",
    )
    alternative_option = forms.ChoiceField(
        label="The option offered instead",
        choices=[
            ("", "None of the options"),
            *[(o.value, presenters.OPTION_TITLE[o]) for o in SdsOption],
        ],
        required=False,
    )
    alternative_accepted = _alternative_accepted_field()
    plan_to_meet_need = _plan_to_meet_need_field(
        help_text="What will happen, who will do it and when, so the first choice can be met "
        "if it becomes possible."
    )
    need = text_field("What need is left unmet", required_message="Say what need is left unmet.")
    field_order = [
        "first_choice",
        "why",
        "alternative_offered",
        "alternative_option",
        "alternative_accepted",
        "plan_to_meet_need",
        "need",
        "category",
        "outcome",
        "identified_on",
    ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("alternative_option") and data.get("alternative_option") == data.get(
            "first_choice"
        ):
            self.add_error(
                "alternative_option",
                "The option offered instead must differ from their first choice.",
            )
        return data


class FirstChoiceAnswerForm(Form):
    alternative_accepted = _alternative_accepted_field()
    plan_to_meet_need = _plan_to_meet_need_field()
    version = VersionField()


# --- Unmet need -----------------------------------------------------------------------------


class UnmetNeedForm(UnmetNeedFields):
    need = text_field("What need is not met", required_message="Say what need is not met.")
    reason = radio_field(
        "Why it is not met", UnmetReason.choices, message="Choose why the need is not met."
    )
    reason_other = forms.CharField(
        label="The other reason",
        required=False,
        max_length=300,
        help_text="Only if you chose another reason.",
        error_messages={"max_length": "Keep this to 300 characters or fewer."},
    )
    alternative_offered = text_field("The alternative offered", required=False)
    field_order = [
        "need",
        "category",
        "outcome",
        "reason",
        "reason_other",
        "alternative_offered",
        "identified_on",
    ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == UnmetReason.OTHER and not (data.get("reason_other") or "").strip():
            self.add_error("reason_other", "Say what the other reason is.")
        return data


class UnmetNeedMetForm(Form):
    met_on = date_field("Date the need was met")
    how_met = text_field("How it is met now", required_message="Say how the need is now met.")
    version = VersionField()


class UnmetNeedFilterForm(Form):
    REASONS = [("", "Any reason"), *UnmetReason.choices]
    reason = forms.ChoiceField(label="Why it is not met", required=False, choices=REASONS)


# --- Budgets --------------------------------------------------------------------------------


class IndicativeBudgetForm(Form):
    amount = MoneyField(
        label="The likely budget the person was told",
        allow_zero=True,
        help_text="In pounds and pence, for example 8,500.00.",
        error_messages={"required": "Enter the amount the person was told."},
    )
    period = radio_field(
        "For how long",
        BudgetPeriod.choices,
        inline=True,
        message="Choose how long the amount is for.",
    )
    told_on = date_field("Date the person was told")
    how_told = radio_field(
        "How they were told", HowTold.choices, message="Choose how they were told."
    )
    notes = text_field(
        "Anything else they were told",
        required=False,
        help_text="For example: that the amount does not depend on the option chosen.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["told_on"].initial = timezone.localdate()


class BudgetRequestForm(OneTimeTokenForm):
    start_date = date_field("Start date")
    end_date = date_field(
        "End date", required=False, help_text="Leave blank if it runs until the next review."
    )
    case_for_request = text_field(
        "What the budget is for",
        rows=5,
        max_length=stored_limit(BudgetRequest, "case_for_request"),
        required_message="Say what the budget is for and how it meets the outcomes.",
        help_text="How it meets the person's outcomes, and the strengths, family and community "
        "support already counted in.",
    )
    contribution = MoneyField(
        label="The person's assessed contribution",
        allow_zero=True,
        required=False,
        help_text="Leave blank if there is none.",
    )
    contribution_period = radio_field(
        "How often the contribution is paid", BudgetPeriod.choices, inline=True, required=False
    )
    contribution_note = forms.CharField(
        label="About the contribution",
        required=False,
        max_length=500,
        error_messages={"max_length": "Keep this to 500 characters or fewer."},
    )
    # One token per form opened (OneTimeTokenForm): sent twice, it makes one request.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()
        self.fields["contribution_period"].initial = BudgetPeriod.WEEK

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", f"The end date must be on or after the start date ({date_text(start)})."
            )
        if data.get("contribution") and not data.get("contribution_period"):
            self.add_error("contribution_period", "Choose how often the contribution is paid.")
        return data


class BudgetLineForm(Form):
    description = forms.CharField(
        label="What it pays for",
        max_length=300,
        help_text="For example: personal assistant, 6 hours a week.",
        error_messages={
            "required": "Say what it pays for.",
            "max_length": "Keep this to 300 characters or fewer.",
        },
    )
    purpose = forms.ChoiceField(
        label="What it is for",
        required=False,
        error_messages={"invalid_choice": "Choose one of this person's outcomes or solutions."},
    )
    amount = MoneyField(label="Amount", error_messages={"required": "Enter the amount."})
    period = forms.ChoiceField(
        label="How often",
        choices=[("", "Choose how often"), *BudgetPeriod.choices],
        initial=BudgetPeriod.WEEK,
        error_messages={
            "required": "Choose how often it is paid.",
            "invalid_choice": "Choose how often it is paid.",
        },
    )

    def __init__(
        self,
        *args: Any,
        purposes: tuple[list[Any], dict[str, tuple[Outcome, Solution | None]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices, self.purpose_lookup = purposes
        choice_field(self, "purpose").choices = choices

    def clean_purpose(self) -> tuple[Outcome | None, Solution | None]:
        value = self.cleaned_data.get("purpose") or ""
        return self.purpose_lookup.get(value, (None, None))


class BaseLineFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Add at least one line to the breakdown.",
        "too_many_forms": "A request can have at most %(num)d lines.",
        # The formset's hidden count of lines, missing or changed (A11Y-1).
        "missing_management_form": HIDDEN_MESSAGE,
    }

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and not self.management_form.is_valid():
            # Only why: Django's count check replaces the management form's error with "Add
            # at least one line", which is not what went wrong (A11Y-1).
            self._non_form_errors = self.error_class([HIDDEN_MESSAGE], error_class="nonform")

    def initial_form_count(self) -> int:
        # Lines are never "existing" rows: every line past the first may be left blank.
        return 0 if not self.is_bound else super().initial_form_count()

    def line_inputs(self) -> list[LineInput]:
        lines = []
        for form in self.forms:
            if not form.cleaned_data:
                continue
            outcome, solution = form.cleaned_data.get("purpose") or (None, None)
            lines.append(
                LineInput(
                    description=form.cleaned_data["description"],
                    amount=form.cleaned_data["amount"],
                    period=form.cleaned_data["period"],
                    outcome=outcome,
                    solution=solution,
                )
            )
        return lines


# django-stubs types formset_factory() as returning BaseFormSet, whatever `formset` is.
BudgetLineFormSet: type[BaseLineFormSet] = forms.formset_factory(  # type: ignore[assignment]
    BudgetLineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=50,
    validate_max=True,
)


def line_formset(
    *,
    person: Person,
    data: Mapping[str, Any] | None = None,
    lines: int = 3,
    initial: list[dict[str, Any]] | None = None,
) -> BaseLineFormSet:
    """The breakdown lines. On a post the number of lines comes from the form itself;
    otherwise `lines` empty lines (or the `initial` typed values, plus one)."""
    formset = BudgetLineFormSet(
        data=data, prefix="line", initial=initial, form_kwargs={"purposes": purpose_choices(person)}
    )
    if data is None:
        formset.extra = max(lines - 1, 0)
    return formset


class DecideForm(Form):
    action = radio_field("Your decision", [], message="Choose your decision.")
    agreed_per_year = MoneyField(
        label="The amount the panel agrees, for a year",
        required=False,
        help_text="Only if you agree a different amount. In pounds and pence, for example "
        "8,500.00.",
    )
    more_than_asked = forms.BooleanField(
        label="I confirm the panel agreed more than was asked for",
        required=False,
        help_text="Only if the amount agreed is more than the amount asked. The decision "
        "will show both amounts.",
    )
    reasons = text_field(
        "Reasons for the decision",
        required=False,
        rows=4,
        max_length=stored_limit(BudgetRequestEvent, "reasons"),
        help_text="For the record: what was considered and why.",
    )
    reasons_for_person = text_field(
        "The reasons as they will be explained to the person",
        required=False,
        rows=4,
        max_length=stored_limit(BudgetRequestEvent, "reasons_for_person"),
        help_text="In everyday words. The person sees this (Standard 8.11).",
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        may_decide: bool,
        may_refer: bool,
        as_panel: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = []
        if may_decide:
            choices += [("approve", "Agree the budget"), ("decline", "Do not agree the budget")]
        if may_decide and as_panel:
            # The panel may also agree another amount, or ask for more information (#13).
            choices += [
                ("agree_different", "Agree a different amount"),
                ("return", "Return it to the worker for more information"),
            ]
        if may_refer and not as_panel:
            choices.append(("refer", "Refer it to the decision panel"))
        choice_field(self, "action").choices = choices
        reasons, for_person = self.fields["reasons"], self.fields["reasons_for_person"]
        # Needed for some decisions (the hints say which): never labelled "(optional)".
        needed_sometimes(reasons, for_person)
        if as_panel and may_decide:
            needed_sometimes(self.fields["agreed_per_year"])
            reasons.help_text = (
                "For the record: what was considered and why. Needed unless you agree the "
                "budget as asked. If you return it, say what more information the panel needs."
            )
            for_person.help_text = (
                "In everyday words; the person sees this (Standard 8.11). If you return it, "
                "say what happens next."
            )
        else:
            del self.fields["agreed_per_year"], self.fields["more_than_asked"]
        if as_panel and may_decide:
            return
        if any(value == "refer" for value, _ in choices):
            reasons.help_text = (
                "For the record: what was considered and why. Needed if you "
                "do not agree the budget or refer it to the panel."
            )
            for_person.help_text = (
                "In everyday words; the person sees this (Standard 8.11). "
                "Needed unless you refer it to the panel."
            )
        else:
            reasons.help_text = (
                "For the record: what was considered and why. Needed if you "
                "do not agree the budget."
            )
            for_person.required = True
            for_person.error_messages["required"] = (
                "Write the reasons as they will be explained to the person."
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        action = data.get("action")
        reasons = (data.get("reasons") or "").strip()
        if action == "decline" and not reasons:
            self.add_error("reasons", "Give the reasons for not agreeing the budget.")
        if action == "refer" and not reasons:
            self.add_error("reasons", "Give the reasons for referring it to the decision panel.")
        if action == "agree_different" and not reasons:
            self.add_error(
                "reasons", "Give the reasons for agreeing a different amount from the one asked."
            )
        if action == "return" and not reasons:
            self.add_error("reasons", "Say what more information the panel needs.")
        if "agreed_per_year" in self.fields and "agreed_per_year" not in self.errors:
            amount = data.get("agreed_per_year")
            if action == "agree_different" and amount is None:
                self.add_error("agreed_per_year", "Enter the amount the panel agrees for a year.")
            elif action != "agree_different" and amount is not None:
                self.add_error(
                    "agreed_per_year",
                    "Leave the amount empty unless you agree a different amount.",
                )
        if (
            action in ("approve", "decline", "agree_different", "return")
            and "reasons_for_person" not in self.errors
            and not (data.get("reasons_for_person") or "").strip()
        ):
            self.add_error(
                "reasons_for_person",
                # The service's words for each action (sds.services.budget_request_decide).
                "Write, in plain words, what the person will be told."
                if action == "return"
                else "Write the reasons as they will be explained to the person.",
            )
        return data


class ResubmitForm(Form):
    information = text_field(
        "The information the panel asked for",
        rows=6,
        max_length=stored_limit(BudgetRequestEvent, "reasons"),  # kept as the event's reasons
        help_text="The panel reads this beside the request. Do not repeat the whole request.",
        required_message="Write the information the panel asked for.",
    )
    version = VersionField()


# --- Decisions ------------------------------------------------------------------------------


class DecisionForm(Form):
    about = radio_field(
        "What the decision is about",
        DecisionAbout.choices,
        message="Choose what the decision is about.",
    )
    summary = text_field("What was decided", required_message="Say what was decided.")
    reasons = text_field(
        "The reasons, as explained to the person",
        rows=4,
        max_length=stored_limit(Decision, "reasons"),
        required_message="Give the reasons, as they were explained to the person.",
    )
    decided_on = date_field("Date decided")
    decided_by = forms.CharField(
        label="Who decided",
        max_length=300,
        help_text="For example: 'Lee Smith, team leader' or 'the person and their daughter'.",
        error_messages={
            "required": "Say who made the decision.",
            "max_length": "Keep this to 300 characters or fewer.",
        },
    )
    shared = radio_field(
        "Has it been shared with the person?",
        YES_NO,
        inline=True,
        message="Say whether it has been shared with the person.",
    )
    shared_on = date_field("Date it was shared", required=False)
    shared_how = forms.ChoiceField(
        label="How it was shared", choices=[("", "Choose how"), *HowTold.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("shared") == "yes":
            if not data.get("shared_on") and "shared_on" not in self.errors:
                self.add_error("shared_on", "Enter the date it was shared.")
            if not data.get("shared_how"):
                self.add_error("shared_how", "Choose how it was shared.")
        return data


class DecisionSharedForm(Form):
    shared_on = date_field("Date it was shared")
    how = forms.ChoiceField(
        label="How it was shared",
        choices=[("", "Choose how"), *HowTold.choices],
        error_messages={"required": "Choose how it was shared."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_on"].initial = timezone.localdate()

"""What the API reads and writes: one schema per record, in the workbook's words."""

from __future__ import annotations

import copy
import datetime
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, ValidationInfo, create_model, field_validator
from pydantic_core import PydanticCustomError

from goldenthread.conversations.models import MattersKind, Perspective, StrengthKind
from goldenthread.core.numbers import number_message, typed_in_plain_digits
from goldenthread.core.text import (
    MAX_MARKS_IN_A_ROW,
    NAME_FIELDS,
    refusal,
    shows_nothing,
    without_direction_controls,
)
from goldenthread.outcomes.models import CheckQuestion
from goldenthread.people.models import SupportReason
from goldenthread.reviews.models import OutcomeDecision, Rating, WhoseWords
from goldenthread.risk.models import CapacityQuestion, Whose
from goldenthread.sds.models import (
    EXPLANATION_WAYS,
    MIX_OPTIONS,
    Accepted,
    BudgetPeriod,
    HowTold,
    NeedCategory,
    SdsOption,
    UnmetReason,
)
from goldenthread.support.models import CostPeriod, SolutionStatus, SupportStep

from .problems import UNICODE_REFUSED


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def in_order(relation: str, *order: str) -> staticmethod:
    """A resolver (`resolve_<field> = in_order(...)`): the rows of `relation` in `order`."""
    return staticmethod(lambda obj: list(getattr(obj, relation).order_by(*order)))


def name_of(field: str) -> staticmethod:
    """A resolver: the full name of the user in `field` ("" when there is none)."""
    return staticmethod(lambda obj: _name(getattr(obj, field)))


INVISIBLE_REFUSED = (
    "Text cannot be made only of invisible characters (such as zero-width spaces): "
    "leave it empty or write something."
)


REPLACEMENT_REFUSED = (
    "Text contains U+FFFD, the replacement character, which stands where characters were "
    "lost (sent in an encoding other than UTF-8): send the text again in UTF-8."
)
MARKS_REFUSED = (
    f"Text has more than {MAX_MARKS_IN_A_ROW} combining marks (accents) on one letter: "
    "take some out."
)


def unstorable(value: object) -> PydanticCustomError | None:
    """Why text sent cannot be stored, or None: the NUL character (PostgreSQL's text refuses
    it; the pages refuse it with Django's ProhibitNullCharactersValidator) or a lone
    surrogate (not Unicode, so no database can store it as UTF-8); nor, as the pages refuse
    them (core.text.refusal), U+FFFD (text lost on the way: bytes that were not UTF-8) or
    more than a few combining marks on one letter. Looks into lists and dicts (their keys
    too); a schema inside is checked by its own fields."""
    if isinstance(value, str):
        if "\x00" in value:
            return PydanticCustomError(
                "string_nul", "Text cannot contain the NUL character (\\u0000)."
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return PydanticCustomError("string_unicode", UNICODE_REFUSED)
        why = refusal(value)
        if why == "replacement":
            return PydanticCustomError("string_replacement", REPLACEMENT_REFUSED)
        if why == "marks":
            return PydanticCustomError("string_marks", MARKS_REFUSED)
        return None
    if isinstance(value, dict):
        value = [*value, *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        return next(filter(None, map(unstorable, value)), None)
    return None


def _plain_digits(value: Any) -> Any:
    """A number sent as text in the digits 0 to 9 only (core/numbers.py): pydantic's Decimal
    reads other scripts' digits ("٣٤" as 34), as the pages' fields once did."""
    if isinstance(value, str) and not typed_in_plain_digits(value):
        raise PydanticCustomError("number_digits", number_message("a number", "12.50"))
    return value


# Every decimal number the API reads (money, a measure): JSON numbers, or text in the
# digits 0 to 9.
Number = Annotated[Decimal, BeforeValidator(_plain_digits)]


class Input(Schema):
    """What the API reads, in a body or a query string: text that cannot be stored (see
    `unstorable`) in any field is a 422 naming the field, never a database error (a 500 on
    PostgreSQL). Every schema a route reads derives from this one
    (tests/test_unstorable_text.py)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        # After pydantic has read the field (so a schema inside has looked at its own
        # fields; a discriminator allows no other kind of validator). Pydantic refuses a
        # lone surrogate itself in text with a length limit: problems.ninja_field_errors
        # gives its refusal the words of UNICODE_REFUSED.
        error = unstorable(value)
        if error is not None:
            raise error
        if isinstance(value, str):
            # As the pages keep typed text (core/text.py): no direction controls (a name's
            # are refused by the service), and text of invisible characters alone is
            # refused, not kept as if it said something.
            if info.field_name not in NAME_FIELDS:
                value = without_direction_controls(value)
            if value.strip() and shows_nothing(value):
                raise PydanticCustomError("string_invisible", INVISIBLE_REFUSED)
        return value


class Strict(Input):
    """Inputs: unknown fields are refused (a typo never silently does nothing)."""

    model_config = ConfigDict(extra="forbid")


def patch_of(
    source: type[Schema], *, leave_out: tuple[str, ...] = (), **more: tuple
) -> type[Strict]:
    """The base of the schema of a change (PATCH), made from the schema of a new record:
    the same fields with the same limits, each optional (null or left out: leave it as it
    is), less the ones that cannot change (`leave_out`), plus `more` (name=(type, default)).
    Subclass it (`class PersonPatch(patch_of(PersonIn)): ...`) so that the change schema
    is a class with its own name and description."""
    fields: dict[str, tuple] = {}
    for field_name, info in source.model_fields.items():
        if field_name in leave_out:
            continue
        optional = copy.deepcopy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation | None, optional)  # type: ignore[operator]
    return create_model(  # type: ignore[call-overload]
        f"{source.__name__}Changes", __base__=Strict, __module__=__name__, **fields, **more
    )


# --- People --------------------------------------------------------------------------

# The main reason for support (#14): a client group of PHS Social Care (Source), its field
# name as the code, or "" for not recorded (people.SupportReason; the details form's list).
if TYPE_CHECKING:
    SupportReasonCode: TypeAlias = str
else:
    SupportReasonCode = Literal[("", *SupportReason.values)]
_SUPPORT_REASON = (
    "The person's main reason for support, by its code: one of the reasons the person's "
    "details page offers, as Public Health Scotland's Social Care (Source) data lists them "
    '(it calls this "client group"); "" when not recorded. The reports can be filtered by it.'
)


class PersonSummary(Schema):
    id: uuid.UUID
    version: int
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: datetime.date
    chi_number: str


class Received(Schema):
    sent_by: str
    sent_at: datetime.datetime
    received_at: datetime.datetime = Field(..., alias="created_at")
    imported_by: str

    resolve_imported_by = name_of("imported_by")


class PersonOut(PersonSummary):
    communication_needs: str
    support_reason: SupportReasonCode = Field(..., description=_SUPPORT_REASON)
    area_id: int
    area: str
    team_id: uuid.UUID
    team: str
    received: list[Received]

    @staticmethod
    def resolve_area(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_team(obj) -> str:
        return obj.team.name

    @staticmethod
    def resolve_received(obj) -> list:
        return list(obj.plan_transfers.select_related("imported_by"))


class CircleMemberOut(Schema):
    id: uuid.UUID
    version: int
    name: str
    relationship: str
    is_unpaid_carer: bool
    contact: str
    notes: str


_CONFIRMED_NAMESAKE = (
    "true: you have checked that the person is not the one already recorded with the same "
    "name and date of birth, whom you may see (a namesake), so save anyway; kept in the "
    "record's change history. Without it, such a match answers 422 with an error on this "
    "field and the ids of those people in `namesakes`, and nothing is saved. It does not "
    "pass a match with someone you may not see: that is always 409 'may already be known' "
    "(your team leader is asked to check), as on the page."
)


class PersonIn(Strict):
    """A new person, in the caller's own team (as the page); the caller is allocated."""

    given_name: str = Field(..., max_length=100)
    family_name: str = Field(..., max_length=100)
    preferred_name: str = Field("", max_length=100)
    date_of_birth: datetime.date
    chi_number: str = Field("", max_length=20)
    communication_needs: str = Field("", max_length=2000)
    area_id: int
    support_reason: SupportReasonCode = Field("", description=_SUPPORT_REASON)
    confirmed_namesake: bool = Field(False, description=_CONFIRMED_NAMESAKE)


class PersonPatch(patch_of(PersonIn)):  # type: ignore[misc]
    """A change to a person's details: send only what changes."""


class AllocationOut(Schema):
    id: uuid.UUID
    version: int
    worker_id: uuid.UUID
    worker: str
    description: str
    start_date: datetime.date
    end_date: datetime.date | None

    resolve_worker = name_of("worker")


class AllocationIn(Strict):
    worker_id: uuid.UUID
    start_date: datetime.date
    description: str = Field("", max_length=120)


class AllocationEnd(Strict):
    end_date: datetime.date


class CircleMemberIn(Strict):
    name: str = Field(..., max_length=200)
    relationship: str = Field(..., max_length=100)
    is_unpaid_carer: bool = False
    contact: str = Field("", max_length=300)
    notes: str = Field("", max_length=2000)


class CircleMemberPatch(patch_of(CircleMemberIn)):  # type: ignore[misc]
    """A change to someone in the person's circle: send only what changes."""


# --- Conversations -------------------------------------------------------------------


class ConversationSummary(Schema):
    id: uuid.UUID
    version: int
    held_on: datetime.date
    place: str
    person_took_part: bool
    recorded_by: str

    resolve_recorded_by = name_of("recorded_by")


class ParticipantOut(Schema):
    id: uuid.UUID
    kind: str
    circle_member_id: uuid.UUID | None
    name: str
    role: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class ItemOut(Schema):
    id: uuid.UUID
    version: int
    text: str


class MattersOut(ItemOut):
    kind: str


class WhoMattersOut(ItemOut):
    circle_member_id: uuid.UUID


class WorkingOut(ItemOut):
    is_working: bool
    perspective: str


class StrengthOut(ItemOut):
    kind: str


class PositiveChangeOut(ItemOut):
    from_not_working: list[uuid.UUID]
    from_aspirations: list[uuid.UUID]

    @staticmethod
    def resolve_from_not_working(obj) -> list:
        return [item.pk for item in obj.from_not_working.all()]

    @staticmethod
    def resolve_from_aspirations(obj) -> list:
        return [item.pk for item in obj.from_aspirations.all()]


class ConversationIn(Strict):
    held_on: datetime.date
    place: str = Field("", max_length=200)
    person_took_part: bool = True
    narrative: str = Field("", max_length=20000)


class ConversationPatch(patch_of(ConversationIn)):  # type: ignore[misc]
    """A change to a conversation's details or story: send only what changes."""


class MattersIn(Strict):
    item_type: Literal["matters"]
    text: str = Field(..., min_length=1, max_length=4000)
    kind: Literal[tuple(MattersKind.values)] = MattersKind.WHAT.value  # type: ignore[valid-type]


class WhoMattersIn(Strict):
    item_type: Literal["who"]
    circle_member_id: uuid.UUID
    text: str = Field("", max_length=4000)


class AspirationIn(Strict):
    item_type: Literal["aspiration"]
    text: str = Field(..., min_length=1, max_length=4000)


class WorkingIn(Strict):
    item_type: Literal["working"]
    text: str = Field(..., min_length=1, max_length=4000)
    is_working: bool
    perspective: Literal[tuple(Perspective.values)] = Perspective.PERSON.value  # type: ignore[valid-type]


class StrengthIn(Strict):
    item_type: Literal["strength"]
    text: str = Field(..., min_length=1, max_length=4000)
    kind: Literal[tuple(StrengthKind.values)] = StrengthKind.STRENGTH.value  # type: ignore[valid-type]


class ConversationOut(ConversationSummary):
    narrative: str
    participants: list[ParticipantOut]
    what_matters: list[MattersOut]
    who_matters: list[WhoMattersOut]
    aspirations: list[ItemOut]
    working: list[WorkingOut]
    strengths: list[StrengthOut]
    positive_changes: list[PositiveChangeOut]

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.select_related("circle_member"))

    resolve_what_matters = in_order("mattersitem_set", "created_at", "id")

    resolve_who_matters = in_order("whomatters_set", "created_at", "id")

    resolve_aspirations = in_order("aspiration_set", "created_at", "id")

    resolve_working = in_order("workingitem_set", "created_at", "id")

    resolve_strengths = in_order("strength_set", "created_at", "id")

    @staticmethod
    def resolve_positive_changes(obj) -> list:
        return list(
            obj.positivechange_set.order_by("created_at", "id").prefetch_related(
                "from_not_working", "from_aspirations"
            )
        )


# --- Outcomes ------------------------------------------------------------------------


class OutcomeSummary(Schema):
    id: uuid.UUID
    version: int
    statement: str
    status: str
    target_date: datetime.date | None
    conversation_id: uuid.UUID
    positive_change_id: uuid.UUID
    replaces_id: uuid.UUID | None


class CheckOut(Schema):
    question: str
    question_text: str
    answer: str
    note: str
    suggested: str
    suggestion_reason: str
    version: int

    @staticmethod
    def resolve_question_text(obj) -> str:
        return str(CheckQuestion(obj.question).label)


class WordingOut(Schema):
    number: int
    statement: str
    baseline: str
    measure: str
    target_date: datetime.date | None
    written_at: datetime.datetime = Field(..., alias="created_at")


class OutcomeOut(OutcomeSummary):
    baseline: str
    measure: str
    assessed_need: str
    checker_codes: list[str]
    created_at: datetime.datetime
    checks: list[CheckOut]
    wordings: list[WordingOut]

    @staticmethod
    def resolve_checks(obj) -> list:
        return sorted(obj.check_answers.all(), key=lambda a: CheckQuestion.values.index(a.question))

    resolve_wordings = in_order("wordings", "number")


class OutcomeIn(Strict):
    positive_change_id: uuid.UUID
    statement: str = Field(..., max_length=2000)
    baseline: str = Field("", max_length=2000)
    measure: str = Field("", max_length=1000)
    target_date: datetime.date | None = None
    assessed_need: str = Field("", max_length=2000)


class OutcomePatch(patch_of(OutcomeIn, leave_out=("positive_change_id",))):  # type: ignore[misc]
    """A change to an outcome: send only what changes."""


# --- Support Sequence ----------------------------------------------------------------

# The codes a field accepts, from the model's choices: a Literal for pydantic (it refuses
# anything else, and the OpenAPI document lists them); a str for the type checker, which
# cannot read a Literal made at import.
if TYPE_CHECKING:
    StepCode: TypeAlias = str
    SolutionStatusCode: TypeAlias = str
    CostPeriodCode: TypeAlias = str
    PeriodCode: TypeAlias = str
else:
    StepCode = Literal[tuple(SupportStep.values)]
    SolutionStatusCode = Literal[tuple(SolutionStatus.values)]
    CostPeriodCode = Literal[tuple(CostPeriod.values)]
    PeriodCode = Literal[tuple(BudgetPeriod.values)]
Money = Field(None, ge=0, max_digits=12, decimal_places=2)


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    note: str
    at: datetime.datetime = Field(..., alias="created_at")
    changed_by: str

    resolve_changed_by = name_of("changed_by")


class SolutionOut(Schema):
    id: uuid.UUID
    version: int
    outcome_id: uuid.UUID
    step: str
    step_number: int
    what: str
    who: str
    cost: Decimal | None
    cost_period: str
    status: str
    notes: str
    community_resource_id: uuid.UUID | None
    status_history: list[StatusChangeOut]

    @staticmethod
    def resolve_step_number(obj) -> int:
        return SupportStep(obj.step).number

    @staticmethod
    def resolve_status_history(obj) -> list:
        return list(obj.status_changes.select_related("changed_by").order_by("created_at", "id"))


class SolutionIn(Strict):
    step: StepCode
    what: str = Field(..., max_length=300)
    who: str = Field("", max_length=200)
    cost: Number | None = Money
    cost_period: Literal[tuple(["", *CostPeriod.values])] = ""  # type: ignore[valid-type]
    status: SolutionStatusCode = SolutionStatus.IDEA.value
    notes: str = Field("", max_length=4000)


class SolutionPatch(
    patch_of(SolutionIn, leave_out=("step",), status_note=(str, Field("", max_length=2000)))  # type: ignore[misc]
):
    """A change to a solution: send only what changes. A change of status is kept in its
    history, with `status_note`."""


# --- SDS, budgets, decisions, unmet need ---------------------------------------------


class ExplanationOut(Schema):
    option: str
    explained: bool
    ways: list[str]
    other_way: str
    explained_on: datetime.date | None


class MixPartOut(Schema):
    solution_id: uuid.UUID
    option: str


class SdsChoiceOut(Schema):
    version: int
    chosen_option: str
    chosen_on: datetime.date | None
    reasons: str
    conversation_id: uuid.UUID | None
    explanations: list[ExplanationOut]
    mix_parts: list[MixPartOut]

    resolve_explanations = in_order("explanations", "option")

    resolve_mix_parts = in_order("mix_parts", "created_at", "id")


class FirstChoiceOut(Schema):
    id: uuid.UUID
    version: int
    first_choice: str
    why: str
    alternative_offered: str
    alternative_option: str
    alternative_accepted: str
    plan_to_meet_need: str
    unmet_need_id: uuid.UUID


class IndicativeBudgetOut(Schema):
    id: uuid.UUID
    amount: Decimal
    period: str
    told_on: datetime.date
    how_told: str
    notes: str


class ExplanationIn(Strict):
    option: Literal[tuple(SdsOption.values)]  # type: ignore[valid-type]
    explained: bool
    ways: list[Literal[tuple(EXPLANATION_WAYS)]] = []  # type: ignore[valid-type]
    other_way: str = Field("", max_length=300)
    explained_on: datetime.date | None = None


class SdsChoiceIn(Strict):
    """The whole record of the options: each option explained (how and when), and the
    person's choice and why. Options left out are recorded as not explained."""

    explanations: list[ExplanationIn] = Field(..., max_length=4)
    chosen_option: Literal[tuple(["", *SdsOption.values])] = ""  # type: ignore[valid-type]
    chosen_on: datetime.date | None = None
    reasons: str = Field("", max_length=4000)
    conversation_id: uuid.UUID | None = None


class SdsOut(Schema):
    choice: SdsChoiceOut | None
    first_choices_not_delivered: list[FirstChoiceOut]
    indicative_budgets: list[IndicativeBudgetOut]


class BudgetLineOut(Schema):
    id: uuid.UUID
    position: int
    description: str
    outcome_id: uuid.UUID | None
    solution_id: uuid.UUID | None
    amount: Decimal
    period: str
    amount_per_year: Decimal


class BudgetEventOut(Schema):
    kind: str
    decision: str
    actor_name: str
    at: datetime.datetime
    reasons: str
    reasons_for_person: str
    total_per_year: Decimal
    limit_applied: Decimal | None


class BudgetRequestSummary(Schema):
    id: uuid.UUID
    reference: str
    version: int
    status: str
    start_date: datetime.date
    end_date: datetime.date | None
    total_per_year: Decimal
    submitted_at: datetime.datetime


class BudgetRequestOut(BudgetRequestSummary):
    case_for_request: str
    contribution: Decimal
    contribution_period: str
    contribution_note: str
    requested_by: str
    referred_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    lines: list[BudgetLineOut]
    events: list[BudgetEventOut]

    resolve_requested_by = name_of("requested_by")

    resolve_lines = in_order("lines", "position")

    resolve_events = in_order("events", "at", "id")


class BudgetLineIn(Strict):
    description: str = Field(..., max_length=300)
    amount: Number = Field(..., gt=0, max_digits=12, decimal_places=2)
    period: PeriodCode
    outcome_id: uuid.UUID | None = None
    solution_id: uuid.UUID | None = None


def submission_token_field(what: str) -> Any:
    """The optional one-time token of a POST that makes a row (core.services.create_once):
    the same token sent again answers 200 with what it made the first time."""
    return Field(
        None,
        description=f"Optional: the same token sent again returns the {what} it made the "
        "first time instead of making another.",
    )


class BudgetRequestIn(Strict):
    start_date: datetime.date
    end_date: datetime.date | None = None
    case_for_request: str = Field(..., max_length=4000)
    contribution: Number = Field(Decimal("0.00"), ge=0, max_digits=12, decimal_places=2)
    contribution_period: PeriodCode = BudgetPeriod.WEEK.value
    contribution_note: str = Field("", max_length=500)
    lines: list[BudgetLineIn] = Field(..., min_length=1, max_length=50)
    submission_token: uuid.UUID | None = submission_token_field("request")


class DecisionAuthorityOut(Schema):
    request_id: uuid.UUID
    version: int
    status: str
    may_decide: bool
    may_refer: bool
    why_not: str
    events: list[BudgetEventOut]


class DecideIn(Strict):
    action: Literal["approve", "decline", "refer"]
    reasons: str = Field("", max_length=4000)
    reasons_for_person: str = Field("", max_length=4000)


class SharingOut(Schema):
    shared_on: datetime.date
    how: str


class DecisionOut(Schema):
    id: uuid.UUID
    about: str
    summary: str
    reasons: str
    decided_on: datetime.date
    decided_by: str
    budget_request_id: uuid.UUID | None
    sharings: list[SharingOut]

    resolve_sharings = in_order("sharings", "shared_on", "at")


class UnmetNeedOut(Schema):
    id: uuid.UUID
    version: int
    need: str
    category: str
    outcome_id: uuid.UUID | None
    reason: str
    reason_other: str
    alternative_offered: str
    identified_on: datetime.date
    met_on: datetime.date | None
    how_met: str


class UnmetNeedIn(Strict):
    need: str = Field(..., max_length=2000)
    category: Literal[tuple(NeedCategory.values)]  # type: ignore[valid-type]
    reason: Literal[tuple(UnmetReason.values)]  # type: ignore[valid-type]
    reason_other: str = Field("", max_length=300)
    identified_on: datetime.date
    outcome_id: uuid.UUID | None = None
    alternative_offered: str = Field("", max_length=2000)


class UnmetNeedMet(Strict):
    met_on: datetime.date
    how_met: str = Field(..., max_length=2000)


# --- Risk ----------------------------------------------------------------------------


class RiskIn(Strict):
    outcome_id: uuid.UUID | None = None
    solution_id: uuid.UUID | None = None
    activity: str = Field(..., max_length=300)
    could_go_wrong: str = Field(..., max_length=4000)
    good_it_brings: str = Field(..., max_length=4000)
    least_restrictive: str = Field(..., max_length=4000)
    decision: str = Field("", max_length=4000)
    reasons: str = Field("", max_length=4000)
    decided_on: datetime.date | None = None
    review_on: datetime.date | None = None
    capacity_in_question: Literal[tuple(CapacityQuestion.values)] = CapacityQuestion.NO.value  # type: ignore[valid-type]
    capacity_notes: str = Field("", max_length=2000)
    decision_supported_by: str = Field("", max_length=300)
    views_conflict: bool = False
    conflict_handling: str = Field("", max_length=4000)


class RiskPatch(patch_of(RiskIn, leave_out=("outcome_id", "solution_id"))):  # type: ignore[misc]
    """A change to a risk: send only what changes; it stays linked to the same outcome or
    solution."""


class RiskAgreementOut(Schema):
    name: str
    role: str
    agreed_to: str
    agreed_on: datetime.date


class RiskViewOut(Schema):
    whose: str
    name: str
    view: str
    given_on: datetime.date


class RiskOut(Schema):
    id: uuid.UUID
    version: int
    outcome_id: uuid.UUID | None
    solution_id: uuid.UUID | None
    activity: str
    could_go_wrong: str
    good_it_brings: str
    least_restrictive: str
    decision: str
    reasons: str
    decided_on: datetime.date | None
    review_on: datetime.date | None
    capacity_in_question: str
    capacity_notes: str
    decision_supported_by: str
    views_conflict: bool
    conflict_handling: str
    agreements: list[RiskAgreementOut]
    views: list[RiskViewOut]

    resolve_agreements = in_order("agreements", "agreed_on", "at")

    resolve_views = in_order("views", "given_on", "at")


# --- Reviews -------------------------------------------------------------------------


class OutcomeReviewOut(Schema):
    id: uuid.UUID
    version: int
    outcome_id: uuid.UUID
    rating: str
    evidence: str
    decision: str
    new_measure_value: Decimal | None
    new_outcome_id: uuid.UUID | None


class PersonViewOut(Schema):
    id: uuid.UUID
    outcome_id: uuid.UUID
    rating: str
    in_their_words: str
    whose_words: str
    speaker_name: str
    at: datetime.datetime


class SolutionReviewOut(Schema):
    id: uuid.UUID
    version: int
    solution_id: uuid.UUID
    decision: str
    why: str


class ReviewSummary(Schema):
    id: uuid.UUID
    version: int
    held_on: datetime.date
    status: str
    conducted_by: str
    next_review_on: datetime.date | None

    resolve_conducted_by = name_of("conducted_by")


class ReviewOut(ReviewSummary):
    what_learned: str
    completed_at: datetime.datetime | None
    outcome_reviews: list[OutcomeReviewOut]
    person_views: list[PersonViewOut]
    solution_reviews: list[SolutionReviewOut]

    resolve_outcome_reviews = in_order("outcome_reviews", "created_at", "id")

    resolve_person_views = in_order("person_views", "at", "id")

    resolve_solution_reviews = in_order("solution_reviews", "created_at", "id")


class OutcomeAtReviewOut(Schema):
    review_id: uuid.UUID
    outcome: OutcomeSummary
    outcome_review: OutcomeReviewOut | None
    person_views: list[PersonViewOut]


class RewriteIn(Strict):
    statement: str = Field(..., max_length=2000)
    baseline: str = Field("", max_length=2000)
    measure: str = Field("", max_length=1000)
    target_date: datetime.date | None = None
    assessed_need: str = Field("", max_length=2000)


class OutcomeReviewIn(Strict):
    rating: Literal[tuple(Rating.values)]  # type: ignore[valid-type]
    evidence: str = Field(..., max_length=4000)
    decision: Literal[tuple(OutcomeDecision.values)]  # type: ignore[valid-type]
    new_measure_value: Number | None = Field(None, max_digits=12, decimal_places=2)
    rewrite: RewriteIn | None = None


__all__ = ["WhoseWords"]


# --- Writes added for #15: the records each page writes ------------------------------


class RiskAgreementIn(Strict):
    """Shared responsibility: who agreed to what (a row added beside the others)."""

    name: str = Field(..., max_length=200)
    role: str = Field(..., max_length=120)
    agreed_to: str = Field(..., max_length=2000)
    agreed_on: datetime.date


class RiskViewIn(Strict):
    """Someone's view of the risk, in their words (added beside the others)."""

    whose: Literal[tuple(Whose.values)]  # type: ignore[valid-type]
    name: str = Field(..., max_length=200)
    view: str = Field(..., max_length=4000)
    given_on: datetime.date


class PersonViewIn(Strict):
    """The person's own view of an outcome at a review, in their words; `speaker_name`
    when someone spoke for them (whose_words: on_behalf)."""

    in_their_words: str = Field(..., max_length=4000)
    rating: Literal[tuple(["", *Rating.values])] = ""  # type: ignore[valid-type]
    whose_words: Literal[tuple(WhoseWords.values)] = WhoseWords.PERSON.value  # type: ignore[valid-type]
    speaker_name: str = Field("", max_length=200)
    submission_token: uuid.UUID | None = submission_token_field("view")


class ReviewStartIn(Strict):
    held_on: datetime.date


class ReviewFinishIn(Strict):
    """Finish the review: what was learned (the draft's words when left out) and the date
    of the next review."""

    next_review_on: datetime.date | None = None
    what_learned: str | None = Field(None, max_length=20000)


class StepItemPatch(Strict):
    """A change to an item of steps 1 to 3. Only the fields its kind has may be sent:
    `kind` (what or where matters; a strength's kind) and `perspective` (whose view of
    what is working or not)."""

    text: str | None = Field(None, min_length=1, max_length=4000)
    kind: str | None = Field(None, max_length=20)
    perspective: Literal[tuple(Perspective.values)] | None = None  # type: ignore[valid-type]


class PositiveChangeIn(Strict):
    """Step 3: a positive change and what it comes from (things not working, aspirations:
    ids from this person's conversations)."""

    text: str = Field(..., min_length=1, max_length=4000)
    from_not_working: list[uuid.UUID] = Field([], max_length=50)
    from_aspirations: list[uuid.UUID] = Field([], max_length=50)


class IndicativeBudgetIn(Strict):
    amount: Number = Field(..., ge=0, max_digits=12, decimal_places=2)
    period: PeriodCode
    told_on: datetime.date
    how_told: Literal[tuple(HowTold.values)]  # type: ignore[valid-type]
    notes: str = Field("", max_length=2000)


class FirstChoiceIn(Strict):
    """Why the person's first choice cannot be delivered, the alternative, the plan; the
    unmet need it leaves is recorded with it."""

    first_choice: Literal[tuple(SdsOption.values)]  # type: ignore[valid-type]
    why: str = Field(..., max_length=2000)
    alternative_offered: str = Field(..., max_length=2000)
    alternative_option: Literal[tuple(["", *SdsOption.values])] = ""  # type: ignore[valid-type]
    alternative_accepted: Literal[tuple(Accepted.values)] = Accepted.UNDECIDED.value  # type: ignore[valid-type]
    plan_to_meet_need: str = Field(..., max_length=4000)
    need: str = Field(..., max_length=2000)
    category: Literal[tuple(NeedCategory.values)]  # type: ignore[valid-type]
    identified_on: datetime.date
    outcome_id: uuid.UUID | None = None


class MixPartIn(Strict):
    solution_id: uuid.UUID
    option: Literal[tuple(["", *(o.value for o in MIX_OPTIONS)])]  # type: ignore[valid-type]


class MixIn(Strict):
    """Option 4: which parts of the support go by which option ("" leaves one out)."""

    parts: list[MixPartIn] = Field(..., min_length=1, max_length=200)


class SharingIn(Strict):
    shared_on: datetime.date
    how: Literal[tuple(HowTold.values)]  # type: ignore[valid-type]

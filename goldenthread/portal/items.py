"""Every kind of item a worker writes on a person's record, as the person sees it (P-1).

One entry per model: the section of the record it belongs to, what to call one, the fields
shown (in the words recorded), and the field a correction changes. The person's record page,
comments and correction requests all go through this list, and a test checks that every
model holding a person's data is either here or named in `NOT_SHOWN_SEPARATELY` with where
the person sees it instead — so a new kind of item cannot be left out of their view
unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from goldenthread.core.formatting import date_text, money_text
from goldenthread.people.models import Person

from .models import Section
from .reader_words import CHOICE_WORDS, FIELD_LABELS, NOUNS, Reader


@dataclass(frozen=True)
class ItemType:
    label: str  # app_label.Model
    section: str
    noun: str  # "an outcome"
    fields: tuple[str, ...]
    correctable: str  # the field a correction changes ("" for a record kept as history)
    related: str = "person"  # how the model reaches the person
    order: tuple[str, ...] = ("created_at",)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def queryset(self, person: Person) -> models.QuerySet:
        model = self.model
        base = model._default_manager.all()
        value = person.pk if self.related == "pk" else person
        return base.filter(**{self.related: value}).order_by(*self.order)

    def item(self, person: Person, item_id: str):
        try:
            return self.queryset(person).filter(pk=item_id).first()
        except (ValueError, TypeError, models.ObjectDoesNotExist):
            return None
        except Exception:  # a malformed id for the key type (ValidationError)
            return None

    @property
    def versioned(self) -> bool:
        return hasattr(self.model, "version") and bool(self.correctable)


def _value_text(obj, name: str) -> str:
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value in (None, ""):
        return ""
    if getattr(field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return date_text(value)
    if isinstance(field, models.DecimalField):
        return money_text(value)
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.ForeignKey):
        return str(value)
    return str(value)


def item_rows(item_type: ItemType, obj, reader: Reader | None = None) -> list[tuple[str, str]]:
    """(label, text) for each field shown that has something in it: labelled with the
    model's names for staff, or for a `reader` of the person's own pages in words
    addressed to them (reader_words). The words recorded are never changed."""
    rows = []
    labels = FIELD_LABELS[item_type.label] if reader is not None else {}
    for name in item_type.fields:
        field = obj._meta.get_field(name)
        text = _value_text(obj, name)
        if not text:
            continue
        if reader is None:
            rows.append((str(field.verbose_name).capitalize(), text))
            continue
        if getattr(field, "choices", None):  # our words for a choice, never what was written
            text = reader.say(CHOICE_WORDS.get(text, text))
        rows.append((reader.say(labels[name]), text))
    return rows


def item_noun(item_type: ItemType, reader: Reader | None = None) -> str:
    """What one item of this kind is called: to staff, or to a reader of the person's
    own pages."""
    return reader.say(NOUNS[item_type.label]) if reader is not None else item_type.noun


def item_text(item_type: ItemType, obj) -> str:
    """The words a comment or correction is about: the correctable field, or the first
    field with words in it."""
    if item_type.correctable:
        return str(getattr(obj, item_type.correctable) or "")
    rows = item_rows(item_type, obj)
    return rows[0][1] if rows else str(obj)


S = Section
ITEM_TYPES: tuple[ItemType, ...] = (
    ItemType(
        "people.Person",
        "about",
        "your details",
        ("preferred_name", "date_of_birth", "communication_needs"),
        "communication_needs",
        related="pk",
    ),
    ItemType(
        "people.CircleMember",
        "about",
        "someone who matters",
        ("name", "relationship", "is_unpaid_carer", "notes"),
        "notes",
    ),
    ItemType(
        "conversations.Conversation",
        S.CONVERSATIONS,
        "a conversation",
        ("held_on", "place", "narrative"),
        "narrative",
        order=("held_on",),
    ),
    ItemType(
        "conversations.MattersItem", S.CONVERSATIONS, "what matters", ("kind", "text"), "text"
    ),
    ItemType(
        "conversations.WhoMatters",
        S.CONVERSATIONS,
        "who matters",
        ("circle_member", "text"),
        "text",
    ),
    ItemType("conversations.Aspiration", S.CONVERSATIONS, "a hope", ("text",), "text"),
    ItemType(
        "conversations.WorkingItem",
        S.CONVERSATIONS,
        "what is working or not",
        ("perspective", "text"),
        "text",
    ),
    ItemType("conversations.Strength", S.CONVERSATIONS, "a strength", ("kind", "text"), "text"),
    ItemType("conversations.PositiveChange", S.CONVERSATIONS, "a change wanted", ("text",), "text"),
    ItemType(
        "outcomes.Outcome",
        S.OUTCOMES,
        "an outcome",
        ("statement", "baseline", "measure", "target_date", "status"),
        "statement",
    ),
    # Whether the person agreed an outcome or the plan (#13, ACC-4): kept as history, a
    # changed mind being a new row, so there is nothing to correct.
    ItemType(
        "outcomes.Agreement",
        S.OUTCOMES,
        "whether you agreed",
        ("outcome", "whose", "name", "agreed", "agreed_on", "how", "not_agreed"),
        "",
        order=("agreed_on", "at"),
    ),
    ItemType(
        "support.SupportPlanning",
        S.PLAN,
        "what you have tried and your ideas",
        ("tried_already", "own_ideas"),
        "tried_already",
    ),
    ItemType(
        "support.Solution",
        S.PLAN,
        "a part of your support",
        ("step", "what", "who", "cost", "cost_period", "status", "notes"),
        "what",
    ),
    ItemType(
        "support.StepExploration", S.PLAN, "a step explored", ("step", "state", "note"), "note"
    ),
    ItemType(
        "sds.SdsChoice", S.CHOICES, "your choice of option", ("chosen_option", "reasons"), "reasons"
    ),
    ItemType(
        "sds.FirstChoiceNotDelivered",
        S.CHOICES,
        "a first choice not possible",
        ("first_choice", "why", "alternative_offered", "plan_to_meet_need"),
        "why",
    ),
    ItemType(
        "sds.IndicativeBudget",
        S.CHOICES,
        "the budget you were told",
        ("amount", "period", "told_on", "how_told", "notes"),
        "",
        order=("at",),
    ),
    ItemType(
        "sds.BudgetRequest",
        S.CHOICES,
        "a budget request",
        ("status", "case_for_request", "contribution_note"),
        "case_for_request",
    ),
    ItemType(
        "sds.Decision",
        S.CHOICES,
        "a decision",
        ("decided_on", "about", "summary", "reasons", "decided_by"),
        "",
        order=("decided_on",),
    ),
    # How understanding of an explanation was checked, and what was done (#13, Std 4.2).
    ItemType(
        "sds.UnderstandingCheck",
        S.CHOICES,
        "a check that you understood",
        ("checked_on", "about", "how_checked", "understood", "help_given", "what_done"),
        "",
        order=("checked_on", "at"),
    ),
    # Challenges and complaints, and each step of them (#13, ACC-2): the person sees
    # their challenge and its progress. Kept as history, so there is nothing to correct.
    ItemType(
        "accountability.Challenge",
        S.CHOICES,
        "a challenge or complaint",
        (
            "raised_on",
            "raised_by_name",
            "about",
            "details",
            "wanted",
            "stage",
            "state",
            "due_on",
            "mediation",
            "outcome",
            "answer",
            "what_changed",
            "answered_on",
        ),
        "",
        order=("raised_on", "created_at"),
    ),
    ItemType(
        "accountability.ChallengeEvent",
        S.CHOICES,
        "a step of a challenge or complaint",
        (
            "on",
            "kind",
            "stage",
            "due_on",
            "previous_due_on",
            "agreed_by",
            "outcome",
            "mediation",
            "body",
            "reference",
            "text",
            "what_changed",
        ),
        "",
        order=("on", "at"),
    ),
    ItemType(
        "sds.UnmetNeed",
        S.CHOICES,
        "a need not met",
        ("need", "category", "reason", "alternative_offered", "how_met"),
        "need",
    ),
    # Advocacy and moves (#13, ACC-1, TR-1): shown in the plan, so part of it here (#12).
    ItemType(
        "accountability.Advocacy",
        S.PLAN,
        "independent advocacy",
        (
            "identified_on",
            "why",
            "offered_on",
            "answer",
            "declined_reason",
            "referred_on",
            "provider_name",
            "started_on",
        ),
        "why",
        order=("identified_on", "created_at"),
    ),
    ItemType(
        "accountability.Transition",
        S.PLAN,
        "a move",
        ("kind", "planned_on", "actual_on", "other_agencies", "receiving_details", "notes"),
        "notes",
        order=("planned_on", "created_at"),
    ),
    ItemType(
        "risk.RiskEnablement",
        S.RISKS,
        "a risk talked about",
        (
            "activity",
            "could_go_wrong",
            "good_it_brings",
            "least_restrictive",
            "decision",
            "reasons",
        ),
        "could_go_wrong",
    ),
    ItemType(
        "risk.RiskAgreement",
        S.RISKS,
        "what someone agreed",
        ("name", "role", "agreed_to"),
        "",
        order=("at",),
    ),
    ItemType(
        "risk.RiskView",
        S.RISKS,
        "someone's view of a risk",
        ("whose", "name", "view"),
        "",
        order=("at",),
    ),
    ItemType(
        "reviews.Review",
        S.REVIEWS,
        "a review",
        ("held_on", "status", "what_learned"),
        "what_learned",
        order=("held_on",),
    ),
    ItemType(
        "reviews.OutcomeReview",
        S.REVIEWS,
        "progress with an outcome",
        ("outcome", "rating", "evidence", "decision"),
        "evidence",
    ),
    ItemType(
        "reviews.SolutionReview",
        S.REVIEWS,
        "how a part of your support went",
        ("solution", "decision", "why"),
        "why",
    ),
    ItemType(
        "reviews.PersonView",
        S.REVIEWS,
        "a view given at a review",
        ("speaker_name", "rating", "in_their_words"),
        "",
        order=("at",),
    ),
)

BY_LABEL = {t.label: t for t in ITEM_TYPES}

# Models that hold a person's data but are not items of their own: where the person sees
# them instead, or why they are not part of the record.
NOT_SHOWN_SEPARATELY = {
    "people.Allocation": "who works with you, on the record's front page",
    "conversations.Participant": "who took part, with the conversation",
    "conversations.ReflectionAnswer": "the worker's checklist about their own practice",
    "outcomes.OutcomeCheckAnswer": "the outcome checks, in plain words with the outcome",
    "outcomes.OutcomeWording": "earlier wordings of an outcome (its history)",
    "support.SupportChecklistAnswer": "the worker's checklist about their own practice",
    "support.SolutionStatusChange": "the history of a part of the support",
    "sds.OptionExplanation": "the options explained, with your choice",
    "sds.MixPart": "the parts of a mix of options, with your choice",
    "sds.BudgetLine": "the lines of a budget request, with the request",
    "sds.BudgetRequestEvent": "the steps of a budget request; decisions are shown as such",
    "sds.DecisionSharing": "when a decision was shared with you, with the decision",
    "reviews.ReviewSchedule": "the date of your next review, on the front page",
    "api.PlanTransfer": "a plan sent to another council (in 'who looked at my record')",
    "api.ReceivedRecord": "where an imported item came from",
    # The portal's own records are shown on the person's pages directly.
    "portal.RecordLink": "who can sign in to see your record",
    "portal.Invitation": "invitations to sign in",
    "portal.ItemComment": "your comments, beside each item",
    "portal.CorrectionRequest": "your requests for corrections",
    "portal.AboutMe": "the About me page, in the person's own words, with its history",
    "portal.AboutMeMedia": "pictures, sound and video on the About me page",
    "portal.AccessQuestion": "your questions about who looked, on 'who looked'",
    "portal.Withholding": "shown as 'something is withheld', with its review date",
    # Not part of the record: a worker's own unsaved typing, seen only by them.
    "people.Draft": "not part of the record: a worker's unsaved typing, never shown to anyone",
}


def item_type(label: str) -> ItemType | None:
    return BY_LABEL.get(label)


Getter = Callable[[Person], models.QuerySet]

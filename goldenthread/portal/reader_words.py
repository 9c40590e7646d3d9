"""The words of the person's own pages, addressed to whoever reads them (P-1, A11Y-3).

The staff pages label an item's fields with the model's names for them ("What has the
person tried already?"); the person's pages must speak to the reader: to the person as
"you" ("What have you tried already?"), and to a proxy, who reads someone else's record,
by the person's name ("What has Emily Gill tried already?"). This is the one mapping from
each item's fields (portal/items.py) to the words the portal shows for them; a test checks
that every field an item shows has its words here.

Only our own words change: the labels, the name of each kind of item, and the few choice
values written about "the person". What a worker or the person wrote is shown exactly as
recorded.

Each entry is either one text for both readers, or (to the person, to a proxy) where the
proxy's text names the person with `{name}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Words = str | tuple[str, str]


@dataclass(frozen=True)
class Reader:
    """Who reads the person's pages: the person themselves (no name), or a proxy, to whom
    the person is named (`name`: the person's display name)."""

    name: str = ""

    @classmethod
    def of(cls, link, person) -> Reader:
        """The reader of a record opened through `link` (a RecordLink, or None)."""
        if link is not None and link.kind == "proxy":
            return cls(name=person.display_name)
        return cls()

    @property
    def is_person(self) -> bool:
        return not self.name

    def say(self, words: Words) -> str:
        if isinstance(words, str):
            return words
        to_person, to_proxy = words
        return to_person if self.is_person else to_proxy.replace("{name}", self.name)

    def your(self, words: str) -> str:
        """Our own words written to the person ("Looked at your details"), to this reader:
        for a proxy, "your" becomes the person's name. Never for what anyone recorded."""
        if self.is_person:
            return words
        return re.sub(r"\byour\b", f"{self.name}'s", words)


# What one item of each kind is called ("Add a comment about …", the item's heading).
NOUNS: dict[str, Words] = {
    "people.Person": ("your details", "{name}'s details"),
    "people.CircleMember": ("someone who matters to you", "someone who matters to {name}"),
    "conversations.Conversation": "a conversation",
    "conversations.MattersItem": ("what matters to you", "what matters to {name}"),
    "conversations.WhoMatters": ("who matters to you", "who matters to {name}"),
    "conversations.Aspiration": ("a hope you have", "a hope {name} has"),
    "conversations.WorkingItem": (
        "what is working or not working for you",
        "what is working or not working for {name}",
    ),
    "conversations.Strength": ("one of your strengths", "one of {name}'s strengths"),
    "conversations.PositiveChange": ("a change you want", "a change {name} wants"),
    "outcomes.Outcome": "an outcome",
    "outcomes.Agreement": ("whether you agreed", "whether {name} agreed"),
    "support.SupportPlanning": (
        "what you have tried and your ideas",
        "what {name} has tried and their ideas",
    ),
    "support.Solution": ("a part of your support", "a part of {name}'s support"),
    "support.StepExploration": (
        "a step of your support looked at",
        "a step of {name}'s support looked at",
    ),
    "sds.SdsChoice": ("your choice of option", "{name}'s choice of option"),
    "sds.FirstChoiceNotDelivered": (
        "your first choice that could not be arranged",
        "{name}'s first choice that could not be arranged",
    ),
    "sds.IndicativeBudget": ("the budget you were told", "the budget {name} was told"),
    "sds.BudgetRequest": ("a request for your budget", "a request for {name}'s budget"),
    "sds.Decision": ("a decision", "a decision"),
    "sds.UnderstandingCheck": ("a check that you understood", "a check that {name} understood"),
    "accountability.Challenge": "a challenge or complaint",
    "accountability.ChallengeEvent": "a step of a challenge or complaint",
    "sds.UnmetNeed": ("a need of yours not met yet", "a need of {name}'s not met yet"),
    "accountability.Advocacy": "independent advocacy",
    "accountability.Transition": "a move",
    "risk.RiskEnablement": "a risk talked about",
    "risk.RiskAgreement": "what someone agreed about a risk",
    "risk.RiskView": "someone's view of a risk",
    "reviews.Review": "a review",
    "reviews.OutcomeReview": "progress with an outcome",
    "reviews.SolutionReview": (
        "how a part of your support went",
        "how a part of {name}'s support went",
    ),
    "reviews.PersonView": ("your view at a review", "{name}'s view at a review"),
}

# The label of each field an item shows, by model and field.
FIELD_LABELS: dict[str, dict[str, Words]] = {
    "people.Person": {
        "preferred_name": ("What you like to be called", "What {name} likes to be called"),
        "date_of_birth": ("Your date of birth", "Date of birth"),
        "communication_needs": (
            "How best to communicate with you",
            "How best to communicate with {name}",
        ),
    },
    "people.CircleMember": {
        "name": "Name",
        "relationship": ("Who they are to you", "Who they are to {name}"),
        "is_unpaid_carer": (
            "Do they care for you without pay?",
            "Do they care for {name} without pay?",
        ),
        "notes": "More about them",
    },
    "conversations.Conversation": {
        "held_on": "Date of the conversation",
        "place": "Where it took place",
        "narrative": ("Your story, in your own words", "{name}'s story, in their own words"),
    },
    "conversations.MattersItem": {
        "kind": "What kind",
        "text": ("What or where matters to you", "What or where matters to {name}"),
    },
    "conversations.WhoMatters": {
        "circle_member": "Who",
        "text": ("Why they matter to you", "Why they matter to {name}"),
    },
    "conversations.Aspiration": {"text": ("Your hope", "{name}'s hope")},
    "conversations.WorkingItem": {
        "perspective": "Whose view",
        "text": "What was said",
    },
    "conversations.Strength": {"kind": "What kind", "text": "What it is"},
    "conversations.PositiveChange": {
        "text": ("The change you want", "The change {name} wants"),
    },
    "outcomes.Outcome": {
        "statement": "The outcome",
        "baseline": ("Where you are starting from", "Where {name} is starting from"),
        "measure": "How we will know",
        "target_date": "When it should be achieved by",
        "status": "Where it is now",
    },
    "outcomes.Agreement": {
        "outcome": "The outcome",
        "whose": "Whose agreement",
        "name": "Name",
        "agreed": "Agreed or not",
        "agreed_on": "Date",
        "how": "How",
        "not_agreed": "What was not agreed, in the words given",
    },
    "support.SupportPlanning": {
        "tried_already": ("What have you tried already?", "What has {name} tried already?"),
        "own_ideas": ("What ideas do you have?", "What ideas does {name} have?"),
    },
    "support.Solution": {
        "step": "Step",
        "what": "What",
        "who": "Who provides it or does it",
        "cost": "Cost (if any)",
        "cost_period": "How often this cost is paid",
        "status": "Where it is now",
        "notes": "Notes",
    },
    "support.StepExploration": {
        "step": "Step",
        "state": "What we found",
        "note": "Why nothing is suitable",
    },
    "sds.SdsChoice": {
        "chosen_option": ("The option you chose", "The option {name} chose"),
        "reasons": (
            "Why you chose it, in your own words",
            "Why {name} chose it, in their own words",
        ),
    },
    "sds.FirstChoiceNotDelivered": {
        "first_choice": ("Your first choice", "{name}'s first choice"),
        "why": "Why it cannot be arranged",
        "alternative_offered": ("What you were offered instead", "What {name} was offered instead"),
        "plan_to_meet_need": (
            "The plan to meet your need over time",
            "The plan to meet {name}'s need over time",
        ),
    },
    "sds.IndicativeBudget": {
        "amount": "Amount",
        "period": "For how long",
        "told_on": ("Date you were told", "Date {name} was told"),
        "how_told": ("How you were told", "How {name} was told"),
        "notes": ("Anything else you were told", "Anything else {name} was told"),
    },
    "sds.BudgetRequest": {
        "status": "Where it is now",
        "case_for_request": "What the budget is for",
        "contribution_note": (
            "About what you pay towards it",
            "About what {name} pays towards it",
        ),
    },
    "sds.Decision": {
        "decided_on": "Date decided",
        "about": "What it is about",
        "summary": "What was decided",
        "reasons": ("The reasons, as explained to you", "The reasons, as explained to {name}"),
        "decided_by": "Who decided",
    },
    "sds.UnderstandingCheck": {
        "checked_on": "Date checked",
        "about": "What was explained",
        "how_checked": (
            "How we checked that you understood",
            "How we checked that {name} understood",
        ),
        "understood": ("Did you understand?", "Did {name} understand?"),
        "help_given": "What was done to help",
        "what_done": "More about what was done",
    },
    "accountability.Challenge": {
        "raised_on": "Date received",
        "raised_by_name": "Who raised it",
        "about": "What it is about",
        "details": "What is wrong, in the words given",
        "wanted": "What should happen",
        "stage": "Stage",
        "state": "Answered yet",
        "due_on": "Answer due by",
        "mediation": "Mediation",
        "outcome": "Outcome",
        "answer": ("The answer, as given to you", "The answer, as given to {name}"),
        "what_changed": "What changed because of it",
        "answered_on": "Date answered",
    },
    "accountability.ChallengeEvent": {
        "on": "Date",
        "kind": "What happened",
        "stage": "Stage",
        "due_on": "Answer due by",
        "previous_due_on": "Was due by",
        "agreed_by": "More time agreed by",
        "outcome": "Outcome",
        "mediation": "Mediation",
        "body": "Taken to",
        "reference": "The reference they gave",
        "text": "More about it",
        "what_changed": "What changed",
    },
    "sds.UnmetNeed": {
        "need": "What need is not met yet",
        "category": "Kind of need",
        "reason": "Why it is not met",
        "alternative_offered": ("What you were offered instead", "What {name} was offered instead"),
        "how_met": "How it was met",
    },
    "accountability.Advocacy": {
        "identified_on": "Date the need for an advocate was seen",
        "why": "Why an advocate could help",
        "offered_on": ("Date you were offered an advocate", "Date {name} was offered an advocate"),
        "answer": ("Your answer", "{name}'s answer"),
        "declined_reason": (
            "Why you said no, in your own words",
            "Why {name} said no, in their own words",
        ),
        "referred_on": "Date we asked an advocacy service",
        "provider_name": "Advocacy service",
        "started_on": "Date the advocate started",
    },
    "accountability.Transition": {
        "kind": "Kind of move",
        "planned_on": "Planned date",
        "actual_on": "Date it happened",
        "other_agencies": "Others involved",
        "receiving_details": "Where the move is to",
        "notes": ("What matters to you about this move", "What matters to {name} about this move"),
    },
    "risk.RiskEnablement": {
        "activity": ("What you want to do", "What {name} wants to do"),
        "could_go_wrong": "What could go wrong",
        "good_it_brings": "What good it brings",
        "least_restrictive": (
            "The option that limits you least",
            "The option that limits {name} least",
        ),
        "decision": "What was decided",
        "reasons": "Why it was decided",
    },
    "risk.RiskAgreement": {
        "name": "Who",
        "role": "Who they are",
        "agreed_to": "What they agreed to do or accept",
    },
    "risk.RiskView": {
        "whose": "Whose view",
        "name": "Name",
        "view": "The view, in the words given",
    },
    "reviews.Review": {
        "held_on": "Date of the review",
        "status": "Where it is now",
        "what_learned": "What we learned at this review",
    },
    "reviews.OutcomeReview": {
        "outcome": "The outcome",
        "rating": "How far has it come?",
        "evidence": "What shows this",
        "decision": "What happens to this outcome now?",
    },
    "reviews.SolutionReview": {
        "solution": ("The part of your support", "The part of {name}'s support"),
        "decision": "Keep, change or stop it?",
        "why": "Why",
    },
    "reviews.PersonView": {
        "speaker_name": ("Who spoke for you", "Who spoke for {name}"),
        "rating": ("Your rating", "{name}'s rating"),
        "in_their_words": ("Your view", "{name}'s view"),
    },
}

# Choice values (our words, never what anyone wrote) that speak of the person.
CHOICE_WORDS: dict[str, Words] = {
    "The person": ("You", "{name}"),
    "What matters": ("Something that matters to you", "Something that matters to {name}"),
    "Where matters": ("A place that matters to you", "A place that matters to {name}"),
    "Their choices and SDS options": (
        "Your choices about Self-directed Support",
        "{name}'s choices about Self-directed Support",
    ),
    "Their support": ("Your support", "{name}'s support"),
    "Their budget": ("Your budget", "{name}'s budget"),
    "Option 2: the person chooses, the council arranges": (
        "Option 2: you choose, the council arranges",
        "Option 2: {name} chooses, the council arranges",
    ),
    "Whether they are eligible for support": (
        "Whether you are eligible for support",
        "Whether {name} is eligible for support",
    ),
    "Something in their record they think is wrong": (
        "Something in your record you think is wrong",
        "Something in {name}'s record they think is wrong",
    ),
    "Their support or how it was given": (
        "Your support or how it was given",
        "{name}'s support or how it was given",
    ),
    "In their own online record": ("In your own online record", "In {name}'s own online record"),
    "Authorised by the person": ("Authorised by you", "Authorised by {name}"),
}

SECTION_ABOUT: Words = ("About you", "About {name}")

# The basis of access the access log writes for each read (people.access.access_basis), as
# the person's pages say it. A reason anyone typed (break-glass, an export's why) is shown
# as written: only these fixed words, at the start of a reason, are ours to change.
ACCESS_BASIS_WORDS: dict[str, Words] = {
    "Allocated worker": ("Your worker", "{name}'s worker"),
    "Team leader of the person's team": (
        "Team leader of your team",
        "Team leader of {name}'s team",
    ),
    "Team leader of an allocated worker": (
        "Team leader of one of your workers",
        "Team leader of one of {name}'s workers",
    ),
    "The person themselves": ("You", "{name}"),
    "Acting for the person (proxy)": ("Someone acting for you", "Someone acting for {name}"),
}


# Why a copy left the service, as the exports write it (people.access.log_export: the
# jobs' FHIR export and PDF pack), in words without the standard's or the job's names.
EXPORT_WHY_WORDS = {
    " (FHIR export)": " (a copy of the record in a standard format, for another system)",
    " (PDF pack)": " (a printed copy of the record)",
}


def access_reason(reason: str, reader: Reader) -> str:
    """A reason from the access log, its fixed basis words (if it starts with them) and
    an export's fixed why (if it ends with one) to the reader; the rest as recorded."""
    for basis, words in ACCESS_BASIS_WORDS.items():
        if reason == basis or reason.startswith(f"{basis} ("):
            reason = reader.say(words) + reason[len(basis) :]
            for why, plain in EXPORT_WHY_WORDS.items():
                if reason.endswith(why):
                    return reason.removesuffix(why) + plain
            return reason
    return reason

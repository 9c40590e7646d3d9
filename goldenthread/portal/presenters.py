"""Words for the person's pages."""

from __future__ import annotations

import uuid

from django.conf import settings

from goldenthread.audit.models import AccessAction
from goldenthread.core.formatting import date_text, lower_first
from goldenthread.core.prepared import PreparedQuery

SOMEONE_FROM_STAFF = "A member of staff"


def named_by_team(role: str | None) -> bool:
    """Whether the council's policy names staff of this role by their team, to the person."""
    return bool(role) and role in settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES


def staff_name(user, *, role: str | None = None, name: str | None = None) -> str:
    """How the person sees a member of staff who looked or wrote: their name, or their team
    when the council's policy says so for their role (GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES).
    `user` may be None (an account since removed): then `name`, or "A member of staff"."""
    role = role if role is not None else getattr(user, "role", "")
    if named_by_team(role):
        team = getattr(user, "team", None) if user is not None else None
        return f"Someone from {team.name}" if team is not None else SOMEONE_FROM_STAFF
    if user is not None and not name:
        return user.get_full_name() or user.username
    return name or SOMEONE_FROM_STAFF


# What a page of the record is, in everyday words, by its URL name's first part.
AREA_WORDS = {
    "people": "your details",
    "conversations": "your conversations",
    "outcomes": "your outcomes",
    "support": "your support plan",
    "sds": "your choices and budget",
    "risk": "risks talked about",
    "reviews": "your reviews",
    "accountability": "your challenges, advocacy and moves",
    "history": "the history of your record",
    "audit": "the history of your record",
    "portal": "your own record pages",
    "portal_staff": "your comments and requests",
    "api": "your record (by a computer link)",
}

ACTION_WORDS: dict[str, str] = {
    AccessAction.VIEW: "Looked at",
    AccessAction.CHANGE: "Changed",
    AccessAction.CREATE: "Added to",
    AccessAction.EXPORT: "Downloaded or sent",
    AccessAction.DENIED: "Tried to open (refused)",
    AccessAction.LIST: "Saw your name in a list",
    AccessAction.CHANGE_REFUSED: "Tried to change",
    AccessAction.CHANGE_FAILED: "Tried to change",
}

# What came of a change tried and not made, said after the place (both lists of words).
ATTEMPT_WORDS: dict[str, str] = {
    AccessAction.CHANGE_REFUSED: ", but was not allowed to",
    AccessAction.CHANGE_FAILED: ", but nothing was changed",
}


def page_words(what: str, action: str, reader=None) -> str:
    """What a row of the access log did, in the person's words: "your …" to the person,
    the person's name to a proxy (`reader`, reader_words.Reader)."""
    area = (what or "").split(":", 1)[0]
    place = AREA_WORDS.get(area, "your record")
    verb = ACTION_WORDS.get(action, "Looked at")
    if action == AccessAction.LIST:
        words = verb
    else:
        words = f"{verb} {place}{ATTEMPT_WORDS.get(action, '')}"
    return reader.your(words) if reader is not None else words


# The same areas, for staff reading the log of someone's record (#15).
STAFF_AREA_WORDS = {
    "people": "the person's details",
    "conversations": "conversations",
    "outcomes": "outcomes",
    "support": "the support plan",
    "sds": "choices and budget",
    "risk": "risks",
    "reviews": "reviews",
    "accountability": "challenges, advocacy and moves",
    "audit": "the record's history",
    "portal": "the person's own record pages",
    "portal_staff": "their own access",
    "api": "the record through the API",
}


STAFF_ACTION_WORDS: dict[str, str] = {
    AccessAction.CHANGE: "Changed",
    AccessAction.CREATE: "Added to",
    AccessAction.EXPORT: "Exported or sent",
    AccessAction.CHANGE_REFUSED: "Tried to change",
    AccessAction.CHANGE_FAILED: "Tried to change",
}


def staff_page_words(what: str, action: str) -> str:
    area = (what or "").split(":", 1)[0]
    place = STAFF_AREA_WORDS.get(area, "the record")
    if action == AccessAction.LIST:
        return "Saw the person in a list"
    if action == AccessAction.DENIED:
        return f"Tried to open {place}, and was refused"
    return f"{STAFF_ACTION_WORDS.get(action, 'Looked at')} {place}{ATTEMPT_WORDS.get(action, '')}"


def access_rows(links, *, reader, user) -> list[dict]:
    """Who can sign in to see the record, in words to its reader (the person: "you"; a
    proxy: the person's name), each with `link` for the page's end-access link."""
    from .models import LinkKind
    from .reader_words import CHOICE_WORDS

    rows = []
    for link in links:
        name = link.user.get_full_name() or link.user.username
        if link.kind == LinkKind.SELF:
            about = reader.say(("it is your record", "it is their record"))
        else:
            basis = link.get_basis_display()
            parts = [link.relationship, lower_first(reader.say(CHOICE_WORDS.get(basis, basis)))]
            about = ", ".join(p for p in parts if p)
            if link.valid_until:
                about += f", until {date_text(link.valid_until)}"
            if link.hidden_sections:
                about += " (not everything is shared)"
        rows.append({"name": name, "you": link.user_id == user.pk, "about": about, "link": link})
    return rows


def challenge_rows(challenges, *, reader, today=None) -> list[dict]:
    """The person's challenges and complaints for their requests page (ACC-2): what it is
    about, where it has got to (accountability's own status words), and each step with
    its date; the words recorded as recorded, ours to the `reader` (reader_words)."""
    from django.utils import timezone

    from goldenthread.accountability.presenters import challenge_status, event_text

    from .reader_words import CHOICE_WORDS, FIELD_LABELS

    today = today or timezone.localdate()
    labels = FIELD_LABELS["accountability.Challenge"]
    rows = []
    for c in challenges:
        about = c.get_about_display()
        status, colour = challenge_status(c, today)
        facts = [
            ("Who raised it", c.raised_by_name),
            (reader.say(labels["details"]), c.details),
            (reader.say(labels["wanted"]), c.wanted),
        ]
        if c.decision_id:
            facts.insert(
                0, ("The decision", f"{date_text(c.decision.decided_on)}: {c.decision.summary}")
            )
        if c.answered_on:
            facts += [
                ("Outcome", c.get_outcome_display()),
                (reader.say(labels["answer"]), c.answer),
                (labels["what_changed"], c.what_changed),
            ]
        rows.append(
            {
                "challenge": c,
                "about": reader.say(CHOICE_WORDS.get(about, about)),
                "status": status,
                "colour": colour,
                "facts": [(str(k), v) for k, v in facts if v],
                "steps": [(e.on, event_text(e)) for e in c.events.all()],
            }
        )
    return rows


def link_rows(link) -> list[tuple[str, str]]:
    """One sign-in to the person's record, for staff: who, what they are to the person,
    on what basis, since and until when (empty values for what is not recorded)."""
    return [
        ("Who", link.user.get_full_name() or link.user.username),
        ("Who they are to the person", link.relationship),
        ("What gives them the right", link.get_basis_display()),
        ("Reference", link.legal_reference),
        ("Since", date_text(link.valid_from)),
        ("Until", date_text(link.valid_until) if link.valid_until else "No end date"),
        (
            "Parts not shared with them",
            ", ".join(link.hidden_section_names()) if link.hidden_sections else "",
        ),
    ]


def plan_for_link(plan, link) -> bool:
    """Leave out of a proxy's copy of the plan the parts of the record the person has not
    shared with them (the plan gathers several parts). Returns whether anything was left
    out. The person themselves sees everything."""
    from .models import LinkKind, Section

    if link is None or link.kind == LinkKind.SELF or not link.hidden_sections:
        return False
    hidden = set(link.hidden_sections)
    if Section.RISKS in hidden:
        plan.risks = None
        plan.sections = [s for s in plan.sections if s.key != "risks"]
    if Section.CHOICES in hidden:
        plan.sds_choices = plan.budget = plan.decisions = None
        plan.sections = [
            s
            for s in plan.sections
            if s.key not in ("sds_choices", "budget", "decisions", "unmet_needs")
        ]
    if Section.CONVERSATIONS in hidden:
        plan.what_matters, plan.where_matters, plan.aspirations = [], [], []
        plan.who_matters = []
    if Section.OUTCOMES in hidden:
        plan.outcomes = []
        plan.sections = [s for s in plan.sections if s.key != "agreement"]
    if Section.ABOUT_ME in hidden:
        plan.about_me_media = []  # as the About me page and its files are refused them
    return True


def plan_without(plan, texts: set[str], refs: set[tuple[str, str]] | None = None) -> bool:
    """Leave the withheld items out of the person's copy of the plan (built by the same
    builder as the staff plan): a part of the plan naming a withheld item (`words_ref`,
    #12), or saying a withheld item's words. Returns whether anything was left out."""
    refs = refs or set()
    if not (texts or refs):
        return False
    changed = False

    def withheld(part, *words: str) -> bool:
        ref = getattr(part, "words_ref", None)
        if ref and (ref[0], str(ref[1])) in refs:
            return True
        return any(w in texts for w in words if w)

    def keep(values: list) -> list:
        nonlocal changed
        kept = [v for v in values if not withheld(v, v)]
        changed = changed or len(kept) != len(values)
        return kept

    plan.what_matters = keep(plan.what_matters)
    plan.where_matters = keep(plan.where_matters)
    plan.aspirations = keep(plan.aspirations)
    who = [w for w in plan.who_matters if not withheld(w, w.text)]
    changed = changed or len(who) != len(plan.who_matters)
    plan.who_matters = who
    outcomes = [o for o in plan.outcomes if not withheld(o, o.statement)]
    changed = changed or len(outcomes) != len(plan.outcomes)
    plan.outcomes = outcomes
    for outcome in plan.outcomes:
        for step in outcome.steps:
            solutions = [s for s in step.solutions if not withheld(s, s.what)]
            changed = changed or len(solutions) != len(step.solutions)
            step.solutions = solutions
    for section in [plan.risks, plan.sds_choices, plan.budget, plan.decisions, *plan.sections]:
        if section is None:
            continue
        # A withheld item's words may be an item's label (the agreement to an outcome is
        # labelled with the outcome's words) as well as its text.
        items = [i for i in section.items if not withheld(i, i.text, getattr(i, "label", ""))]
        changed = changed or len(items) != len(section.items)
        section.items = items
    return changed


def comments_queryset(person_id):
    """The person's comments on items of their record, oldest first, with their authors."""
    from .models import ItemComment

    return (
        ItemComment.objects.filter(person_id=person_id)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def waiting_corrections_queryset(person_id):
    """The person's correction requests waiting for an answer, oldest first."""
    from .models import CorrectionRequest, CorrectionStatus

    return CorrectionRequest.objects.filter(
        person_id=person_id, status=CorrectionStatus.WAITING
    ).order_by("asked_at", "pk")


# Read on every staff page of a record: compiled once per process (core/prepared.py, #19);
# portal/tests/test_words_prepared.py compares each with its queryset.
_COMMENTS = PreparedQuery(comments_queryset, uuid.uuid4())
_WAITING = PreparedQuery(waiting_corrections_queryset, uuid.uuid4())
COMMENTS_READ, WAITING_READ = "portal_comments", "portal_waiting_corrections"
PAGE_READS = {COMMENTS_READ: _COMMENTS, WAITING_READ: _WAITING}


class PersonsWords:
    """The person's own comments and their correction requests waiting for an answer, by
    item (P-2, #12), for staff pages and the plan: `beside(item)` → (comments, waiting).
    Loaded by the view in two queries, however many items the page shows; or from those
    two reads' `rows` when the page ran them already (the person's page runs them with its
    own in one statement: PAGE_READS, people.person_side)."""

    def __init__(self, person, *, rows: dict[str, list] | None = None) -> None:
        self.by_item: dict[tuple[str, str], tuple[list, list]] = {}
        comments = rows[COMMENTS_READ] if rows is not None else _COMMENTS(person.pk)
        waiting = rows[WAITING_READ] if rows is not None else _WAITING(person.pk)
        for c in comments:
            self.by_item.setdefault((c.item_type, c.item_id), ([], []))[0].append(c)
        for r in waiting:
            self.by_item.setdefault((r.item_type, r.item_id), ([], []))[1].append(r)

    @staticmethod
    def key(item) -> tuple[str, str] | None:
        """(app_label.Model, pk) of a model instance, or of anything that names one with
        `words_ref` (the plan's items)."""
        ref = getattr(item, "words_ref", None)
        if ref:
            return (ref[0], str(ref[1]))
        label = getattr(getattr(item, "_meta", None), "label", None)
        if label is None or getattr(item, "pk", None) is None:
            return None
        return (label, str(item.pk))

    def beside(self, item) -> tuple[list, list]:
        key = self.key(item)
        return self.by_item.get(key, ([], [])) if key else ([], [])

"""Reads for the person's own record, each starting from a person already opened through
`Person.objects.visible_to` (people/access.py) or from the user's own scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from goldenthread.audit.models import AccessLog
from goldenthread.audit.selectors import access_for_person
from goldenthread.people.models import Person

from .items import ITEM_TYPES, ItemType, item_noun, item_rows, item_text
from .models import (
    AccessQuestion,
    CorrectionRequest,
    CorrectionStatus,
    Invitation,
    ItemComment,
    RecordLink,
    Section,
    Withholding,
)
from .reader_words import SECTION_ABOUT, Reader, Words, access_reason

SECTION_TITLES = {"about": "About you", **dict(Section.choices)}
SECTION_ORDER = ["about", *Section.values]


@dataclass
class RecordItem:
    kind: ItemType
    obj: Any
    rows: list[tuple[str, str]]
    comments: list[ItemComment] = field(default_factory=list)
    corrections: list[CorrectionRequest] = field(default_factory=list)
    reader: Reader | None = None  # on the person's own pages: who reads it

    @property
    def noun(self) -> str:
        """What this item is called, to staff or to the reader of the person's pages."""
        return item_noun(self.kind, self.reader)

    @property
    def ref(self) -> str:
        return f"{self.kind.label}:{self.obj.pk}"

    @property
    def text(self) -> str:
        return item_text(self.kind, self.obj)


@dataclass
class RecordSection:
    key: str
    title: str
    items: list[RecordItem]
    withheld: list[Withholding] = field(default_factory=list)


def withheld_keys(person: Person) -> dict[tuple[str, str], Withholding]:
    return {
        (w.item_type, w.item_id): w for w in Withholding.objects.in_force().filter(person=person)
    }


def record_sections(person: Person, link: RecordLink | None = None) -> list[RecordSection]:
    """Everything written about the person, by part of the record, in the words recorded,
    with their comments and correction requests beside each item. A proxy's link leaves
    out the parts the person has not shared with them. With a link (the person's own
    pages), the labels speak to its reader: "you", or to a proxy the person's name
    (reader_words). One query per kind of item, plus two."""
    reader = Reader.of(link, person) if link is not None else None
    comments = defaultdict(list)
    for c in ItemComment.objects.filter(person=person).select_related("author"):
        comments[(c.item_type, c.item_id)].append(c)
    corrections = defaultdict(list)
    for r in CorrectionRequest.objects.filter(person=person).select_related("answered_by"):
        corrections[(r.item_type, r.item_id)].append(r)
    sections: dict[str, list[RecordItem]] = {key: [] for key in SECTION_ORDER}
    withheld: dict[str, list[Withholding]] = defaultdict(list)
    hidden = withheld_keys(person) if link is not None else {}
    for kind in ITEM_TYPES:
        if link is not None and not link.shows(kind.section):
            continue
        for obj in kind.queryset(person):
            key = (kind.label, str(obj.pk))
            if key in hidden:
                withheld[kind.section].append(hidden[key])
                continue
            sections[kind.section].append(
                RecordItem(
                    kind=kind,
                    obj=obj,
                    rows=item_rows(kind, obj, reader),
                    comments=comments[key],
                    corrections=corrections[key],
                    reader=reader,
                )
            )
    titles = dict(SECTION_TITLES)
    if reader is not None:
        titles["about"] = reader.say(SECTION_ABOUT)
    return [
        RecordSection(key=k, title=titles[k], items=v, withheld=withheld[k])
        for k, v in sections.items()
        if k not in ("who_looked", "about_me")  # each has its own page
    ]


def record_item(person: Person, ref: str, reader: Reader | None = None) -> RecordItem | None:
    """An item of the record named by <app.Model>:<id>, as the person's pages show it to
    `reader` (None if withheld or not theirs)."""
    from .items import item_type

    label, _, item_id = (ref or "").partition(":")
    kind = item_type(label)
    obj = kind.item(person, item_id) if kind else None
    if kind is None or obj is None or (label, str(obj.pk)) in withheld_keys(person):
        return None
    return RecordItem(kind=kind, obj=obj, rows=item_rows(kind, obj, reader), reader=reader)


def corrections_for(person: Person) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(person=person)
        .select_related("asked_by", "answered_by__team")
        .order_by("-asked_at")
    )


def requests_for(person: Person, link: RecordLink | None) -> tuple[list, list]:
    """What was asked on the person's record, by them or for them (P-2, ACC-2): their
    correction requests, newest first, and their challenges and complaints, newest first
    with their steps (accountability's own read). For a proxy, only those about parts of
    the record shared with them; challenges withheld from the person are left out, as on
    the record page."""
    from goldenthread.accountability.selectors import challenges_for

    from .items import item_type

    def shown(label: str) -> bool:
        kind = item_type(label)
        return link is None or kind is None or link.shows(kind.section)

    corrections = [c for c in corrections_for(person) if shown(c.item_type)]
    challenges = []
    if shown("accountability.Challenge"):
        hidden = withheld_keys(person)
        challenges = [
            c
            for c in challenges_for(person)
            if ("accountability.Challenge", str(c.pk)) not in hidden
        ]
    return corrections, challenges


def comments_for(person: Person) -> QuerySet[ItemComment]:
    return ItemComment.objects.filter(person=person).select_related("author")


def links_for(person: Person) -> QuerySet[RecordLink]:
    return (
        RecordLink.objects.filter(person=person)
        .select_related("user")
        .order_by("ended_at", "created_at")
    )


def invitations_for(person: Person) -> QuerySet[Invitation]:
    return Invitation.objects.filter(person=person).select_related("issued_by")


def my_links(user) -> QuerySet[RecordLink]:
    """The records this sign-in may open now (a person: their own; a proxy: each person
    they act for)."""
    return RecordLink.objects.current().filter(user_id=user.pk).select_related("person")


def waiting_corrections(user) -> QuerySet[CorrectionRequest]:
    """Requests not yet answered for the people this worker or team leader may open
    (Person.objects.visible_to), oldest first: the worklist."""
    people = Person.objects.visible_to(user, break_glass=False)
    return (
        CorrectionRequest.objects.filter(
            person__in=people.values("pk"),
            status=CorrectionStatus.WAITING,
        )
        .select_related("person")
        .order_by("asked_at")
    )


@dataclass(frozen=True)
class LookRow:
    row: AccessLog
    who: str
    role: str
    what: str
    why: str = ""  # the row's reason, its fixed words to the reader of the person's pages


ROLE_WORDS = {
    "practitioner": "Worker",
    "team_leader": "Team leader",
    "panel_member": "Panel member",
    "commissioner": "Commissioner",
    "administrator": "Administrator",
    "person": "You",
    "proxy": "Someone acting for you",
}


# The same log read by the person's team leader or allocated worker (#15).
STAFF_ROLE_WORDS = {
    **ROLE_WORDS,
    "person": "The person",
    "proxy": "Acting for the person (proxy)",
}


# The same roles, for a proxy reading the log of the record of the person they act for.
PROXY_ROLE_WORDS: dict[str, Words] = {
    "person": ("You", "Whose record it is"),
    "proxy": ("Someone acting for you", "Someone acting for {name}"),
}


def look_row(
    row: AccessLog,
    *,
    for_staff: bool = False,
    teams: dict | None = None,
    reader: Reader | None = None,
    reader_id=None,
) -> LookRow:
    """One row of the access log in words: for the person (their own record, "your
    details"; staff of the roles the council names by their team, from `teams`, as
    `look_rows` reads them), or for staff (names kept; `what` names the page or API route)."""
    from .presenters import page_words, staff_name, staff_page_words

    name = row.actor_name.rsplit(" (", 1)[0] if row.actor_name else "The service"
    if not for_staff and named_by_team(row.actor_role):
        name = staff_name((teams or {}).get(row.actor_id), role=row.actor_role, name=name)
    why = row.reason
    if for_staff:
        role = STAFF_ROLE_WORDS.get(row.actor_role, "")
        what = staff_page_words(row.what, row.action)
    else:
        reader = reader or Reader()
        role = ROLE_WORDS.get(row.actor_role, "")
        if reader_id is not None and row.actor_id == reader_id:
            role = "You"
        elif row.actor_role in PROXY_ROLE_WORDS:
            role = reader.say(PROXY_ROLE_WORDS[row.actor_role])
        what = page_words(row.what, row.action, reader)
        why = access_reason(row.reason or "", reader)
    return LookRow(row=row, who=name, role=role, what=what, why=why)


def look_rows(
    rows, *, for_staff: bool = False, reader: Reader | None = None, reader_id=None
) -> list[LookRow]:
    """Rows of the access log in words, the staff named by team read in one query; for
    the person's pages, to their `reader` (whose own rows, `reader_id`, say "You")."""
    rows = list(rows)
    teams = (
        {}
        if for_staff
        else _staff_by_id(row.actor_id for row in rows if named_by_team(row.actor_role))
    )
    return [
        look_row(row, for_staff=for_staff, teams=teams, reader=reader, reader_id=reader_id)
        for row in rows
    ]


def who_looked(
    person: Person,
    *,
    limit: int = 200,
    for_staff: bool = False,
    reader: Reader | None = None,
    reader_id=None,
) -> list[LookRow]:
    """From the access log (SEC-3): who looked at or changed the record, newest first."""
    return look_rows(
        access_for_person(person.pk)[:limit],
        for_staff=for_staff,
        reader=reader,
        reader_id=reader_id,
    )


def access_log_of(person: Person) -> QuerySet[AccessLog]:
    """Every access-log row about the person, newest first (for a page of the log)."""
    return access_for_person(person.pk)


def _staff_by_id(ids) -> dict:
    """The accounts named, with their teams, in one query."""
    from goldenthread.accounts.models import User

    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.pk: u for u in User.objects.filter(pk__in=wanted).select_related("team")}


def named_by_team(role: str | None) -> bool:
    from .presenters import named_by_team as by_team

    return by_team(role)


def about_me_history_rows(person: Person, about, *, for_person: bool) -> list[tuple]:
    """(when, what was done, by whom) for About me's versions: for the person's own pages,
    staff named as the council's policy says (presenters.staff_name)."""
    from .presenters import staff_name

    changes = about_me_history(person, about)
    if not for_person:
        return [(c.at, c.get_action_display(), c.actor_name.rsplit(" (", 1)[0]) for c in changes]
    staff = _staff_by_id(c.actor_id for c in changes)
    return [
        (
            c.at,
            c.get_action_display(),
            staff_name(staff.get(c.actor_id), name=c.actor_name.rsplit(" (", 1)[0]),
        )
        for c in changes
    ]


def withholdings_for(person: Person) -> QuerySet[Withholding]:
    return (
        Withholding.objects.filter(person=person)
        .select_related("withheld_by", "agreed_by")
        .order_by("-created_at")
    )


def withheld_texts(person: Person) -> set[str]:
    """The words of the items withheld now, to leave them out of the person's plan (the
    plan is built from the same data as the staff plan, as text)."""
    from .items import item_type

    texts = set()
    for w in Withholding.objects.in_force().filter(person=person):
        kind = item_type(w.item_type)
        obj = kind.item(person, w.item_id) if kind else None
        if kind is not None and obj is not None:
            texts.add(item_text(kind, obj))
    return texts


def staff_item(person: Person, ref: str) -> RecordItem | None:
    """An item of the record named by <app.Model>:<id>, for a worker (withheld or not)."""
    from .items import item_type

    label, _, item_id = (ref or "").partition(":")
    kind = item_type(label)
    obj = kind.item(person, item_id) if kind else None
    if kind is None or obj is None:
        return None
    return RecordItem(kind=kind, obj=obj, rows=item_rows(kind, obj))


def questions_for(person: Person) -> QuerySet[AccessQuestion]:
    return AccessQuestion.objects.filter(person=person).select_related("answered_by__team")


def log_row_name(row) -> str:
    """Who one access-log row names, as the person sees it."""
    from .presenters import staff_name

    name = row.actor_name.rsplit(" (", 1)[0] if row.actor_name else "The service"
    if named_by_team(row.actor_role):
        staff = _staff_by_id([row.actor_id])
        return staff_name(staff.get(row.actor_id), role=row.actor_role, name=name)
    return name


def questions_shown_to_person(person: Person) -> list[tuple[AccessQuestion, str]]:
    """The person's questions about who looked, each with who it is about as the person
    sees it (their team, where the council's policy says so)."""
    from goldenthread.audit.selectors import access_for_person

    from .presenters import SOMEONE_FROM_STAFF, staff_name

    questions = list(questions_for(person))
    logs = {
        row.pk: row
        for row in access_for_person(person.pk).filter(pk__in=[q.log_id for q in questions])
    }
    staff = _staff_by_id(r.actor_id for r in logs.values() if named_by_team(r.actor_role))
    out = []
    for q in questions:
        # `about` is the log row's actor name, "Name (username)", copied when asked: as
        # the log row never changes, it never goes stale; the username is never shown.
        name = q.about.rsplit(" (", 1)[0]
        row = logs.get(q.log_id)
        if row is None:
            # The row is gone (the audit log's retention, OPS-7) and its role with it: when
            # the council names some roles by their team, no name is safe to show (#17).
            if settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES:
                name = SOMEONE_FROM_STAFF
        elif named_by_team(row.actor_role):
            name = staff_name(staff.get(row.actor_id), role=row.actor_role, name=name)
        out.append((q, name))
    return out


def waiting_questions(user) -> QuerySet[AccessQuestion]:
    """Questions about who looked, not yet answered, for a team leader's team."""
    people = Person.objects.visible_to(user, break_glass=False).filter(team_id=user.team_id)
    return (
        AccessQuestion.objects.filter(
            person__in=people.values("pk"),
            answered_at__isnull=True,
        )
        .select_related("person")
        .order_by("asked_at")
    )


def waiting_withholdings(user) -> QuerySet[Withholding]:
    """Withholdings asked for and not yet agreed, for a team leader's team, oldest first:
    the team leader's worklist (#12). Those the user asked for themselves are left out, as
    someone else must agree them."""
    people = Person.objects.visible_to(user, break_glass=False).filter(team_id=user.team_id)
    return (
        Withholding.objects.filter(
            person__in=people.values("pk"), agreed_at__isnull=True, ended_at__isnull=True
        )
        .exclude(withheld_by_id=user.pk)
        .select_related("person", "withheld_by")
        .order_by("created_at")
    )


def log_row(person: Person, log_id) -> AccessLog | None:
    return access_for_person(person.pk).filter(pk=log_id).first()


def review_of(person: Person, review_id):
    return person.reviews.filter(pk=review_id).first()


def outcomes_for_views(review) -> list:
    """The outcomes the person may give a view on at this review (reviews' own rule)."""
    from goldenthread.reviews.selectors import outcome_ids_for_views

    ids = outcome_ids_for_views(review)
    return list(review.person.outcomes.filter(pk__in=ids).order_by("created_at"))


def about_me(person: Person):
    from .models import AboutMe

    return AboutMe.objects.filter(person=person).select_related("changed_by__team").first()


def about_me_media(person: Person) -> list:
    """The pictures, sound and video on About me, oldest first (not those taken off)."""
    from .models import AboutMeMedia

    return list(AboutMeMedia.objects.filter(person=person, removed_at__isnull=True))


def about_me_media_item(person: Person, media_id):
    """One picture, sound or video on this person's About me (None if not theirs, or
    taken off)."""
    from .models import AboutMeMedia

    return AboutMeMedia.objects.filter(person=person, pk=media_id, removed_at__isnull=True).first()


def about_me_history(person: Person, about) -> list:
    """Earlier versions, newest first, from the change history (SEC-4)."""
    from goldenthread.audit.selectors import changes_for_person

    if about is None:
        return []
    return list(
        changes_for_person(person.pk, object_type="portal.AboutMe", object_id=str(about.pk))[:20]
    )

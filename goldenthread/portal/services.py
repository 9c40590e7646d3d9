"""Writes for the person's own record (P-1, P-2): invitations, sign-in accounts for people
and proxies, ending a proxy's access, comments, correction requests and their answers.

Every write records its change history (audit.ChangeRecord) in the same transaction. A
person or proxy writes only to a record they are linked to now (`require_portal`); a worker
answers only for a record they work on (`people.guards.require_casework`).
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.accountability.models import ChallengeAbout, RaisedBy
from goldenthread.accountability.services import challenge_raise
from goldenthread.accounts.models import CodePurpose, Role, SignInCode, User
from goldenthread.accounts.notifications import Kind, notify
from goldenthread.accounts.rules import leads_persons_team
from goldenthread.audit.models import ChangeAction
from goldenthread.audit.services import (
    Auditor,
    access_denied,
    change_record,
    create_audited,
    update_audited,
)
from goldenthread.core.services import (
    audited_create,
    audited_update,
    audited_upsert,
    create_once,
    locked,
    not_far_off,
    require_signed_in,
)
from goldenthread.people.guards import require_casework
from goldenthread.people.models import Person

from .items import item_text, item_type
from .models import (
    ABOUT_ME_FIELDS,
    INVITATION_DAYS,
    LEGAL_BASES,
    YOUNG_PERSON_AGE,
    AboutMe,
    AboutMeMedia,
    AccessQuestion,
    CorrectionRequest,
    CorrectionStatus,
    Invitation,
    ItemComment,
    LinkKind,
    ProxyBasis,
    RecordLink,
    Section,
    Withholding,
    WithholdingGrounds,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def code_lookup(code: str) -> str:
    """A keyed hash of the code: how an invitation is found, never the code itself."""
    return hmac.new(
        settings.SECRET_KEY.encode(),
        b"portal-invitation:" + normalise_code(code).encode(),
        hashlib.sha256,
    ).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def age_on(person: Person, day: datetime.date) -> int:
    born = person.date_of_birth
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _hidden(invitation: Invitation) -> Invitation:
    shown = copy.copy(invitation)
    shown.code_lookup = "[not kept in the history]"
    return shown


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    code: str


def invitation_issue(
    *,
    actor,
    person: Person,
    kind: str,
    name: str,
    channel: str,
    email: str = "",
    relationship: str = "",
    basis: str = "",
    legal_reference: str = "",
    valid_until: datetime.date | None = None,
    hidden_sections: list[str] | None = None,
    young_person_agreed_on: datetime.date | None = None,
    young_person_agreement: str = "",
) -> IssuedInvitation:
    """A one-time code, valid 14 days, for the person or someone acting for them. The code
    is returned once (to show or e-mail) and only its keyed hash is kept."""
    require_casework(actor, person)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in LinkKind.values:
        errors["kind"] = "Choose who the invitation is for."
    if not (name or "").strip():
        errors["name"] = "Enter their name."
    if channel == "email" and not email:
        errors["email"] = "Enter the e-mail address to send the code to."
    hidden = [s for s in (hidden_sections or []) if s in Section.values]
    age = age_on(person, today)
    if kind == LinkKind.PROXY:
        if not relationship.strip():
            errors["relationship"] = "Say who they are to the person."
        if basis not in ProxyBasis.values:
            errors["basis"] = "Choose what gives them the right to act for the person."
        if basis in LEGAL_BASES and not legal_reference.strip():
            errors["legal_reference"] = "Enter the order or registration reference."
        if basis in LEGAL_BASES and valid_until is None:
            errors["valid_until"] = "Enter the date the order or power ends."
        if basis == ProxyBasis.PARENT and age >= 18:
            errors["basis"] = "Parental responsibility ends when a young person turns 18."
        if YOUNG_PERSON_AGE <= age < 18 and young_person_agreed_on is None:
            errors["young_person_agreed_on"] = (
                f"{person.display_name} is {age}. From 12, a young person decides who sees "
                "their record: record when they agreed."
            )
    else:
        hidden = []
        relationship, basis, legal_reference, valid_until = "", "", "", None
    if valid_until is not None and valid_until < today:
        errors["valid_until"] = "The end date must be today or later."
    if errors:
        raise ValidationError(errors)
    code = _new_code()
    now = timezone.now()
    with transaction.atomic():
        # A newer invitation of the same kind for the same name replaces the older one.
        for old in Invitation.objects.select_for_update().filter(
            person=person,
            kind=kind,
            name__iexact=name.strip(),
            used_at__isnull=True,
            void_at__isnull=True,
        ):
            old.void_at = now
            old.save(update_fields=["void_at"])
        invitation = Invitation.objects.create(
            person=person,
            kind=kind,
            name=name.strip()[:200],
            relationship=relationship[:100],
            basis=basis,
            legal_reference=legal_reference[:200],
            valid_until=valid_until,
            hidden_sections=hidden,
            young_person_agreed_on=young_person_agreed_on,
            young_person_agreement=young_person_agreement[:300],
            channel=channel,
            email=email,
            code_lookup=code_lookup(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        )
        change_record(
            actor=actor,
            instance=_hidden(invitation),
            action=ChangeAction.CREATE,
            before=None,
            person_id=person.pk,
        )
        if channel == "email":
            send_mail(
                "Your code to see your Golden Thread record",
                f"Hello {invitation.name},\n\nYour code is {code}. It works once, until "
                f"{timezone.localtime(invitation.expires_at):%d %B %Y}.\n\nGo to the "
                "Golden Thread sign-in page, choose 'I have a code to set up my account', "
                "and type it in with the username and password you choose.\n",
                None,
                [email],
            )
    return IssuedInvitation(invitation=invitation, code=code)


def invitation_find(code: str) -> Invitation | None:
    """The live invitation with this code, or None."""
    row = Invitation.objects.filter(code_lookup=code_lookup(code)).first()
    if row is None or not row.is_live(timezone.now()):
        return None
    return row


def invitation_accept(
    *, code: str, username: str, password: str
) -> tuple[User, RecordLink, SignInCode]:
    """The person (or proxy) makes their own sign-in with the code: a username and a
    password they choose. Returns the account, the link to the record and a used set-up
    code that lets them link an authenticator app in this session (as staff do)."""
    wrong = ValidationError(
        {
            "code": "That code is not right, or it has expired or been "
            "used. Check it, or ask your worker for a new one."
        }
    )
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "Choose a username."})
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(code_lookup=code_lookup(code)).first()
        )
        now = timezone.now()
        if invitation is None or not invitation.is_live(now):
            raise wrong
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken. Choose another."})
        first, _, last = invitation.name.partition(" ")
        role = Role.PERSON if invitation.kind == LinkKind.SELF else Role.PROXY
        user = User(
            username=username,
            first_name=first[:150],
            last_name=last[:150],
            email=invitation.email,
            role=role,
            team=None,
        )
        validate_password(password, user)
        user.set_password(password)
        user.password_set_by_id = invitation.issued_by_id
        user.save()
        change_record(
            actor=user,
            instance=_redacted_user(user),
            action=ChangeAction.CREATE,
            before=None,
            person_id=None,
            extra={"reason": "Made their own sign-in with an invitation code"},
        )
        link = RecordLink.objects.create(
            user=user,
            person=invitation.person,
            kind=invitation.kind,
            relationship=invitation.relationship,
            basis=invitation.basis,
            legal_reference=invitation.legal_reference,
            valid_from=timezone.localdate(),
            valid_until=invitation.valid_until,
            hidden_sections=invitation.hidden_sections,
            young_person_agreed_on=invitation.young_person_agreed_on,
            young_person_agreement=invitation.young_person_agreement,
            granted_by=invitation.issued_by,
        )
        Auditor(user).created(link, person_id=invitation.person_id)
        before = change_snapshot(invitation)
        invitation.used_at, invitation.used_by = now, user
        invitation.save(update_fields=["used_at", "used_by"])
        change_record(
            actor=user,
            instance=_hidden(invitation),
            action=ChangeAction.UPDATE,
            before=before,
            person_id=invitation.person_id,
        )
        # The staff enrolment step (accounts.SetupSecondFactorView) lets a person link an
        # app in the session in which they set their password with a code: this is that
        # code, already used (there is nothing to type twice).
        set_up = SignInCode.objects.create(
            user=user,
            purpose=CodePurpose.ACCOUNT_SET_UP,
            code_hash=make_password(None),
            reason="Invitation to see their own record",
            issued_by=invitation.issued_by,
            issued_at=invitation.issued_at,
            expires_at=invitation.expires_at,
            used_at=now,
        )
    return user, link, set_up


def _redacted_user(user: User) -> User:
    shown = copy.copy(user)
    shown.password = "[not kept in the history]"  # noqa: S105 - a redaction, not a password
    return shown


def change_snapshot(invitation: Invitation) -> dict:
    return Auditor.snapshot(_hidden(invitation))


# --- Who may act in the portal ------------------------------------------------------------


def portal_link(actor, person: Person) -> RecordLink | None:
    if getattr(actor, "role", None) not in (Role.PERSON, Role.PROXY):
        return None
    return RecordLink.objects.current().filter(user_id=actor.pk, person_id=person.pk).first()


def is_persons_own(actor, person) -> bool:
    """Registered as the person-side check (people.person_side): the actor is the person
    (`person` or its id), or a proxy in force for them. Sections are checked by the page."""
    if getattr(actor, "role", None) not in (Role.PERSON, Role.PROXY):
        return False
    person_id = getattr(person, "pk", person)
    return RecordLink.objects.current().filter(user_id=actor.pk, person_id=person_id).exists()


def require_portal(actor, person: Person, *, section: str | None = None) -> RecordLink:
    """The actor is the person, or a proxy in force for them (who may see `section`).
    A refusal is written to the person's access log."""
    require_signed_in(actor)
    link = portal_link(actor, person)
    if link is None or (section and not link.shows(section)):
        access_denied(
            actor=actor,
            person_id=person.pk,
            what="portal",
            reason="Not linked to this record",
        )
        raise PermissionDenied("You cannot do this on this record.")
    return link


def link_end(
    *, actor, link: RecordLink, reason: str, expected_version: int | None = None
) -> RecordLink:
    """End someone's access: the person ends a proxy's, anyone ends their own, or a worker
    for the record ends it (with a reason). Refused when it has ended already (a second
    press, another tab, another caller): checked on the stored row, locked."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why their access is ending."})
    person = link.person
    own = portal_link(actor, person)
    may = own is not None and (own.kind == LinkKind.SELF or own.pk == link.pk)
    if not may:
        require_casework(actor, person)
    version = link.version if expected_version is None else expected_version
    with transaction.atomic():
        stored = locked(link, expected_version=version)
        if stored.ended_at is not None:
            raise ValidationError("Their access has already ended.")
        ended = audited_update(
            link,
            auditor=Auditor(actor),
            expected_version=version,
            person_id=person.pk,
            stored=stored,
            changes={"ended_at": timezone.now(), "ended_by": actor, "end_reason": reason[:300]},
            clean=False,
        )
        if own is None or own.kind != LinkKind.SELF:
            # Ended by someone other than the person (a worker, the API, the proxy
            # themselves): the person hears of it, once it is committed (ACC-3).
            notify(
                [
                    self_link.user
                    for self_link in RecordLink.objects.current()
                    .filter(person=person, kind=LinkKind.SELF)
                    .select_related("user")
                ],
                kind=Kind.ACCESS_ENDED,
                text="Someone's access to your record has ended. You can see who can "
                "see your record and why.",
                url=reverse("portal:access", args=[person.pk]),
            )
        return ended


# --- Comments and corrections (P-2) -------------------------------------------------------


def _item(person: Person, label: str, item_id: str, *, for_person: bool = False):
    kind = item_type(label)
    obj = kind.item(person, item_id) if kind else None
    if (
        obj is not None
        and for_person
        and Withholding.objects.in_force()
        .filter(person=person, item_type=label, item_id=str(obj.pk))
        .exists()
    ):
        obj = None
    if obj is None:
        raise ValidationError("There is no such item on this record.")
    return kind, obj


def comment_add(
    *, actor, person: Person, label: str, item_id: str, text: str, submission_token=None
) -> ItemComment:
    """The person's (or proxy's) comment beside an item. Comments are never changed or
    removed, so the same form sent twice (`submission_token`) keeps the first one and adds
    nothing (core.services.create_once)."""
    kind, obj = _item(person, label, item_id, for_person=True)
    link = require_portal(actor, person, section=kind.section)

    def add() -> ItemComment:
        words = (text or "").strip()
        if not words:
            raise ValidationError({"text": "Write your comment."})
        comment = ItemComment(
            person=person,
            item_type=label,
            item_id=str(obj.pk),
            text=words,
            author=actor,
            on_behalf=link.kind == LinkKind.PROXY,
            submission_token=submission_token,
        )
        return create_audited(actor, comment, person_id=person.pk, clean=_NOT_UNIQUE)

    return create_once(
        ItemComment,
        submission_token,
        add,
        made_by=_same_item(person, actor, "author_id", label, obj),
        used_message=_used("Add a comment", "add another comment"),
    )


# The token's unique index refuses a second copy at the insert (create_once), so the
# checks before it need not read the table for it.
_NOT_UNIQUE = {"validate_unique": False}


def _same_item(person: Person, actor, by: str, label: str, obj) -> dict:
    """What a repeated form must have made already: a row about this item of this
    person's record, by this user (the field `by` names them)."""
    return {"person_id": person.pk, by: actor.pk, "item_type": label, "item_id": str(obj.pk)}


def _used(link_text: str, doing: str) -> str:
    return f'This form has been used already. To {doing}, open "{link_text}" again.'


def decision_challenge(
    *,
    actor,
    person: Person,
    item_id: str,
    details: str,
    wanted: str = "",
    submission_token=None,
):
    """The person, or their proxy, challenges a decision (P-2, #12): recorded as an
    accountability challenge about that decision (stage 1, its answer due in 5 working
    days, on the open challenges worklist), never as a correction request. The same form
    sent twice (`submission_token`) keeps the first challenge."""
    _kind, decision = _item(person, "sds.Decision", item_id, for_person=True)
    link = require_portal(actor, person, section=Section.CHOICES)
    proxy = link.kind == LinkKind.PROXY
    about = ChallengeAbout.BUDGET if decision.about == "budget" else ChallengeAbout.SUPPORT
    return challenge_raise(
        actor=actor,
        person=person,
        raised_by=RaisedBy.PROXY if proxy else RaisedBy.PERSON,
        raised_by_name=actor.get_full_name() or actor.username,
        raised_on=timezone.localdate(),
        about=about,
        details=details or "",
        wanted=wanted or "",
        decision=decision,
        submission_token=submission_token,
    )


def correction_ask(
    *,
    actor,
    person: Person,
    label: str,
    item_id: str,
    what_is_wrong: str,
    should_say: str = "",
    submission_token=None,
) -> CorrectionRequest:
    """The person (or proxy) asks for a correction; its answer is due in a month. The same
    form sent twice (`submission_token`) keeps the first request: one request, one clock
    (core.services.create_once)."""
    kind, obj = _item(person, label, item_id, for_person=True)
    link = require_portal(actor, person, section=kind.section)

    def ask() -> CorrectionRequest:
        if not (what_is_wrong or "").strip():
            raise ValidationError({"what_is_wrong": "Say what is wrong."})
        row = CorrectionRequest(
            person=person,
            item_type=label,
            item_id=str(obj.pk),
            item_text=item_text(kind, obj)[:4000],
            what_is_wrong=what_is_wrong.strip(),
            should_say=(should_say or "").strip(),
            asked_by=actor,
            on_behalf=link.kind == LinkKind.PROXY,
            asked_at=timezone.now(),
            submission_token=submission_token,
        )
        return create_audited(actor, row, person_id=person.pk, clean=_NOT_UNIQUE)

    return create_once(
        CorrectionRequest,
        submission_token,
        ask,
        made_by=_same_item(person, actor, "asked_by_id", label, obj),
        used_message=_used("Ask for a correction", "ask for another correction"),
    )


def correction_answer(
    *,
    actor,
    correction: CorrectionRequest,
    accept: bool,
    answer: str,
    new_text: str = "",
    expected_version: int,
) -> CorrectionRequest:
    """The worker or team leader answers. Accepting changes the item (its history keeps
    what it said); a record kept as history (a decision, a view given) is not rewritten:
    the answer says what is now recorded. Declining needs the reasons."""
    person = correction.person
    require_casework(actor, person)
    if correction.status != CorrectionStatus.WAITING:
        raise ValidationError("This request has already been answered.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(
            {"answer": "Say what you did and why, in words the person will understand."}
        )
    kind, obj = _item(person, correction.item_type, correction.item_id)
    auditor = Auditor(actor)
    with transaction.atomic():
        if accept and kind.versioned:
            new_text = (new_text or "").strip()
            if not new_text:
                raise ValidationError({"new_text": "Enter what the record should now say."})
            audited_update(
                obj,
                auditor=auditor,
                expected_version=obj.version,
                person_id=person.pk,
                changes={kind.correctable: new_text},
                clean=False,
                extra={"reason": f"Corrected at the person's request: {answer}"},
            )
        answered = audited_update(
            correction,
            auditor=auditor,
            expected_version=expected_version,
            person_id=person.pk,
            clean=False,
            changes={
                "status": CorrectionStatus.ACCEPTED if accept else CorrectionStatus.DECLINED,
                "answer": answer,
                "answered_by": actor,
                "answered_at": timezone.now(),
            },
        )
        # Whoever asked hears the answer, once it is committed (#13, ACC-3).
        notify(
            [correction.asked_by],
            kind=Kind.CORRECTION_ANSWERED,
            text="Your request for a correction has been answered. You can read the "
            "answer in the record of the person you act for."
            if correction.on_behalf
            else "Your request for a correction has been answered. You can read the "
            "answer in your record.",
            url=reverse("portal:requests", args=[person.pk]),
        )
        return answered


# --- Withholding: the exception, itself a record ------------------------------------------


def withholding_propose(
    *,
    actor,
    person: Person,
    label: str,
    item_id: str,
    grounds: str,
    reason: str,
    review_on: datetime.date,
) -> Withholding:
    """A named worker proposes to keep one item from the person. Nothing is hidden until a
    team leader agrees (`withholding_agree`)."""
    require_casework(actor, person)
    kind, obj = _item(person, label, item_id)
    errors = {}
    if grounds not in WithholdingGrounds.values:
        errors["grounds"] = "Choose the grounds: serious harm, or protecting someone else."
    if not (reason or "").strip():
        errors["reason"] = "Say why."
    if review_on is None or review_on <= timezone.localdate():
        errors["review_on"] = "Choose a date in the future to look at it again."
    else:
        not_far_off(review_on, "review_on", "The date to look at it again", errors)
    if errors:
        raise ValidationError(errors)
    row = Withholding(
        person=person,
        item_type=label,
        item_id=str(obj.pk),
        grounds=grounds,
        reason=reason.strip(),
        review_on=review_on,
        withheld_by=actor,
    )
    return create_audited(actor, row, person_id=person.pk, clean=False)


def _require_team_leader(actor, person: Person, refusal: str, *, other_than=None) -> None:
    """Casework on the person, by a team leader of their team (not the user `other_than`
    names): otherwise PermissionDenied(`refusal`)."""
    require_casework(actor, person)
    if not leads_persons_team(actor, person) or (other_than is not None and actor.pk == other_than):
        raise PermissionDenied(refusal)


def withholding_agree(
    *, actor, withholding: Withholding, expected_version: int | None = None
) -> Withholding:
    """The person's team leader, not the worker who proposed it, agrees."""
    _require_team_leader(
        actor,
        withholding.person,
        "A team leader of the person's team, other than the worker who asked, agrees to "
        "withholding.",
        other_than=withholding.withheld_by_id,
    )
    return _withholding_close(actor, withholding, expected_version, agreeing=True)


def withholding_end(
    *, actor, withholding: Withholding, expected_version: int | None = None
) -> Withholding:
    """Reconsidered: the item is shown to the person again (once)."""
    require_casework(actor, withholding.person)
    return _withholding_close(actor, withholding, expected_version, agreeing=False)


def _withholding_close(
    actor, withholding: Withholding, expected_version: int | None, *, agreeing: bool
) -> Withholding:
    """Record who agreed to an open withholding (`agreeing`), or who ended it, and when.
    The stored withholding is locked first: refused if it has ended, or (agreeing) if a
    team leader has agreed already, whichever page or caller asks twice."""
    version = withholding.version if expected_version is None else expected_version
    with transaction.atomic():
        stored = locked(withholding, expected_version=version)
        if stored.ended_at is not None:
            raise ValidationError("This withholding has ended: the person sees the item.")
        if agreeing and stored.agreed_at is not None:
            raise ValidationError("A team leader has already agreed to this withholding.")
        by, at = ("agreed_by", "agreed_at") if agreeing else ("ended_by", "ended_at")
        return audited_update(
            withholding,
            auditor=Auditor(actor),
            expected_version=version,
            person_id=withholding.person_id,
            stored=stored,
            changes={by: actor, at: timezone.now()},
            clean=False,
        )


# --- "Why did this person look?" (P-3) ---------------------------------------------------


def question_ask(*, actor, person: Person, log_id, question: str) -> AccessQuestion:
    """The person asks why someone looked; it goes to a team leader of their team."""
    from goldenthread.audit.selectors import access_for_person

    require_portal(actor, person, section=Section.WHO_LOOKED)
    row = access_for_person(person.pk).filter(pk=log_id).first()
    if row is None:
        raise ValidationError("There is no such entry in your record's log.")
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Write your question."})
    asked = AccessQuestion(
        person=person,
        log_id=row.pk,
        about=row.actor_name[:300],
        looked_at=row.at,
        question=question[:2000],
        asked_by=actor,
        asked_at=timezone.now(),
    )
    return create_audited(actor, asked, person_id=person.pk, clean=False)


def question_answer(
    *, actor, question: AccessQuestion, answer: str, expected_version: int
) -> AccessQuestion:
    """A team leader of the person's team answers."""
    person = question.person
    _require_team_leader(actor, person, "A team leader of the person's team answers this.")
    if question.answered_at is not None:
        raise ValidationError("This question has already been answered.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write your answer to the person."})
    return update_audited(
        actor,
        question,
        expected_version=expected_version,
        person_id=person.pk,
        clean=False,
        changes={"answer": answer, "answered_by": actor, "answered_at": timezone.now()},
    )


# --- The person's own view at a review (REV-1, P-2) -----------------------------------------


def review_view_give(
    *,
    actor,
    person: Person,
    review_id,
    outcome_id,
    in_their_words: str,
    rating: str = "",
    submission_token=None,
):
    """The person (or their proxy, named as speaking for them) gives their own view and
    rating of an outcome at a review, before or after the meeting. Kept beside the worker's,
    never overwriting it (reviews.PersonView is append-only); the same form sent twice
    (`submission_token`) keeps the first view (core.services.create_once)."""
    from goldenthread.reviews.models import PersonView, Rating, WhoseWords
    from goldenthread.reviews.selectors import outcome_ids_for_views

    link = require_portal(actor, person, section=Section.REVIEWS)
    review = person.reviews.filter(pk=review_id).first()
    outcome = person.outcomes.filter(pk=outcome_id).first()
    if review is None or outcome is None:
        raise ValidationError("There is no such review or outcome on this record.")
    errors = {}
    words = (in_their_words or "").strip()
    if not words:
        errors["in_their_words"] = "Write what you think about how it is going."
    if rating and rating not in Rating.values:
        errors["rating"] = "Choose one of the answers, or leave it blank."
    if errors:
        raise ValidationError(errors)
    proxy = link.kind == LinkKind.PROXY

    def give() -> PersonView:
        if outcome.pk not in outcome_ids_for_views(review):
            raise ValidationError({"outcome": "This outcome is not part of this review."})
        view = PersonView(
            review=review,
            outcome=outcome,
            person=person,
            rating=rating,
            in_their_words=words[:4000],
            whose_words=WhoseWords.ON_BEHALF if proxy else WhoseWords.PERSON,
            speaker_name=(
                f"{actor.get_full_name() or actor.username}, {link.relationship or 'proxy'}"
            )[:200]
            if proxy
            else "",
            recorded_by=actor,
            submission_token=submission_token,
        )
        return audited_create(
            view,
            auditor=Auditor(actor),
            person_id=person.pk,
            clean={"validate_constraints": False, "validate_unique": False},
        )

    return create_once(
        PersonView,
        submission_token,
        give,
        made_by={
            "person_id": person.pk,
            "recorded_by_id": actor.pk,
            "review_id": review.pk,
            "outcome_id": outcome.pk,
        },
        used_message=_used("Give your view for this review", "give another view"),
    )


# --- About me (P-4) -----------------------------------------------------------------------


def about_me_save(*, actor, person: Person, expected_version: int, **words: str) -> AboutMe:
    """The person, their proxy, or a worker for the person writes the About me page. A save
    from a stale copy is refused (StaleEditError carrying the stored version); every
    version is kept in the change history."""
    if portal_link(actor, person) is not None:
        require_portal(actor, person, section=Section.ABOUT_ME)
    else:
        require_casework(actor, person)
    changes = {name: (words.get(name) or "").strip() for name in ABOUT_ME_FIELDS}
    changes["changed_by"] = actor
    with transaction.atomic():
        current = AboutMe.objects.select_for_update().filter(person=person).first()
        if current is None and expected_version not in (0, None):
            raise ValidationError("Someone removed this page. Reload it.")
        return audited_upsert(
            AboutMe,
            current,
            auditor=Auditor(actor),
            person_id=person.pk,
            new={"person": person},
            changes=changes,
            expected_version=expected_version,
            clean=False,
        )


# --- About me: pictures, sound and video (P-4, Std 4.3) -------------------------------------


def _about_me_actor(actor, person: Person) -> bool:
    """The person, their proxy, or a worker for the person; True for a proxy."""
    link = portal_link(actor, person)
    if link is not None:
        require_portal(actor, person, section=Section.ABOUT_ME)
        return link.kind == LinkKind.PROXY
    require_casework(actor, person)
    return False


def about_me_media_add(*, actor, person: Person, upload, description: str) -> AboutMeMedia:
    """Add a picture, sound recording or video to About me: its type known from its content
    (uploads.check_upload), a picture stored re-made without its metadata, the file under
    the record's own storage. Nothing is stored if any check fails."""
    from django.core.files.base import ContentFile

    from .uploads import check_upload

    on_behalf = _about_me_actor(actor, person)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Say in a few words what it shows or is."})
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"upload": exc.messages}) from None
    auditor = Auditor(actor)
    media = AboutMeMedia(
        person=person,
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(checked.content),
        description=description[:300],
        original_name=(getattr(upload, "name", "") or "")[:255],
        added_by=actor,
        on_behalf=on_behalf,
    )
    name = f"{person.pk}/{media.pk}.{checked.extension}"
    with transaction.atomic():
        media.file.save(name, ContentFile(checked.content), save=False)
        try:
            media.save()
            auditor.created(media, person_id=person.pk)
        except Exception:
            media.file.storage.delete(media.file.name)
            raise
    return media


def about_me_media_remove(*, actor, media: AboutMeMedia) -> AboutMeMedia:
    """Take a picture, sound or video off About me: the file is deleted; the history keeps
    who added it, who took it off and when."""
    _about_me_actor(actor, media.person)
    auditor = Auditor(actor)
    with transaction.atomic():
        stored = AboutMeMedia.objects.select_for_update().get(pk=media.pk)
        if stored.removed_at is not None:
            return stored
        before = auditor.snapshot(stored)
        stored.removed_at, stored.removed_by = timezone.now(), actor
        stored.save(update_fields=["removed_at", "removed_by"])
        auditor.updated(stored, before=before, person_id=stored.person_id)
        name = stored.file.name
        transaction.on_commit(lambda: stored.file.storage.delete(name))
    return stored

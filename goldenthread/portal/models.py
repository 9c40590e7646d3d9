"""The person's own record (SPEC P-1..P-3, SDS-5; docs/adr/0013-persons-own-record.md).

- `RecordLink`: a sign-in account (role person or proxy) linked to one person's record.
  `Person.objects.visible_to(user)` gives a person or proxy account the people it is
  linked to now, and nothing else.
- `Invitation`: a one-time code a practitioner issues from the person's record, valid 14
  days, stored only as a keyed hash; the person (or proxy) chooses a username and a
  password with it, and then links an authenticator app as staff do.
- `ItemComment`: the person's own words beside an item of their record; never edited.
- `CorrectionRequest`: "this is wrong": answered by the worker or team leader, accepted
  (the item changed, with history) or declined with reasons; never silently dropped.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from goldenthread.core.models import (
    BaseModel,
    SubmittedOnce,
    VersionedModel,
    optional_user_link,
)
from goldenthread.people.models import Person

# UK GDPR Article 12(3): an answer to a rectification request within one month.
ANSWER_DUE_DAYS = 30
INVITATION_DAYS = 14
# From 12 a young person is presumed able to use their own rights over their record.
YOUNG_PERSON_AGE = 12


class LinkKind(models.TextChoices):
    SELF = "self", "The person themselves"
    PROXY = "proxy", "Someone acting for the person (proxy)"


class ProxyBasis(models.TextChoices):
    AUTHORISED = "authorised", "Authorised by the person"
    PARENT = "parent", "Parental responsibility"
    GUARDIAN = "guardian", "Guardianship order"
    POWER_OF_ATTORNEY = "attorney", "Power of attorney"


LEGAL_BASES = (ProxyBasis.GUARDIAN, ProxyBasis.POWER_OF_ATTORNEY)


class Section(models.TextChoices):
    """Parts of the record a proxy's access may leave out ("everything except…")."""

    CONVERSATIONS = "conversations", "Conversations and what matters"
    OUTCOMES = "outcomes", "Outcomes"
    PLAN = "plan", "Support plan"
    CHOICES = "choices", "Choices, budget and decisions"
    RISKS = "risks", "Risks"
    REVIEWS = "reviews", "Reviews"
    # The About me page, its pictures, sound and video, and those in the plan (#12, P-4).
    ABOUT_ME = "about_me", "About me"
    WHO_LOOKED = "who_looked", "Who looked at the record"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "Give the code in person (shown on screen)"
    EMAIL = "email", "Send the code by e-mail"


class LinkQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None) -> LinkQuerySet:
        """Links in force on `day`: not ended, within their dates, and for a parent's
        proxy access to a young person aged 12 or over, with the young person's agreement
        recorded (a child turning 12 ends a parent's access until they agree)."""
        day = day or timezone.localdate()
        twelve = _years_before(day, YOUNG_PERSON_AGE)
        return self.filter(
            Q(ended_at__isnull=True),
            Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            ~Q(basis=ProxyBasis.PARENT)
            | Q(young_person_agreed_on__isnull=False)
            | Q(person__date_of_birth__gt=twelve),
        )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class RecordLink(VersionedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_links"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portal_links")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    relationship = models.CharField(
        "Who they are to the person",
        max_length=100,
        blank=True,
        help_text="For example: daughter, carer, advocate.",
    )
    basis = models.CharField(max_length=12, choices=ProxyBasis.choices, blank=True)
    legal_reference = models.CharField(
        "Order or registration reference", max_length=200, blank=True
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    # "Everything except": the sections a proxy does not see (empty: everything).
    hidden_sections = models.JSONField(default=list, blank=True)
    young_person_agreed_on = models.DateField(null=True, blank=True)
    young_person_agreement = models.CharField(
        "How the young person agreed", max_length=300, blank=True
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = optional_user_link()
    end_reason = models.CharField(max_length=300, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="portal_link_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["user", "person"],
                condition=Q(ended_at__isnull=True),
                name="portal_link_one_open",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="portal_link_user")]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.get_kind_display()})"

    def shows(self, section: str) -> bool:
        return self.kind == LinkKind.SELF or section not in (self.hidden_sections or [])

    def hidden_section_names(self) -> list[str]:
        """The parts of the record kept from this proxy, in words."""
        names = dict(Section.choices)
        return [str(names.get(key, key)) for key in self.hidden_sections or []]


class Invitation(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portal_invitations")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    name = models.CharField("Their name", max_length=200)
    relationship = models.CharField(max_length=100, blank=True)
    basis = models.CharField(max_length=12, choices=ProxyBasis.choices, blank=True)
    legal_reference = models.CharField(max_length=200, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    hidden_sections = models.JSONField(default=list, blank=True)
    young_person_agreed_on = models.DateField(null=True, blank=True)
    young_person_agreement = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    email = models.EmailField(blank=True)
    # A keyed hash (HMAC with the site's secret) of the code: found by it, never shown.
    code_lookup = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.name} ({self.issued_at:%Y-%m-%d})"

    def is_live(self, now: datetime.datetime) -> bool:
        return self.used_at is None and self.void_at is None and self.expires_at > now


class ItemComment(SubmittedOnce, BaseModel):
    """The person's (or their proxy's) own words beside an item: written by them, shown
    beside the item on staff pages, never changed by anyone."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portal_comments")
    item_type = models.CharField(max_length=100)
    item_id = models.CharField(max_length=64)
    text = models.TextField("Your comment", max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["person", "item_type", "item_id"], name="portal_comment_item")
        ]

    def __str__(self) -> str:
        return f"Comment on {self.item_type} {self.item_id}"


class CorrectionStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an answer"
    ACCEPTED = "accepted", "Corrected"
    DECLINED = "declined", "Not changed"


class CorrectionRequest(SubmittedOnce, VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="correction_requests")
    item_type = models.CharField(max_length=100)
    item_id = models.CharField(max_length=64)
    item_text = models.TextField("What it said when asked", max_length=4000, blank=True)
    what_is_wrong = models.TextField("What is wrong", max_length=4000)
    should_say = models.TextField("What it should say", max_length=4000, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)
    asked_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.WAITING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("The answer, with reasons", max_length=4000, blank=True)

    class Meta:
        ordering = ["asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="portal_correction_answer_given",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="portal_correction_status")]

    def __str__(self) -> str:
        return f"Correction of {self.item_type} {self.item_id} ({self.status})"

    def due_on(self) -> datetime.date:
        return timezone.localdate(self.asked_at) + datetime.timedelta(days=ANSWER_DUE_DAYS)

    def days_waited(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return (today - timezone.localdate(self.asked_at)).days


class WithholdingGrounds(models.TextChoices):
    SERIOUS_HARM = "serious_harm", "Seeing it would be likely to cause serious harm"
    THIRD_PARTY = "third_party", "It would identify someone else who has not agreed"


class WithholdingQuerySet(models.QuerySet):
    def in_force(self) -> WithholdingQuerySet:
        """Agreed by a team leader and not ended: only these hide anything."""
        return self.filter(agreed_at__isnull=False, ended_at__isnull=True)


class Withholding(VersionedModel):
    """The exception: one item kept from the person's view, by a named worker, on the
    serious-harm test or to protect someone else, with a reason and a date to look at it
    again, in force only once a team leader (not the same person) has agreed. The person
    sees that something is withheld and when it will be reconsidered."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="withholdings")
    item_type = models.CharField(max_length=100)
    item_id = models.CharField(max_length=64)
    grounds = models.CharField(max_length=15, choices=WithholdingGrounds.choices)
    reason = models.TextField("Why", max_length=2000)
    review_on = models.DateField("Look at it again on")
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = WithholdingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreed_by__isnull=True) | ~Q(agreed_by=models.F("withheld_by")),
                name="portal_withholding_agreed_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"Withheld: {self.item_type} {self.item_id}"


class AccessQuestion(VersionedModel):
    """ "Why did this person look?": the person asks about one row of their access log;
    a team leader of their team answers (P-3, SEC-3)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="access_questions")
    # The access-log row asked about (not a foreign key: the log is the audit's own).
    log_id = models.UUIDField()
    about = models.CharField("Who looked", max_length=300)
    looked_at = models.DateTimeField()
    question = models.TextField("Your question", max_length=2000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"Question about {self.about} ({self.asked_at:%Y-%m-%d})"

    def days_waited(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return (today - timezone.localdate(self.asked_at)).days


class AboutMe(VersionedModel):
    """A one-page profile in the person's own words (P-4, Std 4.3): edited by the person,
    their proxy or a worker with them; every version kept in the change history."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="about_me")
    what_matters = models.TextField("What matters to me", max_length=4000, blank=True)
    admired = models.TextField("What people like and admire about me", max_length=4000, blank=True)
    how_to_support = models.TextField("How best to support me", max_length=4000, blank=True)
    communication = models.TextField("How I communicate", max_length=4000, blank=True)
    important_people = models.TextField("Important people", max_length=4000, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "About me"

    def __str__(self) -> str:
        return f"About me: {self.person}"


ABOUT_ME_FIELDS = ("what_matters", "admired", "how_to_support", "communication", "important_people")


def person_media_storage():
    """Where images, audio and video for About me are kept: never under the web root, and
    never given an address of their own (GOLDENTHREAD_PERSON_MEDIA_STORAGE: a local folder
    by default; any Django storage backend, such as an S3-compatible one, by setting)."""
    from django.core.files.storage import storages

    return storages.create_storage(settings.GOLDENTHREAD_PERSON_MEDIA_STORAGE)


class MediaKind(models.TextChoices):
    IMAGE = "image", "Picture"
    AUDIO = "audio", "Sound recording"
    VIDEO = "video", "Video"


class AboutMeMedia(BaseModel):
    """A picture, sound recording or video on the person's About me page (P-4, Std 4.3).
    Its type is what its content is (portal/uploads.py), never what its name says; a
    picture is stored re-made, without its metadata (such as where it was taken). It is
    served only through a permission-checked, access-logged view, as a download."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="about_me_media")
    # Set by code from the checked content (portal/uploads.py), never typed.
    kind = models.CharField(max_length=10, choices=MediaKind.choices, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    file = models.FileField(storage=person_media_storage, max_length=300)
    description = models.CharField("What it shows", max_length=300)
    # The name the file had on the uploader's device: kept for the history, never shown.
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = "About me picture, sound or video"
        verbose_name_plural = "About me pictures, sounds and videos"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MediaKind.values), name="portal_media_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on About me ({self.created_at:%Y-%m-%d})"

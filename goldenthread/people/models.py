"""The person, the people who matter to them (their circle), and who works with them."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, Q
from django.utils import timezone

from goldenthread.accounts.models import Area, CaseworkAccess, Role, Team
from goldenthread.audit.selectors import active_break_glass_person_ids
from goldenthread.core.models import BaseModel, VersionedModel, optional_user_link

from .chi import InvalidCHI, chi_matches_birth_date, validate_chi


def active_on(day: datetime.date) -> Q:
    """Allocations running on `day`."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def _with_break_glass(
    person_ids: models.QuerySet,
    user,
    enabled: bool,
    now: datetime.datetime | None = None,
    only: uuid.UUID | None = None,
) -> models.QuerySet:
    """SEC-3: `person_ids` (a values queryset) and the people `user` opened by break-glass,
    while that lasts. One IN (… UNION ALL …) keeps the plan starting from the indexes.
    `only`: of those, this person alone (visible_to's `person_id`)."""
    if only is not None:
        person_ids = person_ids.filter(person_id=only)
    if not enabled:
        return person_ids
    opened = active_break_glass_person_ids(user, now=now)
    if only is not None:
        opened = opened.filter(person_id=only)
    return person_ids.order_by().union(opened, all=True)


class PersonQuerySet(models.QuerySet):
    def visible_to(
        self,
        user,
        *,
        break_glass: bool = True,
        today: datetime.date | None = None,
        now: datetime.datetime | None = None,
        person_id: uuid.UUID | None = None,
    ) -> PersonQuerySet:
        """The only way into a named record (SPEC section 0).

        Practitioners: people allocated to them now. Team leaders: people of their team and
        people allocated to anyone in their team. A supported person's or proxy's sign-in:
        the records it is linked to now (portal.RecordLink; docs/adr/0013). Everyone else
        (commissioners, panel members, administrators, superusers) sees no named record
        here.

        Only while the user's casework access for their role and team has been approved by
        a second person (accounts.CaseworkAccess): an account an administrator makes or
        changes sees nothing until then (#11).

        Break-glass (SEC-3): a practitioner or team leader also sees, while it lasts, anyone
        whose record they opened by stating a reason (people/access.py); `break_glass=False`
        leaves those out (the relationship alone).

        `today` and `now` default to the current day and time; a prepared fetch
        (people/access.py) passes them so that they are parameters of its SQL.

        `person_id`: this person alone, if visible: the same as `.filter(pk=person_id)` on
        the whole, with the allocations and break-glass uses read narrowed to them too, so
        that the database reads one person's rows rather than every person the worker (or
        team) has (#19: a record page's scoped fetch; people/tests/test_prepared_reads.py
        compares the two).
        """
        if person_id is not None:
            return self._visible_to(
                user, break_glass=break_glass, today=today, now=now, only=person_id
            ).filter(pk=person_id)
        return self._visible_to(user, break_glass=break_glass, today=today, now=now, only=None)

    def _visible_to(
        self,
        user,
        *,
        break_glass: bool,
        today: datetime.date | None,
        now: datetime.datetime | None,
        only: uuid.UUID | None,
    ) -> PersonQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.PERSON, Role.PROXY):
            # The person's own record, and the records a proxy acts for, while the link is
            # in force (portal.RecordLink; docs/adr/0013-persons-own-record.md). Never a
            # way into staff pages: the portal's boundary middleware refuses those.
            # Through the reverse relation: people sits below portal (docs/architecture.md).
            RecordLink = self.model._meta.get_field("portal_links").related_model  # noqa: N806

            return self.filter(
                pk__in=RecordLink.objects.current().filter(user_id=user.pk).values("person_id")
            )
        if user.role not in (Role.PRACTITIONER, Role.TEAM_LEADER):
            return self.none()
        # One condition inside the same query (no extra round trip on any page).
        approved = self.filter(Exists(CaseworkAccess.objects.approved_for(user)))
        today = today or timezone.localdate()
        # IN (allocations of this worker / team) lets the database start from the
        # allocation index instead of testing every person (measured: docs/benchmarks.md).
        allocated = Allocation.objects.filter(active_on(today))
        if user.role == Role.PRACTITIONER:
            return approved.filter(
                pk__in=_with_break_glass(
                    allocated.filter(worker=user).values("person_id"), user, break_glass, now, only
                )
            )
        if user.role == Role.TEAM_LEADER and user.team_id:
            # The team leader is a member of the team, so this covers their own too.
            team_members = get_user_model()._default_manager.filter(team_id=user.team_id)
            team_allocated = _with_break_glass(
                allocated.filter(worker_id__in=team_members.values("pk")).values("person_id"),
                user,
                break_glass,
                now,
                only,
            )
            return approved.filter(Q(team_id=user.team_id) | Q(pk__in=team_allocated))
        return self.none()

    def search(self, query: str) -> PersonQuerySet:
        """Match a name (any part) or a CHI number typed with or without spaces."""
        query = (query or "").strip()
        if not query:
            return self
        digits = query.replace(" ", "")
        if digits.isdigit():
            return self.filter(chi_number__startswith=digits)
        condition = Q()
        for word in query.split():
            condition &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return self.filter(condition)


class SupportReason(models.TextChoices):
    """The person's main reason for support: one of the client groups of Public Health
    Scotland's Social Care (Source) dataset, section 2 "Client information" (its yes/no
    fields dementia, mental_health_problems, learning_disability,
    physical_and_sensory_disability, drugs, alcohol, palliative_care, carer, elder_frail,
    neurological_condition, autism, other_vulnerable_groups — the codes here are those field
    names; shared/reference/national-returns/scotland-source-social-care-fields.csv, from
    PHS's source-linkage-files R/read_lookup_sc_client.R). Source records every group that
    applies; the reports filter on the main one, as England's client-level data does with
    its Primary_Support_Reason. "" is not recorded."""

    DEMENTIA = "dementia", "Dementia"
    MENTAL_HEALTH = "mental_health_problems", "Mental health"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    PHYSICAL_AND_SENSORY = "physical_and_sensory_disability", "Physical or sensory disability"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    CARER = "carer", "Caring for someone (an unpaid carer)"
    FRAILTY = "elder_frail", "Frailty in older age"
    NEUROLOGICAL = "neurological_condition", "Neurological condition"
    AUTISM = "autism", "Autism"
    OTHER = "other_vulnerable_groups", "Another reason"


class Person(VersionedModel):
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    preferred_name = models.CharField(
        "Preferred name",
        max_length=100,
        blank=True,
        help_text="What the person likes to be called, if different.",
    )
    date_of_birth = models.DateField("Date of birth")
    chi_number = models.CharField(
        "CHI number",
        max_length=10,
        blank=True,
        help_text="10 digits, for example 120345 6784. Leave blank if not known.",
    )
    communication_needs = models.TextField(
        "Communication needs",
        blank=True,
        max_length=2000,
        help_text="For example: British Sign Language, easy read, needs time to answer.",
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="people")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    # For the reports' filter (#14); a database default too, so bulk writers need no change.
    support_reason = models.CharField(
        "Main reason for support",
        max_length=40,
        blank=True,
        default="",
        db_default="",
        choices=SupportReason.choices,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(support_reason__in=["", *SupportReason.values]),
                name="person_support_reason_valid",
            ),
            models.UniqueConstraint(
                fields=["chi_number"],
                condition=~Q(chi_number=""),
                name="person_chi_unique",
                violation_error_message="A person with this CHI number is already recorded.",
            ),
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name"),
            # A new person's (or a changed) name and date of birth are matched against
            # everyone born that day (people.services._same_name_and_birth).
            models.Index(fields=["date_of_birth"], name="person_birth"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth must be today or in the past."
        elif self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = "Date of birth must be after 1900."
        if self.chi_number:
            try:
                self.chi_number = validate_chi(self.chi_number)
            except InvalidCHI as exc:
                errors["chi_number"] = str(exc)
            else:
                if self.date_of_birth and not chi_matches_birth_date(
                    self.chi_number, self.date_of_birth
                ):
                    errors["chi_number"] = (
                        "The first 6 digits of the CHI number should be the date of birth "
                        f"({self.date_of_birth:%d%m%y}). Check both."
                    )
        if errors:
            raise ValidationError(errors)


class CircleMember(VersionedModel):
    """Someone who matters to the person (Outcome Sequence step 1, "who matters")."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="circle")
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, help_text="For example: daughter, neighbour, friend from church."
    )
    is_unpaid_carer = models.BooleanField(
        "Unpaid carer",
        default=False,
        help_text="They give care or support without being paid for it.",
    )
    contact = models.CharField(
        "Contact details",
        max_length=300,
        blank=True,
        help_text="Phone number, email or address, as the person is happy to share.",
    )
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class Allocation(VersionedModel):
    """A worker allocated to work with a person, from a start date to an end date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    description = models.CharField(
        "Their part",
        max_length=120,
        blank=True,
        help_text="For example: allocated social worker, occupational therapist.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["worker", "person"], name="allocation_worker_person")]

    def __str__(self) -> str:
        return f"{self.worker} → {self.person}"

    def is_active(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class PossibleDuplicate(BaseModel):
    """Someone typed a CHI number that is already recorded for a person they may not see,
    or the name and date of birth of such a person (`matched_on`).

    The person is not added (or the number not saved) and nothing about the existing record
    is shown to them; instead this request goes to their team leader, who checks it and
    records what was done (SEC-2, #11). It holds what the requester typed and, for the team
    leader, which team held the existing record at the time. `existing_person_id` is not a
    foreign key, so this table is never a way into that person's record
    (core/scoped_queries.py): a team leader reaches it only through
    `Person.objects.visible_to(...)`.
    """

    class Status(models.TextChoices):
        OPEN = "open", "To check"
        RESOLVED = "resolved", "Dealt with"

    class MatchedOn(models.TextChoices):
        CHI = "chi", "CHI number"
        NAME_AND_BIRTH = "name", "name and date of birth"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The requester's team: its team leaders check the request.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    # What the requester typed.
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    date_of_birth = models.DateField("Date of birth")
    chi_number = models.CharField("CHI number", max_length=10, blank=True)
    matched_on = models.CharField(
        max_length=10, choices=MatchedOn.choices, default=MatchedOn.CHI, db_default="chi"
    )
    # Set when the CHI number was typed while changing an existing person's details.
    changing_person_id = models.UUIDField(null=True, blank=True)
    existing_person_id = models.UUIDField()
    existing_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = optional_user_link()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField("What was done", blank=True, max_length=2000)
    # For a name and date of birth: the team leader found it is someone else, so the
    # requester may add them (people.services, same_name_check).
    different_person = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["team", "status"], name="possible_duplicate_team"),
            models.Index(fields=["requested_by", "created_at"], name="possible_duplicate_by"),
        ]

    def __str__(self) -> str:
        return f"Possible duplicate: {self.given_name} {self.family_name}"


class Draft(models.Model):
    """What a worker has typed into a box on a page of a person's record and not saved yet
    (#16, OS-9, SEC-5): kept on the server for that worker only, so leaving the page,
    saving another form on it or being signed out never loses a word. Not part of the
    record: nobody else ever sees it, it is removed when the text is saved, and it lapses
    after GOLDENTHREAD_DRAFT_DAYS. Reached only through the person's record
    (PersonRecordMixin), so a worker who loses access to the person loses the drafts too.

    `page` is the address the box is on; `key` names the box on that page (the address
    its form posts to, the form's place among forms posting there, and the field's name).
    """

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=500)
    key = models.CharField(max_length=600)
    action = models.CharField(max_length=500)
    field = models.CharField(max_length=100)
    text = models.TextField(max_length=20_000)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "person", "page", "key"], name="draft_one_per_box"
            ),
        ]
        indexes = [models.Index(fields=["user", "person", "action"], name="draft_by_action")]

    def __str__(self) -> str:
        return f"Draft for {self.user} on {self.page} ({self.field})"

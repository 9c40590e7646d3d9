"""Users, teams and roles (SPEC section 0); who was given casework access and who approved
it; one-time sign-in codes; leavers' handovers; forms kept across an expired session."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from goldenthread.core.formatting import date_text
from goldenthread.core.models import optional_user_link


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_LEADER = "team_leader", "Team leader"
    PANEL_MEMBER = "panel_member", "Panel member"
    COMMISSIONER = "commissioner", "Commissioner or analyst"
    ADMINISTRATOR = "administrator", "Administrator"
    # The supported person and the proxies they authorise sign in too (SPEC P-1);
    # their link to a record is made by the portal.
    PERSON = "person", "Supported person"
    PROXY = "proxy", "Carer, guardian or advocate (proxy)"


STAFF_ROLES = frozenset(
    {Role.PRACTITIONER, Role.TEAM_LEADER, Role.PANEL_MEMBER, Role.COMMISSIONER, Role.ADMINISTRATOR}
)
CASEWORK_ROLES = frozenset({Role.PRACTITIONER, Role.TEAM_LEADER})


class Area(models.Model):
    """A locality of the council, used to group people and teams (reference list)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    job_title = models.CharField(max_length=120, blank=True)
    # Raised to end every session the user has, wherever it is (a reset, a leaver):
    # it is part of the hash Django checks against each session on every request.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # Who issued the one-time code through which the current password, and the current
    # authenticator app, were set: a single administrator who could hold both must not be
    # able to reset one of them without a second person approving casework access again.
    password_set_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    second_factor_set_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_casework_staff(self) -> bool:
        return self.role in CASEWORK_ROLES

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, plus the session generation: raising the
        generation ends every session at its next request, on any session backend."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "goldenthread.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class AccessStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    ENDED = "ended", "Ended"


# The reason on access rows made by test, demo and synthetic data (no person asked for or
# approved them).
DATA_SET_UP_REASON = "Made with test, demo or synthetic data"


class CaseworkAccessQuerySet(models.QuerySet):
    def approved_for(self, user) -> CaseworkAccessQuerySet:
        """The approved grant that matches the user's role and team now, if any."""
        return self.filter(
            user_id=user.pk, role=user.role, team_id=user.team_id, status=AccessStatus.APPROVED
        )

    def pending(self) -> CaseworkAccessQuerySet:
        return self.filter(status=AccessStatus.PENDING)


class CaseworkAccess(models.Model):
    """Access to named records in a role and team: asked for by one person (usually an
    administrator) and approved by a different one (another administrator, or the team
    leader of that team). Until it is approved, `Person.objects.visible_to` gives the user
    nothing. Every change to a row is written to the change history (audit)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="casework_access"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="casework_access")
    status = models.CharField(
        max_length=10, choices=AccessStatus.choices, default=AccessStatus.PENDING
    )
    reason = models.CharField(max_length=300, help_text="Why the access was given.")
    # Null only for rows made by test, demo or synthetic data and by the migration that
    # recorded the access people already had.
    granted_by = optional_user_link()
    granted_at = models.DateTimeField()
    decided_by = optional_user_link()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    ended_by = optional_user_link()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    objects = CaseworkAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "casework access"
        verbose_name_plural = "casework access"
        constraints = [
            # One open grant (waiting or approved) per person at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "approved"]),
                name="casework_access_one_open_per_user",
            ),
            # Four eyes: whoever decides is neither the person who asked nor the grantee.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=models.F("granted_by")) & ~Q(decided_by=models.F("user"))),
                name="casework_access_decided_by_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in CASEWORK_ROLES)),
                name="casework_access_role_is_casework",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="casework_access_user")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.team}"

    @property
    def was_approved(self) -> bool:
        """Approved now, or approved before it ended."""
        return self.status == AccessStatus.APPROVED or (
            self.status == AccessStatus.ENDED and self.decided_at is not None
        )


class CodePurpose(models.TextChoices):
    ACCOUNT_SET_UP = "account", "Set a password and an authenticator app"
    SECOND_FACTOR = "second_factor", "Set up an authenticator app"


class SignInCode(models.Model):
    """A one-time code issued to one person, shown once to the administrator who issued it
    to be handed over by another channel. Stored hashed; single use; expires; a few wrong
    tries void it."""

    MAX_FAILED_TRIES = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_in_codes"
    )
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=128)
    reason = models.CharField(max_length=300)
    issued_by = optional_user_link()
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    void_at = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["user", "purpose"], name="sign_in_code_user")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} code for {self.user} ({self.issued_at:%Y-%m-%d})"

    def is_live(self, now) -> bool:
        return (
            self.used_at is None
            and self.void_at is None
            and self.expires_at > now
            and self.failed_tries < self.MAX_FAILED_TRIES
        )


class HandoverReason(models.TextChoices):
    LEFT = "left", "Left the service"
    MOVED = "moved", "Moved team or role"


class Handover(models.Model):
    """A worker's allocations were ended because they left or moved: the team leader of
    `team` sees the people they held until each has someone allocated again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="handovers")
    kind = models.CharField(max_length=10, choices=HandoverReason.choices)
    last_day = models.DateField()
    reason = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # The people whose allocation with the worker was ended (ids only: the names are read
    # through Person.objects.visible_to when the team leader looks).
    person_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.worker}: {self.get_kind_display()} ({date_text(self.last_day)})"


class FormStash(models.Model):
    """What someone had typed into a form when their session ran out: kept on the server
    for a short while, for that same person only, and offered back after they sign in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    fields = models.JSONField()
    stashed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-stashed_at"]

    def __str__(self) -> str:
        return f"Form kept for {self.user} ({self.path})"


class Notification(models.Model):
    """Something a user should hear about (ACC-3): a budget request decided, a challenge
    answered, a review due. Shown in their notifications list; sent by e-mail too where
    they have an address (accounts/notifications.py). The words name no one: the link
    leads to the record, which checks access as every page does."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    # Stops the same notice twice (a review due, noticed by a daily job).
    key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.text

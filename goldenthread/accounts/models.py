"""Users, teams and roles (SPEC section 0)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


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

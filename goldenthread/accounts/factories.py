"""Factories for accounts: used by the tests and by the demo and synthetic data."""

from __future__ import annotations

import factory
from django.utils import timezone

from .models import (
    CASEWORK_ROLES,
    DATA_SET_UP_REASON,
    AccessStatus,
    Area,
    CaseworkAccess,
    Role,
    Team,
    User,
)

DEMO_PASSWORD = "demo-golden-thread"  # noqa: S105 - demo only; printed by `make run`


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Community Care Team {n}")
    area = factory.SubFactory(AreaFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    username = factory.Sequence(lambda n: f"worker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.PRACTITIONER
    team = factory.SubFactory(TeamFactory)
    job_title = "Social worker"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEMO_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def casework_access(self, create, extracted, **kwargs):
        """Test, demo and synthetic accounts in a casework role start with their access
        approved, recorded as made by data set-up (no person granted or approved it).
        `casework_access=False` makes one without, for tests of the approval itself."""
        if not create or extracted is False:
            return
        if self.role not in CASEWORK_ROLES or self.team_id is None:
            return
        open_grants = CaseworkAccess.objects.filter(
            user=self, status__in=[AccessStatus.PENDING, AccessStatus.APPROVED]
        )
        if open_grants.filter(
            role=self.role, team_id=self.team_id, status=AccessStatus.APPROVED
        ).exists():
            return
        open_grants.update(
            status=AccessStatus.ENDED,
            ended_at=timezone.now(),
            end_reason="Replaced by test or demo data",
        )
        now = timezone.now()
        CaseworkAccess.objects.create(
            user=self,
            role=self.role,
            team_id=self.team_id,
            status=AccessStatus.APPROVED,
            reason=DATA_SET_UP_REASON,
            granted_at=now,
            decided_at=now,
        )


class PractitionerFactory(UserFactory):
    role = Role.PRACTITIONER


class TeamLeaderFactory(UserFactory):
    role = Role.TEAM_LEADER
    job_title = "Team leader"


class PanelMemberFactory(UserFactory):
    role = Role.PANEL_MEMBER
    team = None  # type: ignore[assignment]  # factory_boy: this role has no team
    job_title = "Resource panel member"


class CommissionerFactory(UserFactory):
    role = Role.COMMISSIONER
    team = None  # type: ignore[assignment]  # factory_boy: this role has no team
    job_title = "Commissioning officer"


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
    team = None  # type: ignore[assignment]  # factory_boy: this role has no team
    job_title = "System administrator"
    is_staff = True
    is_superuser = True

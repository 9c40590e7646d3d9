"""Factories for accounts: used by the tests and by the demo and synthetic data."""

from __future__ import annotations

import factory

from .models import Area, Role, Team, User

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


class PractitionerFactory(UserFactory):
    role = Role.PRACTITIONER


class TeamLeaderFactory(UserFactory):
    role = Role.TEAM_LEADER
    job_title = "Team leader"


class PanelMemberFactory(UserFactory):
    role = Role.PANEL_MEMBER
    team = None
    job_title = "Resource panel member"


class CommissionerFactory(UserFactory):
    role = Role.COMMISSIONER
    team = None
    job_title = "Commissioning officer"


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
    team = None
    job_title = "System administrator"
    is_staff = True
    is_superuser = True

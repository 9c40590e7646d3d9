"""The single door to a named person's record for every view (SEC-2, SEC-3).

`PersonRecordMixin` fetches the person through `Person.objects.visible_to(user)`, writes
exactly one access-log row for the request (a refusal too), and only then lets the view
run. Views never query person data any other way (tests/test_scoped_queries.py).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from goldenthread.accounts.models import Role
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_record

from .models import Person


def access_basis(user, person: Person) -> str:
    """Why this user may open this record, in words for the access log."""
    if user.role == Role.PRACTITIONER:
        return "Allocated worker"
    if user.role == Role.TEAM_LEADER:
        if person.team_id == user.team_id:
            return "Team leader of the person's team"
        return "Team leader of an allocated worker"
    return "Relationship to the person"


def open_person_record(
    request: HttpRequest, person_id, *, what: str, action: AccessAction | None = None
) -> Person:
    """Return the person if the user may see them, logging the access or the refusal."""
    user = request.user
    person = Person.objects.visible_to(user).select_related("area", "team").filter(
        pk=person_id
    ).first()
    if person is None:
        with transaction.atomic():
            access_record(
                actor=user, person_id=person_id, action=AccessAction.DENIED, what=what,
                reason="No relationship to the person", request=request,
            )
        raise PermissionDenied("You do not have access to this person's record.")
    if action is None:
        action = AccessAction.VIEW if request.method in ("GET", "HEAD") else AccessAction.CHANGE
    access_record(
        actor=user, person_id=person.pk, action=action, what=what,
        reason=access_basis(user, person), request=request,
    )
    return person


class PersonRecordMixin(LoginRequiredMixin):
    """For views under /people/<person_id>/…: sets self.person, logged."""

    person: Person
    access_action: AccessAction | None = None  # e.g. EXPORT for a download

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = open_person_record(
            request, kwargs["person_id"], what=request.resolver_match.view_name,
            action=self.access_action,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        return context

"""Reads for risk enablement pages and the support plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from goldenthread.core.formatting import date_text
from goldenthread.people.models import Person

from . import presenters
from .models import (
    LEGAL_REPRESENTATIVES,
    CapacityQuestion,
    RiskAgreement,
    RiskEnablement,
    RiskView,
    Whose,
)


def risks_for(person: Person) -> QuerySet[RiskEnablement]:
    """The person's risks with what they are about, who agreed to what and every view.
    Three queries, however many there are."""
    return (
        person.risks.select_related("outcome", "solution")
        .prefetch_related(
            Prefetch("agreements", queryset=RiskAgreement.objects.order_by("agreed_on", "at")),
            Prefetch("views", queryset=RiskView.objects.order_by("given_on", "at")),
        )
        .order_by("created_at", "id")
    )


def risk_of(person: Person, risk_id) -> RiskEnablement | None:
    return person.risks.select_related("outcome", "solution").filter(pk=risk_id).first()


@dataclass(frozen=True)
class PlanAgreement:
    who: str
    agreed_to: str
    agreed_on: str


@dataclass(frozen=True)
class PlanView:
    whose: str
    name: str
    view: str
    given_on: str


@dataclass
class PlanRisk:
    activity: str
    about: str
    could_go_wrong: str
    good_it_brings: str
    least_restrictive: str
    decision: str
    reasons: str
    decided_on: str
    review_on: str
    capacity: str
    supported_by: str
    agreements: list[PlanAgreement] = field(default_factory=list)
    person_wishes: list[PlanView] = field(default_factory=list)
    legal_views: list[PlanView] = field(default_factory=list)
    other_views: list[PlanView] = field(default_factory=list)
    views_conflict: bool = False
    conflict_handling: str = ""
    pk: Any = None  # the risk's: the person's words about it are shown beside it (#12)


@dataclass
class PlanRiskSection:
    risks: list[PlanRisk] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.risks


def _view(v: RiskView) -> PlanView:
    return PlanView(
        whose=Whose(v.whose).label, name=v.name, view=v.view, given_on=date_text(v.given_on)
    )


def plan_risk_section(person: Person) -> PlanRiskSection:
    """The risks part of the support plan, as plain data: three queries."""
    section = PlanRiskSection()
    for risk in risks_for(person):
        views = list(risk.views.all())
        section.risks.append(
            PlanRisk(
                pk=risk.pk,
                activity=risk.activity,
                about=presenters.about_text(risk),
                could_go_wrong=risk.could_go_wrong,
                good_it_brings=risk.good_it_brings,
                least_restrictive=risk.least_restrictive,
                decision=risk.decision,
                reasons=risk.reasons,
                decided_on=date_text(risk.decided_on),
                review_on=date_text(risk.review_on),
                capacity=presenters.CAPACITY_FOR_PERSON[
                    CapacityQuestion(risk.capacity_in_question)
                ],
                supported_by=risk.decision_supported_by,
                agreements=[
                    PlanAgreement(
                        who=f"{a.name} ({a.role})",
                        agreed_to=a.agreed_to,
                        agreed_on=date_text(a.agreed_on),
                    )
                    for a in risk.agreements.all()
                ],
                person_wishes=[_view(v) for v in views if v.whose == Whose.PERSON],
                legal_views=[_view(v) for v in views if v.whose in LEGAL_REPRESENTATIVES],
                other_views=[
                    _view(v)
                    for v in views
                    if v.whose != Whose.PERSON and v.whose not in LEGAL_REPRESENTATIVES
                ],
                views_conflict=risk.views_conflict,
                conflict_handling=risk.conflict_handling,
            )
        )
    return section

"""Pages for challenges and complaints, advocacy and transitions: thin views over selectors
and services, all person-scoped (PersonRecordMixin: one access-log row per request), and two
worklists that start from the people the user may see (one list row in the access log)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from goldenthread.core.permissions import Permission
from goldenthread.outcomes import services as outcome_services
from goldenthread.people.access import PersonChild, PersonRecordMixin, log_list_view
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.sds import services as sds_services
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, selectors, services
from .forms import (
    AdvocacyForm,
    AgreementForm,
    ChallengeAnswerForm,
    ChallengeEscalateForm,
    ChallengeExtendForm,
    ChallengeInvestigateForm,
    ChallengeMediationForm,
    ChallengeRaiseForm,
    TransitionForm,
    UnderstandingForm,
)
from .models import Stage


def overview_url(person, anchor: str = "") -> str:
    return reverse("accountability:overview", args=[person.pk]) + (f"#{anchor}" if anchor else "")


class OverviewView(PersonsWordsMixin, PersonRecordMixin, TemplateView):
    """The person's challenges and complaints, advocacy and moves, on one page."""

    template_name = "accountability/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["challenges"] = [
            presenters.challenge_card(c) for c in selectors.challenges_for(self.person)
        ]
        context["advocacy"] = [
            presenters.advocacy_card(a) for a in selectors.advocacy_for(self.person)
        ]
        context["transitions"] = [
            presenters.transition_card(t) for t in selectors.transitions_for(self.person)
        ]
        context["agreement"] = presenters.agreement_rows(selectors.agreement_for(self.person))
        context["understanding"] = [
            (presenters.understanding_text(c), c) for c in selectors.understanding_for(self.person)
        ]
        return context


class AccountabilityFormView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    permission = Permission.RECORD_ACCOUNTABILITY
    permission_denied_message = "Only practitioners and team leaders record this."
    back_text = "Back to challenges, advocacy and moves"
    anchor = ""

    def get_back_url(self) -> str:
        return overview_url(self.person)

    def get_success_url(self) -> str:
        return overview_url(self.person, self.anchor)


# --- Challenges -----------------------------------------------------------------------------


class ChallengeRaiseView(AccountabilityFormView):
    form_class = ChallengeRaiseForm
    heading_text = "Record a challenge or complaint"
    intro = (
        "Anyone may challenge a decision or complain for the person. Stage 1 "
        "(frontline resolution) is answered within 5 working days; stage 2 "
        "(investigation) within 20 working days."
    )
    success_message = "The challenge is recorded at stage 1."

    @cached_property
    def decisions(self):
        return list(self.person.sds_decisions.order_by("-decided_on")[:50])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "decisions": self.decisions}

    def get_initial(self):
        # "Challenge this decision" on the SDS page names the decision (#13).
        initial = super().get_initial()
        wanted = self.request.GET.get("decision", "")
        decision = next((d for d in self.decisions if str(d.pk) == wanted), None)
        if decision is not None:
            initial["decision"] = str(decision.pk)
            if decision.about == "budget":
                initial["about"] = "budget"
        return initial

    def save(self, form):
        challenge = services.challenge_raise(
            actor=self.request.user, person=self.person, **form.service_kwargs()
        )
        self.anchor = f"challenge-{challenge.pk}"
        return challenge

    def get_success_message(self, result) -> str:
        return (
            f"The challenge is recorded at stage 1. The answer is due by "
            f"{presenters.date_text(result.due_on)}."
        )


class ChallengeItemView(AccountabilityFormView):
    challenge = PersonChild(
        selectors.challenge_of, kwarg="challenge_id", missing="No such challenge for this person."
    )

    def get_success_url(self) -> str:
        return overview_url(self.person, f"challenge-{self.challenge.pk}")

    def get_initial(self):
        return {**super().get_initial(), "version": self.challenge.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary_rows"] = presenters.challenge_about_rows(self.challenge)
        return context


class ChallengeInvestigateView(ChallengeItemView):
    form_class = ChallengeInvestigateForm
    heading_text = "Move to stage 2: investigation"
    intro = "The investigation is answered within 20 working days of the day it starts."
    submit_label = "Start the investigation"

    def save(self, form):
        data = form.cleaned_data
        return services.challenge_to_investigation(
            actor=self.request.user,
            challenge=self.challenge,
            expected_version=data["version"],
            started_on=data["started_on"],
            reason=data["reason"],
        )

    def get_success_message(self, result) -> str:
        return (
            f"The complaint is at stage 2 (investigation). The answer is due by "
            f"{presenters.date_text(result.due_on)}."
        )


class ChallengeAnswerView(ChallengeItemView):
    form_class = ChallengeAnswerForm
    submit_label = "Save the answer"
    success_message = "The answer is recorded."

    @property
    def heading_text(self):
        return f"Answer at {Stage(self.challenge.stage).label.lower()}"

    def save(self, form):
        data = dict(form.cleaned_data)
        return services.challenge_answer(
            actor=self.request.user,
            challenge=self.challenge,
            expected_version=data.pop("version"),
            **data,
        )


class ChallengeExtendView(ChallengeItemView):
    form_class = ChallengeExtendForm
    submit_label = "Extend the time to answer"
    intro = (
        "Only when a manager agrees there is a good reason. Stage 1 can be extended to at "
        "most 10 working days; after that, move it to stage 2. Tell the person why, and "
        "the new date."
    )

    @property
    def heading_text(self):
        return (
            f"Extend the time to answer ({Stage(self.challenge.stage).label.lower()}, due "
            f"{presenters.date_text(self.challenge.due_on)})"
        )

    def save(self, form):
        data = dict(form.cleaned_data)
        return services.challenge_extend(
            actor=self.request.user,
            challenge=self.challenge,
            expected_version=data.pop("version"),
            **data,
        )

    def get_success_message(self, result) -> str:
        return f"The answer is now due by {presenters.date_text(result.due_on)}."


class ChallengeMediationView(ChallengeItemView):
    form_class = ChallengeMediationForm
    heading_text = "Record mediation"
    intro = "Mediation may help where the person and the council see things differently."
    success_message = "Saved."

    def save(self, form):
        data = dict(form.cleaned_data)
        return services.challenge_mediation(
            actor=self.request.user,
            challenge=self.challenge,
            expected_version=data.pop("version"),
            **data,
        )


class ChallengeEscalateView(ChallengeItemView):
    form_class = ChallengeEscalateForm
    heading_text = "Record that it was taken further"
    intro = (
        "After stage 2, the person may take a complaint to the Scottish Public Services "
        "Ombudsman (SPSO). Concerns about a care service may go to the Care "
        "Inspectorate, and about a worker's conduct to the SSSC."
    )
    success_message = "Saved."

    def get_initial(self):
        return {}

    def save(self, form):
        return services.challenge_escalate(
            actor=self.request.user, challenge=self.challenge, **form.cleaned_data
        )


class OpenChallengesView(PermissionRequiredMixin, TemplateView):
    """Open challenges of the people the user works with, the soonest due first."""

    permission = Permission.VIEW_CASELOAD
    template_name = "accountability/open_challenges.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.open_challenges(self.request.user)
        log_list_view(
            self.request, [row.person for row in rows], what="Open challenges and complaints"
        )
        context["rows"] = [presenters.open_challenge_row(row) for row in rows]
        return context


# --- Advocacy -------------------------------------------------------------------------------


class AdvocacyAddView(AccountabilityFormView):
    form_class = AdvocacyForm
    heading_text = "Record a need for independent advocacy"
    intro = (
        "Independent advocacy helps the person have their say (Standard 1.11). Record "
        "who identified the need and why, and the offer, referral and start as they "
        "happen."
    )
    success_message = "The need for advocacy is recorded."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "providers": selectors.advocacy_providers()}

    def save(self, form):
        advocacy = services.advocacy_record(
            actor=self.request.user, person=self.person, **form.service_kwargs()
        )
        self.anchor = f"advocacy-{advocacy.pk}"
        return advocacy


class AdvocacyEditView(AccountabilityFormView):
    form_class = AdvocacyForm
    heading_text = "Update advocacy"
    success_message = "Advocacy is saved."
    advocacy = PersonChild(
        selectors.advocacy_of,
        kwarg="advocacy_id",
        missing="No such advocacy record for this person.",
    )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "providers": selectors.advocacy_providers(),
            "advocacy": self.advocacy,
        }

    def get_success_url(self) -> str:
        return overview_url(self.person, f"advocacy-{self.advocacy.pk}")

    def save(self, form):
        return services.advocacy_update(
            actor=self.request.user,
            advocacy=self.advocacy,
            expected_version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )


# --- Transitions ----------------------------------------------------------------------------


class TransitionFormMixin(AccountabilityFormView):
    form_class = TransitionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "outcomes": list(
                self.person.outcomes.exclude(status="replaced").order_by("created_at")
            ),
            "members": list(self.person.circle.order_by("name")),
        }


class TransitionAddView(TransitionFormMixin):
    heading_text = "Plan a move"
    intro = (
        "A move (into adult services, into or out of residential care, to another "
        "council, home from hospital) is planned around the person's outcomes "
        "(Standard 10)."
    )
    success_message = "The move is recorded."

    def save(self, form):
        transition = services.transition_record(
            actor=self.request.user, person=self.person, **form.service_kwargs()
        )
        self.anchor = f"transition-{transition.pk}"
        return transition


class TransitionEditView(TransitionFormMixin):
    heading_text = "Change a move"
    success_message = "The move is saved."
    transition = PersonChild(
        selectors.transition_of, kwarg="transition_id", missing="No such move for this person."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "transition": self.transition}

    def get_success_url(self) -> str:
        return overview_url(self.person, f"transition-{self.transition.pk}")

    def save(self, form):
        return services.transition_update(
            actor=self.request.user,
            transition=self.transition,
            expected_version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )


class TransitionsDueView(PermissionRequiredMixin, TemplateView):
    """Moves planned in the next six months (or overdue) of the people the user works with."""

    permission = Permission.VIEW_CASELOAD
    template_name = "accountability/transitions_due.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.transitions_due(self.request.user)
        log_list_view(self.request, [t.person for t in rows], what="Moves due")
        context["rows"] = [presenters.transition_due_row(t) for t in rows]
        context["months"] = selectors.TRANSITION_HORIZON_MONTHS
        return context


# --- Agreement and understanding (ACC-4) ----------------------------------------------------


class AgreementAddView(AccountabilityFormView):
    """Whether the person (or family, or a proxy) agreed one outcome, or the plan."""

    form_class = AgreementForm
    success_message = "Saved."
    outcome = PersonChild(
        "outcomes", kwarg="outcome_id", optional=True, missing="No such outcome for this person."
    )

    @property
    def heading_text(self):
        return "Did they agree this outcome?" if self.outcome else "Did they agree the plan?"

    intro = (
        "Record who was asked, when and how, and anything they did not agree with in "
        "their own words (Standard 4.1)."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.outcome:
            context["summary_rows"] = [{"key": "The outcome", "value": self.outcome.statement}]
        return context

    def save(self, form):
        self.anchor = "agreement"
        return outcome_services.agreement_record(
            actor=self.request.user, person=self.person, outcome=self.outcome, **form.cleaned_data
        )


class UnderstandingAddView(AccountabilityFormView):
    form_class = UnderstandingForm
    heading_text = "Record how understanding was checked"
    intro = (
        "Not only that it was explained: how you checked it was understood, and if it "
        "was not, what was done (Standard 4.2)."
    )
    success_message = "Saved."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "decisions": list(self.person.sds_decisions.order_by("-decided_on")[:50]),
        }

    def save(self, form):
        self.anchor = "agreement"
        return sds_services.understanding_check_record(
            actor=self.request.user, person=self.person, **form.service_kwargs()
        )

"""SDS pages: thin views over selectors and services.

Person pages use PersonRecordMixin (scoped, one access-log row per request). The team
leader's queues start from Person.objects.visible_to(user) (selectors). The decision panel's
pages reach exactly the requests referred to the panel (selectors.requests_for_panel) and log
every read and decision with the reason "Decision panel".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from goldenthread.accounts.presenters import team_name
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_denied, access_record, change_refused
from goldenthread.core.formatting import date_text, money_per_period_text, money_text
from goldenthread.core.permissions import Permission, can
from goldenthread.outcomes.models import Outcome
from goldenthread.people.access import (
    SAFE_METHODS,
    PersonChild,
    PersonRecordMixin,
    answer_without_the_record,
    log_list_view,
    logged_change,
    takes_the_record,
)
from goldenthread.people.models import Person
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.support.selectors import open_replacement
from goldenthread.support.services import solution_move
from goldenthread.ui.forms import MoveToOutcomeForm, apply_service_errors, choice_field
from goldenthread.ui.templatetags.ui import form_error_list
from goldenthread.ui.views import (
    PermissionRequiredMixin,
    ReadChoicesMixin,
    ServiceFormView,
    SignedInMixin,
    signed_in_user,
)

from . import presenters, selectors, services
from .authority import Authority, authority_for, is_sole_team_leader, limit_for, panel_max_wait_days
from .decision_notes import decision_notes
from .forms import (
    BaseLineFormSet,
    BudgetRequestForm,
    DecideForm,
    DecisionForm,
    DecisionSharedForm,
    FirstChoiceAnswerForm,
    FirstChoiceForm,
    IndicativeBudgetForm,
    MixForm,
    OptionsForm,
    ResubmitForm,
    UnmetNeedFilterForm,
    UnmetNeedForm,
    UnmetNeedMetForm,
    line_formset,
)
from .models import (
    BudgetLine,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    DecisionSharing,
    FirstChoiceNotDelivered,
    IndicativeBudget,
    SdsChoice,
    SdsOption,
    UnmetNeed,
)
from .services import DecideAction

PANEL_REASON = "Decision panel"


def overview_url(person: Person, anchor: str = "") -> str:
    return reverse("sds:overview", args=[person.pk]) + (f"#{anchor}" if anchor else "")


# --- The person's "Choices and budget" page -----------------------------------------------


class OverviewView(ReadChoicesMixin, PersonsWordsMixin, PersonRecordMixin, TemplateView):
    template_name = "sds/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        overview = selectors.sds_overview(self.person)
        today = timezone.localdate()
        options = [
            {
                "title": presenters.OPTION_TITLE[row.option],
                "explained": row.explained,
                "recorded": row.recorded,
                "how": row.how,
                "on": row.explained_on,
            }
            for row in overview.options_explained()
        ]
        choice = overview.choice
        requests = [
            {
                "request": r,
                "wait": presenters.panel_wait(r, today=today),
                "colour": presenters.STATUS_COLOUR[r.status],
                "total": money_text(r.total_per_year),
            }
            for r in overview.requests
        ]
        agreed = overview.agreed
        # What apps above sds add: challenges on the decisions they challenge (#13).
        notes = decision_notes(self.person, overview.decisions)
        context.update(
            {
                "overview": overview,
                "options": options,
                "choice": choice,
                "chosen_title": presenters.OPTION_TITLE[SdsOption(choice.chosen_option)]
                if choice and choice.chosen_option
                else "",
                "chosen_meaning": presenters.OPTION_MEANING[SdsOption(choice.chosen_option)]
                if choice and choice.chosen_option
                else "",
                "is_mix": bool(choice and choice.chosen_option == SdsOption.OPTION_4),
                "mix_rows": [
                    [p.solution.outcome.statement, presenters.OPTION_TITLE[SdsOption(p.option)]]
                    for p in overview.mix_parts
                ],
                "first_choices": [
                    {
                        "row": f,
                        "first": presenters.OPTION_TITLE[SdsOption(f.first_choice)],
                        "alternative_option": presenters.OPTION_TITLE[
                            SdsOption(f.alternative_option)
                        ]
                        if f.alternative_option
                        else "",
                        "accepted": presenters.ACCEPTED_TEXT[f.alternative_accepted],
                    }
                    for f in overview.first_choices
                ],
                # The cells, and the budget told itself (the person's words beside it).
                "indicative_rows": [
                    [
                        money_per_period_text(i.amount, i.period),
                        date_text(i.told_on),
                        presenters.how_told_text(i.how_told),
                        i.notes or "None",
                        i,
                    ]
                    for i in overview.indicative_budgets
                ],
                "agreed": agreed,
                "agreed_rows": presenters.request_summary_rows(agreed) if agreed else [],
                "agreed_lines": presenters.line_rows(agreed.lines.all()) if agreed else [],
                "requests": requests,
                "decisions": [
                    {
                        "decision": d,
                        "sharings": list(d.sharings.all()),
                        "decided_on": date_text(d.decided_on),
                        "notes": notes.by_decision.get(d.pk, []),
                    }
                    for d in overview.decisions
                ],
                "understanding": [
                    (presenters.understanding_text(c), c)
                    for c in selectors.understanding_checks_of(self.person)
                ],
                "understanding_links": notes.links.get("understanding", []),
                "unmet_needs": [
                    {
                        "need": u,
                        "reason": presenters.unmet_reason_text(u.reason, u.reason_other),
                        "identified": date_text(u.identified_on),
                        "met": date_text(u.met_on),
                    }
                    for u in overview.unmet_needs
                ],
                # Recorded here, in a fold (#16: no page load for the form); a refused
                # form comes back on the unmet-need page with its messages.
                "unmet_need_form": UnmetNeedForm(person=self.person, auto_id="id_unmet_%s"),
                "unmet_need_intro": UnmetNeedAddView.intro,
            }
        )
        return context


# --- Forms on the person's record ---------------------------------------------------------


class RecordFormView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    """A form on a person's SDS record, for their practitioners and team leader: the service
    decides; its messages go beside the fields; a stale save shows the other version."""

    permission = Permission.RECORD_SDS
    permission_denied_message = "Only practitioners and team leaders record this."
    back_text = "Back to choices and budget"
    anchor = ""

    def get_back_url(self) -> str:
        return overview_url(self.person)

    def get_success_url(self) -> str:
        return overview_url(self.person, self.anchor)


class OptionsView(RecordFormView):
    form_class = OptionsForm
    template_name = "sds/options_form.html"
    heading_text = "SDS options explained and the person's choice"
    anchor = "options"
    success_message = "The SDS options and the person's choice are saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "person": self.person,
            "choice": getattr(self.person, "sds_choice", None),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["groups"] = [
            {**group, "bound": [form[name] for name in group["fields"]]}
            for group in form.option_groups
        ]
        context["choice_fields"] = [
            form[n] for n in ("chosen_option", "chosen_on", "reasons", "conversation")
        ]
        return context

    def get_success_url(self) -> str:
        """ "Save and ask for a budget" goes straight on to the request (#16: one page load
        instead of the overview and then the request)."""
        if "and_continue" in self.request.POST:
            return reverse("sds:request_create", args=[self.person.pk])
        return super().get_success_url()

    def get_stale_values(self, current: Any, form: BaseForm) -> list[tuple[str, str]]:
        return [
            ("Chosen option", current.get_chosen_option_display() or "None"),
            ("Date they chose", date_text(current.chosen_on)),
            ("Why", current.reasons),
        ]

    def save(self, form: OptionsForm) -> SdsChoice:
        data = form.cleaned_data
        return services.sds_options_record(
            actor=self.actor,
            person=self.person,
            explanations=form.explanations(),
            chosen_option=data.get("chosen_option") or "",
            chosen_on=data.get("chosen_on"),
            reasons=data.get("reasons", ""),
            conversation=data.get("conversation"),
            expected_version=data.get("version"),
        )


class MixView(RecordFormView):
    form_class = MixForm
    template_name = "sds/mix_form.html"
    heading_text = "Option 4: how each part of the support is arranged"
    intro = (
        "For each outcome, choose the option its support is arranged by. Outcomes not "
        "part of the mix are left out."
    )
    anchor = "choice"
    success_message = "How each part of the support is arranged is saved."

    def get_choice(self) -> SdsChoice | None:
        choice = getattr(self.person, "sds_choice", None)
        if choice is None or choice.chosen_option != SdsOption.OPTION_4:
            return None
        return choice

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.get_choice() is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        choice = self.get_choice()
        if choice is None:
            raise Http404("Option 4 is not the person's choice.")
        return {
            **super().get_form_kwargs(),
            "solutions": selectors.mix_solutions(self.person),
            "parts": choice.mix_parts.all(),
            "version": choice.version,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is None:
            context["not_available"] = (
                "Option 4 (a mix) is not recorded as the person's choice. Record their "
                "choice first."
            )
        else:
            context["groups"] = [
                {"outcome": group["outcome"], "bound": [form[n] for n in group["names"]]}
                for group in form.groups
            ]
        return context

    def save(self, form: MixForm) -> SdsChoice:
        return services.sds_mix_record(
            actor=self.actor,
            person=self.person,
            parts=form.parts(),
            expected_version=form.cleaned_data["version"],
        )


class FirstChoiceView(RecordFormView):
    form_class = FirstChoiceForm
    heading_text = "Their first choice cannot be delivered"
    intro = (
        "Record why, the alternative offered and the plan to meet the need over time. "
        "The need left unmet is recorded too, so it can inform commissioning."
    )
    anchor = "first-choice"
    success_message = "Saved. The unmet need is recorded too."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "person": self.person}

    def get_initial(self) -> dict[str, Any]:
        choice = getattr(self.person, "sds_choice", None)
        return {"first_choice": choice.chosen_option} if choice and choice.chosen_option else {}

    def save(self, form: FirstChoiceForm) -> FirstChoiceNotDelivered:
        return services.first_choice_not_delivered_record(
            actor=self.actor, person=self.person, **form.cleaned_data
        )


class FirstChoiceAnswerView(RecordFormView):
    form_class = FirstChoiceAnswerForm
    heading_text = "Did the person accept the alternative?"
    anchor = "first-choice"
    success_message = "Saved."
    record = PersonChild(
        "first_choices_not_delivered",
        kwarg="shortfall_id",
        missing="No such record for this person.",
    )

    def get_initial(self) -> dict[str, Any]:
        record = self.record
        return {
            "alternative_accepted": record.alternative_accepted,
            "plan_to_meet_need": record.plan_to_meet_need,
            "version": record.version,
        }

    def save(self, form: FirstChoiceAnswerForm) -> FirstChoiceNotDelivered:
        data = form.cleaned_data
        return services.first_choice_answer_record(
            actor=self.actor,
            record=self.record,
            alternative_accepted=data["alternative_accepted"],
            plan_to_meet_need=data["plan_to_meet_need"],
            expected_version=data["version"],
        )


class UnmetNeedAddView(RecordFormView):
    form_class = UnmetNeedForm
    heading_text = "Record unmet need"
    intro = "Need that cannot be met now is recorded as data, so it can inform commissioning."
    anchor = "unmet-need"
    success_message = "The unmet need is recorded."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "person": self.person}

    def save(self, form: UnmetNeedForm) -> UnmetNeed:
        return services.unmet_need_record(actor=self.actor, person=self.person, **form.cleaned_data)


class UnmetNeedMoveView(RecordFormView):
    """Move an open unmet need to another open outcome (#16, REV-2): linked to the wrong
    outcome, or left under one that was closed or rewritten. Only the link changes; the
    need, why it is not met and when it was found are kept. Version checked and audited."""

    form_class = MoveToOutcomeForm
    heading_text = "Move this unmet need to another outcome"
    submit_label = "Move it"
    anchor = "unmet-need"
    need = PersonChild(
        "unmet_needs", kwarg="unmet_need_id", missing="No such unmet need for this person."
    )

    @cached_property
    def open_outcomes(self) -> list[Outcome]:
        return list(selectors.open_outcomes(self.person).exclude(pk=self.need.outcome_id))

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "outcomes": self.open_outcomes}

    def get_initial(self) -> dict[str, Any]:
        initial = {"version": self.need.version}
        newer = open_replacement(self.need.outcome) if self.need.outcome_id else None
        if newer is not None:
            initial["outcome"] = str(newer.pk)
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        need = self.need
        context["summary_rows"] = [
            {"key": "Need", "value": need.need},
            {
                "key": "Outcome now",
                "value": need.outcome.statement if need.outcome_id else "Not linked to an outcome",
            },
        ]
        if not need.is_open:
            context["intro"] = "This need has been met, so it is kept as it was."
        elif not self.open_outcomes:
            context["intro"] = "There is no other open outcome to move it to yet."
        return context

    def get_stale_values(self, current: Any, form: BaseForm) -> list[tuple[str, str]]:
        return [("Outcome", current.outcome.statement if current.outcome_id else "None")]

    def save(self, form: MoveToOutcomeForm) -> UnmetNeed:
        return services.unmet_need_move(
            actor=self.actor,
            need=self.need,
            to_outcome=form.cleaned_data["outcome"],
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self, result: UnmetNeed) -> str:
        assert result.outcome is not None  # moved to an outcome: the form asks for one
        return f"The unmet need is moved to “{result.outcome.statement}”."


class UnmetNeedMetView(RecordFormView):
    form_class = UnmetNeedMetForm
    heading_text = "Mark the need as met"
    anchor = "unmet-need"
    submit_label = "Mark as met"
    success_message = "The need is marked as met."
    need = PersonChild(
        "unmet_needs", kwarg="unmet_need_id", missing="No such unmet need for this person."
    )

    def get_initial(self) -> dict[str, Any]:
        need = self.need
        return {
            "met_on": need.met_on or timezone.localdate(),
            "how_met": need.how_met,
            "version": need.version,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        need = self.need
        context["summary_rows"] = [
            {"key": "Need", "value": need.need},
            {
                "key": "Why it is not met",
                "value": presenters.unmet_reason_text(need.reason, need.reason_other),
            },
            {"key": "Date identified", "value": date_text(need.identified_on)},
        ]
        return context

    def save(self, form: UnmetNeedMetForm) -> UnmetNeed:
        data = form.cleaned_data
        return services.unmet_need_mark_met(
            actor=self.actor,
            unmet_need=self.need,
            met_on=data["met_on"],
            how_met=data["how_met"],
            expected_version=data["version"],
        )


class IndicativeBudgetView(RecordFormView):
    form_class = IndicativeBudgetForm
    heading_text = "The likely budget the person was told"
    intro = (
        "People are told the likely level of the budget whatever option they choose (Standard 9.7)."
    )
    anchor = "budget"
    success_message = "The likely budget is recorded."

    def save(self, form: IndicativeBudgetForm) -> IndicativeBudget:
        return services.indicative_budget_record(
            actor=self.actor, person=self.person, **form.cleaned_data
        )


class DecisionAddView(RecordFormView):
    form_class = DecisionForm
    heading_text = "Record a decision"
    intro = (
        "Every decision that affects the person's choices, support or budget is recorded "
        "with its reasons, and shared with them."
    )
    anchor = "decisions"
    success_message = "The decision is recorded."

    def save(self, form: DecisionForm) -> Decision:
        data = form.cleaned_data
        shared = data["shared"] == "yes"
        return services.decision_record(
            actor=self.actor,
            person=self.person,
            about=data["about"],
            summary=data["summary"],
            reasons=data["reasons"],
            decided_on=data["decided_on"],
            decided_by=data["decided_by"],
            shared_on=data["shared_on"] if shared else None,
            shared_how=data["shared_how"] if shared else "",
        )


class DecisionSharedView(RecordFormView):
    form_class = DecisionSharedForm
    heading_text = "Record that the decision was shared with the person"
    anchor = "decisions"
    success_message = "Recorded as shared with the person."
    decision = PersonChild(
        "sds_decisions", kwarg="decision_id", missing="No such decision for this person."
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        decision = self.decision
        context["summary_rows"] = [
            {"key": "What was decided", "value": decision.summary},
            {"key": "The reasons", "value": decision.reasons},
            {"key": "Date decided", "value": date_text(decision.decided_on)},
        ]
        return context

    def save(self, form: DecisionSharedForm) -> DecisionSharing:
        return services.decision_sharing_record(
            actor=self.actor,
            decision=self.decision,
            shared_on=form.cleaned_data["shared_on"],
            how=form.cleaned_data["how"],
        )


class BudgetLineMoveView(RecordFormView):
    """Link a budget line to an open outcome (#16): after a rewrite, the new wording; a
    line linked to nothing, the outcome it pays toward. What was asked for is unchanged."""

    form_class = MoveToOutcomeForm
    heading_text = "Link this budget line to an outcome"
    submit_label = "Link it"
    line = PersonChild(
        selectors.budget_line_of, kwarg="line_id", missing="No such budget line for this person."
    )

    @cached_property
    def open_outcomes(self) -> list[Outcome]:
        return list(selectors.open_outcomes(self.person).exclude(pk=self.line.outcome_id))

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "outcomes": self.open_outcomes}

    def get_initial(self) -> dict[str, Any]:
        # The line's version as read (SEC-5): a move someone made meanwhile is never
        # silently moved again over (services.budget_line_move refuses it).
        initial: dict[str, Any] = {"version": selectors.budget_line_version(self.line)}
        newer = open_replacement(self.line.outcome) if self.line.outcome_id else None
        if newer is not None:
            initial["outcome"] = str(newer.pk)
        return initial

    def get_stale_values(self, current: Any, form: BaseForm) -> list[tuple[str, str]]:
        outcome = current.outcome
        return [("Outcome", outcome.statement if outcome is not None else "Not linked")]

    def get_back_url(self) -> str:
        return reverse("reviews:golden_thread", args=[self.person.pk])

    def get_success_url(self) -> str:
        return reverse("reviews:golden_thread", args=[self.person.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        line = self.line
        context["summary_rows"] = [
            {"key": "What it pays for", "value": line.description},
            {"key": "Amount", "value": money_per_period_text(line.amount, line.period)},
            {"key": "Budget request", "value": line.request.reference},
            {
                "key": "Outcome now",
                "value": line.outcome.statement if line.outcome_id else "Not linked to an outcome",
            },
        ]
        if line.solution_id:
            context["intro"] = (
                f"This line pays for “{line.solution.what}”: it goes with that "
                "support, so move the support and the line follows."
            )
        return context

    def save(self, form: MoveToOutcomeForm) -> BudgetLine:
        line = self.line
        to_outcome = form.cleaned_data["outcome"]
        version = form.cleaned_data.get("version")
        if line.solution_id and line.solution.outcome_id != to_outcome.pk:
            # The support and the line it pays for move together.
            # A line moved meanwhile refuses its move, and the support's is undone with it.
            with transaction.atomic():
                solution_move(actor=self.actor, solution=line.solution, to_outcome=to_outcome)
                return services.budget_line_move(
                    actor=self.actor,
                    line=line,
                    to_outcome=to_outcome,
                    expected_version=version,
                )
        return services.budget_line_move(
            actor=self.actor, line=line, to_outcome=to_outcome, expected_version=version
        )

    def get_success_message(self, result: BudgetLine) -> str:
        assert result.outcome is not None  # linked to an outcome: the form asks for one
        return f"“{result.description}” is now linked to “{result.outcome.statement}”."


# --- Budget requests ----------------------------------------------------------------------


class BudgetRequestCreateView(PersonRecordMixin, PermissionRequiredMixin, TemplateView):
    """The request and its breakdown, one page; nothing is saved unless all of it is."""

    template_name = "sds/request_form.html"
    permission = Permission.RECORD_SDS
    permission_denied_message = "Only practitioners and team leaders record this."

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Costed solutions are not typed again: the breakdown starts from them (#16).
        initial = selectors.prefilled_lines(self.person)
        if not initial:
            return self.render_page(BudgetRequestForm(), line_formset(person=self.person))
        return self.render_page(
            BudgetRequestForm(),
            line_formset(person=self.person, lines=len(initial) + 1, initial=initial),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "add_line" in request.POST:
            return self.render_page(*self.with_another_line(request.POST))
        form = BudgetRequestForm(request.POST)
        formset = line_formset(person=self.person, data=request.POST)
        if not (form.is_valid() & formset.is_valid()):
            return self.render_page(form, formset)
        data = form.cleaned_data
        lines = formset.line_inputs()
        try:
            budget_request = (
                services.budget_request_submit(
                    actor=self.actor,
                    person=self.person,
                    lines=lines,
                    start_date=data["start_date"],
                    end_date=data.get("end_date"),
                    case_for_request=data["case_for_request"],
                    contribution=data.get("contribution") or Decimal("0.00"),
                    contribution_period=data.get("contribution_period") or "week",
                    contribution_note=data.get("contribution_note", ""),
                    submission_token=data.get("submission_token"),
                )
                if lines
                else None
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.render_page(form, formset)
        if budget_request is None:
            form.add_error(None, "Add at least one line to the breakdown.")
            return self.render_page(form, formset)
        if budget_request.repeated_submission:
            messages.info(
                request,
                f"Budget request {budget_request.reference} was sent "
                "already. The form was sent twice, so it is shown here "
                "once; nothing new was made.",
            )
            return HttpResponseRedirect(
                reverse("sds:request_detail", args=[self.person.pk, budget_request.pk])
            )
        where = (
            "It has gone to the decision panel."
            if budget_request.referred_at
            else "It is waiting for a team leader of the person's team to decide: no "
            "one decides a request they sent."
        )
        messages.success(request, f"Budget request {budget_request.reference} sent. {where}")
        return HttpResponseRedirect(
            reverse("sds:request_detail", args=[self.person.pk, budget_request.pk])
        )

    def with_another_line(self, data: QueryDict) -> tuple[BudgetRequestForm, BaseLineFormSet]:
        """Keep everything typed and add one empty line, without checking anything yet."""
        try:
            count = min(max(int(data.get("line-TOTAL_FORMS") or 1), 1), 49)
        except ValueError:
            count = 1
        initial = [
            {
                name: data.get(f"line-{i}-{name}", "")
                for name in ("description", "purpose", "amount", "period")
            }
            for i in range(count)
        ]
        form = BudgetRequestForm(
            initial={k: data.get(k, "") for k in BudgetRequestForm.base_fields}
        )
        formset = line_formset(person=self.person, lines=count + 1, initial=initial)
        return form, formset

    def render_page(self, form: BudgetRequestForm, formset: BaseLineFormSet) -> HttpResponse:
        errors: list[dict[str, str]] = []
        if form.is_bound:
            errors = list(form_error_list(form))
            for number, line_form in enumerate(formset.forms, start=1):
                errors += [
                    {"text": f"Line {number}: {e['text']}", "href": e["href"]}
                    for e in form_error_list(line_form)
                ]
            # A formset sent without its hidden counts draws no lines: nothing to link to.
            first_line = "#id_line-0-description" if formset.forms else ""
            errors += [{"text": str(e), "href": first_line} for e in formset.non_form_errors()]
        limit = limit_for(self.actor)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                formset=formset,
                errors=errors,
                limit_text=money_text(limit),
                four_eyes_text=presenters.four_eyes_text(
                    limit,
                    sole_leader=is_sole_team_leader(self.actor, self.person),
                    is_leader=can(self.actor, Permission.VIEW_TEAM),
                ),
            )
        )


class DecideFormView(SignedInMixin, ServiceFormView):
    """Agree, decline or refer a budget request (the team leader's page and the panel's).
    A decision someone else took meanwhile leaves nothing to decide again: the page goes
    back, saying so, and nothing is recorded (SEC-5)."""

    budget_request: BudgetRequest  # the request decided: read by the page before the form

    def decision_choices(self) -> dict[str, bool]:
        """Which decisions the page offers this user."""
        raise NotImplementedError  # pragma: no cover

    def posted_choices(self) -> dict[str, bool]:
        """Which decisions a posted form may carry. A decision the user may not take was
        refused (and logged) in dispatch, before anything was read from the form; the
        service checks again, whatever the page offered."""
        return {"may_decide": True, "may_refer": True}

    def get_form(
        self, form_class: type[BaseForm] | None = None, *, data: QueryDict | None = None
    ) -> DecideForm | None:
        if self.request.method == "POST":
            return DecideForm(
                data if data is not None else self.request.POST, **self.posted_choices()
            )
        choices = self.decision_choices()
        if not (choices["may_decide"] or choices.get("may_refer")):
            return None
        return DecideForm(initial={"version": self.budget_request.version}, **choices)

    def form_invalid(self, form: DecideForm) -> HttpResponse:
        choice_field(form, "action").choices = choice_field(
            DecideForm(**self.decision_choices()), "action"
        ).choices
        return super().form_invalid(form)

    def save(self, form: BaseForm) -> BudgetRequestEvent:
        data = form.cleaned_data
        self.action = data["action"]
        return services.budget_request_decide(
            actor=self.actor,
            budget_request=self.budget_request,
            action=data["action"],
            reasons=data["reasons"],
            reasons_for_person=data["reasons_for_person"],
            agreed_per_year=data.get("agreed_per_year"),
            more_than_asked=bool(data.get("more_than_asked")),
            expected_version=data["version"],
            http_request=self.request,
        )


class BudgetRequestDetailView(PersonsWordsMixin, PersonRecordMixin, DecideFormView):
    """A request: its breakdown and history; the decision form for whoever may decide."""

    template_name = "sds/request_detail.html"
    budget_request = PersonChild(
        selectors.budget_request_of,
        kwarg="request_id",
        missing="No such budget request for this person.",
    )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and request.user.is_authenticated:
            refuse_decision_not_allowed(
                request,
                selectors.open_request_seen_by(
                    request.user, kwargs["person_id"], kwargs["request_id"]
                ),
            )
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def authority(self) -> Authority:
        return authority_for(self.actor, self.budget_request, sees_person=True)

    def decision_choices(self) -> dict[str, bool]:
        return {"may_decide": self.authority.may_decide, "may_refer": self.authority.may_refer}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.budget_request.is_open:
            messages.warning(
                request,
                "This request has already been decided. Its history below shows the decision.",
            )
            return HttpResponseRedirect(request.path)
        return super().post(request, *args, **kwargs)

    def get_success_message(self, result: BudgetRequestEvent) -> str:
        return {
            DecideAction.APPROVE: "The budget is agreed.",
            DecideAction.DECLINE: "The budget is not agreed.",
            DecideAction.REFER: "The request is referred to the decision panel.",
        }[self.action]

    def get_success_url(self) -> str:
        return overview_url(self.person, "requests")

    def stale_redirect_message(self, current: object) -> str:
        return (
            "Someone else acted on this request after you opened it. Its history below "
            "shows what happened."
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            budget_request=self.budget_request,
            authority=self.authority,
            panel_question=presenters.panel_question(self.budget_request),
            may_resubmit=can(self.actor, Permission.RECORD_SDS),
            **request_context(self.budget_request),
        )
        return context


class BudgetRequestResubmitView(RecordFormView):
    """Send a request the decision panel returned back to it, with the information it
    asked for (#13)."""

    form_class = ResubmitForm
    heading_text = "Send the request back to the decision panel"
    submit_label = "Send it back to the panel"
    success_message = "The request is back with the decision panel."
    back_text = "Back to the budget request"
    budget_request = PersonChild(
        selectors.budget_request_of,
        kwarg="request_id",
        missing="No such budget request for this person.",
    )

    def get_back_url(self) -> str:
        return reverse("sds:request_detail", args=[self.person.pk, self.budget_request.pk])

    def get_success_url(self) -> str:
        return self.get_back_url()

    def get_page_label(self) -> str:
        return self.budget_request.reference

    def get_initial(self) -> dict[str, Any]:
        return {"version": self.budget_request.version}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        returned = presenters.panel_question(self.budget_request)
        context["intro"] = (
            f"The panel asked: {returned}" if returned else "The panel has not returned it."
        )
        return context

    def stale_redirect_message(self, current: object) -> str:
        return "Someone else sent this request back to the panel after you opened it."

    def get_stale_redirect_url(self) -> str:
        return self.get_back_url()

    def save(self, form: ResubmitForm) -> BudgetRequestEvent:
        return services.budget_request_resubmit(
            actor=self.actor,
            budget_request=self.budget_request,
            expected_version=form.cleaned_data["version"],
            information=form.cleaned_data["information"],
        )


def refuse_decision_not_allowed(request: HttpRequest, budget_request: BudgetRequest | None) -> None:
    """Refuse a decision the user may not take before the page logs anything else, so a
    refused decision leaves exactly one access-log row, a refused change with why (SEC-2,
    SEC-3: sds.services writes it). Raises
    PermissionDenied; does nothing when there is no open request to decide."""
    if budget_request is not None:
        services.check_decision_allowed(
            actor=signed_in_user(request),
            budget_request=budget_request,
            action=request.POST.get("action", ""),
            http_request=request,
        )


def request_context(budget_request: BudgetRequest) -> dict[str, Any]:
    return {
        "summary_rows": presenters.request_summary_rows(budget_request),
        "line_rows": presenters.line_rows(budget_request.lines.all()),
        "events": presenters.event_rows(budget_request.events.all()),
        "wait": presenters.panel_wait(budget_request),
        "status_colour": presenters.STATUS_COLOUR[budget_request.status],
        "outcomes": list(
            dict.fromkeys(
                line.outcome.statement
                for line in budget_request.lines.all()
                if line.outcome is not None
            )
        ),
    }


# --- Team leader queues -------------------------------------------------------------------


class ApprovalsView(PermissionRequiredMixin, TemplateView):
    template_name = "sds/approvals.html"
    permission = Permission.VIEW_BUDGET_APPROVALS
    permission_denied_message = "This page is for team leaders."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.actor
        limit = limit_for(user)
        today = timezone.localdate()
        context.update(
            {
                "limit_text": money_text(limit),
                "waiting": [
                    {
                        "request": r,
                        "within": limit is not None and r.total_per_year <= limit,
                        "total": money_text(r.total_per_year),
                    }
                    for r in selectors.requests_awaiting_team_leader(user)
                ],
                "at_panel": [
                    {
                        "request": r,
                        "wait": presenters.panel_wait(r, today=today),
                        "total": money_text(r.total_per_year),
                    }
                    for r in selectors.team_requests_at_panel(user)
                ],
                # Returned by the panel (#13): not waiting for this team leader, but shown
                # so they can see where it is — back with the worker who sent it.
                "returned": [
                    {
                        "request": r,
                        "total": money_text(r.total_per_year),
                        "returned": date_text(r.returned_at),
                    }
                    for r in selectors.team_requests_returned(user)
                ],
                "max_days": panel_max_wait_days(),
            }
        )
        # Waiting (the default) or decided: the list keeps decided requests (#13).
        show = "decided" if self.request.GET.get("show") == "decided" else "waiting"
        context["show"] = show
        # Read here, not by the template (#19): the caption above the heading.
        context["team_name"] = team_name(user)
        if show == "decided":
            context["decided"] = [
                {
                    "request": r,
                    "total": money_text(r.total_per_year),
                    "decided": date_text(r.decided_at),
                }
                for r in selectors.team_requests_decided(user)
            ]
            context["waiting"] = context["at_panel"] = context["returned"] = []
        shown = context["waiting"] + context["at_panel"] + context["returned"]
        log_list_view(
            self.request,
            [item["request"].person_id for item in shown + context.get("decided", [])],
        )
        return context


class UnmetNeedTeamView(PermissionRequiredMixin, TemplateView):
    template_name = "sds/unmet_need_team.html"
    permission = Permission.VIEW_TEAM_UNMET_NEED
    permission_denied_message = "This page is for team leaders."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = UnmetNeedFilterForm(self.request.GET or None)
        reason = form.cleaned_data["reason"] if form.is_bound and form.is_valid() else ""
        today = timezone.localdate()
        needs = list(selectors.open_unmet_need_for_team(self.actor, reason=reason))
        context.update(
            {
                "filter_form": form,
                "needs": [
                    {
                        "need": n,
                        "reason": presenters.unmet_reason_text(n.reason, n.reason_other),
                        "identified": date_text(n.identified_on),
                        "days_open": (today - n.identified_on).days,
                    }
                    for n in needs
                ],
                "reason_label": dict(UnmetNeedFilterForm.REASONS).get(reason),
                "team": self.actor.team,
            }
        )
        log_list_view(self.request, [n.person_id for n in needs])
        return context


# --- The decision panel -------------------------------------------------------------------


class PanelQueueView(PermissionRequiredMixin, TemplateView):
    """Requests referred to the panel. No names here: a panel member sees a person's name
    only on the request they open, and that read is logged."""

    template_name = "sds/panel_queue.html"
    permission = Permission.VIEW_DECISION_PANEL
    permission_denied_message = "This page is for members of the decision panel."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.actor
        today = timezone.localdate()
        context.update(
            {
                "waiting": [
                    {
                        "request": r,
                        "wait": presenters.panel_wait(r, today=today),
                        "total": money_text(r.total_per_year),
                    }
                    for r in selectors.panel_queue(user)
                ],
                "decided": [
                    {
                        "request": r,
                        "wait": presenters.panel_wait(r, today=today),
                        "total": money_text(r.total_per_year),
                    }
                    for r in selectors.panel_recently_decided(user)
                ],
                "max_days": panel_max_wait_days(),
            }
        )
        return context


class PanelDecideView(DecideFormView):
    """One referred request for the panel, while it waits for the panel: the request, its
    breakdown, the outcomes it serves and the person's name — nothing else of their record.
    Every read and decision is logged with the reason "Decision panel"; anyone else, and a
    panel member once the request is decided, is refused and logged (ADR 0006)."""

    template_name = "sds/panel_decide.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        request_id = kwargs["request_id"]
        budget_request = selectors.panel_request(request.user, request_id)
        assert request.resolver_match is not None  # resolved before any view runs
        what = request.resolver_match.view_name
        if budget_request is None:
            person_id = selectors.person_id_of_request(request_id)
            if person_id is None:
                raise Http404("No such budget request.")
            decided = selectors.panel_access_ended(request.user, request_id)
            if decided and request.method == "POST":
                # A decision sent once the request is decided (sent again, or another
                # member was first) is a change refused, with why, as a refused budget
                # decision is (sds.services._refuse): not a refusal to open it (SEC-3).
                change_refused(
                    actor=request.user,
                    person_id=person_id,
                    what=what,
                    request=request,
                    reason="Refused: decided or returned already: the panel's access to "
                    "this request has ended, so nothing more was recorded",
                )
            else:
                access_denied(
                    actor=request.user,
                    person_id=person_id,
                    what=what,
                    request=request,
                    reason=(
                        "Decided or returned: the panel's access to this request has ended"
                        if decided
                        else "Not a panel member, or not referred to the panel"
                    ),
                )
            answered = (
                selectors.panel_last_answer(request.user, request_id)
                if decided and request.method == "POST"
                else None
            )
            if answered is not None:
                # The form sent again (a double click, back and send again), or another
                # member was first: "already decided", by whom and when, as the team
                # leader's page says, back on the panel's list. Still refused and logged.
                messages.warning(
                    request, presenters.panel_answered_already(answered, member_id=request.user.pk)
                )
                return HttpResponseRedirect(reverse("sds:panel"))
            raise PermissionDenied(
                "This request has been decided, or returned to the worker for more "
                "information, so the decision panel does not see it now."
                if decided
                else "Only the decision panel sees requests referred to it."
            )
        self.budget_request = budget_request
        if not takes_the_record(self, request):  # OPTIONS, a method it does not take: no row
            return answer_without_the_record(self, request)
        if request.method == "POST":
            refuse_decision_not_allowed(request, budget_request)
        if request.method in SAFE_METHODS:
            access_record(
                actor=request.user,
                person_id=budget_request.person_id,
                action=AccessAction.VIEW,
                what=what,
                reason=PANEL_REASON,
                request=request,
            )
            return super().dispatch(request, *args, **kwargs)
        # A decision's row is written once its answer is known, as on the record pages.
        return logged_change(
            request,
            lambda: super(PanelDecideView, self).dispatch(request, *args, **kwargs),
            person_id=budget_request.person_id,
            reason=PANEL_REASON,
        )

    def decision_choices(self) -> dict[str, bool]:
        may_decide = authority_for(self.actor, self.budget_request, sees_person=False).may_decide
        return {"may_decide": may_decide, "may_refer": False, "as_panel": True}

    def posted_choices(self) -> dict[str, bool]:
        # Only open requests referred to the panel reach here, and a decision the member
        # may not take was refused (and logged) in dispatch.
        return {"may_decide": True, "may_refer": False, "as_panel": True}

    def get_success_message(self, result: BudgetRequestEvent) -> str:
        return f"Decision on {self.budget_request.reference} recorded."

    def get_success_url(self) -> str:
        return reverse("sds:panel")

    def stale_redirect_message(self, current: object) -> str:
        return (
            f"Another panel member decided {self.budget_request.reference} after you "
            "opened it, so the panel's access to it has ended. Your decision was not "
            "recorded."
        )

    def get_stale_redirect_url(self) -> str:
        return reverse("sds:panel")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        budget_request = self.budget_request
        context.update(
            budget_request=budget_request,
            person_name=budget_request.person.display_name,
            team=budget_request.person.team,
            **request_context(budget_request),
        )
        # The Support Sequence that led to the request, for the outcomes it serves (#13).
        context["support_sequence"] = selectors.panel_support_sequence(budget_request)
        return context

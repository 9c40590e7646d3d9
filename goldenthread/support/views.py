"""Support Sequence pages (SS-1 to SS-6, P-5): thin views over selectors and services.
Every view is a PersonRecordMixin view: scoped to people the user may see, logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from goldenthread.core.formatting import money_per_period_text
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.access import PersonChild, PersonRecordMixin
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.people.presenters import age_on
from goldenthread.ui.forms import MoveToOutcomeForm, apply_service_errors
from goldenthread.ui.questionnaire import QuestionnaireViewMixin
from goldenthread.ui.views import ServiceFormView

from . import directory_seam, presenters, selectors, services
from .forms import (
    AddResourceForm,
    DirectorySearchForm,
    NothingSuitableForm,
    PlanningForm,
    ReopenForm,
    SolutionForm,
    checklist_form,
)
from .models import (
    ADULT_AGE,
    DIRECTORY_STEPS,
    ChecklistQuestion,
    ExplorationState,
    PlanType,
    SupportPlanning,
)

# The SS-5 checklist (ChecklistView) calls the one service-error mapper by this name.
_form_errors_from = apply_service_errors

STEP_STALE_MESSAGE = (
    "Someone else changed this step after you opened this page. Check the "
    "step again before you save."
)


# What the solution form gives the services, as typed (adding and changing alike).
SOLUTION_FIELDS = ("what", "who", "cost", "cost_period", "status", "notes")


class OutcomeMixin(PersonRecordMixin):
    """For pages about one outcome of the person."""

    outcome = PersonChild(
        "outcomes", kwarg="outcome_id", missing="No such outcome for this person."
    )

    def page_outcome(self):
        return self.outcome

    def support_url(self, anchor: str = "") -> str:
        url = reverse("support:outcome_support", args=[self.person.pk, self.outcome.pk])
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcome"] = self.outcome
        context["support_url"] = self.support_url()
        context.update(_history_context(self.outcome))
        return context


def _history_context(outcome) -> dict:
    """An achieved, closed or rewritten outcome's Support Sequence is history: pages show
    why, and offer nothing to change (the services refuse changes too)."""
    closed_text = presenters.closed_outcome_text(outcome)
    return {"outcome_open": not closed_text, "closed_text": closed_text}


class OpenOutcomeFormMixin:
    """For the pages that change an outcome's Support Sequence: when the outcome is no
    longer open, go back to its Support Sequence and say why, instead of offering a form.
    (A POST still reaches the service, which refuses it with the same reason.)"""

    def get(self, request, *args, **kwargs):
        closed_text = presenters.closed_outcome_text(self.page_outcome())
        if closed_text:
            messages.warning(request, closed_text)
            return HttpResponseRedirect(
                reverse("support:outcome_support", args=[self.person.pk, self.page_outcome().pk])
            )
        return super().get(request, *args, **kwargs)


class StepMixin(OutcomeMixin):
    @cached_property
    def step(self):
        return selectors.step_from_slug(self.kwargs["step"])

    @cached_property
    def exploration(self):
        return self.person.support_explorations.filter(outcome=self.outcome, step=self.step).first()

    def shown_exploration(self):
        """The step as stored; after a stale save, as someone else left it."""
        current = getattr(self, "stale_current", None)
        if current is not None:
            return current if current.pk else None
        return self.exploration

    def step_url(self) -> str:
        return self.support_url(f"step-{self.step.value}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["step"] = self.step
        context["step_heading"] = presenters.step_heading(self.step)
        context["back_url"] = self.step_url()
        return context


# --- The Support Sequence for one outcome ---------------------------------------------------


class OutcomeSupportView(PersonsWordsMixin, OutcomeMixin, TemplateView):
    template_name = "support/outcome_support.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = selectors.outcome_support(self.person, self.outcome)
        context["data"] = data
        context["contents"] = (
            [
                {
                    "label": "Before you start",
                    "url": "#before-you-start",
                    "status": "Recorded" if data.planning else "Not yet recorded",
                }
            ]
            + [
                {
                    "label": presenters.step_heading(s.step),
                    "url": f"#step-{s.step.value}",
                    "status": s.status,
                }
                for s in data.steps
            ]
            + [
                {
                    "label": "How well did I use the Support Sequence?",
                    "url": "#checklist",
                    "status": f"{len(data.answers)} of {len(ChecklistQuestion)} answered",
                }
            ]
        )
        context["planning_rows"] = [
            {
                "key": "What they have tried already",
                "value": (data.planning.tried_already if data.planning else "") or "Not recorded",
                "action_url": reverse("support:planning", args=[self.person.pk, self.outcome.pk]),
                "action_label": "Change",
            },
            {
                "key": "Their own ideas",
                "value": (data.planning.own_ideas if data.planning else "") or "Not recorded",
                "action_url": reverse("support:planning", args=[self.person.pk, self.outcome.pk]),
                "action_label": "Change",
            },
            {
                "key": "Questions for steps 6 and 7",
                "value": f"{data.variant.label}. {data.variant.reason}",
                "action_url": reverse("support:planning", args=[self.person.pk, self.outcome.pk]),
                "action_label": "Change",
            },
        ]
        if not context["outcome_open"]:  # history: nothing to change
            for row in context["planning_rows"]:
                del row["action_url"], row["action_label"]
        for step in data.steps:
            if step.searchable:
                step.search_form = DirectorySearchForm(auto_id=f"id_{step.step.value}_%s")
            # Added here, in a fold, without a page of its own (#16); the add page stays
            # for a refused form.
            step.add_form = SolutionForm(auto_id=f"id_add_{step.step.value}_%s")
        context["status_colours"] = presenters.STATUS_TAG_COLOUR
        return context


class PlanningView(OpenOutcomeFormMixin, OutcomeMixin, ServiceFormView):
    """Before step 1 (SS-2): tried already, own ideas, and the wording of steps 6 and 7."""

    template_name = "support/planning_form.html"
    form_class = PlanningForm
    success_message = "What they have tried and their ideas are saved."

    @cached_property
    def planning(self):
        return self.person.support_plannings.filter(outcome=self.outcome).first()

    def get_form_kwargs(self):
        age = age_on(self.person.date_of_birth)
        from_age = PlanType.YOUNG_PERSON if age < ADULT_AGE else PlanType.ADULT
        instance = self.planning or SupportPlanning(person=self.person, outcome=self.outcome)
        return {
            **super().get_form_kwargs(),
            "instance": instance,
            "variant": presenters.plan_variant(self.person, self.planning),
            "from_age_label": PlanType(from_age).label,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["variant"] = presenters.plan_variant(self.person, self.planning)
        return context

    def get_stale_values(self, current, form):
        if not current.pk:
            return []
        return [
            ("What they have tried already", current.tried_already),
            ("Their own ideas", current.own_ideas),
            (
                "Questions for steps 6 and 7",
                current.get_plan_type_override_display() or "From the person's age",
            ),
        ]

    def save(self, form):
        data = form.cleaned_data
        return services.support_planning_save(
            actor=self.request.user,
            person=self.person,
            outcome=self.outcome,
            expected_version=data["version"],
            tried_already=data["tried_already"],
            own_ideas=data["own_ideas"],
            plan_type_override=data["plan_type_override"],
        )

    def get_success_url(self) -> str:
        return self.support_url("before-you-start")


# --- Solutions -------------------------------------------------------------------------------


class SolutionAddView(OpenOutcomeFormMixin, StepMixin, ServiceFormView):
    template_name = "support/solution_form.html"
    form_class = SolutionForm

    def save(self, form):
        data = form.cleaned_data
        return services.solution_add(
            actor=self.request.user,
            person=self.person,
            outcome=self.outcome,
            step=self.step,
            **{name: data[name] for name in SOLUTION_FIELDS},
        )

    def get_success_message(self, result) -> str:
        return f"'{result.what}' is added to step {self.step.number}, {self.step.label}."

    def get_success_url(self) -> str:
        return self.step_url()


class SolutionMixin(PersonRecordMixin):
    solution = PersonChild(
        selectors.solution_for, kwarg="solution_id", missing="No such solution for this person."
    )

    def page_outcome(self):
        return self.solution.outcome

    def get_back_url(self) -> str:
        url = reverse("support:outcome_support", args=[self.person.pk, self.solution.outcome_id])
        return f"{url}#step-{self.solution.step}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["solution"] = self.solution
        context["outcome"] = self.solution.outcome
        context["step_heading"] = presenters.step_heading(self.solution.step)
        context["back_url"] = self.get_back_url()
        return context


class SolutionEditView(OpenOutcomeFormMixin, SolutionMixin, ServiceFormView):
    template_name = "support/solution_form.html"
    form_class = SolutionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.solution}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_history"] = list(self.solution.status_changes.select_related("changed_by"))
        return context

    def get_stale_values(self, current, form):
        return [
            ("What", current.what),
            ("Who provides it or does it", current.who),
            ("Cost", money_per_period_text(current.cost, current.cost_period, none="No cost")),
            ("Status", current.get_status_display()),
            ("Notes", current.notes),
        ]

    def save(self, form):
        data = form.cleaned_data
        return services.solution_update(
            actor=self.request.user,
            solution=self.solution,
            expected_version=data["version"],
            status_note=data.get("status_note", ""),
            **{name: data[name] for name in SOLUTION_FIELDS},
        )

    def get_success_message(self, result) -> str:
        return f"'{result.what}' is saved."

    def get_success_url(self) -> str:
        return self.get_back_url()


class SolutionRemoveView(OpenOutcomeFormMixin, SolutionMixin, TemplateView):
    template_name = "support/solution_remove.html"

    def post(self, request, *args, **kwargs):
        solution = self.solution
        back = self.get_back_url()
        try:
            services.solution_remove(actor=request.user, solution=solution)
        except ValidationError as exc:
            return self.render_to_response(
                self.get_context_data(remove_error=" ".join(exc.messages)), status=409
            )
        messages.success(request, f"'{solution.what}' is removed.")
        return HttpResponseRedirect(back)


class SolutionMoveView(SolutionMixin, ServiceFormView):
    """Move support to another open outcome (#16): after a rewrite, "link it to the new
    wording"; for support left under a closed outcome, the outcome it serves now. Open
    whatever the outcome's state: this is how support leaves an outcome that is history."""

    form_class = MoveToOutcomeForm
    heading_text = "Move this support to another outcome"
    submit_label = "Move it"
    back_text = "Back"

    @cached_property
    def open_outcomes(self):
        return list(
            self.person.outcomes.filter(status=OutcomeStatus.OPEN)
            .exclude(pk=self.solution.outcome_id)
            .order_by("created_at", "id")
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outcomes": self.open_outcomes}

    def get_initial(self):
        initial = {"version": self.solution.version}
        newer = selectors.open_replacement(self.solution.outcome)
        if newer is not None:
            initial["outcome"] = str(newer.pk)
        return initial

    def get_page_label(self) -> str:
        return self.person.display_name

    def get_back_url(self) -> str:
        return reverse("reviews:golden_thread", args=[self.person.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = self.solution.outcome
        context["intro"] = (
            f"“{self.solution.what}” ({self.solution.get_status_display().lower()}) is for "
            f"“{outcome.statement}”, which is {outcome.get_status_display().lower()}. It keeps "
            "its step, status and cost; the record keeps where it was."
        )
        if not self.open_outcomes:
            context["intro"] += " There is no other open outcome to move it to yet."
        return context

    def get_stale_values(self, current, form):
        return [("Outcome", current.outcome.statement)]

    def save(self, form):
        return services.solution_move(
            actor=self.request.user,
            solution=self.solution,
            to_outcome=form.cleaned_data["outcome"],
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_message(self, result) -> str:
        return f"“{result.what}” moved to “{result.outcome.statement}”."

    def get_success_url(self) -> str:
        return reverse("support:outcome_support", args=[self.person.pk, self.result.outcome_id])


# --- Step state ----------------------------------------------------------------------------


class StepNothingSuitableView(OpenOutcomeFormMixin, StepMixin, ServiceFormView):
    """Record that a step was explored and nothing fits (SS-3)."""

    template_name = "support/step_nothing_suitable.html"
    submit_label = "Record nothing suitable"
    form_class = NothingSuitableForm
    stale_message = STEP_STALE_MESSAGE

    def get_initial(self):
        return {"version": self.exploration.version if self.exploration else 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exploration = self.shown_exploration()
        context["already"] = (
            exploration is not None and exploration.state == ExplorationState.NOTHING_SUITABLE
        )
        return context

    def get_stale_values(self, current, form):
        return []  # the page says how the step stands now

    def save(self, form):
        return services.step_mark_nothing_suitable(
            actor=self.request.user,
            person=self.person,
            outcome=self.outcome,
            step=self.step,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )

    def get_success_message(self, result) -> str:
        return (
            f"Step {self.step.number}, {self.step.label}, is recorded as explored with "
            "nothing suitable."
        )

    def get_success_url(self) -> str:
        return self.step_url()


class StepReopenView(OpenOutcomeFormMixin, StepMixin, ServiceFormView):
    """Undo "nothing suitable" for a step: one button, so a refusal goes back to the step
    and says why."""

    template_name = "support/step_reopen.html"
    submit_label = "Look at this step again"
    form_class = ReopenForm
    stale_redirect_level = messages.ERROR

    def get_initial(self):
        return {"version": self.exploration.version if self.exploration else 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exploration"] = self.exploration
        context["marked"] = (
            self.exploration is not None
            and self.exploration.state == ExplorationState.NOTHING_SUITABLE
        )
        return context

    def save(self, form):
        return services.step_reopen(
            actor=self.request.user,
            person=self.person,
            outcome=self.outcome,
            step=self.step,
            expected_version=form.cleaned_data["version"],
        )

    def refused(self, form, exc):
        messages.error(self.request, " ".join(exc.messages))
        return HttpResponseRedirect(self.step_url())

    def stale_redirect_message(self, current) -> str:
        return (
            "Someone else changed this step after you opened the page. Nothing was "
            "changed: check the step again."
        )

    def get_stale_redirect_url(self) -> str:
        return self.step_url()

    def get_success_message(self, result) -> str:
        return f"Step {self.step.number}, {self.step.label}, is open to look at again."

    def get_success_url(self) -> str:
        return self.step_url()


# --- The community directory in steps 5 and 6 (SS-4) ------------------------------------


class StepDirectoryView(StepMixin, TemplateView):
    """GET: search the directory (an htmx request gets the results partial only; without
    JavaScript, the whole page). POST: add a resource as a solution, in one action."""

    template_name = "support/step_directory.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.method == "GET":
            return [f"{self.template_name}#results"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        if self.step not in DIRECTORY_STEPS:
            raise Http404("The directory is searched in steps 5 and 6.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DirectorySearchForm(self.request.GET or None, auto_id=f"id_{self.step.value}_%s")
        query = place = ""
        if form.is_bound and form.is_valid():
            query, place = form.cleaned_data["q"], form.cleaned_data["place"]
        add_url = reverse(
            "support:step_directory", args=[self.person.pk, self.outcome.pk, self.step.value]
        )
        context.update(directory_seam.results_context(query, place, select_url=add_url))
        context.update(
            search_form=form,
            add_url=add_url,
            htmx_status=bool(getattr(self.request, "htmx", False)),
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.step not in DIRECTORY_STEPS:
            raise Http404("The directory is searched in steps 5 and 6.")
        form = AddResourceForm(request.POST)
        error = "Choose a community resource from the results."
        if form.is_valid():
            try:
                solution = services.solution_add_from_resource(
                    actor=request.user,
                    person=self.person,
                    outcome=self.outcome,
                    step=self.step,
                    resource_id=form.cleaned_data["resource_id"],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    f"'{solution.what}' is added to step "
                    f"{self.step.number}, {self.step.label}, as an idea.",
                )
                return HttpResponseRedirect(self.support_url(f"step-{self.step.value}"))
        context = self.get_context_data()
        context["add_error"] = error
        return self.render_to_response(context, status=400)


# --- The checklist (SS-5) -------------------------------------------------------------------


class ChecklistView(OutcomeMixin, QuestionnaireViewMixin, FormView):
    """SS-5: How well did I use the Support Sequence? What the record suggests is each
    question's hint, and is kept beside the answer. A save made after someone else saved
    answers is refused; their answers are shown beside each question and what was typed
    is kept (SEC-5; ui/questionnaire.py)."""

    template_name = "support/checklist.html"
    success_message = "Your checklist answers are saved."

    @cached_property
    def data(self):
        return selectors.outcome_support(self.person, self.outcome)

    def forget_stored(self):
        self.__dict__.pop("data", None)

    def questionnaire_form(self, data=None):
        return checklist_form(
            plan_type=self.data.variant.plan_type,
            suggestions=self.data.suggestions,
            stored=self.data.answers,
            data=data,
        )

    def save_answers(self, form):
        services.checklist_save(
            actor=self.request.user,
            person=self.person,
            outcome=self.outcome,
            answers=form.answers(),
            expected_versions=form.versions(),
        )

    def success_url_for(self) -> str:
        return self.support_url("checklist")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["data"] = self.data
        return context


# --- The person's support summary (SS-6); the plan's pages are in record/views.py ------------


class SupportSummaryView(PersonRecordMixin, TemplateView):
    template_name = "support/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage"] = selectors.support_summary(self.person)
        return context

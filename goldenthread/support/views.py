"""Support Sequence pages (SS-1 to SS-6, P-5): thin views over selectors and services.
Every view is a PersonRecordMixin view: scoped to people the user may see, logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from goldenthread.audit.models import AccessAction
from goldenthread.core.concurrency import StaleEditError
from goldenthread.people.access import PersonRecordMixin
from goldenthread.people.presenters import age_on
from goldenthread.ui.questionnaire import QuestionnaireViewMixin

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
from .plan import build_plan
from .readability import measure, text_from_html

STALE_MESSAGE = (
    "Someone else saved a change after you opened this page. Their version is shown below. "
    "Your changes are still in the form: check them and save again."
)


def _form_errors_from(form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the right field (or at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class OutcomeMixin(PersonRecordMixin):
    """For pages about one outcome of the person."""

    @cached_property
    def outcome(self):
        return selectors.outcome_for(self.person, self.kwargs["outcome_id"])

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
            return HttpResponseRedirect(reverse(
                "support:outcome_support", args=[self.person.pk, self.page_outcome().pk]))
        return super().get(request, *args, **kwargs)


class StepMixin(OutcomeMixin):
    @cached_property
    def step(self):
        return selectors.step_from_slug(self.kwargs["step"])

    @cached_property
    def exploration(self):
        return self.person.support_explorations.filter(outcome=self.outcome, step=self.step).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["step"] = self.step
        context["step_heading"] = presenters.step_heading(self.step)
        context["back_url"] = self.support_url(f"step-{self.step.value}")
        return context


# --- The Support Sequence for one outcome ---------------------------------------------------


class OutcomeSupportView(OutcomeMixin, TemplateView):
    template_name = "support/outcome_support.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = selectors.outcome_support(self.person, self.outcome)
        context["data"] = data
        context["contents"] = (
            [{"label": "Before you start", "url": "#before-you-start",
              "status": "Recorded" if data.planning else "Not yet recorded"}]
            + [{"label": presenters.step_heading(s.step), "url": f"#step-{s.step.value}",
                "status": s.status} for s in data.steps]
            + [{"label": "How well did I use the Support Sequence?", "url": "#checklist",
                "status": f"{len(data.answers)} of {len(ChecklistQuestion)} answered"}]
        )
        context["planning_rows"] = [
            {"key": "What they have tried already",
             "value": (data.planning.tried_already if data.planning else "") or "Not recorded",
             "action_url": reverse("support:planning", args=[self.person.pk, self.outcome.pk]),
             "action_label": "Change"},
            {"key": "Their own ideas",
             "value": (data.planning.own_ideas if data.planning else "") or "Not recorded",
             "action_url": reverse("support:planning", args=[self.person.pk, self.outcome.pk]),
             "action_label": "Change"},
            {"key": "Questions for steps 6 and 7",
             "value": f"{data.variant.label}. {data.variant.reason}",
             "action_url": reverse("support:planning", args=[self.person.pk, self.outcome.pk]),
             "action_label": "Change"},
        ]
        if not context["outcome_open"]:  # history: nothing to change
            for row in context["planning_rows"]:
                del row["action_url"], row["action_label"]
        for step in data.steps:
            if step.searchable:
                step.search_form = DirectorySearchForm(auto_id=f"id_{step.step.value}_%s")
        context["status_colours"] = presenters.STATUS_TAG_COLOUR
        return context


class PlanningView(OpenOutcomeFormMixin, OutcomeMixin, FormView):
    """Before step 1 (SS-2): tried already, own ideas, and the wording of steps 6 and 7."""

    template_name = "support/planning_form.html"
    stale_current = None

    @cached_property
    def planning(self):
        return self.person.support_plannings.filter(outcome=self.outcome).first()

    def _form(self, data=None) -> PlanningForm:
        instance = self.planning or SupportPlanning(person=self.person, outcome=self.outcome)
        age = age_on(self.person.date_of_birth)
        from_age = PlanType.YOUNG_PERSON if age < ADULT_AGE else PlanType.ADULT
        return PlanningForm(data=data, instance=instance,
                            variant=presenters.plan_variant(self.person, self.planning),
                            from_age_label=PlanType(from_age).label)

    def get_form(self, form_class=None):
        return self._form(self.request.POST if self.request.method == "POST" else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["variant"] = presenters.plan_variant(self.person, self.planning)
        context["stale_current"] = self.stale_current
        if self.stale_current is not None and self.stale_current.pk:
            current = self.stale_current
            context["stale_values"] = [
                ("What they have tried already", current.tried_already),
                ("Their own ideas", current.own_ideas),
                ("Questions for steps 6 and 7",
                 current.get_plan_type_override_display() or "From the person's age"),
            ]
        return context

    def form_valid(self, form):
        try:
            services.support_planning_save(
                actor=self.request.user, person=self.person, outcome=self.outcome,
                expected_version=form.cleaned_data["version"],
                tried_already=form.cleaned_data["tried_already"],
                own_ideas=form.cleaned_data["own_ideas"],
                plan_type_override=form.cleaned_data["plan_type_override"],
            )
        except StaleEditError as exc:
            self.stale_current = exc.current
            data = form.data.copy()
            data["version"] = str(exc.current.version if exc.current.pk else 0)
            new_form = self._form(data)
            new_form.is_valid()
            new_form.add_error(None, STALE_MESSAGE)
            return self.render_to_response(self.get_context_data(form=new_form))
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "What they have tried and their ideas are saved.")
        return HttpResponseRedirect(self.support_url("before-you-start"))


# --- Solutions -------------------------------------------------------------------------------


class SolutionAddView(OpenOutcomeFormMixin, StepMixin, FormView):
    template_name = "support/solution_form.html"
    form_class = SolutionForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            solution = services.solution_add(
                actor=self.request.user, person=self.person, outcome=self.outcome,
                step=self.step, what=data["what"], who=data["who"], cost=data["cost"],
                cost_period=data["cost_period"], status=data["status"], notes=data["notes"],
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"'{solution.what}' is added to step "
                                       f"{self.step.number}, {self.step.label}.")
        return HttpResponseRedirect(self.support_url(f"step-{self.step.value}"))


class SolutionMixin(PersonRecordMixin):
    @cached_property
    def solution(self):
        return selectors.solution_for(self.person, self.kwargs["solution_id"])

    def page_outcome(self):
        return self.solution.outcome

    def back_url(self) -> str:
        url = reverse("support:outcome_support", args=[self.person.pk, self.solution.outcome_id])
        return f"{url}#step-{self.solution.step}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["solution"] = self.solution
        context["outcome"] = self.solution.outcome
        context["step_heading"] = presenters.step_heading(self.solution.step)
        context["back_url"] = self.back_url()
        return context


class SolutionEditView(OpenOutcomeFormMixin, SolutionMixin, FormView):
    template_name = "support/solution_form.html"
    stale_current = None

    def get_form(self, form_class=None):
        kwargs = {"instance": self.solution}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return SolutionForm(**kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_history"] = list(
            self.solution.status_changes.select_related("changed_by")
        )
        current = context["stale_current"] = self.stale_current
        if current is not None:
            context["stale_values"] = [
                ("What", current.what), ("Who provides it or does it", current.who),
                ("Cost", presenters.cost_text(current.cost, current.cost_period)),
                ("Status", current.get_status_display()), ("Notes", current.notes),
            ]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            solution = services.solution_update(
                actor=self.request.user, solution=self.solution,
                expected_version=data["version"], status_note=data.get("status_note", ""),
                what=data["what"], who=data["who"], cost=data["cost"],
                cost_period=data["cost_period"], status=data["status"], notes=data["notes"],
            )
        except StaleEditError as exc:
            self.stale_current = exc.current
            posted = form.data.copy()
            posted["version"] = str(exc.current.version)
            new_form = SolutionForm(data=posted, instance=exc.current)
            new_form.is_valid()
            new_form.add_error(None, STALE_MESSAGE)
            return self.render_to_response(self.get_context_data(form=new_form))
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"'{solution.what}' is saved.")
        return HttpResponseRedirect(self.back_url())


class SolutionRemoveView(OpenOutcomeFormMixin, SolutionMixin, TemplateView):
    template_name = "support/solution_remove.html"

    def post(self, request, *args, **kwargs):
        solution = self.solution
        back = self.back_url()
        try:
            services.solution_remove(actor=request.user, solution=solution)
        except ValidationError as exc:
            return self.render_to_response(
                self.get_context_data(remove_error=" ".join(exc.messages)), status=409
            )
        messages.success(request, f"'{solution.what}' is removed.")
        return HttpResponseRedirect(back)


# --- Step state ----------------------------------------------------------------------------


class StepNothingSuitableView(OpenOutcomeFormMixin, StepMixin, FormView):
    """Record that a step was explored and nothing fits (SS-3)."""

    template_name = "support/step_nothing_suitable.html"
    form_class = NothingSuitableForm

    def get_initial(self):
        return {"version": self.exploration.version if self.exploration else 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["already"] = (self.exploration is not None
                              and self.exploration.state == ExplorationState.NOTHING_SUITABLE)
        return context

    def form_valid(self, form):
        try:
            services.step_mark_nothing_suitable(
                actor=self.request.user, person=self.person, outcome=self.outcome,
                step=self.step, expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except StaleEditError:
            return self._refused(form, "Someone else changed this step after you opened this "
                                       "page. Check the step again before you save.")
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Step {self.step.number}, {self.step.label}, is "
                                       "recorded as explored with nothing suitable.")
        return HttpResponseRedirect(self.support_url(f"step-{self.step.value}"))

    def _refused(self, form, message):
        del self.exploration
        data = form.data.copy()
        data["version"] = str(self.exploration.version if self.exploration else 0)
        new_form = NothingSuitableForm(data=data)
        new_form.is_valid()
        new_form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=new_form))


class StepReopenView(OpenOutcomeFormMixin, StepMixin, FormView):
    """Undo "nothing suitable" for a step."""

    template_name = "support/step_reopen.html"
    form_class = ReopenForm

    def get_initial(self):
        return {"version": self.exploration.version if self.exploration else 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exploration"] = self.exploration
        context["marked"] = (self.exploration is not None
                             and self.exploration.state == ExplorationState.NOTHING_SUITABLE)
        return context

    def form_valid(self, form):
        try:
            services.step_reopen(
                actor=self.request.user, person=self.person, outcome=self.outcome,
                step=self.step, expected_version=form.cleaned_data["version"],
            )
        except StaleEditError:
            messages.error(self.request, "Someone else changed this step after you opened the "
                                         "page. Nothing was changed: check the step again.")
            return HttpResponseRedirect(self.support_url(f"step-{self.step.value}"))
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(self.support_url(f"step-{self.step.value}"))
        messages.success(self.request, f"Step {self.step.number}, {self.step.label}, is open "
                                       "to look at again.")
        return HttpResponseRedirect(self.support_url(f"step-{self.step.value}"))


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
        add_url = reverse("support:step_directory",
                          args=[self.person.pk, self.outcome.pk, self.step.value])
        context.update(directory_seam.results_context(query, place, select_url=add_url))
        context.update(search_form=form, add_url=add_url,
                       htmx_status=bool(getattr(self.request, "htmx", False)))
        return context

    def post(self, request, *args, **kwargs):
        if self.step not in DIRECTORY_STEPS:
            raise Http404("The directory is searched in steps 5 and 6.")
        form = AddResourceForm(request.POST)
        error = "Choose a community resource from the results."
        if form.is_valid():
            try:
                solution = services.solution_add_from_resource(
                    actor=request.user, person=self.person, outcome=self.outcome,
                    step=self.step, resource_id=form.cleaned_data["resource_id"],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, f"'{solution.what}' is added to step "
                                          f"{self.step.number}, {self.step.label}, as an idea.")
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
        return checklist_form(plan_type=self.data.variant.plan_type,
                              suggestions=self.data.suggestions, stored=self.data.answers,
                              data=data)

    def save_answers(self, form):
        services.checklist_save(actor=self.request.user, person=self.person,
                                outcome=self.outcome, answers=form.answers(),
                                expected_versions=form.versions())

    def success_url_for(self) -> str:
        return self.support_url("checklist")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["data"] = self.data
        return context


# --- The person's support summary and the plan (SS-6, P-5) -------------------------------------


class SupportSummaryView(PersonRecordMixin, TemplateView):
    template_name = "support/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage"] = selectors.support_summary(self.person)
        return context


def _plan_context(person, plan) -> dict:
    return {"person": person, "plan": plan, "status_colours": presenters.STATUS_TAG_COLOUR}


class PlanView(PersonRecordMixin, TemplateView):
    template_name = "support/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = build_plan(self.person)
        context.update(_plan_context(self.person, plan))
        standard = render_to_string("support/_plan_body.html", _plan_context(self.person, plan))
        easy = render_to_string("support/_plan_easy_body.html",
                                _plan_context(self.person, plan))
        context["reading_ease"] = measure(text_from_html(standard))
        context["easy_reading_ease"] = measure(text_from_html(easy))
        return context


class PlanEasyReadView(PersonRecordMixin, TemplateView):
    template_name = "support/plan_easy_read.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_plan_context(self.person, build_plan(self.person)))
        return context


class PlanPdfView(PersonRecordMixin, TemplateView):
    """The plan as a PDF (WeasyPrint), for printing or sharing with the person."""

    access_action = AccessAction.EXPORT

    def get(self, request, *args, **kwargs):
        from .pdf import render_plan_pdf

        plan = build_plan(self.person)
        pdf = render_plan_pdf(plan, context=_plan_context(self.person, plan))
        # No name in the file name: downloads folders, e-mail attachments and print queues
        # show file names to whoever looks (#11).
        filename = f"support-plan-{plan.prepared_on:%Y-%m-%d}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

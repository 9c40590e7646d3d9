"""Outcomes: Outcome Sequence steps 4 and 5, the outcome page, and live checker feedback."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from goldenthread.accounts.rules import can
from goldenthread.conversations.views import ConversationMixin
from goldenthread.core.autosave import autosave_status
from goldenthread.core.concurrency import StaleEditError
from goldenthread.people.access import PersonRecordMixin
from goldenthread.people.views import StaleAwareFormMixin
from goldenthread.ui.questionnaire import QuestionnaireViewMixin

from . import presenters, selectors, services
from .checking import run_checker
from .forms import OutcomeForm, check_form

MAX_LIVE_CHARS = 5000


class LiveCheckView(LoginRequiredMixin, View):
    """OC-5: checker feedback as the practitioner types (htmx). Reads no person's record,
    so it writes no access-log row; it only checks the words sent to it."""

    def post(self, request):
        if not can(request.user, "people.view_caseload"):
            raise PermissionDenied("Only practitioners and team leaders check outcomes.")
        statement = request.POST.get("statement", "")[:MAX_LIVE_CHARS]
        baseline = request.POST.get("baseline", "")[:MAX_LIVE_CHARS]
        try:  # an unfinished or odd date is simply not counted yet
            due = forms.DateField(required=False).clean(request.POST.get("target_date", ""))
        except ValidationError:
            due = None
        result = (run_checker(statement, baseline=baseline, target_date=due)
                  if statement.strip() else None)
        return TemplateResponse(request, "outcomes/_checker_feedback.html",
                                {"result": result, "items": presenters.flag_items(result)})


class Step4View(ConversationMixin, FormView):
    """Step 4: make a positive change into a specific outcome."""

    template_name = "outcomes/step4.html"
    step_key = "step4"

    def get_form(self, form_class=None):
        changes = self.conversation.positivechange_set.all()
        data = self.request.POST if self.request.method == "POST" else None
        initial = {}
        if self.request.GET.get("change"):
            initial["positive_change"] = self.request.GET["change"]
        elif changes.count() == 1:
            initial["positive_change"] = changes.first().pk
        return OutcomeForm(data=data, initial=initial, changes=changes)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            outcome = services.outcome_create(actor=self.request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Outcome saved. Now check it against the eight questions.")
        return redirect("outcomes:check", person_id=self.person.pk, outcome_id=outcome.pk)


class Step5View(ConversationMixin, TemplateView):
    template_name = "outcomes/step5.html"
    step_key = "step5"


class OutcomeMixin(PersonRecordMixin):
    @property
    def outcome(self):
        if not hasattr(self, "_outcome"):
            outcome = selectors.outcome_for_person(self.person, self.kwargs["outcome_id"])
            if outcome is None:
                raise Http404("No such outcome for this person.")
            self._outcome = outcome
        return self._outcome

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcome"] = self.outcome
        return context


class OutcomeListView(PersonRecordMixin, TemplateView):
    template_name = "outcomes/outcome_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcomes"] = selectors.outcomes_summary(self.person)
        return context


class OutcomeDetailView(OutcomeMixin, TemplateView):
    """An outcome with its thread back to what matters, its check, and every wording."""

    template_name = "outcomes/outcome_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = self.outcome
        context["thread"] = selectors.thread_for_outcome(outcome)
        context["check_rows"] = presenters.check_rows(outcome, list(outcome.check_answers.all()))
        context["wordings"] = list(outcome.wordings.select_related("written_by"))
        context["closed_text"] = presenters.closed_text(outcome)
        context["checker"] = checker = run_checker(
            outcome.statement, baseline=outcome.baseline, target_date=outcome.target_date)
        context["checker_items"] = presenters.flag_items(checker)
        return context


class OutcomeEditView(OutcomeMixin, StaleAwareFormMixin, FormView):
    """Change an outcome's wording (earlier wordings are kept); saves as it is typed."""

    template_name = "outcomes/outcome_edit.html"

    def get_form_class(self):
        return OutcomeForm

    def get_form(self, form_class=None):
        outcome = self.outcome
        data = self.request.POST if self.request.method == "POST" else None
        return OutcomeForm(data=data, initial={
            "version": outcome.version, "statement": outcome.statement,
            "baseline": outcome.baseline, "measure": outcome.measure,
            "target_date": outcome.target_date, "assessed_need": outcome.assessed_need,
        })

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["closed_text"] = presenters.closed_text(self.outcome)
        return context

    def handle_stale(self, form, exc):
        self.stale_current = exc.current
        data = form.data.copy()
        data["version"] = str(exc.current.version)
        new_form = OutcomeForm(data=data)
        new_form.is_valid()
        new_form.add_error(None, "Someone else saved a change after you opened this page. "
                                 "Their version is shown below. Your changes are still in the "
                                 "form: check them and save again.")
        return self.render_to_response(self.get_context_data(form=new_form))

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        try:
            services.outcome_update(actor=self.request.user, outcome=self.outcome,
                                    expected_version=expected, **data)
        except StaleEditError as exc:
            if self.request.htmx:
                return autosave_status(self.request, stale=True)
            return self.handle_stale(form, exc)
        except ValidationError as exc:
            if self.request.htmx:
                form.add_error(None, exc)
                return autosave_status(self.request, invalid=form)
            form.add_error(None, exc)
            return self.form_invalid(form)
        if self.request.htmx:
            return autosave_status(self.request, version=self.outcome.version)
        messages.success(self.request, "Outcome saved.")
        return redirect("outcomes:detail", person_id=self.person.pk, outcome_id=self.outcome.pk)

    def form_invalid(self, form):
        if self.request.htmx:
            return autosave_status(self.request, invalid=form)
        return super().form_invalid(form)


class OutcomeCheckView(OutcomeMixin, QuestionnaireViewMixin, FormView):
    """Step 5 for one outcome: the eight questions, the checker's suggestions pre-filled.
    A save made after someone else saved answers is refused; their answers are shown
    beside each question and what was typed is kept (SEC-5; ui/questionnaire.py). An
    achieved, closed or rewritten outcome's check is history: shown, not offered for
    change."""

    template_name = "outcomes/outcome_check.html"
    success_message = "Check saved."

    def questionnaire_form(self, data=None):
        return check_form(selectors.check_answers(self.outcome), data=data)

    def save_answers(self, form):
        services.outcome_check_record(actor=self.request.user, outcome=self.outcome,
                                      answers=form.answers(), expected_versions=form.versions())

    def success_url_for(self) -> str:
        return reverse("conversations:detail",
                       args=[self.person.pk, self.outcome.conversation_id])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checker"] = checker = run_checker(
            self.outcome.statement, baseline=self.outcome.baseline,
            target_date=self.outcome.target_date)
        context["checker_items"] = presenters.flag_items(checker)
        context["closed_text"] = presenters.closed_text(self.outcome)
        if context["closed_text"]:
            context["check_rows"] = presenters.check_rows(
                self.outcome, list(context["form"].stored.values()))
        return context

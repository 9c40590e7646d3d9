"""Outcomes: Outcome Sequence steps 4 and 5, the outcome page, and live checker feedback."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from goldenthread.conversations.pages import ConversationMixin
from goldenthread.core import domains
from goldenthread.core.permissions import Permission
from goldenthread.people.access import PersonChild, PersonRecordMixin
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.ui.questionnaire import QuestionnaireViewMixin
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, selectors, services
from .checking import check_typed, run_checker
from .forms import OutcomeForm, check_form
from .models import OutcomeStatus


class LiveCheckView(PermissionRequiredMixin, View):
    """OC-5: checker feedback as the practitioner types (htmx). Reads no person's record,
    so it writes no access-log row; it only checks the words sent to it."""

    permission = Permission.VIEW_CASELOAD
    permission_denied_message = "Only practitioners and team leaders check outcomes."

    def post(self, request):
        result = check_typed(request.POST)
        return TemplateResponse(
            request,
            "outcomes/_checker_feedback.html",
            {"result": result, "items": presenters.flag_items(result)},
        )


class DomainSuggestionView(PermissionRequiredMixin, View):
    """AGG-4 (#14): the national domain the words typed seem to be about, as live feedback
    beside the domain select (htmx; ui/components/domain_suggestion.html). A suggestion
    only: nothing is chosen or saved. Reads no person's record (the page says which
    framework, adult or child, from the person's age), so it writes no access-log row."""

    permission = Permission.VIEW_CASELOAD
    permission_denied_message = "Only practitioners and team leaders code outcomes."
    # The words and the domain, as the outcome form and the "what matters" forms name them.
    TEXT_FIELDS = ("statement", "matters-text", "text")
    DOMAIN_FIELDS = ("domain", "matters-domain")

    def post(self, request):
        text = next((request.POST[f] for f in self.TEXT_FIELDS if f in request.POST), "")
        chosen = next((request.POST[f] for f in self.DOMAIN_FIELDS if f in request.POST), "")
        framework = request.POST.get("framework")
        suggestions = domains.suggestions_unless_chosen(
            text, framework if framework in domains.FRAMEWORK_LABELS else None, chosen
        )
        return TemplateResponse(
            request, "ui/components/_domain_suggestion_text.html", {"suggestions": suggestions}
        )


class DomainRegionMixin:
    """The suggested domain beside the outcome form's domain select, for the words as they
    stand on the page served (typed and sent back, or stored): seen without JavaScript
    after "Check wording" or a save that needs correcting, and asked again as they are
    typed with it (AGG-4)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None and "domain" in form.fields:
            context["domain_region"] = domains.suggestion_region(
                url=reverse("outcomes:suggest_domain"),
                framework=domains.framework_for(self.person.date_of_birth, timezone.localdate()),
                text_id=form["statement"].auto_id,
                domain_id=form["domain"].auto_id,
                text=str(form["statement"].value() or ""),
                chosen=str(form["domain"].value() or ""),
            )
        return context


class CheckWordingMixin:
    """OC-5 without JavaScript (#16): the "Check wording" button sends the form here; the
    page comes back with everything typed kept and the checker's real suggestions for it.
    Nothing is saved. With htmx, only the feedback is sent back, into the checker panel.
    So the request only reads the record: one VIEW row, as for the page itself."""

    def only_reads(self, request):
        return "check_wording" in request.POST or super().only_reads(request)

    def post(self, request, *args, **kwargs):
        if "check_wording" not in request.POST:
            return super().post(request, *args, **kwargs)
        result = check_typed(request.POST)
        items = presenters.flag_items(result)
        if getattr(request, "htmx", False):
            response = TemplateResponse(
                request, "outcomes/_checker_feedback.html", {"result": result, "items": items}
            )
            response["HX-Retarget"] = "#checker-feedback"
            response["HX-Reswap"] = "innerHTML"
            return response
        kwargs_ = {
            k: v for k, v in self.get_form_kwargs().items() if k not in ("data", "files", "initial")
        }
        typed = {
            name: request.POST.get(name, "")
            for name in (
                "version",
                "positive_change",
                "statement",
                "baseline",
                "measure",
                "target_date",
                "assessed_need",
                "domain",  # the practitioner's choice is kept too (AGG-4)
            )
        }
        form = self.get_form_class()(initial=typed, **kwargs_)
        return self.render_to_response(
            self.get_context_data(
                form=form, checker=result, checker_items=items, checked_wording=True
            )
        )


class Step4View(CheckWordingMixin, DomainRegionMixin, ConversationMixin, ServiceFormView):
    """Step 4: make a positive change into a specific outcome."""

    template_name = "outcomes/step4.html"
    form_class = OutcomeForm
    step_key = "step4"
    success_message = "Outcome saved. Now check it against the eight questions."

    @property
    def changes(self):
        return self.conversation.positivechange_set.all()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "changes": self.changes}

    def get_initial(self):
        changes = self.changes
        if self.request.GET.get("change"):
            return {"positive_change": self.request.GET["change"]}
        if changes.count() == 1:
            return {"positive_change": changes.first().pk}
        return {}

    def save(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.outcome_create(actor=self.request.user, **data)

    def get_success_url(self) -> str:
        return reverse("outcomes:check", args=[self.person.pk, self.result.pk])


class Step5View(ConversationMixin, TemplateView):
    template_name = "outcomes/step5.html"
    step_key = "step5"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcomes = context["record"].outcomes
        answers = selectors.check_answers_for([o.pk for o in outcomes])
        for outcome in outcomes:
            outcome.check_summary = presenters.check_summary(answers.get(outcome.pk, []))
        return context


class OutcomeMixin(PersonRecordMixin):
    """Sets self.outcome: one of this person's outcomes, or 404."""

    outcome = PersonChild(
        selectors.outcome_for_person, kwarg="outcome_id", missing="No such outcome for this person."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcome"] = self.outcome
        return context


class OutcomeListView(PersonRecordMixin, TemplateView):
    template_name = "outcomes/outcome_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcomes"] = list(selectors.outcomes_summary(self.person))
        return context


class OutcomeDetailView(PersonsWordsMixin, OutcomeMixin, TemplateView):
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
            outcome.statement, baseline=outcome.baseline, target_date=outcome.target_date
        )
        context["checker_items"] = presenters.flag_items(checker)
        return context


class OutcomeEditView(CheckWordingMixin, DomainRegionMixin, OutcomeMixin, ServiceFormView):
    """Change an outcome's wording (earlier wordings are kept); saves as it is typed."""

    template_name = "outcomes/outcome_edit.html"
    form_class = OutcomeForm
    autosave = True
    success_message = "Outcome saved."

    def get_initial(self):
        outcome = self.outcome
        return {
            "version": outcome.version,
            "statement": outcome.statement,
            "baseline": outcome.baseline,
            "measure": outcome.measure,
            "target_date": outcome.target_date,
            "assessed_need": outcome.assessed_need,
            "domain": outcome.domain,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["closed_text"] = presenters.closed_text(self.outcome)
        if "checker" not in context:  # the stored wording, checked, with no JavaScript
            outcome = self.outcome
            context["checker"] = run_checker(
                outcome.statement, baseline=outcome.baseline, target_date=outcome.target_date
            )
            context["checker_items"] = presenters.flag_items(context["checker"])
        return context

    def save(self, form):
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        return services.outcome_update(
            actor=self.request.user, outcome=self.outcome, expected_version=expected, **data
        )

    def get_success_url(self) -> str:
        return reverse("outcomes:detail", args=[self.person.pk, self.outcome.pk])


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
        services.outcome_check_record(
            actor=self.request.user,
            outcome=self.outcome,
            answers=form.answers(),
            expected_versions=form.versions(),
        )

    def success_url_for(self) -> str:
        """On in the workbook's order (#16): the next open outcome of the conversation (made
        after this one) not fully checked yet, or else the conversation's checklist. Never
        back to an earlier one: an answer left for later does not send the worker round."""
        in_order = list(
            self.outcome.conversation.outcomes.with_check_progress()
            .filter(status=OutcomeStatus.OPEN)
            .order_by("created_at", "id")
        )
        later = next(
            (in_order[i + 1 :] for i, o in enumerate(in_order) if o.pk == self.outcome.pk), []
        )
        waiting = next((o for o in later if not o.all_checked), None)
        if waiting is not None:
            return reverse("outcomes:check", args=[self.person.pk, waiting.pk])
        return reverse(
            "conversations:checklist", args=[self.person.pk, self.outcome.conversation_id]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checker"] = checker = run_checker(
            self.outcome.statement,
            baseline=self.outcome.baseline,
            target_date=self.outcome.target_date,
        )
        context["checker_items"] = presenters.flag_items(checker)
        context["closed_text"] = presenters.closed_text(self.outcome)
        if context["closed_text"]:
            context["check_rows"] = presenters.check_rows(
                self.outcome, list(context["form"].stored.values())
            )
        return context

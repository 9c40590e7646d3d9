"""Review pages (REV-1..REV-4): thin views over selectors and services. Every page about a
person is a PersonRecordMixin view: scoped to people the user may see, and logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from goldenthread.accounts.models import Role
from goldenthread.accounts.rules import can
from goldenthread.core.concurrency import StaleEditError
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.access import PersonRecordMixin, log_list_view

from . import presenters, selectors, services
from .forms import (
    DueFilterForm,
    FinishForm,
    OutcomeReviewForm,
    PersonViewForm,
    ScheduleForm,
    SolutionReviewForm,
    StartForm,
)
from .models import OutcomeDecision, ReviewStatus, review_interval_days
from .thread import LINK_KIND_TITLE, broken_links, build_thread

STALE_MESSAGE = (
    "Someone else saved a change after you opened this page. Their version is shown below. "
    "Your changes are still in the form: check them and save again."
)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the right field, or at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _live_check_url() -> str:
    try:
        return reverse("outcomes:live_check")
    except NoReverseMatch:  # pragma: no cover - the outcomes app is always there
        return ""


# --- The person's reviews and schedule --------------------------------------------------------


class ReviewListView(PersonRecordMixin, TemplateView):
    template_name = "reviews/review_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person
        context["reviews"] = rows = selectors.reviews_of(person)
        context["in_progress"] = next(
            (r.review for r in rows if r.review.status == ReviewStatus.DRAFT), None)
        schedule = getattr_or_none(person, "review_schedule")
        context["schedule"] = schedule
        context["schedule_form"] = kwargs.get("schedule_form") or ScheduleForm(initial={
            "version": schedule.version if schedule else None,
            "next_review_on": schedule.next_review_on if schedule else None,
        })
        context["interval_days"] = review_interval_days()
        context["outcomes"] = list(person.outcomes.order_by("status", "created_at"))
        return context


def getattr_or_none(person, name: str):
    """A one-to-one relation that may not be there yet (no review date set)."""
    try:
        return getattr(person, name)
    except ObjectDoesNotExist:
        return None


class ScheduleView(PersonRecordMixin, TemplateView):
    """Set the date of the person's next review (REV-3)."""

    template_name = "reviews/schedule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schedule = getattr_or_none(self.person, "review_schedule")
        context["schedule"] = schedule
        context.setdefault("form", ScheduleForm(initial={
            "version": schedule.version if schedule else None,
            "next_review_on": schedule.next_review_on if schedule else None,
        }))
        return context

    def post(self, request, *args, **kwargs):
        form = ScheduleForm(data=request.POST)
        if form.is_valid():
            try:
                schedule = services.review_schedule_set(
                    actor=request.user, person=self.person,
                    next_review_on=form.cleaned_data["next_review_on"],
                    expected_version=form.cleaned_data["version"])
            except StaleEditError as exc:
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = ScheduleForm(data=data)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                return self.render_to_response(self.get_context_data(
                    form=form, stale_current=exc.current,
                    stale_values=[("Date of the next review",
                                   presenters.date_text(exc.current.next_review_on))]))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "The next review is set for "
                                          f"{presenters.date_text(schedule.next_review_on)}.")
                return HttpResponseRedirect(reverse("reviews:list", args=[self.person.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class StartView(PersonRecordMixin, TemplateView):
    template_name = "reviews/start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", StartForm())
        context["in_progress"] = self.person.reviews.filter(status=ReviewStatus.DRAFT).first()
        context["open_outcomes"] = list(self.person.outcomes.filter(status=OutcomeStatus.OPEN)
                                        .order_by("created_at"))
        return context

    def post(self, request, *args, **kwargs):
        form = StartForm(data=request.POST)
        if form.is_valid():
            try:
                review = services.review_start(actor=request.user, person=self.person,
                                               held_on=form.cleaned_data["held_on"])
            except services.ReviewInProgress as exc:
                messages.info(request, exc.messages[0])
                return HttpResponseRedirect(
                    reverse("reviews:detail", args=[self.person.pk, exc.review.pk]))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Review started. Go through each outcome with "
                                          f"{presenters.first_name(self.person)}.")
                return HttpResponseRedirect(
                    reverse("reviews:detail", args=[self.person.pk, review.pk]))
        return self.render_to_response(self.get_context_data(form=form))


# --- One review --------------------------------------------------------------------------------


class ReviewMixin(PersonRecordMixin):
    @cached_property
    def review(self):
        return selectors.review_for(self.person, self.kwargs["review_id"])

    @cached_property
    def sheet(self):
        return selectors.review_sheet(self.person, self.review)

    def detail_url(self, anchor: str = "") -> str:
        url = reverse("reviews:detail", args=[self.person.pk, self.review.pk])
        return f"{url}#{anchor}" if anchor else url

    def block_for(self, outcome_id):
        for block in self.sheet.blocks:
            if str(block.outcome.pk) == str(outcome_id):
                return block
        from django.http import Http404

        raise Http404("This outcome is not part of this review.")

    def decorate(self, block, *, form=None, view_form=None, solution_forms=None):
        """Attach the forms for one outcome block (bound ones when redisplaying errors)."""
        person, review = self.person, self.review
        row = block.this_review
        block.rating_colour = presenters.RATING_TAG_COLOUR.get(row.rating, "") if row else ""
        block.measure_text = presenters.measure_text(row.new_measure_value) if row else ""
        block.decision_text = presenters.decision_text(row, block.outcome) if row else ""
        block.editable = review.is_draft and (
            (row is None and block.outcome.status == OutcomeStatus.OPEN)
            or (row is not None and row.decision == OutcomeDecision.KEEP))
        if form is None and block.editable:
            outcome = block.outcome
            initial = {"statement": outcome.statement, "baseline": outcome.baseline,
                       "measure": outcome.measure, "target_date": outcome.target_date,
                       "assessed_need": outcome.assessed_need}
            if row is not None:
                measure = (None if row.new_measure_value is None
                           else presenters.measure_text(row.new_measure_value))
                initial.update(version=row.version, new_measure_value=measure,
                               rating=row.rating, evidence=row.evidence, decision=row.decision)
            form = OutcomeReviewForm(initial=initial, key=block.key,
                                     checker_url=_live_check_url(),
                                     auto_id=f"id_{block.key}_%s")
        block.form = form
        block.form_url = reverse("reviews:outcome", args=[person.pk, review.pk, block.outcome.pk])
        block.view_form = view_form or PersonViewForm(person=person,
                                                      auto_id=f"id_{block.key}_view_%s")
        block.view_url = reverse("reviews:person_view",
                                 args=[person.pk, review.pk, block.outcome.pk])
        solution_forms = solution_forms or {}
        for line in block.solutions:
            key = line.solution.pk.hex[:8]
            line.key = key
            line.url = reverse("reviews:solution", args=[person.pk, review.pk, line.solution.pk])
            line.editable = review.is_draft and not (
                line.review is not None and line.review.decision == "stop")
            line.form = solution_forms.get(line.solution.pk) or SolutionReviewForm(
                initial={"version": line.review.version, "decision": line.review.decision,
                         "why": line.review.why} if line.review else {},
                auto_id=f"id_s{key}_%s")
        return block

    def finish_form(self, data=None):
        review = self.review
        return FinishForm(data=data, auto_id="id_finish_%s", initial={
            "version": review.version, "held_on": review.held_on,
            "what_learned": review.what_learned,
            "next_review_on": review.next_review_on
            or selectors.default_next_review(max(review.held_on, timezone.localdate())),
        })

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = self.review
        context["detail_url"] = self.detail_url()
        context["first_name"] = presenters.first_name(self.person)
        context["rating_colours"] = presenters.RATING_TAG_COLOUR
        return context


class ReviewDetailView(ReviewMixin, TemplateView):
    """The review: every outcome with its starting point, measure and earlier ratings; a
    form for each; the person's own view; the support kept, changed or stopped; what was
    learned; and finishing with the next review date."""

    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet = self.sheet
        for block in sheet.blocks:
            self.decorate(block)
        context["sheet"] = sheet
        context["tasks"] = [
            {"title": presenters.short(b.outcome.statement, 90), "url": f"#outcome-{b.key}",
             "status": "Completed" if b.this_review else "Not started",
             "hint": b.status_text}
            for b in sheet.blocks
        ]
        context["finish_form"] = self.finish_form() if self.review.is_draft else None
        context["heading"] = f"Review on {presenters.date_text(self.review.held_on)}"
        context["tasks_intro"] = (f"{sheet.reviewed_count} of {len(sheet.blocks)} reviewed."
                                  if sheet.blocks else "")
        return context


class OutcomeReviewView(ReviewMixin, TemplateView):
    """One outcome of a review: the practitioner's rating, evidence and decision."""

    template_name = "reviews/review_outcome.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        block = self.block_for(self.kwargs["outcome_id"])
        context["entry"] = self.decorate(block, form=kwargs.get("form"))
        return context

    def post(self, request, *args, **kwargs):
        block = self.block_for(self.kwargs["outcome_id"])
        form = OutcomeReviewForm(data=request.POST, key=block.key,
                                 checker_url=_live_check_url(), auto_id=f"id_{block.key}_%s")
        if form.is_valid():
            data = form.cleaned_data
            rewrite = None
            if data["decision"] == OutcomeDecision.REWRITE:
                rewrite = services.Rewrite(
                    statement=data["statement"], baseline=data["baseline"],
                    measure=data["measure"], target_date=data["target_date"],
                    assessed_need=data["assessed_need"])
            try:
                row = services.outcome_review_record(
                    actor=request.user, review=self.review, outcome=block.outcome,
                    rating=data["rating"], evidence=data["evidence"],
                    decision=data["decision"], new_measure_value=data["new_measure_value"],
                    rewrite=rewrite, expected_version=data["version"])
            except StaleEditError as exc:
                current = exc.current
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = OutcomeReviewForm(data=post, key=block.key,
                                         checker_url=_live_check_url(),
                                         auto_id=f"id_{block.key}_%s")
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                return self.render_to_response(self.get_context_data(
                    form=form, stale_current=current, stale_values=[
                        ("How far has it come?", presenters.rating_text(current.rating)),
                        ("What shows this", current.evidence),
                        ("The measure now", presenters.measure_text(current.new_measure_value)),
                        ("What happens to this outcome now?", current.get_decision_display()),
                    ]))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                text = {OutcomeDecision.KEEP: "Review of this outcome saved.",
                        OutcomeDecision.REWRITE: "Outcome rewritten. The old wording is kept "
                                                 "in the record, linked to the new one.",
                        OutcomeDecision.CLOSE: "Review saved and the outcome closed."}
                messages.success(request, text[row.decision])
                return HttpResponseRedirect(self.detail_url(f"outcome-{block.key}"))
        return self.render_to_response(self.get_context_data(form=form))


class PersonViewAddView(ReviewMixin, TemplateView):
    """The person's own view of one outcome: always a new row beside the earlier ones."""

    template_name = "reviews/review_outcome.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        block = self.block_for(self.kwargs["outcome_id"])
        context["entry"] = self.decorate(block, view_form=kwargs.get("view_form"))
        context["focus"] = "view"
        return context

    def post(self, request, *args, **kwargs):
        block = self.block_for(self.kwargs["outcome_id"])
        form = PersonViewForm(data=request.POST, person=self.person,
                              auto_id=f"id_{block.key}_view_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.person_view_add(
                    actor=request.user, review=self.review, outcome=block.outcome,
                    in_their_words=data["in_their_words"], rating=data["rating"],
                    whose_words=data["whose_words"], speaker_name=data["speaker_name"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{presenters.first_name(self.person)}'s view is "
                                          "saved beside yours.")
                return HttpResponseRedirect(self.detail_url(f"outcome-{block.key}"))
        return self.render_to_response(self.get_context_data(view_form=form))


class SolutionReviewView(ReviewMixin, TemplateView):
    template_name = "reviews/review_solution.html"

    @cached_property
    def line(self):
        solution = selectors.solution_for(self.person, self.kwargs["solution_id"])
        for block in self.sheet.blocks:
            for line in block.solutions:
                if line.solution.pk == solution.pk:
                    return block, line
        from django.http import Http404

        raise Http404("This solution is not part of this review.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        block, line = self.line
        forms = {line.solution.pk: kwargs["form"]} if kwargs.get("form") else None
        self.decorate(block, solution_forms=forms)
        context["entry"], context["line"] = block, line
        return context

    def post(self, request, *args, **kwargs):
        block, line = self.line
        form = SolutionReviewForm(data=request.POST, auto_id=f"id_s{line.solution.pk.hex[:8]}_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.solution_review_record(
                    actor=request.user, review=self.review, solution=line.solution,
                    decision=data["decision"], why=data["why"],
                    expected_version=data["version"])
            except StaleEditError as exc:
                post = request.POST.copy()
                post["version"] = str(exc.current.version)
                form = SolutionReviewForm(data=post,
                                          auto_id=f"id_s{line.solution.pk.hex[:8]}_%s")
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                return self.render_to_response(self.get_context_data(
                    form=form, stale_current=exc.current, stale_values=[
                        ("Keep, change or stop it?", exc.current.get_decision_display()),
                        ("Why", exc.current.why)]))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"Decision about “{line.solution.what}” saved.")
                return HttpResponseRedirect(self.detail_url(f"outcome-{block.key}"))
        return self.render_to_response(self.get_context_data(form=form))


class FinishView(ReviewMixin, TemplateView):
    """What was learned, and finishing the review with the next review date."""

    template_name = "reviews/review_finish.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or (
            self.finish_form() if self.review.is_draft else None)
        context["sheet"] = self.sheet
        return context

    def post(self, request, *args, **kwargs):
        review = self.review
        form = self.finish_form(data=request.POST)
        if not review.is_draft:
            form.is_valid()
            form.add_error(None, "This review is already finished.")
            return self.render_to_response(self.get_context_data(form=form))
        if form.is_valid():
            data = form.cleaned_data
            finishing = request.POST.get("action") == "finish"
            try:
                if (data["held_on"], data["what_learned"].strip()) != (
                        review.held_on, review.what_learned):
                    services.review_update(
                        actor=request.user, review=review, expected_version=data["version"],
                        held_on=data["held_on"], what_learned=data["what_learned"])
                    data["version"] = review.version
                if finishing:
                    services.review_complete(
                        actor=request.user, review=review, expected_version=data["version"],
                        next_review_on=data["next_review_on"],
                        what_learned=data["what_learned"])
            except StaleEditError as exc:
                post = request.POST.copy()
                post["version"] = str(exc.current.version)
                form = self.finish_form(data=post)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                return self.render_to_response(self.get_context_data(
                    form=form, stale_current=exc.current, stale_values=[
                        ("Date of the review", presenters.date_text(exc.current.held_on)),
                        ("What we learned at this review", exc.current.what_learned)]))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if finishing:
                    messages.success(request, "Review finished. The next review is on "
                                              f"{presenters.date_text(review.next_review_on)}.")
                    return HttpResponseRedirect(reverse("reviews:golden_thread",
                                                        args=[self.person.pk]))
                messages.success(request, "Saved. The review is still in progress.")
                return HttpResponseRedirect(self.detail_url("finish"))
        return self.render_to_response(self.get_context_data(form=form))


# --- Progress and the golden thread -----------------------------------------------------------


class OutcomeHistoryView(PersonRecordMixin, TemplateView):
    """One outcome's progress across reviews: a chart with its data table (REV-1)."""

    template_name = "reviews/outcome_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = selectors.outcome_for(self.person, self.kwargs["outcome_id"])
        history = selectors.outcome_history(self.person, outcome)
        context["history"] = history
        context["outcome"] = outcome
        context["current"] = history.chain[-1]
        context["first_name"] = presenters.first_name(self.person)
        context["charts"] = _charts(history.points, key="history")
        return context


def _charts(points, *, key: str) -> dict:
    return {
        "key": key,
        "rating": presenters.rating_chart(points, title="Rating at each review"),
        "measure": presenters.measure_chart(points, title="The measure at each review"),
    }


class GoldenThreadView(PersonRecordMixin, TemplateView):
    """REV-4: one page from what matters to review results, with every broken link."""

    template_name = "reviews/golden_thread.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        thread = build_thread(self.person)
        links = broken_links(thread)
        anchors = {link.anchor for link in links}
        for entry in thread.outcomes:
            entry.charts = _charts(entry.progress, key=entry.outcome.pk.hex[:8])
            entry.broken = [link for link in links if link.anchor == f"outcome-{entry.pk}"]
            for step in entry.steps:
                for solution in step.solutions:
                    solution.broken = f"solution-{solution.pk}" in anchors
            for line in entry.provision:
                line.broken = f"provision-{line.pk}" in anchors
        context["thread"] = thread
        context["links"] = links
        context["link_titles"] = LINK_KIND_TITLE
        context["first_name"] = presenters.first_name(self.person)
        return context


# --- Reviews due (REV-3) ------------------------------------------------------------------------


class ReviewsDueView(LoginRequiredMixin, TemplateView):
    """The reviews a practitioner (their people) or team leader (their team) has to hold."""

    template_name = "reviews/due.html"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "people.view_caseload"):
            raise PermissionDenied("Only practitioners and team leaders hold reviews.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = DueFilterForm(data=self.request.GET or None)
        show, sort = form.values() if self.request.GET else ("all", "date")
        rows = selectors.reviews_due(user, show=show, sort=sort)
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            form=form if self.request.GET else DueFilterForm(initial={"show": "all",
                                                                      "sort": "date"}),
            filter_errors=form.errors if self.request.GET else {},
            rows=page.object_list, page_obj=page, count=len(rows), show=show, sort=sort,
            is_team_leader=user.role == Role.TEAM_LEADER,
            heading="Reviews due for your team" if user.role == Role.TEAM_LEADER
            else "Reviews due for the people you work with",
            overdue_count=sum(1 for r in rows if r.is_overdue),
            interval_text=f"{review_interval_days()} days",
        )
        log_list_view(self.request, [row.person.pk for row in page.object_list])
        return context

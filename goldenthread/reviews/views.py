"""Review pages (REV-1..REV-4): thin views over selectors and services. Every page about a
person is a PersonRecordMixin view: scoped to people the user may see, and logged."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.views.generic import TemplateView

from goldenthread.core.formatting import date_text
from goldenthread.core.permissions import Permission, can
from goldenthread.outcomes import presenters as outcome_presenters
from goldenthread.outcomes.checking import check_typed
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.access import PersonChild, PersonRecordMixin, log_list_view
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

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


def _live_check_url() -> str:
    return reverse("outcomes:live_check")


# --- The person's reviews and schedule --------------------------------------------------------


def _carry_choices(outcome, found=None) -> list[tuple[str, str]]:
    """What the review's rewrite offers to carry across to the new wording (#16).
    `found`: carry_choices_for the page's outcomes, read once."""
    if outcome.status != OutcomeStatus.OPEN:
        return []
    items = found.get(outcome.pk, []) if found is not None else services.carry_choices(outcome)
    return [(item.key, item.label) for item in items]


class ReviewListView(PersonRecordMixin, TemplateView):
    template_name = "reviews/review_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person
        context["reviews"] = rows = selectors.reviews_of(person)
        context["in_progress"] = next(
            (r.review for r in rows if r.review.status == ReviewStatus.DRAFT), None
        )
        schedule = date_set(person)
        context["schedule"] = schedule
        context["schedule_form"] = kwargs.get("schedule_form") or ScheduleForm(
            initial={
                "version": schedule.version if schedule else None,
                "next_review_on": schedule.next_review_on if schedule else None,
            }
        )
        # Started from here, with the day it is held (#16: no page load before it starts).
        context["start_form"] = StartForm()
        context["interval_days"] = review_interval_days()
        context["outcomes"] = list(person.outcomes.order_by("status", "created_at"))
        return context


def getattr_or_none(person, name: str):
    """A one-to-one relation that may not be there yet (no review date set)."""
    try:
        return getattr(person, name)
    except ObjectDoesNotExist:
        return None


def date_set(person):
    """The person's review schedule when someone has set a date, else None (a schedule row
    may hold only the due date worked out from the records, #19)."""
    schedule = getattr_or_none(person, "review_schedule")
    return schedule if schedule is not None and schedule.next_review_on is not None else None


class ScheduleView(PersonRecordMixin, ServiceFormView):
    """Set the date of the person's next review (REV-3)."""

    template_name = "reviews/schedule.html"
    form_class = ScheduleForm

    @cached_property
    def schedule(self):
        return date_set(self.person)

    def get_initial(self):
        schedule = self.schedule
        return {
            "version": schedule.version if schedule else None,
            "next_review_on": schedule.next_review_on if schedule else None,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["schedule"] = self.schedule
        return context

    def save(self, form):
        return services.review_schedule_set(
            actor=self.request.user,
            person=self.person,
            next_review_on=form.cleaned_data["next_review_on"],
            expected_version=form.cleaned_data["version"],
        )

    def get_success_message(self, result) -> str:
        return f"The next review is set for {date_text(result.next_review_on)}."

    def get_success_url(self) -> str:
        return reverse("reviews:list", args=[self.person.pk])


class StartView(PersonRecordMixin, ServiceFormView):
    template_name = "reviews/start.html"
    form_class = StartForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["in_progress"] = self.person.reviews.filter(status=ReviewStatus.DRAFT).first()
        context["open_outcomes"] = list(
            self.person.outcomes.filter(status=OutcomeStatus.OPEN).order_by("created_at")
        )
        return context

    def save(self, form):
        return services.review_start(
            actor=self.request.user, person=self.person, held_on=form.cleaned_data["held_on"]
        )

    def refused(self, form, exc):
        if isinstance(exc, services.ReviewInProgress):
            messages.info(self.request, exc.messages[0])
            return HttpResponseRedirect(
                reverse("reviews:detail", args=[self.person.pk, exc.review.pk])
            )
        return super().refused(form, exc)

    def get_success_message(self, result) -> str:
        return f"Review started. Go through each outcome with {presenters.first_name(self.person)}."

    def get_success_url(self) -> str:
        """Straight to the first outcome to review, on its own page (#16: one page load and
        one click fewer than the summary first); the summary when there is none."""
        first = (
            self.person.outcomes.filter(status=OutcomeStatus.OPEN)
            .order_by("created_at", "id")
            .first()
        )
        if first is None:
            return reverse("reviews:detail", args=[self.person.pk, self.result.pk])
        return reverse("reviews:outcome", args=[self.person.pk, self.result.pk, first.pk])


# --- One review --------------------------------------------------------------------------------


def outcome_review_initial(block) -> dict:
    """The outcome review form as the block stands: its wording, and this review's row."""
    outcome, row = block.outcome, block.this_review
    initial = {
        "statement": outcome.statement,
        "baseline": outcome.baseline,
        "measure": outcome.measure,
        "target_date": outcome.target_date,
        "assessed_need": outcome.assessed_need,
    }
    if row is not None:
        measure = (
            None
            if row.new_measure_value is None
            else presenters.measure_text(row.new_measure_value)
        )
        initial.update(
            version=row.version,
            new_measure_value=measure,
            rating=row.rating,
            evidence=row.evidence,
            decision=row.decision,
        )
    return initial


def solution_review_initial(line) -> dict:
    return (
        {"version": line.review.version, "decision": line.review.decision, "why": line.review.why}
        if line.review
        else {}
    )


class ReviewMixin(PersonsWordsMixin, PersonRecordMixin):
    review = PersonChild(
        selectors.review_for, kwarg="review_id", missing="No such review for this person."
    )

    @cached_property
    def sheet(self):
        return selectors.review_sheet(self.person, self.review)

    def detail_url(self, anchor: str = "") -> str:
        url = reverse("reviews:detail", args=[self.person.pk, self.review.pk])
        return f"{url}#{anchor}" if anchor else url

    def outcome_url(self, block) -> str:
        """One outcome of the review on a page of its own (#16)."""
        return reverse("reviews:outcome", args=[self.person.pk, self.review.pk, block.outcome.pk])

    def after_saving(self, block) -> str:
        """While the review is in progress, back to that outcome's own page (the other
        outcomes' boxes are not on it, so nothing typed elsewhere is reloaded away);
        afterwards, the review's record."""
        if self.review.is_draft:
            return f"{self.outcome_url(block)}#outcome-{block.key}"
        return self.detail_url(f"outcome-{block.key}")

    def neighbours(self, block) -> dict:
        """Where this outcome sits in the review: "Outcome 2 of 3", the next one."""
        blocks = self.sheet.blocks
        index = next(i for i, b in enumerate(blocks) if b.outcome.pk == block.outcome.pk)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        earlier = blocks[index - 1] if index > 0 else None
        return {
            "position": index + 1,
            "count": len(blocks),
            "next": (
                {
                    "url": self.outcome_url(following),
                    "statement": presenters.short(following.outcome.statement, 90),
                }
                if following
                else None
            ),
            "previous": (
                {
                    "url": self.outcome_url(earlier),
                    "statement": presenters.short(earlier.outcome.statement, 90),
                }
                if earlier
                else None
            ),
        }

    def block_for(self, outcome_id):
        for block in self.sheet.blocks:
            if str(block.outcome.pk) == str(outcome_id):
                return block
        raise Http404("This outcome is not part of this review.")

    def block_editable(self, block) -> bool:
        """Whether this review may still record the outcome's review."""
        row = block.this_review
        return self.review.is_draft and (
            (row is None and block.outcome.status == OutcomeStatus.OPEN)
            or (row is not None and row.decision == OutcomeDecision.KEEP)
        )

    @cached_property
    def carry_found(self):
        """What each outcome on the page could carry to a new wording: read once."""
        return services.carry_choices_for(
            [b.outcome for b in self.sheet.blocks if b.outcome.status == OutcomeStatus.OPEN]
        )

    def decorate(self, block, *, form=None, view_form=None, solution_forms=None):
        """Attach the forms for one outcome block (bound ones when redisplaying errors)."""
        person, review = self.person, self.review
        row = block.this_review
        block.rating_colour = presenters.RATING_TAG_COLOUR.get(row.rating, "") if row else ""
        block.measure_text = presenters.measure_text(row.new_measure_value) if row else ""
        block.decision_text = presenters.decision_text(row, block.outcome) if row else ""
        block.editable = self.block_editable(block)
        if form is None and block.editable:
            form = OutcomeReviewForm(
                initial=outcome_review_initial(block),
                key=block.key,
                checker_url=_live_check_url(),
                carry_choices=_carry_choices(block.outcome, self.carry_found),
                auto_id=f"id_{block.key}_%s",
            )
        block.form = form
        block.form_url = reverse("reviews:outcome", args=[person.pk, review.pk, block.outcome.pk])
        block.view_form = view_form or PersonViewForm(
            person=person, auto_id=f"id_{block.key}_view_%s"
        )
        block.view_url = reverse(
            "reviews:person_view", args=[person.pk, review.pk, block.outcome.pk]
        )
        solution_forms = solution_forms or {}
        for line in block.solutions:
            key = line.solution.pk.hex[:8]
            line.key = key
            line.url = reverse("reviews:solution", args=[person.pk, review.pk, line.solution.pk])
            line.editable = review.is_draft and not (
                line.review is not None and line.review.decision == "stop"
            )
            line.form = solution_forms.get(line.solution.pk) or SolutionReviewForm(
                initial=solution_review_initial(line), auto_id=f"id_s{key}_%s"
            )
        return block

    def finish_initial(self) -> dict:
        review = self.review
        return {
            "version": review.version,
            "held_on": review.held_on,
            "what_learned": review.what_learned,
            "next_review_on": review.next_review_on
            or selectors.default_next_review(max(review.held_on, timezone.localdate())),
        }

    def finish_form(self, data=None):
        return FinishForm(data=data, auto_id="id_finish_%s", initial=self.finish_initial())

    def missing_outcomes(self) -> list[dict]:
        """Open outcomes this review has not reviewed yet, each with its page."""
        return [
            {
                "statement": o.statement,
                "url": reverse("reviews:outcome", args=[self.person.pk, self.review.pk, o.pk]),
            }
            for o in self.sheet.missing
        ]

    def finish_context(self, block) -> dict:
        """On the last outcome's page of a review in progress, the review's finish form
        (#16: no page load between the last outcome and finishing)."""
        last = self.sheet.blocks and self.sheet.blocks[-1].outcome.pk == block.outcome.pk
        if not (last and self.review.is_draft):
            return {"finish_form": None}
        return {"finish_form": self.finish_form(), "missing": self.missing_outcomes()}

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
        # In progress: a summary, each outcome reviewed on a page of its own (#16).
        # Finished: the record of every outcome on this page.
        one_at_a_time = self.review.is_draft
        if not one_at_a_time:
            for block in sheet.blocks:
                self.decorate(block)
        context["sheet"] = sheet
        context["one_at_a_time"] = one_at_a_time
        waiting = [b for b in sheet.blocks if b.this_review is None] or sheet.blocks
        context["start_url"] = self.outcome_url(waiting[0]) if waiting else ""
        context["missing"] = self.missing_outcomes()
        context["tasks"] = [
            {
                "title": presenters.short(b.outcome.statement, 90),
                "url": self.outcome_url(b) if one_at_a_time else f"#outcome-{b.key}",
                "status": "Completed" if b.this_review else "Not started",
                "hint": b.status_text,
            }
            for b in sheet.blocks
        ]
        context["finish_form"] = self.finish_form() if self.review.is_draft else None
        context["heading"] = f"Review on {date_text(self.review.held_on)}"
        context["tasks_intro"] = (
            f"{sheet.reviewed_count} of {len(sheet.blocks)} reviewed." if sheet.blocks else ""
        )
        return context


class ReviewBlockFormView(ReviewMixin, ServiceFormView):
    """A form about one outcome of the review; saved, it goes back to that outcome."""

    @cached_property
    def block(self):
        return self.block_for(self.kwargs["outcome_id"])

    def get_success_url(self) -> str:
        return self.after_saving(self.block)


class OutcomeReviewView(ReviewBlockFormView):
    """One outcome of a review: the practitioner's rating, evidence and decision."""

    template_name = "reviews/review_outcome.html"
    form_class = OutcomeReviewForm

    def get_form_kwargs(self):
        key = self.block.key
        return {
            **super().get_form_kwargs(),
            "key": key,
            "checker_url": _live_check_url(),
            "carry_choices": _carry_choices(self.block.outcome),
            "auto_id": f"id_{key}_%s",
        }

    def get_initial(self):
        return outcome_review_initial(self.block)

    def only_reads(self, request):
        """ "Check wording" saves nothing: one VIEW row, as for the page itself."""
        return "check_wording" in request.POST or super().only_reads(request)

    def post(self, request, *args, **kwargs):
        """ "Check wording" on the rewrite box (OC-5, #16): without JavaScript the page comes
        back with everything typed kept and the checker's suggestions for the new wording;
        with htmx only the suggestions. Nothing is saved."""
        if "check_wording" not in request.POST:
            return super().post(request, *args, **kwargs)
        result = check_typed(request.POST)
        items = outcome_presenters.flag_items(result)
        if getattr(request, "htmx", False):
            return TemplateResponse(
                request, "outcomes/_checker_feedback.html", {"result": result, "items": items}
            )
        form = self.get_form_class()(**{**self.get_form_kwargs(), "data": None, "files": None})
        for name, field in form.fields.items():  # what was typed, not yet judged
            if name in request.POST or isinstance(field.widget, forms.CheckboxSelectMultiple):
                multiple = isinstance(field, forms.MultipleChoiceField)
                form.initial[name] = (
                    request.POST.getlist(name) if multiple else request.POST.get(name, "")
                )
        return self.render_to_response(
            self.get_context_data(form=form, checker=result, checker_items=items)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if self.request.method != "POST" and not self.block_editable(self.block):
            form = None  # nothing to change: the block shows what was recorded
        context["entry"] = self.decorate(self.block, form=form)
        context.update(self.neighbours(self.block), **self.finish_context(self.block))
        return context

    def save(self, form):
        data = form.cleaned_data
        rewrite = None
        if data["decision"] == OutcomeDecision.REWRITE:
            rewrite = services.Rewrite(
                statement=data["statement"],
                baseline=data["baseline"],
                measure=data["measure"],
                target_date=data["target_date"],
                assessed_need=data["assessed_need"],
                carry=form.carry_keys(),
            )
        return services.outcome_review_record(
            actor=self.request.user,
            review=self.review,
            outcome=self.block.outcome,
            rating=data["rating"],
            evidence=data["evidence"],
            decision=data["decision"],
            new_measure_value=data["new_measure_value"],
            rewrite=rewrite,
            expected_version=data["version"],
        )

    def get_success_message(self, result) -> str:
        return {
            OutcomeDecision.KEEP: "Review of this outcome saved.",
            OutcomeDecision.REWRITE: "Outcome rewritten. The old wording is kept in the "
            "record, linked to the new one.",
            OutcomeDecision.CLOSE: "Review saved and the outcome closed.",
        }[result.decision]

    def get_stale_values(self, current, form):
        return [
            ("How far has it come?", presenters.rating_text(current.rating)),
            ("What shows this", current.evidence),
            ("The measure now", presenters.measure_text(current.new_measure_value)),
            ("What happens to this outcome now?", current.get_decision_display()),
        ]


class PersonViewAddView(ReviewBlockFormView):
    """The person's own view of one outcome: always a new row beside the earlier ones."""

    template_name = "reviews/review_outcome.html"
    form_class = PersonViewForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "person": self.person,
            "auto_id": f"id_{self.block.key}_view_%s",
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.decorate(self.block, view_form=context["form"])
        context.update(self.neighbours(self.block), **self.finish_context(self.block))
        context["focus"] = "view"
        return context

    def save(self, form):
        data = form.cleaned_data
        return services.person_view_add(
            actor=self.request.user,
            review=self.review,
            outcome=self.block.outcome,
            in_their_words=data["in_their_words"],
            rating=data["rating"],
            whose_words=data["whose_words"],
            speaker_name=data["speaker_name"],
            submission_token=data["submission_token"],
        )

    def get_success_message(self, result) -> str:
        return f"{presenters.first_name(self.person)}'s view is saved beside yours."


class SolutionReviewView(ReviewMixin, ServiceFormView):
    template_name = "reviews/review_solution.html"
    form_class = SolutionReviewForm
    solution = PersonChild(
        selectors.solution_for, kwarg="solution_id", missing="No such solution for this person."
    )

    @cached_property
    def line(self):
        for block in self.sheet.blocks:
            for line in block.solutions:
                if line.solution.pk == self.solution.pk:
                    return block, line
        raise Http404("This solution is not part of this review.")

    def get_form_kwargs(self):
        _, line = self.line
        return {**super().get_form_kwargs(), "auto_id": f"id_s{line.solution.pk.hex[:8]}_%s"}

    def get_initial(self):
        return solution_review_initial(self.line[1])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        block, line = self.line
        self.decorate(block, solution_forms={line.solution.pk: context["form"]})
        context["entry"], context["line"] = block, line
        return context

    def save(self, form):
        data = form.cleaned_data
        return services.solution_review_record(
            actor=self.request.user,
            review=self.review,
            solution=self.line[1].solution,
            decision=data["decision"],
            why=data["why"],
            expected_version=data["version"],
        )

    def get_success_message(self, result) -> str:
        return f"Decision about “{self.line[1].solution.what}” saved."

    def get_success_url(self) -> str:
        return self.after_saving(self.line[0])


class FinishView(ReviewMixin, ServiceFormView):
    """What was learned, and finishing the review with the next review date."""

    template_name = "reviews/review_finish.html"
    form_class = FinishForm
    finishing = False

    def get_form(self, form_class=None, *, data=None):
        if not self.review.is_draft and self.request.method != "POST":
            return None
        return super().get_form(form_class, data=data)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "auto_id": "id_finish_%s"}

    def get_initial(self):
        return self.finish_initial()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sheet"] = self.sheet
        return context

    def post(self, request, *args, **kwargs):
        if not self.review.is_draft:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, "This review is already finished.")
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def save(self, form):
        data = form.cleaned_data
        review, actor = self.review, self.request.user
        self.finishing = self.request.POST.get("action") == "finish"
        version = data["version"]
        if (data["held_on"], data["what_learned"].strip()) != (review.held_on, review.what_learned):
            services.review_update(
                actor=actor,
                review=review,
                expected_version=version,
                held_on=data["held_on"],
                what_learned=data["what_learned"],
            )
            version = review.version
        if self.finishing:
            services.review_complete(
                actor=actor,
                review=review,
                expected_version=version,
                next_review_on=data["next_review_on"],
                what_learned=data["what_learned"],
            )
        return review

    def get_success_message(self, result) -> str:
        if self.finishing:
            return f"Review finished. The next review is on {date_text(result.next_review_on)}."
        return "Saved. The review is still in progress."

    def get_success_url(self) -> str:
        if self.finishing:
            return reverse("reviews:golden_thread", args=[self.person.pk])
        return self.detail_url("finish")

    def get_stale_values(self, current, form):
        return [
            ("Date of the review", date_text(current.held_on)),
            ("What we learned at this review", current.what_learned),
        ]


# --- Progress (the golden thread's page: record/views.py) ---------------------------------------


class OutcomeHistoryView(PersonRecordMixin, TemplateView):
    """One outcome's progress across reviews: a chart with its data table (REV-1)."""

    template_name = "reviews/outcome_history.html"
    outcome = PersonChild(
        "outcomes", kwarg="outcome_id", missing="No such outcome for this person."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = self.outcome
        history = selectors.outcome_history(self.person, outcome)
        context["history"] = history
        context["outcome"] = outcome
        context["current"] = history.chain[-1]
        context["first_name"] = presenters.first_name(self.person)
        context["charts"] = presenters.progress_charts(
            history.points, key="history", caption="Ratings and measures at each review"
        )
        return context


# --- Reviews due (REV-3) ------------------------------------------------------------------------


# The worklist's filter fields as rendered HTML, by the values they show (#19): the same
# few radio buttons and options on every request, rendered once per process for each of
# the few valid combinations. A form with errors (its messages, the values as typed) is
# rendered afresh every time.
_FILTER_FIELDS: dict[tuple, SafeString] = {}


def filter_fields_html(form: DueFilterForm) -> SafeString:
    if form.is_bound and form.errors:
        return _render_filter_fields(form)
    key = (form.is_bound, form["show"].value(), form["sort"].value())
    html = _FILTER_FIELDS.get(key)
    if html is None:
        html = _FILTER_FIELDS[key] = _render_filter_fields(form)
    return html


def _render_filter_fields(form: DueFilterForm) -> SafeString:
    """Django's own rendering of the two fields (each escaped by Django: SafeString)."""
    html = form["show"].as_field_group() + form["sort"].as_field_group()
    assert isinstance(html, SafeString)
    return html


class ReviewsDueView(PermissionRequiredMixin, TemplateView):
    """The reviews a practitioner (their people) or team leader (their team) has to hold."""

    template_name = "reviews/due.html"
    permission = Permission.VIEW_CASELOAD
    permission_denied_message = "Only practitioners and team leaders hold reviews."
    paginate_by = 25  # as the admin's changelist

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        leads_team = can(user, Permission.VIEW_TEAM)
        if self.request.GET:
            form = DueFilterForm(data=self.request.GET)
            show, sort = form.values()
        else:  # one unbound form with the defaults, for the page and its fields
            form = DueFilterForm(initial={"show": "all", "sort": "date"})
            show, sort = "all", "date"
        due = selectors.reviews_due_page(
            user,
            show=show,
            sort=sort,
            page_number=self.request.GET.get("page"),
            per_page=self.paginate_by,
        )
        context.update(
            form=form,
            filter_errors=form.errors if self.request.GET else {},
            filter_fields=filter_fields_html(form),
            rows=due.rows,
            page_obj=due.page,
            count=due.count,
            show=show,
            sort=sort,
            is_team_leader=leads_team,
            heading="Reviews due for your team"
            if leads_team
            else "Reviews due for the people you work with",
            overdue_count=due.overdue_count,
            interval_text=f"{review_interval_days()} days",
        )
        log_list_view(self.request, [row.person_id for row in due.rows])
        return context

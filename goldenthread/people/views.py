"""People pages: thin views over selectors and services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from goldenthread.accounts import selectors as account_selectors
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_record
from goldenthread.core.permissions import Permission, can
from goldenthread.ui.links import id_url
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, selectors, services
from .access import PersonChild, PersonRecordMixin, log_list_view
from .forms import (
    AllocationForm,
    CaseloadSearchForm,
    CircleMemberForm,
    EndAllocationForm,
    PersonForm,
    PossibleDuplicateResolveForm,
)
from .models import PossibleDuplicate
from .person_side import persons_words_for
from .sections import record_sections

CASELOAD_QUERY_KEY = "gt_caseload_query"


class CaseloadView(PermissionRequiredMixin, ListView):
    """My caseload: people allocated to me (a team leader also sees their team's people).

    The search is sent by POST and kept in the session, then the page is shown again by a
    redirect (post/redirect/get): names and CHI numbers never appear in an address, the
    browser history or a server log, and paging through the results still works."""

    template_name = "people/caseload.html"
    permission = Permission.VIEW_CASELOAD
    permission_denied_message = "Only practitioners and team leaders hold a caseload."
    context_object_name = "people"
    paginate_by = 25

    def post(self, request, *args, **kwargs):
        if "clear" in request.POST:
            request.session.pop(CASELOAD_QUERY_KEY, None)
            return redirect("people:caseload")
        form = CaseloadSearchForm(request.POST)
        if not form.is_valid():
            self.search_form = form
            return self.get(request, *args, **kwargs)
        query = form.cleaned_data["q"].strip()
        if query:
            request.session[CASELOAD_QUERY_KEY] = query
        else:
            request.session.pop(CASELOAD_QUERY_KEY, None)
        return redirect("people:caseload")

    def search_query(self) -> str:
        return self.request.session.get(CASELOAD_QUERY_KEY, "")

    def get_queryset(self):
        # Value rows, paged in SQL (the paginator slices: LIMIT/OFFSET), 25 a page as the
        # admin's changelist; the workers of the page's people in one more query (#19).
        return selectors.caseload_values(self.request.user, query=self.search_query())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = query = self.search_query()
        context["search_form"] = getattr(self, "search_form", None) or CaseloadSearchForm(
            initial={"q": query}
        )
        values = list(context["people"])
        workers = selectors.current_worker_names(v["pk"] for v in values)
        context["people"] = presenters.caseload_rows(
            values, workers, detail_url=id_url("people:detail")
        )
        log_list_view(self.request, [v["pk"] for v in values])  # names, dates of birth, CHIs
        if can(self.request.user, Permission.REVIEW_POSSIBLE_DUPLICATES):
            context["possible_duplicates_open"] = selectors.open_possible_duplicates(
                self.request.user
            ).count()
        return context


class PersonDetailView(PersonRecordMixin, TemplateView):
    template_name = "people/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person
        # The page's reads, the person's words' and the sections' in one query (#19).
        page = selectors.person_page(person)
        context["persons_words"] = persons_words_for(person, rows=page.rows)
        lists = presenters.person_page_lists(person, page, today=timezone.localdate())
        context.update(lists)
        context["summary_rows"] = presenters.person_summary_rows(
            person, edit_url=lists["links"]["edit"]
        )
        context["can_manage_allocations"] = can(
            self.request.user, Permission.MANAGE_ALLOCATIONS, person
        )
        context["record_sections"] = record_sections(person, self.request.user, rows=page.rows)
        return context


CHI_REFUSALS = (
    services.PersonAlreadyRecorded,
    services.PersonMayBeKnown,
    services.TooManyPossibleDuplicates,
)


ADDING_REFUSED_FOR_NOW = (
    "You cannot add a person for now: you have asked about several people who may already "
    "be known in the last day. Ask your team leader, who can add them, or try again "
    "tomorrow."
)

CHANGING_NAME_REFUSED_FOR_NOW = (
    "You cannot change the name or date of birth for now: you have asked about several "
    "people who may already be known in the last day. Ask your team leader, or keep the "
    "name and date of birth as they were to save your other changes."
)


def chi_refused(view, form, exc: Exception):
    """The CHI number typed is already recorded (#11), or the name and date of birth of a
    new person (or of a person whose details are changed). Someone the user may see: say who, with a link. Anyone else: say nothing
    about them and send the user to the "may already be known" page; their team leader
    has the request."""
    if isinstance(exc, services.PersonMayBeKnown):
        return redirect("people:possible_duplicate", duplicate_id=exc.possible_duplicate.pk)
    if isinstance(exc, services.PersonAlreadyRecorded):
        form.add_error(
            "chi_number",
            (
                f"{exc.person.display_name} is already recorded with this CHI number. "
                "Use the link above the form to open their record."
            ),
        )
        return view.render_to_response(
            view.get_context_data(form=form, already_recorded=exc.person)
        )
    if isinstance(view, PersonCreateView):  # every new person's name is looked up
        form.add_error(None, ADDING_REFUSED_FOR_NOW)
        return view.form_invalid(form)
    if (
        isinstance(exc, services.TooManyPossibleDuplicates)
        and exc.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH
    ):
        form.add_error(None, CHANGING_NAME_REFUSED_FOR_NOW)
        return view.form_invalid(form)
    form.add_error(
        "chi_number",
        (
            "You cannot save a CHI number for now: you have asked about several people who may "
            "already be known in the last day. Ask your team leader, or leave the CHI number "
            "blank and add it later."
        ),
    )
    return view.form_invalid(form)


class ChiRefusedMixin:
    """On the pages that save a CHI number: a number already recorded is answered by
    `chi_refused`, not by an error page."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # type: ignore[misc]
        except CHI_REFUSALS as exc:
            return chi_refused(self, form, exc)


class NamesakesMixin:
    """On the pages that save a person's name and date of birth: someone the worker may see
    has them (services.SamePersonMayBeRecorded): link to them (their names are read, so
    logged), and offer the box to save anyway (a namesake)."""

    namesakes: list = []
    namesakes_shown_as = "the person being added"

    def refused(self, form, exc):
        if isinstance(exc, services.SamePersonMayBeRecorded):
            self.namesakes = exc.people
            log_list_view(
                self.request,  # type: ignore[attr-defined]
                exc.people,
                reason=f"Shown as possibly {self.namesakes_shown_as} (same name and date of birth)",
            )
            form.show_different_person()
        return super().refused(form, exc)  # type: ignore[misc]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "namesakes": self.namesakes}  # type: ignore[misc]


POSSIBLE_DUPLICATE_KEY = "possible_duplicate"


def typed_again(request, *, changing=None) -> dict:
    """What the worker typed for a request of theirs that their team leader found to be a
    different person (`?possible_duplicate=<id>`, the link on the request's page), to fill
    the form in again: adding (`changing` None) or changing that person's details. Else
    nothing: another's request, one still open or found not to be someone else."""
    try:
        duplicate_id = uuid.UUID(request.GET.get(POSSIBLE_DUPLICATE_KEY, ""))
    except ValueError:
        return {}
    duplicate = selectors.possible_duplicate_for(request.user, duplicate_id)
    if (
        duplicate is None
        or duplicate.requested_by_id != request.user.pk
        or not duplicate.different_person
        or duplicate.changing_person_id != (changing.pk if changing is not None else None)
    ):
        return {}
    typed = {
        "given_name": duplicate.given_name,
        "family_name": duplicate.family_name,
        "date_of_birth": duplicate.date_of_birth,
    }
    if duplicate.chi_number:
        typed["chi_number"] = duplicate.chi_number
    return typed


def go_ahead_url(user, duplicate: PossibleDuplicate) -> str:
    """Where the worker who asked goes ahead once their team leader found it is a different
    person: the form filled in again with what they typed; "" if they may not go ahead (or
    may no longer open the person whose details they were changing)."""
    if duplicate.requested_by_id != user.pk or not duplicate.different_person:
        return ""
    query = f"?{POSSIBLE_DUPLICATE_KEY}={duplicate.pk}"
    if duplicate.changing_person_id is None:
        return reverse("people:create") + query
    if selectors.visible_person(user, duplicate.changing_person_id) is None:
        return ""
    return reverse("people:edit", args=[duplicate.changing_person_id]) + query


class PersonCreateView(NamesakesMixin, ChiRefusedMixin, PermissionRequiredMixin, ServiceFormView):
    template_name = "people/person_form.html"
    form_class = PersonForm
    permission = Permission.ADD_PERSON
    permission_denied_message = "Only practitioners and team leaders add a person."

    def get_initial(self):
        return {**super().get_initial(), **typed_again(self.request)}

    def save(self, form):
        user = self.request.user
        if user.team_id is None:
            raise PermissionDenied("You need to be in a team to add a person.")
        data = {k: form.cleaned_data[k] for k in services.PERSON_FIELDS}
        return services.person_create(
            actor=user,
            team=user.team,
            allocate_to=user,
            different_person_confirmed=bool(form.cleaned_data.get("different_person")),
            http_request=self.request,
            **data,
        )

    def get_success_message(self, result) -> str:
        return f"{result.display_name} has been added."

    def get_success_url(self) -> str:
        return reverse("people:detail", kwargs={"person_id": self.result.pk})


class PersonEditView(NamesakesMixin, ChiRefusedMixin, PersonRecordMixin, ServiceFormView):
    template_name = "people/person_form.html"
    form_class = PersonForm
    success_message = "Details saved."
    namesakes_shown_as = "the person whose details were being changed"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.person}

    def get_initial(self):
        return {**super().get_initial(), **typed_again(self.request, changing=self.person)}

    def save(self, form):
        changes = {k: form.cleaned_data[k] for k in services.PERSON_FIELDS}
        return services.person_update(
            actor=self.request.user,
            person=self.person,
            expected_version=form.cleaned_data["version"],
            different_person_confirmed=bool(form.cleaned_data.get("different_person")),
            http_request=self.request,
            **changes,
        )

    def get_success_url(self) -> str:
        return reverse("people:detail", kwargs={"person_id": self.person.pk})


class CircleMemberFormView(PersonRecordMixin, ServiceFormView):
    """Add someone to the person's circle, or change their details."""

    template_name = "people/circle_form.html"
    form_class = CircleMemberForm
    member = PersonChild(
        "circle", kwarg="member_id", missing="No such person in this circle.", optional=True
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.member}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        context["return_to"] = self.return_to()
        return context

    def save(self, form):
        fields = {k: form.cleaned_data[k] for k in services.CIRCLE_FIELDS}
        if self.member is None:
            return services.circle_member_add(actor=self.request.user, person=self.person, **fields)
        return services.circle_member_update(
            actor=self.request.user,
            member=self.member,
            expected_version=form.cleaned_data["version"],
            **fields,
        )

    def get_success_message(self, result) -> str:
        if self.member is None:
            return f"{result.name} has been added to the circle."
        return f"Details for {result.name} saved."

    def return_to(self) -> str | None:
        """Where the worker came from on this person's record (step 1 of a conversation
        links here with ?next=…): back there after saving (#16). Only a page of this
        person's record."""
        back = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if not back.startswith(f"/people/{self.person.pk}/") or "//" in back:
            return None
        try:
            resolve(back.split("#")[0])
        except Resolver404:
            return None
        return back

    def get_success_url(self) -> str:
        return self.return_to() or reverse("people:detail", args=[self.person.pk]) + "#circle"


class CircleMemberRemoveView(PersonRecordMixin, TemplateView):
    """Asks first; someone the record refers to is not offered for removal, and a POST to
    remove them is refused with the reason (nothing is removed)."""

    template_name = "people/circle_remove.html"
    member = PersonChild("circle", kwarg="member_id", missing="No such person in this circle.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = context["member"] = self.member
        if "refusal" not in context:
            context["refusal"] = services.circle_member_removal_refused(member)
        return context

    def post(self, request, *args, **kwargs):
        member = self.member
        try:
            services.circle_member_remove(actor=request.user, member=member)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(refusal=" ".join(exc.messages)))
        messages.success(request, f"{member.name} has been removed from the circle.")
        return HttpResponseRedirect(reverse("people:detail", args=[self.person.pk]) + "#circle")


class AllocationFormView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    """Allocating workers is for the team leader of the person's team."""

    permission = Permission.MANAGE_ALLOCATIONS
    permission_denied_message = "Only the team leader of the person's team allocates workers."

    def get_success_url(self) -> str:
        return reverse("people:detail", args=[self.person.pk]) + "#allocations"


class AllocationCreateView(AllocationFormView):
    template_name = "people/allocation_form.html"
    form_class = AllocationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.person.team}

    def save(self, form):
        return services.allocation_start(
            actor=self.request.user, person=self.person, **form.cleaned_data
        )

    def get_success_message(self, result) -> str:
        return f"{result.worker} is now allocated."


def _allocation_of(person, allocation_id):
    return person.allocations.select_related("worker").filter(pk=allocation_id).first()


class AllocationEndView(AllocationFormView):
    template_name = "people/allocation_end.html"
    form_class = EndAllocationForm
    allocation = PersonChild(
        _allocation_of, kwarg="allocation_id", missing="No such allocation for this person."
    )

    def get_initial(self):
        # One starting later cannot end before it starts: its start day, if not today.
        return {"end_date": max(timezone.localdate(), self.allocation.start_date)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["allocation"] = self.allocation
        return context

    def save(self, form):
        return services.allocation_end(
            actor=self.request.user,
            allocation=self.allocation,
            end_date=form.cleaned_data["end_date"],
        )

    def get_success_message(self, result) -> str:
        return f"{self.allocation.worker}'s allocation has ended."


class PossibleDuplicateListView(PermissionRequiredMixin, TemplateView):
    """A team leader's list of possible duplicates raised by their team (#11)."""

    template_name = "people/possible_duplicates.html"
    permission = Permission.REVIEW_POSSIBLE_DUPLICATES
    permission_denied_message = "Only team leaders check possible duplicates."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open"] = list(selectors.open_possible_duplicates(self.request.user))
        context["resolved"] = list(selectors.resolved_possible_duplicates(self.request.user))
        return context


class PossibleDuplicateView(PermissionRequiredMixin, ServiceFormView):
    """One possible duplicate. The worker who typed the CHI number sees what they typed and
    that their team leader has it, nothing about the existing record. A team leader of
    their team also sees which team held that record and, if they may see the person, a
    link; they record what was done (#11)."""

    template_name = "people/possible_duplicate.html"
    form_class = PossibleDuplicateResolveForm
    permission = Permission.VIEW_CASELOAD
    permission_denied_message = "Only practitioners and team leaders hold a caseload."
    success_message = "Recorded as dealt with."

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.duplicate = selectors.possible_duplicate_for(request.user, kwargs["duplicate_id"])
        if self.duplicate is None:
            raise PermissionDenied("This request is not yours or your team's.")
        self.is_team_leader = can(request.user, Permission.REVIEW_POSSIBLE_DUPLICATES)
        if request.method == "POST" and not self.is_team_leader:
            raise PermissionDenied("Only the team leader records what was done.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        duplicate = self.duplicate
        context["duplicate"] = duplicate
        context["is_team_leader"] = self.is_team_leader
        context["team_leaders"] = selectors.team_leaders(duplicate.team_id)
        context["next_step"] = services.possible_duplicate_next_step(duplicate)
        context["go_ahead_url"] = go_ahead_url(self.request.user, duplicate)
        if self.is_team_leader:
            user = self.request.user
            context["existing_team_leaders"] = selectors.team_leaders(duplicate.existing_team_id)
            context["existing_person"] = selectors.visible_person(
                user, duplicate.existing_person_id
            )
            context["changing_person"] = (
                selectors.visible_person(user, duplicate.changing_person_id)
                if duplicate.changing_person_id
                else None
            )
            # The team leader learns which team holds the record: that is in the
            # person's access log too, so "who looked at me" stays complete.
            if self.request.method in ("GET", "HEAD"):
                with transaction.atomic():
                    access_record(
                        actor=user,
                        person_id=duplicate.existing_person_id,
                        action=AccessAction.VIEW,
                        what="people:possible_duplicate",
                        reason=(
                            "Team leader checking a possible duplicate "
                            f"(request {duplicate.pk}); shown the team that holds "
                            "the record"
                        ),
                        request=self.request,
                    )
        return context

    def get_form_kwargs(self):
        by_name = self.duplicate.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH
        changing = self.duplicate.changing_person_id is not None
        return {**super().get_form_kwargs(), "by_name": by_name, "changing": changing}

    def save(self, form):
        return services.possible_duplicate_resolve(
            actor=self.request.user,
            possible_duplicate=self.duplicate,
            resolution=form.cleaned_data["resolution"],
            different_person=bool(form.cleaned_data.get("different_person")),
        )

    def get_success_url(self) -> str:
        return reverse("people:possible_duplicates")


class TeamView(LoginRequiredMixin, TemplateView):
    """A team leader's view of their team: who is in it and how many people each works with."""

    template_name = "people/team.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, Permission.VIEW_TEAM):
            raise PermissionDenied("Only team leaders have a team view.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["team"] = user.team
        context["members"] = list(selectors.team_members_with_caseloads(user.team))
        context["people_count"] = selectors.team_people_count(user)
        context["unallocated"] = unallocated = list(selectors.unallocated_people(user))
        # With who starts when, for anyone whose next worker starts later (not yet allocated).
        starts = selectors.next_starts(p.pk for p in unallocated)
        context["unallocated_rows"] = [
            {"person": p, "starts": starts.get(p.pk)} for p in unallocated
        ]
        context["pending_access"] = list(account_selectors.pending_access_for(user))
        context["handovers"] = handovers = selectors.handovers_to_reassign(user)
        # Everyone named on the page, in one row (SEC-3).
        handed_over = [person for h in handovers for person, _ in h.people]
        log_list_view(self.request, unallocated + [p for p in handed_over if p not in unallocated])
        return context


class DraftsView(PersonRecordMixin, View):
    """The worker's own unsaved text on a page of this person's record (#16, OS-9, SEC-5),
    for ui/static/ui/js/drafts.js: GET ?page=… lists it; POST keeps it (`page`, then
    `draft_key` / `draft_text` pairs). The script asks with X-GT-Draft and gets JSON; a form
    sent again after signing in (accounts' "Send what you typed again") gets the page back
    with the text in its boxes."""

    http_method_names = ["get", "post"]

    def _page(self, value: str) -> str | None:
        prefix = f"/people/{self.person.pk}/"
        if not value.startswith(prefix) or value.startswith(f"{prefix}drafts/"):
            return None
        try:
            resolve(value)
        except Resolver404:
            return None
        return value

    def get(self, request, *args, **kwargs):
        if request.headers.get("X-GT-Draft") != "1":
            # Reached as a page (after signing in again, say): the person's record.
            return redirect("people:detail", person_id=self.person.pk)
        page = self._page(request.GET.get("page", ""))
        if page is None:
            return JsonResponse({"drafts": []})  # no page of this record: nothing kept
        drafts = services.draft_list(actor=request.user, person=self.person, page=page)
        return JsonResponse(
            {
                "drafts": [
                    {"key": d.key, "text": d.text, "saved": presenters.draft_saved_text(d.saved_at)}
                    for d in drafts
                ]
            },
            headers={"Cache-Control": "no-store"},
        )

    def post(self, request, *args, **kwargs):
        page = self._page(request.POST.get("page", ""))
        from_script = request.headers.get("X-GT-Draft") == "1"
        if page is None:
            if from_script:
                return JsonResponse({"kept": 0}, status=400)
            return redirect("people:detail", person_id=self.person.pk)
        boxes = list(
            zip(request.POST.getlist("draft_key"), request.POST.getlist("draft_text"), strict=False)
        )
        try:
            kept = services.draft_save(
                actor=request.user, person=self.person, page=page, boxes=boxes
            )
        except ValidationError:
            return JsonResponse({"kept": 0}, status=400)
        if from_script:
            return JsonResponse({"kept": kept})
        messages.info(
            request, "We kept what you typed: it is back in its box below. It is not saved yet."
        )
        return redirect(page)

"""People pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView

from goldenthread.accounts.rules import can
from goldenthread.conversations import selectors as conversation_selectors
from goldenthread.core.concurrency import StaleEditError

from . import presenters, selectors, services
from .access import PersonRecordMixin, log_list_view
from .forms import AllocationForm, CircleMemberForm, EndAllocationForm, PersonForm


class CaseworkRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "people.view_caseload"):
            raise PermissionDenied("Only practitioners and team leaders hold a caseload.")
        return super().dispatch(request, *args, **kwargs)


class CaseloadView(CaseworkRequiredMixin, ListView):
    """My caseload: people allocated to me (a team leader also sees their team's people)."""

    template_name = "people/caseload.html"
    context_object_name = "people"
    paginate_by = 25

    def get_queryset(self):
        return selectors.caseload(self.request.user, query=self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.get("q", "").strip()
        context["can_add_person"] = can(self.request.user, "people.add_person")
        log_list_view(self.request, context["people"])  # names, dates of birth, CHIs
        return context


class PersonDetailView(PersonRecordMixin, TemplateView):
    template_name = "people/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person
        context["summary_rows"] = presenters.person_summary_rows(
            person, edit_url=reverse("people:edit", args=[person.pk])
        )
        context["circle"] = list(person.circle.all())
        context["recent_conversations"] = list(
            conversation_selectors.conversations_for_person(person)[:5])
        context["outcomes"] = list(person.outcomes.order_by("status", "created_at"))
        allocations = list(person.allocations.select_related("worker"))
        today = timezone.localdate()
        context["current_allocations"] = [a for a in allocations if a.is_active(today)]
        context["past_allocations"] = [a for a in allocations if not a.is_active(today)]
        context["can_manage_allocations"] = can(self.request.user, "people.manage_allocations", person)
        return context


class StaleAwareFormMixin:
    """On a stale save: keep everything typed, show the other person's version, and let
    the editor save again on top of it deliberately (SEC-5)."""

    stale_current = None

    def handle_stale(self, form, exc: StaleEditError):
        self.stale_current = exc.current
        data = form.data.copy()
        data["version"] = str(exc.current.version)
        new_form = self.get_form_class()(data=data, instance=form.instance)
        new_form.is_valid()
        new_form.add_error(
            None,
            "Someone else saved a change after you opened this page. Their version is shown "
            "below. Your changes are still in the form: check them and save again.",
        )
        return self.render_to_response(self.get_context_data(form=new_form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stale_current"] = current = self.stale_current
        if current is not None:
            form = context["form"]
            context["stale_values"] = [
                (field.label, _display(getattr(current, name)))
                for name, field in form.fields.items()
                if name != "version"
            ]
        return context


def _display(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return "" if value is None else str(value)


class PersonCreateView(CaseworkRequiredMixin, FormView):
    template_name = "people/person_form.html"
    form_class = PersonForm

    def form_valid(self, form):
        user = self.request.user
        if user.team_id is None:
            raise PermissionDenied("You need to be in a team to add a person.")
        data = {k: form.cleaned_data[k] for k in services.PERSON_FIELDS}
        try:
            person = services.person_create(
                actor=user, team=user.team, allocate_to=user, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{person.display_name} has been added.")
        return redirect("people:detail", person_id=person.pk)


class PersonEditView(PersonRecordMixin, StaleAwareFormMixin, FormView):
    template_name = "people/person_form.html"
    form_class = PersonForm

    def get_form(self, form_class=None):
        return PersonForm(instance=self.person, **self._form_data())

    def get_form_class(self):
        return PersonForm

    def _form_data(self):
        if self.request.method == "POST":
            return {"data": self.request.POST}
        return {}

    def form_valid(self, form):
        changes = {k: form.cleaned_data[k] for k in services.PERSON_FIELDS}
        try:
            services.person_update(
                actor=self.request.user, person=self.person,
                expected_version=form.cleaned_data["version"], **changes,
            )
        except StaleEditError as exc:
            return self.handle_stale(form, exc)
        messages.success(self.request, "Details saved.")
        return redirect("people:detail", person_id=self.person.pk)


class CircleMemberMixin(PersonRecordMixin):
    def get_member(self):
        member_id = self.kwargs.get("member_id")
        if member_id is None:
            return None
        member = self.person.circle.filter(pk=member_id).first()
        if member is None:
            raise Http404("No such person in this circle.")
        return member


class CircleMemberFormView(CircleMemberMixin, StaleAwareFormMixin, FormView):
    template_name = "people/circle_form.html"

    def get_form_class(self):
        return CircleMemberForm

    def get_form(self, form_class=None):
        self.member = self.get_member()
        kwargs = {"instance": self.member}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return CircleMemberForm(**kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        return context

    def form_valid(self, form):
        fields = {k: form.cleaned_data[k] for k in services.CIRCLE_FIELDS}
        if self.member is None:
            services.circle_member_add(actor=self.request.user, person=self.person, **fields)
            messages.success(self.request, f"{fields['name']} has been added to the circle.")
        else:
            try:
                services.circle_member_update(
                    actor=self.request.user, member=self.member,
                    expected_version=form.cleaned_data["version"], **fields,
                )
            except StaleEditError as exc:
                return self.handle_stale(form, exc)
            messages.success(self.request, f"Details for {fields['name']} saved.")
        return HttpResponseRedirect(reverse("people:detail", args=[self.person.pk]) + "#circle")


class CircleMemberRemoveView(CircleMemberMixin, TemplateView):
    template_name = "people/circle_remove.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.get_member()
        return context

    def post(self, request, *args, **kwargs):
        member = self.get_member()
        services.circle_member_remove(actor=request.user, member=member)
        messages.success(request, f"{member.name} has been removed from the circle.")
        return HttpResponseRedirect(reverse("people:detail", args=[self.person.pk]) + "#circle")


class AllocationMixin(PersonRecordMixin):
    def check_allowed(self):
        if not can(self.request.user, "people.manage_allocations", self.person):
            raise PermissionDenied("Only the team leader of the person's team allocates workers.")


class AllocationCreateView(AllocationMixin, FormView):
    template_name = "people/allocation_form.html"
    form_class = AllocationForm

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["team"] = self.person.team
        return kwargs

    def form_valid(self, form):
        try:
            allocation = services.allocation_start(
                actor=self.request.user, person=self.person, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{allocation.worker} is now allocated.")
        return HttpResponseRedirect(
            reverse("people:detail", args=[self.person.pk]) + "#allocations"
        )


class AllocationEndView(AllocationMixin, FormView):
    template_name = "people/allocation_end.html"
    form_class = EndAllocationForm

    def get_allocation(self):
        allocation = self.person.allocations.select_related("worker").filter(
            pk=self.kwargs["allocation_id"]
        ).first()
        if allocation is None:
            raise Http404("No such allocation for this person.")
        return allocation

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"end_date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["allocation"] = self.get_allocation()
        return context

    def form_valid(self, form):
        allocation = self.get_allocation()
        try:
            services.allocation_end(
                actor=self.request.user, allocation=allocation,
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{allocation.worker}'s allocation has ended.")
        return HttpResponseRedirect(
            reverse("people:detail", args=[self.person.pk]) + "#allocations"
        )


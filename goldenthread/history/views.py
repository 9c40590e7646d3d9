"""Pages of the audit: a record's change history (SEC-4) and break-glass (SEC-3).

These are whole-record views: like the record pages they reach a person only through the
one door (people/access.py), so they live above the domain apps, apart from the audit app
that every domain app writes to (history/apps.py).
"""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from goldenthread.accounts.presenters import team_name
from goldenthread.audit import presenters, selectors, services
from goldenthread.audit.forms import BreakGlassForm, BreakGlassReviewForm, ChangesFilterForm
from goldenthread.core.formatting import datetime_text
from goldenthread.core.permissions import Permission
from goldenthread.people.access import (
    PersonRecordMixin,
    break_glass_hours,
    break_glass_start,
    log_list_view,
    read_break_glass_token,
)
from goldenthread.people.models import Person
from goldenthread.ui.views import PermissionRequiredMixin

ITEM_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
REVIEW_DAYS = 90


class ChangesView(PersonRecordMixin, TemplateView):
    """Changes to this record: every item's before and after, who and when; filter by
    kind of item, or one item (?kind=<app.model>&item=<id>)."""

    template_name = "audit/changes.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person_id = self.person.pk
        kinds = sorted(
            ((k, presenters.kind_label(k)) for k in selectors.change_kinds_for_person(person_id)),
            key=lambda kind: kind[1],
        )
        params = self.request.GET
        form = ChangesFilterForm(params if "kind" in params else None, kinds=kinds)
        kind = form.cleaned_data["kind"] if form.is_bound and form.is_valid() else ""
        item = params.get("item", "").strip()
        item_error = ""
        if item and (not kind or not ITEM_ID.match(item)):
            item_error = "That item could not be found. All changes of this kind are shown."
            item = ""
        changes = selectors.changes_for_person(person_id, object_type=kind, object_id=item)
        page = Paginator(changes, self.paginate_by).get_page(params.get("page"))
        rows = presenters.change_rows(page.object_list, person_id=person_id)
        kind_label = dict(kinds).get(kind, "")
        context.update(
            form=form,
            rows=rows,
            page_obj=page,
            kind=kind,
            item=item,
            item_error=item_error,
            kind_label=kind_label,
            heading=f"Changes to this {kind_label.lower()}" if item else "Changes to this record",
            item_name=rows[0].item_name if item and rows else "",
        )
        return context


class BreakGlassView(LoginRequiredMixin, TemplateView):
    """The form on the refusal page posts here: with a reason, the record opens to this
    worker for a set time (SEC-3)."""

    template_name = "audit/break_glass.html"
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        form = BreakGlassForm(request.POST)
        try:
            person_id, next_path = read_break_glass_token(request.POST.get("token", ""))
        except (signing.BadSignature, KeyError, ValueError):
            return TemplateResponse(request, "audit/break_glass_expired.html", status=400)
        if Person.objects.visible_to(request.user, break_glass=False).filter(pk=person_id).exists():
            return HttpResponseRedirect(next_path)  # a relationship now: nothing to break
        if not form.is_valid():
            return self.render_to_response({"form": form, "hours": break_glass_hours()}, status=403)
        grant = break_glass_start(
            actor=request.user,
            person_id=person_id,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        until = timezone.localtime(grant.until)
        messages.warning(
            request,
            (
                f"You can see this record until {until:%H:%M} on {until.day} {until:%B}. "
                "Everything you open is logged with the reason you gave, and the person's team "
                "leader will review it."
            ),
        )
        return HttpResponseRedirect(next_path)


class BreakGlassReviewView(PermissionRequiredMixin, TemplateView):
    """Break-glass uses on the team's people in the last 90 days, not yet reviewed first,
    each with the reason given; the team leader marks each as reviewed."""

    template_name = "audit/break_glass_review.html"
    permission = Permission.REVIEW_BREAK_GLASS
    permission_denied_message = "This page is for team leaders."

    def team_people(self):
        user = self.request.user
        return Person.objects.visible_to(user, break_glass=False).filter(team_id=user.team_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - datetime.timedelta(days=REVIEW_DAYS)
        uses = list(selectors.break_glass_uses(self.team_people().values("pk"), since=since))
        people = {p.pk: p for p in self.team_people().filter(pk__in={u.person_id for u in uses})}
        counts = selectors.break_glass_page_counts(uses)
        log_list_view(self.request, people.values())
        context.update(
            rows=[
                {
                    "use": u,
                    "person": people.get(u.person_id),
                    "pages": counts.get(u.pk, 0),
                    "review": getattr(u, "review", None),
                    "form": kwargs.get("forms", {}).get(u.pk)
                    or BreakGlassReviewForm(prefix=str(u.pk)),
                }
                for u in uses
                if u.person_id in people
            ],
            to_review=sum(
                1 for u in uses if u.person_id in people and getattr(u, "review", None) is None
            ),
            days=REVIEW_DAYS,
            # Read here, not by the template (#19): the caption above the heading.
            team_name=team_name(self.actor),
        )
        return context

    def post(self, request, *args, **kwargs):
        use = selectors.break_glass_use(request.POST.get("use", ""))
        if use is None or not self.team_people().filter(pk=use.person_id).exists():
            raise PermissionDenied("Only the person's team leader reviews this.")
        if use.actor_id == request.user.pk:
            raise PermissionDenied("Someone else reviews your own break-glass use.")
        form = BreakGlassReviewForm(request.POST, prefix=str(use.pk))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(forms={use.pk: form}))
        try:
            services.break_glass_review(
                actor=request.user, access=use, note=form.cleaned_data["note"]
            )
        except ValueError:
            messages.info(request, "This use had already been reviewed.")
        else:
            messages.success(
                request,
                f"Marked as reviewed: {use.actor_name}, {datetime_text(use.at)}.",
            )
        return redirect(reverse("audit:break_glass_review"))

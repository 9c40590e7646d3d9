"""The support plan's pages for staff (SS-6, P-5): on screen, in easy read and as a PDF.

Their URLs stay with the Support Sequence's, under the "support" namespace
(`support:plan`, `support:plan_easy_read`, `support:plan_pdf`; config/urls.py joins
record/urls.py's patterns to support's). Each view reaches the person through the one door
(PersonRecordMixin: the scoped queryset, the access logged; the PDF logged as an export).
The person's own copies are the portal's (portal/views.py), from the same `build_plan`.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import TemplateView

from goldenthread.audit.models import AccessAction
from goldenthread.core.permissions import Permission, can
from goldenthread.people.access import PersonRecordMixin
from goldenthread.people.person_side import NoPersonsWords, persons_words_for
from goldenthread.support import presenters
from goldenthread.support.readability import measure, text_from_html

from .pdf import render_plan_pdf
from .plan import build_plan
from .plan_media import about_me_on_page


def _plan_context(person, plan, words=None) -> dict:
    """`words`: the person's own words by item (#12), loaded once by the view; the reading
    ease is measured on the plan alone (NoPersonsWords)."""
    return {
        "person": person,
        "plan": plan,
        "status_colours": presenters.STATUS_TAG_COLOUR,
        "persons_words": words if words is not None else persons_words_for(person),
    }


def _about_me_on_page(request, person, plan) -> dict:
    """About me's pictures on a staff page of the plan (#12), through the staff file view
    for a reader who may open it (its own check); named in words for anyone else."""
    if not can(request.user, Permission.ANSWER_CORRECTIONS, person):
        return about_me_on_page(plan, file_url=None, about_me_url="")
    return about_me_on_page(
        plan,
        file_url=lambda media_id: reverse(
            "portal_staff:about_me_media", args=[person.pk, media_id]
        ),
        about_me_url=reverse("portal_staff:about_me", args=[person.pk]),
    )


class PlanView(PersonRecordMixin, TemplateView):
    template_name = "support/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = build_plan(self.person)
        context.update(_plan_context(self.person, plan))
        context.update(_about_me_on_page(self.request, self.person, plan))
        alone = _plan_context(self.person, plan, NoPersonsWords())
        standard = render_to_string("support/_plan_body.html", alone)
        easy = render_to_string("support/_plan_easy_body.html", alone)
        context["reading_ease"] = measure(text_from_html(standard))
        context["easy_reading_ease"] = measure(text_from_html(easy))
        return context


class PlanEasyReadView(PersonRecordMixin, TemplateView):
    template_name = "support/plan_easy_read.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = build_plan(self.person)
        context.update(_plan_context(self.person, plan))
        context.update(_about_me_on_page(self.request, self.person, plan))
        return context


class PlanPdfView(PersonRecordMixin, TemplateView):
    """The plan as a PDF (WeasyPrint), for printing or sharing with the person."""

    access_action = AccessAction.EXPORT

    def get(self, request, *args, **kwargs):
        plan = build_plan(self.person)
        about_me = reverse("portal_staff:about_me", args=[self.person.pk])
        pdf = render_plan_pdf(
            plan,
            context={
                **_plan_context(self.person, plan),
                "about_me_url": request.build_absolute_uri(about_me),
            },
        )
        # No name in the file name: downloads folders, e-mail attachments and print queues
        # show file names to whoever looks (#11).
        filename = f"support-plan-{plan.prepared_on:%Y-%m-%d}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

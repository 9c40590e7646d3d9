"""The support plan's pages for staff (SS-6, P-5): on screen, in easy read and as a PDF.

Their URLs stay with the Support Sequence's, under the "support" namespace
(`support:plan`, `support:plan_easy_read`, `support:plan_pdf`; config/urls.py joins
record/urls.py's patterns to support's). Each view reaches the person through the one door
(PersonRecordMixin: the scoped queryset, the access logged; the PDF logged as an export).
The person's own copies are the portal's (portal/views.py), from the same `build_plan`.

The golden thread's page (REV-4) is here too, under the "reviews" namespace where it has
always been (`reviews:golden_thread`; config/urls.py joins record/urls.py's
golden_thread_urlpatterns to reviews'), from record/thread.py's `build_thread`.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import TemplateView

from goldenthread.audit.models import AccessAction
from goldenthread.core.formatting import date_text
from goldenthread.core.permissions import Permission, can
from goldenthread.people.access import PersonRecordMixin
from goldenthread.people.guards import may_record_for
from goldenthread.people.person_side import NoPersonsWords, persons_words_for
from goldenthread.reviews import presenters as review_presenters
from goldenthread.support import presenters
from goldenthread.support.models import CURRENT_STATUSES
from goldenthread.support.readability import measure, text_from_html
from goldenthread.ui.links import id_url, url_place

from . import thread_html
from .pdf import render_plan_pdf
from .plan import build_plan
from .plan_media import about_me_on_page
from .thread import LinkKind, broken_links, build_thread


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


# --- The golden thread (REV-4): reviews:golden_thread -------------------------------------------


def _link_actions(user, person, links) -> list[dict]:
    """Each broken link, with what can be done about it here (#16): support or a budget
    line left with an outcome that was rewritten or closed can be moved to an open one."""
    may_record = may_record_for(user, person)
    rows = []
    # Each address reversed once per process (ui.links.id_url, #19), as reverse() wrote it.
    place = url_place()
    solution_move = id_url("support:solution_move", ids=2, place=place)
    line_move = id_url("sds:budget_line_move", ids=2, place=place)
    for link in links:
        url = text = ""
        kind, _, pk = link.anchor.partition("-")
        if may_record and link.kind == LinkKind.SUPPORT_NO_OUTCOME and kind == "solution":
            url = solution_move(person.pk, pk)
            text = "Move it to another outcome"
        elif may_record and link.kind == LinkKind.PROVISION_NO_OUTCOME and kind == "provision":
            url = line_move(person.pk, pk)
            text = "Link it to an outcome"
        rows.append({"link": link, "action_url": url, "action_text": text})
    return rows


def _glance(thread, links) -> list[dict]:
    """The thread at a glance (#16): one row per outcome in the thread, what matters →
    outcome → support → review, each step saying whether its link holds. Built from the
    thread already read: no queries."""
    rows = []
    for change in thread.changes:
        sources = [
            f"Not working: “{review_presenters.short(i.text, 60)}”" for i in change.not_working
        ]
        sources += [f"Hope: “{review_presenters.short(i.text, 60)}”" for i in change.aspirations]
        for entry in change.outcomes:
            kinds = {link.kind for link in getattr(entry, "broken", [])}
            current = [
                sol
                for step in entry.steps
                for sol in step.solutions
                if sol.status in CURRENT_STATUSES
            ]
            last = entry.progress[-1] if entry.progress else None
            review_broken = bool(kinds & {LinkKind.NEVER_REVIEWED, LinkKind.PAST_DATE})
            rows.append(
                {
                    "pk": entry.pk,
                    "change": review_presenters.short(change.change.text, 80),
                    "sources": sources,
                    "matters_broken": LinkKind.OUTCOME_NOT_LINKED in kinds,
                    "statement": review_presenters.short(entry.outcome.statement, 120),
                    "status_text": entry.status_text,
                    "status_colour": entry.status_colour,
                    "support": [
                        f"{review_presenters.short(sol.what, 50)} ({sol.status_text.lower()})"
                        for sol in current
                    ],
                    "support_broken": any(getattr(sol, "broken", False) for sol in current)
                    or any(getattr(line, "broken", False) for line in entry.provision),
                    "review": (
                        f"{last.rating_text}, {date_text(last.held_on)}"
                        if last
                        else "Not reviewed yet"
                    ),
                    "review_broken": review_broken,
                    "broken": bool(kinds) or any(getattr(sol, "broken", False) for sol in current),
                }
            )
    return rows


class GoldenThreadView(PersonRecordMixin, TemplateView):
    """REV-4: one page from what matters to review results, with every broken link."""

    template_name = "reviews/golden_thread.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        thread = build_thread(self.person)
        links = broken_links(thread)
        anchors = {link.anchor for link in links}
        for entry in thread.outcomes:
            entry.charts = review_presenters.progress_charts(
                entry.progress, key=entry.outcome.pk.hex[:8], caption="Reviews of this outcome"
            )
            anchor = f"outcome-{entry.pk}"  # once, not once a link (#19)
            entry.broken = [link for link in links if link.anchor == anchor]
            for step in entry.steps:
                for solution in step.solutions:
                    solution.broken = f"solution-{solution.pk}" in anchors
            for line in entry.provision:
                line.broken = f"provision-{line.pk}" in anchors
        first_name = review_presenters.first_name(self.person)
        for entry in thread.outcomes:
            entry.html = thread_html.outcome_block(entry, first_name=first_name)
        context["thread"] = thread
        context["links"] = links
        link_rows = _link_actions(self.request.user, self.person, links)
        glance = _glance(thread, links)
        html = {
            "glance_html": thread_html.glance_html(glance),
            "reviews_html": thread_html.reviews_html(thread.reviews),
            **thread_html.sections_html(thread, link_rows, first_name=first_name),
        }
        # The page's blocks written out (#19): reviews/golden_thread.html prints them.
        context.update(
            thread_html.page_blocks(
                person_name=self.person.display_name,
                first_name=first_name,
                thread=thread,
                link_count=len(links),
                has_glance=bool(glance),
                start_url=id_url("reviews:start")(self.person.pk),
                html=html,
            )
        )
        return context

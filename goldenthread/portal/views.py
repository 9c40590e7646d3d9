"""Pages of the person's own record (/my-record/, P-1..P-3) and the staff pages that serve
it (/people/<id>/own-access/…: invitations, comments, correction requests and answers).

The person's pages reach their record through PortalRecordMixin (portal/access.py), which
opens it through `Person.objects.visible_to` and writes one access row per request; the
staff pages through PersonRecordMixin. Data comes from the same selectors and the same
plan builder as the staff pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView, View

from goldenthread.audit.models import AccessAction
from goldenthread.core.client_address import client_address
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.formatting import datetime_text
from goldenthread.core.permissions import Permission, can
from goldenthread.people.access import PersonChild, PersonRecordMixin, log_list_view
from goldenthread.record.pdf import render_plan_pdf
from goldenthread.record.plan import build_plan
from goldenthread.record.plan_media import about_me_on_page
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, selectors, services
from .access import PortalRecordMixin
from .forms import (
    AboutMeForm,
    AboutMeMediaForm,
    AnswerForm,
    ChallengeForm,
    CommentForm,
    CorrectionForm,
    EndAccessForm,
    InvitationForm,
    JoinForm,
    QuestionAnswerForm,
    QuestionForm,
    ReviewViewForm,
    StaffEndAccessForm,
    WithholdForm,
)
from .models import ABOUT_ME_FIELDS, ANSWER_DUE_DAYS, INVITATION_DAYS, LinkKind, Section
from .reader_words import Reader

# Wrong codes at "set up my account": per address, in 15 minutes.
JOIN_TRIES = 10
JOIN_WINDOW_SECONDS = 15 * 60
ENROL_CODE_SESSION_KEY = "gt_enrol_code"  # accounts.views: the app-linking step's code


# --- The person's pages --------------------------------------------------------------------


class HomeView(PermissionRequiredMixin, TemplateView):
    """Where a person or proxy lands after signing in: their record (or, for a proxy of
    several people, whose record to open)."""

    permission = Permission.USE_OWN_RECORD
    template_name = "portal/home.html"

    def get(self, request, *args, **kwargs):
        links = list(selectors.my_links(request.user))
        if len(links) == 1:
            return redirect("portal:record", links[0].person_id)
        log_list_view(
            request, [link.person_id for link in links], reason="Records this sign-in may open"
        )
        return self.render_to_response(self.get_context_data(links=links))


class RecordView(PortalRecordMixin, TemplateView):
    """Everything written about the person, in the words recorded (P-1, SDS-5)."""

    template_name = "portal/record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = selectors.record_sections(self.person, self.link)
        context["answered"] = [
            c for c in selectors.corrections_for(self.person) if c.status != "waiting"
        ][:5]
        context["shows_who_looked"] = self.link.shows(Section.WHO_LOOKED)
        return context


def _plan_context(person, plan) -> dict:
    """The plan, and the person's own words beside its items (#12), loaded here."""
    return {"person": person, "plan": plan, "persons_words": presenters.PersonsWords(person)}


def _about_me_on_page(person, plan) -> dict:
    """About me's pictures in the plan's page, through the portal's own file view (the
    plan's About me is left out already for a proxy not shown About me, plan_for_link)."""
    return about_me_on_page(
        plan,
        file_url=lambda media_id: reverse("portal:about_me_media", args=[person.pk, media_id]),
        about_me_url=reverse("portal:about_me", args=[person.pk]),
    )


def _persons_plan(person, link=None):
    """The support plan from the staff plan's builder, less anything withheld, and for a
    proxy less the parts of the record not shared with them. Its own words speak to the
    reader: "your budget" to the person, "<name>'s budget" to a proxy (P-1)."""
    plan = build_plan(person, reader=Reader.of(link, person))
    plan.withheld = presenters.plan_without(
        plan, selectors.withheld_texts(person), set(selectors.withheld_keys(person))
    )
    plan.parts_not_shared = presenters.plan_for_link(plan, link)
    return plan


class PlanView(PortalRecordMixin, TemplateView):
    """The support plan, the same document as the staff page (record.plan.build_plan)."""

    section = Section.PLAN
    template_name = "portal/plan.html"
    easy = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = _persons_plan(self.person, self.link)
        context.update(_plan_context(self.person, plan))
        context.update(_about_me_on_page(self.person, plan))
        context["easy"] = self.easy
        # To the person themselves the plan says "you" (reader_words); a proxy's copy names
        # the person. The same in the PDF (PlanPdfView); staff's plan and PDF name the person.
        context["plan_to_you"] = self.reader.is_person
        context["plan_heading"] = self.reader.say(
            ("Your support plan in easy read", "{name}'s support plan in easy read")
            if self.easy
            else ("Your support plan", "{name}'s support plan")
        )
        return context


class PlanPdfView(PortalRecordMixin, TemplateView):
    section = Section.PLAN
    access_action = AccessAction.EXPORT

    def get(self, request, *args, **kwargs):
        plan = _persons_plan(self.person, self.link)
        about_me = reverse("portal:about_me", args=[self.person.pk])
        pdf = render_plan_pdf(
            plan,
            context={
                **_plan_context(self.person, plan),
                "about_me_url": request.build_absolute_uri(about_me),
                # The PDF speaks to its reader as the page does (P-1): "you" to the person,
                # the person's name to a proxy (and the words beside items, plan_words).
                "reader": self.reader,
                "plan_to_you": self.reader.is_person,
            },
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="support-plan-{plan.prepared_on:%Y-%m-%d}.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response


class ItemMixin(PortalRecordMixin):
    """The item named by ?item=<app.Model>:<id>, of this person's record, or 404."""

    def dispatch(self, request, *args, **kwargs):
        self.item_ref = request.GET.get("item") or request.POST.get("item") or ""
        return super().dispatch(request, *args, **kwargs)

    def requested_section(self, request) -> str | None:
        """The section of the item named, so a proxy asking about an item of a part not
        shared with them is refused before the record is opened (#12)."""
        from .items import item_type

        kind = item_type(self.item_ref.partition(":")[0])
        return kind.section if kind else self.section

    @property
    def item(self):
        if not hasattr(self, "_item"):
            self._item = selectors.record_item(self.person, self.item_ref, self.reader)
            if self._item is None or not self.link.shows(self._item.kind.section):
                raise Http404("There is no such item on your record.")
        return self._item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.item
        context["summary_rows"] = [{"key": k, "value": v} for k, v in self.item.rows]
        return context

    def get_back_url(self) -> str:
        return reverse("portal:record", args=[self.person.pk])

    def get_success_url(self) -> str:
        return reverse("portal:record", args=[self.person.pk]) + f"#item-{self.item.obj.pk}"


class CommentView(ItemMixin, ServiceFormView):
    form_class = CommentForm
    template_name = "portal/item_form.html"
    heading_text = "Add your comment"
    submit_label = "Add my comment"
    back_text = "Back to your record"
    success_message = "Your comment is added. Your worker will see it."
    proxy_words = {
        "back_text": "Back to {name}'s record",
        "success_message": "Your comment is added. {name}'s worker will see it.",
    }
    proxy_fields = {
        "text": {
            "help_text": "Say it in your own words. {name}'s worker will see it next to this "
            "part of their record. Nobody can change it."
        }
    }

    def save(self, form):
        return services.comment_add(
            actor=self.request.user,
            person=self.person,
            label=self.item.kind.label,
            item_id=str(self.item.obj.pk),
            text=form.cleaned_data["text"],
            submission_token=form.cleaned_data["submission_token"],
        )


class ChallengeView(ItemMixin, ServiceFormView):
    """Challenge a decision: recorded as a challenge (accountability), answered within 5
    working days at the first stage, on the team's open challenges list (#12, ACC-2)."""

    form_class = ChallengeForm
    template_name = "portal/item_form.html"
    heading_text = "Challenge this decision"
    intro = (
        "Your worker or their team leader must answer within 5 working days. "
        "If you are still unhappy, it can go further."
    )
    submit_label = "Send my challenge"
    back_text = "Back to your record"
    success_message = "Your challenge is sent. You will see the answer on your record."
    proxy_words = {
        "intro": "{name}'s worker or their team leader must answer within 5 working days. "
        "If you are still unhappy, it can go further.",
        "back_text": "Back to {name}'s record",
        "success_message": "Your challenge is sent. You will see the answer on {name}'s record.",
    }

    def save(self, form):
        if self.item.kind.label != "sds.Decision":
            raise ValidationError("Only a decision can be challenged here.")
        return services.decision_challenge(
            actor=self.request.user,
            person=self.person,
            item_id=str(self.item.obj.pk),
            details=form.cleaned_data["details"],
            wanted=form.cleaned_data["wanted"],
            submission_token=form.cleaned_data["submission_token"],
        )


class CorrectionView(ItemMixin, ServiceFormView):
    form_class = CorrectionForm
    template_name = "portal/item_form.html"
    heading_text = "Ask for a correction"
    intro = (
        f"Your worker or their team leader must answer within {ANSWER_DUE_DAYS} days. "
        "They will either correct your record or tell you why not."
    )
    submit_label = "Send my request"
    back_text = "Back to your record"
    success_message = "Your request is sent. You will see the answer on your record."
    proxy_words = {
        "intro": f"{{name}}'s worker or their team leader must answer within {ANSWER_DUE_DAYS} "
        "days. They will either correct the record or say why not.",
        "back_text": "Back to {name}'s record",
        "success_message": "Your request is sent. You will see the answer on {name}'s record.",
    }

    def save(self, form):
        data = form.cleaned_data
        return services.correction_ask(
            actor=self.request.user,
            person=self.person,
            label=self.item.kind.label,
            item_id=str(self.item.obj.pk),
            what_is_wrong=data["what_is_wrong"],
            should_say=data["should_say"],
            submission_token=data["submission_token"],
        )


class RequestsView(PortalRecordMixin, TemplateView):
    """Everything asked on the person's record, by them or for them, with where it has
    got to: correction requests and their answers (P-2), and challenges and complaints
    with their stage and steps (ACC-2)."""

    template_name = "portal/requests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        corrections, challenges = selectors.requests_for(self.person, self.link)
        context["corrections"] = corrections
        context["challenges"] = presenters.challenge_rows(challenges, reader=self.reader)
        return context


class WhoLookedView(PortalRecordMixin, TemplateView):
    """Who has looked at or changed the record, from the access log (P-3, SEC-3)."""

    section = Section.WHO_LOOKED
    template_name = "portal/who_looked.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.who_looked(
            self.person, reader=self.reader, reader_id=self.request.user.pk
        )
        context["questions"] = selectors.questions_shown_to_person(self.person)
        return context


class AskWhyView(PortalRecordMixin, ServiceFormView):
    """ "Why did this person look?", about one row of the log: to a team leader."""

    section = Section.WHO_LOOKED
    form_class = QuestionForm
    heading_text = "Ask why someone looked"
    submit_label = "Send my question"
    back_text = "Back"
    success_message = "Your question is sent to a team leader."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = selectors.log_row(self.person, self.kwargs["log_id"])
        if row is None:
            raise Http404("No such entry.")
        context["summary_rows"] = [
            {"key": "Who", "value": selectors.log_row_name(row)},
            {"key": "When", "value": datetime_text(row.at)},
            {"key": "Why they gave", "value": row.reason},
        ]
        return context

    def get_back_url(self) -> str:
        return reverse("portal:who_looked", args=[self.person.pk])

    get_success_url = get_back_url

    def save(self, form):
        return services.question_ask(
            actor=self.request.user,
            person=self.person,
            log_id=self.kwargs["log_id"],
            question=form.cleaned_data["question"],
        )


class AccessView(PortalRecordMixin, TemplateView):
    """Who can sign in to see this record; the person ends a proxy's access here."""

    template_name = "portal/access.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = list(selectors.links_for(self.person))
        context["links"] = presenters.access_rows(
            [lk for lk in links if lk.ended_at is None],
            reader=self.reader,
            user=self.request.user,
        )
        # The person sees whose access has ended, when and why (a proxy does not).
        context["ended"] = (
            [lk for lk in links if lk.ended_at is not None] if self.reader.is_person else []
        )
        context["may_end"] = self.link.kind == "self"
        return context


class EndAccessView(PortalRecordMixin, ServiceFormView):
    """The person ends someone's access to their record; a proxy may end only their own
    (services.link_end's rule): the form of another's is refused them, as its POST is."""

    form_class = EndAccessForm
    heading_text = "End someone's access to your record"
    submit_label = "End their access"
    back_text = "Back"
    success_message = "Their access has ended."
    proxy_words = {
        "heading_text": "End your access to {name}'s record",
        "submit_label": "End my access",
        "success_message": "Your access to {name}'s record has ended.",
    }

    def link_refusal(self, link, kwargs) -> str | None:
        if link.kind == LinkKind.SELF or str(link.pk) == str(kwargs["link_id"]):
            return None
        return "Only the person can end someone else's access to their record."

    def get_back_url(self) -> str:
        return reverse("portal:access", args=[self.person.pk])

    get_success_url = get_back_url

    @property
    def target(self):
        link = (
            # An ended one too: ending it again is refused by the service, with a message.
            selectors.links_for(self.person).filter(pk=self.kwargs["link_id"]).first()
        )
        if link is None:
            raise Http404("No such access.")
        return link

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.target
        if target.user_id == self.request.user.pk:
            context["intro"] = (
                f"You will no longer be able to see {self.person.display_name}'s record."
            )
        else:
            context["intro"] = (
                f"{target.user.get_full_name() or target.user.username} "
                "will no longer be able to see your record."
            )
        return context

    def save(self, form):
        return services.link_end(
            actor=self.request.user, link=self.target, reason=form.cleaned_data["reason"]
        )


@method_decorator(
    [never_cache, sensitive_post_parameters("code", "new_password1", "new_password2")],
    name="dispatch",
)
class JoinView(ServiceFormView):
    """Set up a sign-in with the invitation code: a username and password of one's own,
    then (as for staff) an authenticator app."""

    form_class = JoinForm
    heading_text = "Set up your sign-in"
    intro = f"Use the code your worker gave you. It works once, for {INVITATION_DAYS} days."
    submit_label = "Set up my sign-in"
    service_error_field = "new_password1"

    def _throttle_key(self) -> str:
        return f"portal-join:{client_address(self.request) or ''}"

    def post(self, request, *args, **kwargs):
        if cache.get(self._throttle_key(), 0) >= JOIN_TRIES:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, "Too many tries. Wait 15 minutes and try again.")
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def refused(self, form, exc: ValidationError):
        if "code" in getattr(exc, "error_dict", {}):
            key = self._throttle_key()
            cache.add(key, 0, JOIN_WINDOW_SECONDS)
            cache.incr(key)
        return super().refused(form, exc)

    def save(self, form):
        data = form.cleaned_data
        user, _link, set_up = services.invitation_accept(
            code=data["code"], username=data["username"], password=data["new_password1"]
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session[ENROL_CODE_SESSION_KEY] = str(set_up.pk)
        return user

    def get_success_message(self, result) -> str:
        if settings.GOLDENTHREAD_REQUIRE_2FA:
            return "Your password is set. Now link an app on your phone for sign-in codes."
        return "Your sign-in is set up."

    def get_success_url(self) -> str:
        if settings.GOLDENTHREAD_REQUIRE_2FA:
            return reverse("accounts:setup_second_factor")
        return reverse("portal:home")


# --- Staff pages ---------------------------------------------------------------------------


class OwnAccessView(PersonRecordMixin, TemplateView):
    """The person's own access, for the worker: who can sign in, invitations, the
    person's comments and their correction requests."""

    template_name = "portal/staff_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = selectors.record_sections(self.person)
        context["commented"] = [i for s in sections for i in s.items if i.comments]
        context["corrections"] = list(selectors.corrections_for(self.person))
        context["links"] = list(selectors.links_for(self.person))
        context["invitations"] = list(selectors.invitations_for(self.person)[:10])
        context["withholdings"] = list(selectors.withholdings_for(self.person))
        context["may_see_access_log"] = can(
            self.request.user, Permission.VIEW_ACCESS_LOG, self.person
        )
        context["may_end_access"] = can(self.request.user, Permission.ANSWER_CORRECTIONS)
        return context


class StaffWhoLookedView(PersonRecordMixin, PermissionRequiredMixin, TemplateView):
    """Who looked at or changed the record (#15, SEC-3), for the person's team leader and
    their allocated worker: the person's own page's rows (selectors.look_row), in staff
    words, with the page or API route and the token used. Opening it is logged like any
    page of the record (PersonRecordMixin), so it is in the log it shows."""

    permission = Permission.VIEW_ACCESS_LOG
    permission_denied_message = (
        "Only the team leader of the person's team and the worker allocated to them see "
        "who looked at the record."
    )
    template_name = "portal/staff_who_looked.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.access_log_of(self.person), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context["page_obj"] = page
        context["rows"] = selectors.look_rows(page.object_list, for_staff=True)
        context["questions"] = list(selectors.questions_for(self.person))
        return context


class InviteView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    permission = Permission.ANSWER_CORRECTIONS
    form_class = InvitationForm
    template_name = "portal/invite.html"
    heading_text = "Invite them to see their record"
    intro = (
        "The person, or someone acting for them, gets a one-time code. It works once, "
        f"for {INVITATION_DAYS} days."
    )
    submit_label = "Make the code"

    def get_back_url(self) -> str:
        return reverse("portal_staff:overview", args=[self.person.pk])

    def save(self, form):
        data = form.cleaned_data
        return services.invitation_issue(
            actor=self.request.user,
            person=self.person,
            kind=data["kind"],
            name=data["name"],
            channel=data["channel"],
            email=data["email"] or "",
            relationship=data["relationship"] or "",
            basis=data["basis"] or "",
            legal_reference=data["legal_reference"] or "",
            valid_until=data["valid_until"],
            hidden_sections=data["hidden_sections"],
            young_person_agreed_on=data["young_person_agreed_on"],
            young_person_agreement=data["young_person_agreement"] or "",
        )

    def saved(self, form, result):
        return self.response_class(
            request=self.request,
            template="portal/invitation_made.html",
            context={
                "person": self.person,
                "issued": result,
                "page_label": self.person.display_name,
            },
            using=self.template_engine,
        )


class StaffEndAccessView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    """A worker for the person ends a proxy's access to the person's record (an
    arrangement that should stop), with the reason: the same service as the person's own
    page and the API's `record-links/{id}/end` (services.link_end), which refuses a
    worker who may not change the record and access that has ended already, writes the
    change history and tells the person."""

    permission = Permission.ANSWER_CORRECTIONS
    form_class = StaffEndAccessForm
    submit_label = "End their access"
    success_message = "Their access has ended. The person is told in their messages."
    target = PersonChild(
        lambda person, link_id: (
            selectors.links_for(person).filter(pk=link_id, kind=LinkKind.PROXY).first()
        ),
        kwarg="link_id",
        missing="No such access to this person's record.",
    )

    def get_heading_text(self) -> str:
        user = self.target.user
        return f"End {user.get_full_name() or user.username}'s access to the record"

    def get_initial(self):
        return {"version": self.target.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading_text"] = self.get_heading_text()
        context["intro"] = (
            f"They will no longer be able to sign in to see {self.person.display_name}'s "
            "record. This cannot be undone: to give access again, invite them again."
        )
        context["summary_rows"] = [
            {"key": k, "value": v} for k, v in presenters.link_rows(self.target) if v
        ]
        return context

    def get_back_url(self) -> str:
        return reverse("portal_staff:overview", args=[self.person.pk])

    get_success_url = get_back_url

    def save(self, form):
        return services.link_end(
            actor=self.actor,
            link=self.target,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )


class _AnswerView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    """A worker answers what the person asked (a correction, a question about who looked
    at their record): what they asked is shown above the form, a row a line."""

    permission = Permission.ANSWER_CORRECTIONS
    submit_label = "Send the answer"
    success_message = "Your answer is recorded. The person will see it."

    def asked(self) -> list[tuple[str, str]]:
        """What the person asked, as (key, value) rows."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary_rows"] = [{"key": k, "value": v} for k, v in self.asked()]
        return context

    def get_success_url(self) -> str:
        """Once answered, back where the worker came from."""
        return self.get_back_url()


class CorrectionAnswerView(_AnswerView):
    form_class = AnswerForm
    heading_text = "Answer a request for a correction"
    correction = PersonChild(
        "correction_requests", kwarg="correction_id", missing="No such request for this person."
    )

    def get_initial(self):
        return {"version": self.correction.version, "new_text": self.correction.should_say}

    def asked(self) -> list[tuple[str, str]]:
        c = self.correction
        return [
            ("What it said", c.item_text),
            ("What is wrong", c.what_is_wrong),
            ("What they say it should say", c.should_say or "Not given"),
            ("Days waited", f"{c.days_waited()} of {ANSWER_DUE_DAYS}"),
        ]

    def get_back_url(self) -> str:
        return reverse("portal_staff:overview", args=[self.person.pk])

    def save(self, form):
        data = form.cleaned_data
        return services.correction_answer(
            actor=self.request.user,
            correction=self.correction,
            accept=data["decision"] == "accept",
            answer=data["answer"],
            new_text=data["new_text"],
            expected_version=data["version"],
        )


class WorklistView(PermissionRequiredMixin, TemplateView):
    """Requests for corrections not yet answered, for the people this worker or team
    leader works with, with the days waited against one month."""

    permission = Permission.ANSWER_CORRECTIONS
    template_name = "portal/worklist.html"

    def logged(self, waiting, reason: str) -> list:
        """The rows `waiting(user)` reads, the people they are about logged as seen in a
        list, with `reason`."""
        rows = list(waiting(self.request.user))
        log_list_view(self.request, [r.person_id for r in rows], reason=reason)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = self.logged(
            selectors.waiting_corrections, "Corrections waiting for an answer"
        )
        context["due_days"] = ANSWER_DUE_DAYS
        context["questions"] = self.logged(
            selectors.waiting_questions, "Questions about who looked, waiting for an answer"
        )
        withholdings = self.logged(
            selectors.waiting_withholdings, "Withholdings waiting for a team leader's agreement"
        )
        context["withholdings"] = [
            {"row": w, "grounds": w.get_grounds_display(), "asked": w.created_at}
            for w in withholdings
        ]
        return context


class QuestionAnswerView(_AnswerView):
    form_class = QuestionAnswerForm
    heading_text = "Answer: why did this person look?"
    question = PersonChild(
        "access_questions", kwarg="question_id", missing="No such question for this person."
    )

    def get_initial(self):
        return {"version": self.question.version}

    def asked(self) -> list[tuple[str, str]]:
        q = self.question
        return [
            ("Who looked", q.about),
            ("When", datetime_text(q.looked_at)),
            ("The question", q.question),
        ]

    def get_back_url(self) -> str:
        return reverse("portal_staff:worklist")

    def save(self, form):
        return services.question_answer(
            actor=self.request.user,
            question=self.question,
            answer=form.cleaned_data["answer"],
            expected_version=form.cleaned_data["version"],
        )


class WithholdView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    """A named worker proposes to withhold one item; a team leader must agree."""

    permission = Permission.ANSWER_CORRECTIONS
    form_class = WithholdForm
    template_name = "portal/withhold.html"
    heading_text = "Withhold an item from the person"
    intro = (
        "Only if seeing it would be likely to cause serious harm, or it would identify "
        "someone else who has not agreed. Nothing is hidden until a team leader agrees. "
        "The person will see that something is withheld and when it will be looked at "
        "again."
    )
    submit_label = "Ask a team leader to agree"
    success_message = "Your request to withhold it is recorded. A team leader must agree."

    def dispatch(self, request, *args, **kwargs):
        self.item_ref = request.GET.get("item") or ""
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.item_ref:  # choose the item first
            context["sections"] = selectors.record_sections(self.person)
            return context
        item = selectors.staff_item(self.person, self.item_ref)
        if item is None:
            raise Http404("No such item on this record.")
        context["item"] = item
        context["summary_rows"] = [{"key": k, "value": v} for k, v in item.rows]
        return context

    def get_back_url(self) -> str:
        return reverse("portal_staff:overview", args=[self.person.pk])

    get_success_url = get_back_url

    def post(self, request, *args, **kwargs):
        if selectors.staff_item(self.person, self.item_ref) is None:
            raise Http404("No such item on this record.")
        return super().post(request, *args, **kwargs)

    def save(self, form):
        label, _, item_id = self.item_ref.partition(":")
        data = form.cleaned_data
        return services.withholding_propose(
            actor=self.request.user,
            person=self.person,
            label=label,
            item_id=item_id,
            grounds=data["grounds"],
            reason=data["reason"],
            review_on=data["review_on"],
        )


class WithholdingDecideView(PersonRecordMixin, PermissionRequiredMixin, View):
    """POST: a team leader agrees to a withholding, or a worker ends one (reconsidered)."""

    permission = Permission.ANSWER_CORRECTIONS
    http_method_names = ["post"]
    withholding = PersonChild(
        "withholdings", kwarg="withholding_id", missing="No such withholding for this person."
    )

    def post(self, request, *args, **kwargs):
        try:
            if request.POST.get("action") == "agree":
                services.withholding_agree(actor=request.user, withholding=self.withholding)
                messages.success(request, "You agreed. The item is withheld from the person.")
            else:
                services.withholding_end(actor=request.user, withholding=self.withholding)
                messages.success(request, "The person can see the item again.")
        except (PermissionDenied, StaleEditError) as exc:
            messages.error(request, str(exc) or "That could not be done. Try again.")
        except ValidationError as exc:  # ended already, or agreed already
            messages.error(request, " ".join(exc.messages))
        return redirect("portal_staff:overview", self.person.pk)


class ReviewViewView(PortalRecordMixin, ServiceFormView):
    """The person's own view and rating at a review, before or after the meeting."""

    section = Section.REVIEWS
    form_class = ReviewViewForm
    heading_text = "Give your view for your review"
    intro = (
        "Say how you think things are going. Your worker sees your view next to "
        "theirs. It does not replace what they wrote."
    )
    submit_label = "Send my view"
    back_text = "Back to your record"
    success_message = "Your view is added to your review."
    proxy_words = {
        "heading_text": "Give {name}'s view for their review",
        "intro": "Say how {name} thinks things are going. Their worker sees this view next "
        "to theirs. It does not replace what the worker wrote.",
        "back_text": "Back to {name}'s record",
        "submit_label": "Send {name}'s view",
        "success_message": "The view is added to {name}'s review.",
    }
    proxy_fields = {
        "in_their_words": {
            "label": "What does {name} think?",
            "help_text": "In the words {name} would use. Their worker sees it next to theirs. "
            "Nobody can change it.",
        }
    }

    @property
    def review(self):
        review = selectors.review_of(self.person, self.kwargs["review_id"])
        if review is None:
            raise Http404("No such review.")
        return review

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "outcomes": selectors.outcomes_for_views(self.review),
            "reader": self.reader,
        }

    def get_back_url(self) -> str:
        return reverse("portal:record", args=[self.person.pk]) + "#reviews"

    get_success_url = get_back_url

    def save(self, form):
        data = form.cleaned_data
        return services.review_view_give(
            actor=self.request.user,
            person=self.person,
            review_id=self.review.pk,
            outcome_id=data["outcome"],
            in_their_words=data["in_their_words"],
            rating=data["rating"],
            submission_token=data["submission_token"],
        )


class AboutMeMixin(ServiceFormView):
    """About me (P-4): shown with its history, edited by the person, their proxy or a
    worker with them; a stale save shows the other version and keeps what was typed."""

    form_class = AboutMeForm
    template_name = "portal/about_me.html"
    heading_text = "About me"
    submit_label = "Save About me"
    success_message = "About me is saved."

    @property
    def about(self):
        if not hasattr(self, "_about"):
            self._about = selectors.about_me(self.person)
        return self._about

    def get_initial(self):
        about = self.about
        if about is None:
            return {"version": 0}
        return {
            **{name: getattr(about, name) for name in ABOUT_ME_FIELDS},
            "version": about.version,
        }

    def get_stale_values(self, current, form):
        return [
            (str(form.fields[name].label), getattr(current, name) or "Nothing written")
            for name in ABOUT_ME_FIELDS
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["about"] = self.about
        context["history"] = selectors.about_me_history_rows(
            self.person, self.about, for_person=self.for_person
        )
        context["media"] = selectors.about_me_media(self.person)
        context["media_url_name"] = self.media_url_name
        context["add_media_url"] = reverse(self.add_media_url_name, args=[self.person.pk])
        return context

    def save(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.about_me_save(
            actor=self.request.user, person=self.person, expected_version=version, **data
        )

    def get_success_url(self) -> str:
        return self.request.path


class AboutMeView(PortalRecordMixin, AboutMeMixin):
    section = Section.ABOUT_ME
    back_text = "Back to your record"
    proxy_words = {
        "heading_text": "About me: {name}'s page",
        "back_text": "Back to {name}'s record",
    }
    for_person = True
    media_url_name = "portal:about_me_media"
    add_media_url_name = "portal:about_me_media_add"

    def get_back_url(self) -> str:
        return reverse("portal:record", args=[self.person.pk])


class StaffAboutMeView(PersonRecordMixin, PermissionRequiredMixin, AboutMeMixin):
    permission = Permission.ANSWER_CORRECTIONS
    back_text = "Their own access"
    for_person = False
    media_url_name = "portal_staff:about_me_media"
    add_media_url_name = "portal_staff:about_me_media_add"

    def get_back_url(self) -> str:
        return reverse("portal_staff:overview", args=[self.person.pk])


# --- About me: pictures, sound and video ---------------------------------------------------


class AboutMeMediaAddMixin(ServiceFormView):
    form_class = AboutMeMediaForm
    template_name = "portal/about_me_media_add.html"
    heading_text = "Add a picture, sound recording or video"
    submit_label = "Add it to About me"
    success_message = "It is added to About me."
    service_error_field = "upload"

    def save(self, form):
        return services.about_me_media_add(
            actor=self.request.user,
            person=self.person,
            upload=form.cleaned_data["upload"],
            description=form.cleaned_data["description"],
        )

    def get_success_url(self) -> str:
        return self.get_back_url()


class AboutMeMediaAddView(PortalRecordMixin, AboutMeMediaAddMixin):
    section = Section.ABOUT_ME
    back_text = "Back to About me"

    def get_back_url(self) -> str:
        return reverse("portal:about_me", args=[self.person.pk])


class StaffAboutMeMediaAddView(PersonRecordMixin, PermissionRequiredMixin, AboutMeMediaAddMixin):
    permission = Permission.ANSWER_CORRECTIONS
    back_text = "Back to About me"

    def get_back_url(self) -> str:
        return reverse("portal_staff:about_me", args=[self.person.pk])


class AboutMeMediaMixin(View):
    """GET: the file, as a download (shown in the page by <img>, <audio> or <video>), never
    as a page: its checked type, Content-Disposition, nosniff and a sandbox. POST: take it
    off About me. The record was opened (and the access logged) by the record mixin."""

    http_method_names = ["get", "post"]

    @property
    def media(self):
        found = selectors.about_me_media_item(self.person, self.kwargs["media_id"])
        if found is None:
            raise Http404("No such picture, sound or video on this record.")
        return found

    def get(self, request, *args, **kwargs):
        media = self.media
        extension = media.file.name.rsplit(".", 1)[-1]
        response = FileResponse(
            media.file.open("rb"),
            content_type=media.content_type,
            as_attachment=True,
            filename=f"about-me-{media.created_at:%Y-%m-%d}-{str(media.pk)[:8]}.{extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response

    def post(self, request, *args, **kwargs):
        try:
            services.about_me_media_remove(actor=request.user, media=self.media)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "It is taken off About me.")
        return redirect(self.back_url_name, self.person.pk)


class AboutMeMediaView(PortalRecordMixin, AboutMeMediaMixin):
    section = Section.ABOUT_ME
    back_url_name = "portal:about_me"


class StaffAboutMeMediaView(PersonRecordMixin, PermissionRequiredMixin, AboutMeMediaMixin):
    permission = Permission.ANSWER_CORRECTIONS
    back_url_name = "portal_staff:about_me"

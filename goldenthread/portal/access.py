"""The boundary between the person's own record and the staff service (P-1, SEC-2).

- `PortalBoundaryMiddleware`: an account of a supported person or a proxy reaches only the
  portal (`/my-record/`), the sign-in steps and the public pages. Any other address is
  refused (403) with one DENIED row in the access log, naming the person if the address
  does. Staff pages never see these accounts, whatever they check themselves. Under
  /api/ the refusal is problem+json, as every answer of the API is.
- `PortalRecordMixin`: the portal's pages about one person, under
  `/my-record/<person_id>/…`. Only a person or proxy account is let in, and only to a
  record it is linked to now (`Person.objects.visible_to`, the one door), with one access
  row for the request (a change's once its answer is known, as on the staff pages); a proxy is refused a section the person has kept from them.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from goldenthread.accounts.models import Role
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_denied
from goldenthread.core.problems import is_api_request, problem
from goldenthread.people.access import (
    SAFE_METHODS,
    NoRelationship,
    answer_without_the_record,
    find_person_record,
    logged_change,
    open_person_record,
    takes_the_record,
)

from .models import RecordLink
from .reader_words import Reader

PORTAL_ROLES = (Role.PERSON, Role.PROXY)

# What a person or proxy account may reach outside the portal.
OPEN_TO_PORTAL_ACCOUNTS = {
    "core:home",
    "core:accessibility",
    "core:privacy",
    "accounts:login",
    "accounts:verify",
    "accounts:enrolment_code",
    "accounts:setup_second_factor",
    "accounts:setup_email_codes",
    "accounts:confirm_email_codes",
    "accounts:send_email_code",
    "accounts:set_up",
    "accounts:logout",
    "accounts:restore",
    # Their own messages: plain words naming no one, each leading to their record (#12).
    "accounts:notifications",
}


def is_portal_account(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and getattr(user, "role", None) in PORTAL_ROLES
    )


class PortalBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_portal_account(getattr(request, "user", None)):
            return None
        match = request.resolver_match
        if match is None:
            return None
        if "portal" in match.namespaces or match.view_name in OPEN_TO_PORTAL_ACCOUNTS:
            return None
        person_id = view_kwargs.get("person_id")
        access_denied(
            actor=request.user,
            person_id=person_id,
            what=match.view_name or request.path[:200],
            request=request,
            reason="A staff page: not open to a person's or proxy's sign-in",
        )
        if is_api_request(request):
            return problem(
                request,
                403,
                "The API is for staff. Your own record is at /my-record/ when you are signed in.",
            )
        raise PermissionDenied("This page is for staff.")


class PortalRecordMixin(LoginRequiredMixin):
    """For views under /my-record/<person_id>/…: sets self.person and self.link."""

    section: str | None = None  # a part of the record a proxy may be kept from
    access_action: AccessAction | None = None
    # A page's words as a proxy reads them, by context key ("back_text", "intro", …, and
    # "success_message"), naming the person with {name}: the page's own are to the person.
    proxy_words: dict[str, str] = {}
    # The form's words as a proxy reads them: {field: {"label": …, "help_text": …}}.
    proxy_fields: dict[str, dict[str, str]] = {}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        what = request.resolver_match.view_name
        person_id = kwargs["person_id"]
        if not is_portal_account(request.user):
            access_denied(
                actor=request.user,
                person_id=person_id,
                what=what,
                request=request,
                reason="The person's own pages: staff use the record pages",
            )
            raise NoRelationship(person_id)
        link = (
            RecordLink.objects.current()
            .filter(user_id=request.user.pk, person_id=person_id)
            .first()
        )
        section = self.requested_section(request)
        if link is not None and section and not link.shows(section):
            access_denied(
                actor=request.user,
                person_id=person_id,
                what=what,
                request=request,
                reason="A part of the record the person has not shared",
            )
            raise PermissionDenied("The person has not shared this part of their record.")
        refusal = self.link_refusal(link, kwargs) if link is not None else None
        if refusal:
            access_denied(
                actor=request.user, person_id=person_id, what=what, request=request, reason=refusal
            )
            raise PermissionDenied(refusal)
        # The one door: Person.objects.visible_to, and one access row (or a refusal): a
        # read's at once, a change's once its answer is known (people.access.logged_change).
        reads = request.method in SAFE_METHODS
        takes_record = takes_the_record(self, request)
        if reads and takes_record:
            self.person = open_person_record(
                request, person_id, what=what, action=self.access_action
            )
        else:
            self.person = find_person_record(request, person_id, what=what)
        if not takes_record:  # OPTIONS, or a method the page does not take: no row
            return answer_without_the_record(self, request)
        self.link = link
        self.reader = Reader.of(link, self.person)
        if reads:
            return super().dispatch(request, *args, **kwargs)
        return logged_change(
            request,
            lambda: super(PortalRecordMixin, self).dispatch(request, *args, **kwargs),
            person_id=self.person.pk,
            reason=self.person.access_reason,  # why the user may (find_person_record)
            break_glass=self.person.opened_by_break_glass,
        )

    def link_refusal(self, link: RecordLink, kwargs: dict) -> str | None:
        """Why this sign-in's link may not use this page at all (refused, GET and POST
        alike, before the record is opened, with one DENIED row), or None."""
        return None

    def requested_section(self, request) -> str | None:
        """The part of the record this request is about, checked against a proxy's scope
        before the record is opened (so a refusal is one DENIED row, never a VIEW row)."""
        return self.section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        context["link"] = self.link
        context["is_proxy"] = self.link is not None and self.link.kind == "proxy"
        context["reader"] = self.reader
        if not self.reader.is_person:
            for key, words in self.proxy_words.items():
                if key in context:
                    context[key] = self.reader.say(("", words))
        return context

    def get_form(self, *args, **kwargs):
        """A form page's form (ui.views.ServiceFormView), its words to its reader."""
        form = super().get_form(*args, **kwargs)
        if not self.reader.is_person:
            for name, words in self.proxy_fields.items():
                for attr, text in words.items():
                    setattr(form.fields[name], attr, self.reader.say(("", text)))
        return form

    def get_success_message(self, result) -> str:
        """The page's message once saved (ui.views.ServiceFormView), to its reader."""
        own = str(getattr(self, "success_message", ""))
        if self.reader.is_person or "success_message" not in self.proxy_words:
            return own
        return self.reader.say((own, self.proxy_words["success_message"]))

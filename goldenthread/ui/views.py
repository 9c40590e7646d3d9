"""The parts every page is built from (#17): one way to check a role, one way to reach an
item of the page's record, and one form page.

- `SignedInMixin`: the page is for signed-in users; `self.actor` is the user, typed as
  the `User` a service's `actor` takes (#17 item 8: request.user is typed
  `User | AnonymousUser`).
- `PermissionRequiredMixin`: a signed-in user without `permission` is refused (403);
  anyone else is asked to sign in. Permissions are the `Permission` enum (accounts).
- `ChildOr404`: `view.need` is the item named in the address that belongs to the page's
  record (`view.person`), read once per request; anything else is a 404.
- `ServiceFormView`: scope (the view's mixins) → form → service → redirect, with the one
  way a service's refusal reaches the form (`apply_service_errors`), the one stale-save
  path (SEC-5: a message, the other person's version shown, everything typed kept, the
  version updated, so saving again is a deliberate choice) and the one htmx autosave
  answer (`autosave_status`).

A person's pages compose these with people.access.PersonRecordMixin (one access-log row
per request; break-glass), which comes first so the record is opened, and the access
logged, before anything else is asked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import FormView

from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.formatting import date_text
from goldenthread.core.permissions import Permission, can

from .forms.choices import read_choices_in
from .forms.errors import apply_service_errors

if TYPE_CHECKING:  # accounts sits above ui: the type only (docs/architecture.md)
    from goldenthread.accounts.models import User

STALE_MESSAGE = (
    "Someone else saved a change after you opened this page. Their version is shown below. "
    "Your changes are still in the form: check them and save again."
)
# The same form sent twice (ui.forms.OneTimeTokenForm, core.services.create_once).
REPEATED_MESSAGE = (
    "This was sent already. The form was sent twice, so it is kept once: nothing new was added."
)
# For the questionnaires, where each answer has its own version.
STALE_ANSWERS_MESSAGE = (
    "Someone else saved answers after you opened this page. Their answers are shown beside "
    "each question. Your answers are still in the form: check them and save again."
)


def autosave_status(
    request: HttpRequest, *, version: int | None = None, stale: bool = False, invalid=None
) -> TemplateResponse:
    """The answer to an autosave (htmx) request: a short live-region message, and on
    success the record's new version for the form, so the next save is checked against it
    (OS-9, SEC-5)."""
    return TemplateResponse(
        request,
        "ui/partials/autosave_status.html",
        {
            "version": version,
            "stale": stale,
            "invalid": invalid,
            "saved_at": timezone.localtime(),
        },
    )


def display_value(instance, name: str) -> str:
    """A stored field as words, for showing the other person's version: a choice by its
    label, yes/no, a date written out, nothing for empty."""
    getter = getattr(instance, f"get_{name}_display", None)
    value = getter() if callable(getter) else getattr(instance, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return date_text(value)
    return "" if value is None else str(value)


# --- Roles --------------------------------------------------------------------------------


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, who must be signed in: the one who acts on a staff page."""
    user = request.user
    if not user.is_authenticated:  # the mixins' dispatch() sent them to sign in already
        raise PermissionDenied("Sign in to use this page.")
    return user


class SignedInMixin(LoginRequiredMixin):
    """A page for signed-in users only; `actor` is who acts (for a service's `actor`)."""

    request: HttpRequest

    @property
    def actor(self) -> User:
        return signed_in_user(self.request)


class PermissionRequiredMixin(SignedInMixin):
    """The one role check on a page: `can(user, permission, get_permission_object())`.

    On a person's page put it after PersonRecordMixin: the record is opened and the access
    logged first (a refusal then leaves the same one access-log row as any other request),
    and the permission is asked about that person."""

    permission: Permission | None = None
    permission_denied_message = "Your role cannot use this page."

    def get_permission_object(self) -> Any:
        return None

    def dispatch(self, request, *args, **kwargs):
        if self.permission is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no permission.")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, self.permission, self.get_permission_object()):
            return self.handle_no_permission()  # signed in: PermissionDenied (403)
        return super().dispatch(request, *args, **kwargs)


# --- An item of the page's record -----------------------------------------------------------


class ChildOr404:
    """A view attribute: the item whose id is in the address (`kwarg`) and that belongs to
    the view's `parent` record, or 404 with `missing`. Read once per request.

    `lookup` is the name of the parent's related manager ("unmet_needs") or a function
    (parent, id) → item or None, such as a selector. With `optional`, an address without
    the id gives None (a page that adds or changes)."""

    def __init__(
        self,
        lookup: str | Callable[[Any, Any], Any],
        *,
        kwarg: str,
        missing: str,
        parent: str,
        optional: bool = False,
    ) -> None:
        self.lookup, self.kwarg, self.missing = lookup, kwarg, missing
        self.parent, self.optional = parent, optional
        self.name = ""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, view, owner=None):
        if view is None:
            return self
        if self.name not in view.__dict__:
            view.__dict__[self.name] = self.find(view)
        return view.__dict__[self.name]

    def find(self, view):
        item_id = view.kwargs.get(self.kwarg)
        if item_id is None and self.optional:
            return None
        parent = getattr(view, self.parent)
        if isinstance(self.lookup, str):
            item = getattr(parent, self.lookup).filter(pk=item_id).first()
        else:
            item = self.lookup(parent, item_id)
        if item is None:
            raise Http404(self.missing)
        return item


# --- The form page ------------------------------------------------------------------------


class ReadChoicesMixin:
    """The page's forms have their record choices read before the template renders (#19,
    ui/forms/choices.py): no query runs from inside the template."""

    def render_to_response(self, context, **response_kwargs):
        read_choices_in(context)
        return super().render_to_response(context, **response_kwargs)  # type: ignore[misc]


class ServiceFormView(ReadChoicesMixin, FormView):
    """scope → form → service → redirect.

    A subclass gives the form (`form_class`, `get_form_kwargs`) and `save(form)`, which
    calls the service and returns what it saved (`self.result` afterwards). Then:
    - saved: `success_message` (or `get_success_message`) and a redirect to
      `get_success_url()`; the same form sent again (a `repeated_submission`: its one-time
      token made the row already) goes there too, with `repeated_message`;
    - the service refuses (ValidationError): its messages beside the fields
      (`apply_service_errors`; messages about no field of this form go to
      `service_error_field`, the top of the form unless named);
    - a stale save (StaleEditError): the page again, with `stale_message`, the other
      person's version (`get_stale_values`), everything typed kept and the form's
      `version_field` set to the stored version; or, where someone else's change leaves
      nothing to save again (a decision already taken: `stale_redirect_message`), back to
      `get_stale_redirect_url()` with that message;
    - with `autosave`, an htmx request gets `autosave_status` for each of these instead.

    The default template, ui/form_page.html, shows `heading_text`, `intro`, the form and
    `submit_label`, with a back link (`get_back_url`, `back_text`) and `page_label` above
    the heading.
    """

    template_name = "ui/form_page.html"
    heading_text = ""
    intro = ""
    submit_label = "Save"
    back_text = ""
    success_message = ""
    repeated_message = REPEATED_MESSAGE
    service_error_field: str | None = None
    stale_message = STALE_MESSAGE
    stale_redirect_level = messages.WARNING
    version_field = "version"
    autosave = False

    stale_current = None
    result: Any = None  # what save() returned, once it has run

    # --- the form

    def get_form(self, form_class=None, *, data=None):
        """The page's form; with `data`, bound to it instead of the request's."""
        kwargs = self.get_form_kwargs()
        if data is not None:
            kwargs["data"] = data
        return (form_class or self.get_form_class())(**kwargs)

    def form_valid(self, form):
        try:
            self.result = self.save(form)
        except StaleEditError as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            return self.refused(form, exc)
        return self.saved(form, self.result)

    def save(self, form):  # pragma: no cover - every page defines it
        raise NotImplementedError(f"{type(self).__name__}.save() calls the service.")

    # --- the answers

    def is_autosave(self) -> bool:
        return bool(self.autosave and getattr(self.request, "htmx", False))

    def saved(self, form, result):
        if self.is_autosave():
            return autosave_status(self.request, version=getattr(result, "version", None))
        if getattr(result, "repeated_submission", False):
            # The same form sent again (ui.forms.OneTimeTokenForm): where the first went.
            messages.info(self.request, self.repeated_message)
            return HttpResponseRedirect(self.get_success_url())
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_message(self, result) -> str:
        return self.success_message

    def refused(self, form, exc: ValidationError):
        apply_service_errors(form, exc, default_field=self.service_error_field)
        return self.form_invalid(form)

    def form_invalid(self, form):
        if self.is_autosave():
            return autosave_status(self.request, invalid=form)
        return super().form_invalid(form)

    def stale(self, form, exc: StaleEditError):
        if self.is_autosave():
            return autosave_status(self.request, stale=True)
        message = self.stale_redirect_message(exc.current)
        if message:
            messages.add_message(self.request, self.stale_redirect_level, message)
            return HttpResponseRedirect(self.get_stale_redirect_url())
        self.stale_current = exc.current
        return self.render_to_response(
            self.get_context_data(form=self.stale_form(form, exc.current))
        )

    def stale_form(self, form, current):
        """What was typed, now against the stored version, with the message on top."""
        data = form.data.copy()
        data[form.add_prefix(self.version_field)] = str(
            current.version if current.pk is not None else 0
        )
        new_form = self.get_form(data=data)
        new_form.is_valid()
        new_form.add_error(None, self.stale_message)
        return new_form

    def stale_redirect_message(self, current) -> str:
        """Where someone else's change means there is nothing left to save again (they
        took the decision this form takes): what to say on going back. "" (the default):
        show the form again."""
        return ""

    def get_stale_redirect_url(self) -> str:
        return self.request.path

    def get_stale_values(self, current, form) -> list[tuple[str, str]]:
        """The other person's version, question by question, for the page to show."""
        if form is None:
            return []
        return [
            (field.label, display_value(current, name))
            for name, field in form.fields.items()
            if name != self.version_field and hasattr(current, name)
        ]

    # --- the page

    def get_back_url(self) -> str:
        return ""

    def get_page_label(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for key, value in (
            ("heading_text", self.heading_text),
            ("intro", self.intro),
            ("submit_label", self.submit_label),
            ("back_url", self.get_back_url()),
            ("back_text", self.back_text),
            ("page_label", self.get_page_label()),
        ):
            context.setdefault(key, value)
        current = context["stale_current"] = self.stale_current
        if current is not None:
            context["stale_values"] = self.get_stale_values(current, context.get("form"))
        return context

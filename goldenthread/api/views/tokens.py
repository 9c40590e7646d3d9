"""Your API tokens (/account/api-tokens/): make one (shown once), see them, revoke one."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from goldenthread.core.formatting import date_text
from goldenthread.ui.templatetags.ui import form_error_list  # noqa: F401  (used by templates)

from .. import selectors, services
from ..forms import TokenForm


def _date(value) -> str:
    return date_text(value)


def token_rows(user) -> list[dict]:
    now = timezone.now()
    rows = []
    for token in selectors.tokens_of(user):
        if token.revoked_at is not None:
            status, colour = f"Revoked {_date(token.revoked_at)}", "grey"
        elif token.expires_at <= now:
            status, colour = f"Expired {_date(token.expires_at)}", "grey"
        else:
            status, colour = "Working", "green"
        rows.append(
            {
                "token": token,
                "status": status,
                "colour": colour,
                "live": token.is_live(now),
                "scope": token.get_scope_display(),
                "made": _date(token.created_at),
                "expires": _date(token.expires_at),
                "last_used": _date(token.last_used_at) or "Not used yet",
            }
        )
    return rows


class StaffOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_hold_token(request.user):
            raise PermissionDenied("API tokens are for staff.")
        return super().dispatch(request, *args, **kwargs)


class TokensView(StaffOnlyMixin, TemplateView):
    template_name = "api/tokens.html"

    def form(self, data=None) -> TokenForm:
        initial = {"expires_on": timezone.localdate() + datetime.timedelta(days=90)}
        return TokenForm(data, initial=initial, may_write=services.may_write(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context["rows"] = token_rows(self.request.user)
        context["max_days"] = services.max_days()
        context["may_write"] = services.may_write(self.request.user)
        context["api_example_url"] = self.request.build_absolute_uri(reverse("api:people"))
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                issued = services.api_token_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                # Shown in this answer only: never stored, never in a redirect or a message.
                return self.render_to_response(
                    self.get_context_data(form=self.form(), issued=issued)
                )
        return self.render_to_response(self.get_context_data(form=form))


class RevokeView(StaffOnlyMixin, View):
    def post(self, request, *args, **kwargs):
        token = selectors.token_of(request.user, request.POST.get("token", ""))
        if token is None:
            raise Http404("No such token of yours.")
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
        return HttpResponseRedirect(reverse("api_tokens:list"))

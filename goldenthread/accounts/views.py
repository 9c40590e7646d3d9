"""Sign in (password, then a security code), sign out, and the team leader's team view."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.rules import can
from goldenthread.people import selectors
from goldenthread.people.access import log_list_view

from .forms import SignInForm, TokenForm

NEXT_SESSION_KEY = "gt_next"


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)  # rotates the session key
        if settings.GOLDENTHREAD_REQUIRE_2FA:
            self.request.session[NEXT_SESSION_KEY] = self.get_redirect_url()
            return redirect("accounts:verify")
        return response


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class VerifyView(LoginRequiredMixin, FormView):
    """Second step of sign-in: the code from the authenticator app."""

    template_name = "accounts/verify.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
            if self.device is None:
                return redirect("accounts:setup_second_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def form_valid(self, form):
        otp_login(self.request, self.device)
        return redirect(_safe_next(self.request, self.request.session.pop(NEXT_SESSION_KEY, None)))


class SetupSecondFactorView(LoginRequiredMixin, FormView):
    """First sign-in: link an authenticator app by scanning a QR code or typing the key."""

    template_name = "accounts/setup_second_factor.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
                return redirect("accounts:verify")
            self.device = (
                TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
                or TOTPDevice.objects.create(
                    user=request.user, name="Authenticator app", confirmed=False
                )
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        import base64

        context = super().get_context_data(**kwargs)
        secret = base64.b32encode(self.device.bin_key).decode().rstrip("=")
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr_svg"] = segno.make(self.device.config_url, error="m").svg_inline(
            scale=5, title="QR code for your authenticator app", border=2
        )
        return context

    def form_valid(self, form):
        self.device.confirmed = True
        self.device.save(update_fields=["confirmed"])
        otp_login(self.request, self.device)
        messages.success(self.request, "Your authenticator app is set up.")
        return redirect(_safe_next(self.request, self.request.session.pop(NEXT_SESSION_KEY, None)))


class TeamView(LoginRequiredMixin, TemplateView):
    """A team leader's view of their team: who is in it and how many people each works with."""

    template_name = "accounts/team.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "accounts.view_team"):
            raise PermissionDenied("Only team leaders have a team view.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["team"] = user.team
        context["members"] = selectors.team_members_with_caseloads(user.team)
        context["people_count"] = selectors.team_people_count(user)
        context["unallocated"] = unallocated = list(selectors.unallocated_people(user))
        log_list_view(self.request, unallocated)
        return context

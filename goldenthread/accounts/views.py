"""Sign in (password, then a security code), setting up an account or an app with a
one-time code, sign out, casework access decisions, and a form kept across an expired
session. (The team leader's team view names people: people.views.TeamView.)"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView, View
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.core.permissions import Permission, can
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, services
from . import selectors as account_selectors
from .forms import (
    AccessDecisionForm,
    AccountSetUpForm,
    EmailCodesForm,
    EnrolmentCodeForm,
    SignInForm,
    TokenForm,
)
from .models import AccessStatus

NEXT_SESSION_KEY = "gt_next"
ENROL_CODE_SESSION_KEY = "gt_enrol_code"


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _after_sign_in_url(request, candidate: str | None) -> str:
    """Where a fully signed-in person goes: back to a form they lost when their session
    ended, if there is one kept for them; else where they were going."""
    if services.form_stash_waiting(user=request.user):
        return reverse("accounts:restore")
    return _safe_next(request, candidate)


def _finish_sign_in(request, candidate: str | None):
    return redirect(_after_sign_in_url(request, candidate))


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)  # rotates the session key
        if settings.GOLDENTHREAD_REQUIRE_2FA:
            self.request.session[NEXT_SESSION_KEY] = self.get_redirect_url()
            device = services.confirmed_device(self.request.user)
            if isinstance(device, EmailDevice):
                _send_email_code(self.request, device)
            return redirect("accounts:verify")
        if services.form_stash_waiting(user=self.request.user):
            return redirect("accounts:restore")
        return response


def _send_email_code(request, device: EmailDevice) -> bool:
    try:
        services.email_code_send(user=request.user, device=device)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    except OSError:  # the mail server did not take it (smtplib's errors are OSErrors)
        messages.error(
            request, "We could not send the e-mail just now. Wait a minute and ask again."
        )
        return False
    messages.info(
        request, f"We have sent a 6-digit code to {services.masked_email(device.email or '')}."
    )
    return True


class SignOutView(auth_views.LogoutView):
    """Signing out is a POST with the form's token (the header's Sign out button). The
    address opened from a link, a bookmark or typed in (a GET) never signs anyone out: it
    shows a page with the Sign out button."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/sign_out.html")


class VerifyView(LoginRequiredMixin, FormView):
    """Second step of sign-in: the code from the authenticator app."""

    template_name = "accounts/verify.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = services.confirmed_device(request.user)
            if self.device is None:
                return redirect("accounts:setup_second_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if isinstance(self.device, EmailDevice):
            context["email_to"] = services.masked_email(self.device.email or "")
            context["minutes"] = settings.OTP_EMAIL_TOKEN_VALIDITY // 60
        return context

    def form_valid(self, form):
        otp_login(self.request, self.device)
        return _finish_sign_in(self.request, self.request.session.pop(NEXT_SESSION_KEY, None))


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class EnrolmentCodeView(LoginRequiredMixin, FormView):
    """Before linking an app: the one-time code issued to this person. With their own
    password (they are signed in with it) this proves it is them, not whoever reset it."""

    template_name = "accounts/enrolment_code.html"
    form_class = EnrolmentCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and services.has_second_factor(request.user):
            return redirect("accounts:verify")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        row = services.sign_in_code_check(
            user=self.request.user,
            purpose=services.CodePurpose.SECOND_FACTOR,
            code=form.cleaned_data["code"],
        )
        if row is None:
            form.add_error(
                "code",
                "That code is not right, or it has expired or been used. "
                "Check it, or ask an administrator for a new one.",
            )
            return self.form_invalid(form)
        self.request.session[ENROL_CODE_SESSION_KEY] = str(row.pk)
        return redirect("accounts:setup_second_factor")


def _enrol(view, *, ask_again: str, done: str):
    """Make the device the view has confirmed (`view.device`) the person's second factor,
    with the one-time code held in this session (`view.code_id`), and finish signing in;
    back to the code page when that code has been used or has expired meanwhile."""
    request = view.request
    try:
        services.second_factor_enrol(user=request.user, device=view.device, code_id=view.code_id)
    except PermissionDenied:
        request.session.pop(ENROL_CODE_SESSION_KEY, None)
        messages.error(request, f"That one-time code has been used or has expired. {ask_again}")
        return redirect("accounts:enrolment_code")
    request.session.pop(ENROL_CODE_SESSION_KEY, None)
    otp_login(request, view.device)
    messages.success(request, done)
    return _finish_sign_in(request, request.session.pop(NEXT_SESSION_KEY, None))


@method_decorator(never_cache, name="dispatch")
class SetupSecondFactorView(LoginRequiredMixin, FormView):
    """Link an authenticator app by scanning a QR code or typing the key: only with a
    one-time code issued to this person (never on a password alone)."""

    template_name = "accounts/setup_second_factor.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if services.has_second_factor(request.user):
                return redirect("accounts:verify")
            self.code_id = request.session.get(ENROL_CODE_SESSION_KEY)
            if services.enrolment_allowed(user=request.user, code_id=self.code_id) is None:
                request.session.pop(ENROL_CODE_SESSION_KEY, None)
                return redirect("accounts:enrolment_code")
            self.device = TOTPDevice.objects.filter(
                user=request.user, confirmed=False
            ).first() or TOTPDevice.objects.create(
                user=request.user, name="Authenticator app", confirmed=False
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        secret = base64.b32encode(self.device.bin_key).decode().rstrip("=")
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr_svg"] = segno.make(self.device.config_url, error="m").svg_inline(
            scale=5, title="QR code for your authenticator app", border=2
        )
        context["email_codes_allowed"] = services.may_use_email_codes(self.request.user)
        return context

    def form_valid(self, form):
        return _enrol(
            self,
            ask_again="Ask an administrator for a new one.",
            done="Your authenticator app is set up.",
        )


class EmailCodesMixin(LoginRequiredMixin):
    """Only a person or proxy, with the one-time code that lets them set up sign-in codes
    in this session, and no way set up yet."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if services.has_second_factor(request.user):
                return redirect("accounts:verify")
            if not services.may_use_email_codes(request.user):
                messages.info(request, "Staff sign in with an authenticator app.")
                return redirect("accounts:setup_second_factor")
            self.code_id = request.session.get(ENROL_CODE_SESSION_KEY)
            if services.enrolment_allowed(user=request.user, code_id=self.code_id) is None:
                request.session.pop(ENROL_CODE_SESSION_KEY, None)
                return redirect("accounts:enrolment_code")
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class SetupEmailCodesView(EmailCodesMixin, FormView):
    """No smartphone: a person or proxy gets each sign-in code by e-mail. First their
    address, proved by the code sent to it."""

    template_name = "accounts/setup_email_codes.html"
    form_class = EmailCodesForm

    def get_initial(self):
        device = EmailDevice.objects.filter(user=self.request.user, confirmed=False).first()
        return {"email": (device.email if device else "") or self.request.user.email}

    def form_valid(self, form):
        try:
            services.email_codes_start(
                user=self.request.user, email=form.cleaned_data["email"], code_id=self.code_id
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("email", message)
            return self.form_invalid(form)
        messages.info(
            self.request,
            f"We have sent a 6-digit code to {services.masked_email(form.cleaned_data['email'])}.",
        )
        return redirect("accounts:confirm_email_codes")


@method_decorator([never_cache, sensitive_post_parameters("token")], name="dispatch")
class ConfirmEmailCodesView(EmailCodesMixin, FormView):
    template_name = "accounts/confirm_email_codes.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = EmailDevice.objects.filter(user=request.user, confirmed=False).first()
            if self.device is None:
                return redirect("accounts:setup_email_codes")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email_to"] = services.masked_email(self.device.email or "")
        context["minutes"] = settings.OTP_EMAIL_TOKEN_VALIDITY // 60
        return context

    def form_valid(self, form):
        return _enrol(
            self,
            ask_again="Ask your worker for a new one.",
            done="Sign-in codes by e-mail are set up.",
        )


class SendEmailCodeView(LoginRequiredMixin, View):
    """POST: send a new sign-in code by e-mail (signing in, or setting codes up)."""

    http_method_names = ["post"]

    def post(self, request):
        device = services.confirmed_device(request.user)
        if isinstance(device, EmailDevice):
            if not request.user.is_verified():
                _send_email_code(request, device)
            return redirect("accounts:verify")
        pending = EmailDevice.objects.filter(user=request.user, confirmed=False).first()
        code_id = request.session.get(ENROL_CODE_SESSION_KEY)
        if (
            device is None
            and pending is not None
            and services.may_use_email_codes(request.user)
            and services.enrolment_allowed(user=request.user, code_id=code_id) is not None
        ):
            _send_email_code(request, pending)
            return redirect("accounts:confirm_email_codes")
        return redirect("accounts:verify")


@method_decorator(
    [never_cache, sensitive_post_parameters("code", "new_password1", "new_password2")],
    name="dispatch",
)
class AccountSetUpView(ServiceFormView):
    """A new account or a forgotten password: choose your own password with your code."""

    template_name = "accounts/account_set_up.html"
    form_class = AccountSetUpForm
    service_error_field = "new_password1"  # what the password rules say goes by the password
    success_message = "Your password is set."

    def save(self, form):
        data = form.cleaned_data
        user, row = services.account_set_up(
            username=data["username"], code=data["code"], password=data["new_password1"]
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session[ENROL_CODE_SESSION_KEY] = str(row.pk)
        return user

    def get_success_url(self) -> str:
        if settings.GOLDENTHREAD_REQUIRE_2FA:
            return reverse("accounts:verify")
        return _after_sign_in_url(self.request, None)


class CaseworkAccessView(PermissionRequiredMixin, TemplateView):
    """Who was given access to casework: who asked, who approved, when; and the access
    waiting for a second person's approval. Administrators see every team; team leaders,
    their own."""

    template_name = "accounts/casework_access.html"
    permission = Permission.VIEW_CASEWORK_ACCESS
    permission_denied_message = "Only administrators and team leaders see who was given access."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        grants = account_selectors.casework_access_for(user)
        context["pending"] = [
            (grant, services.can_decide(user, grant), presenters.grant_row(grant))
            for grant in grants
            if grant.status == AccessStatus.PENDING
        ]
        context["history"] = [
            presenters.grant_row(grant) for grant in grants if grant.status != AccessStatus.PENDING
        ]
        context["decision_form"] = AccessDecisionForm()
        context["is_team_leader"] = can(user, Permission.VIEW_TEAM)
        return context


class CaseworkAccessDecideView(PermissionRequiredMixin, View):
    http_method_names = ["post"]
    permission = Permission.VIEW_CASEWORK_ACCESS
    permission_denied_message = "Only administrators and team leaders see who was given access."

    def post(self, request, grant_id):
        grant = account_selectors.casework_access_for(request.user).filter(pk=grant_id).first()
        if grant is None:
            raise Http404("No such access request.")
        form = AccessDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose to approve or refuse.")
            return redirect("accounts:access")
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.casework_access_approve(actor=request.user, grant=grant, note=data["note"])
                messages.success(request, f"Access approved for {grant.user}.")
            else:
                services.casework_access_refuse(actor=request.user, grant=grant, note=data["note"])
                messages.success(request, f"Access refused for {grant.user}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("accounts:access")


@method_decorator(never_cache, name="dispatch")
class RestoreFormView(LoginRequiredMixin, TemplateView):
    """After signing in again: what this person typed before their session ended, to send
    again if they choose. Shown once; never to anyone else."""

    template_name = "accounts/restore_form.html"

    def get(self, request, *args, **kwargs):
        stash = services.form_stash_take(user=request.user)
        if stash is None or not _is_internal_path(stash.path):
            messages.info(request, "There was nothing waiting to be sent again.")
            return redirect(settings.LOGIN_REDIRECT_URL)
        context = self.get_context_data(
            stash=stash,
            rows=presenters.stashed_field_rows(stash.fields),
            hidden=[(name, value) for name, values in stash.fields.items() for value in values],
        )
        return self.render_to_response(context)


def _is_internal_path(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//"):
        return False
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


class NotificationsView(LoginRequiredMixin, TemplateView):
    """The user's own notifications (ACC-3): newest first; those shown are marked read."""

    template_name = "accounts/notifications.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        from .models import Notification
        from .notifications import closed_links, mark_read

        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "all")
        notes = Notification.objects.filter(user=self.request.user)
        if show == "unread":
            notes = notes.filter(read_at__isnull=True)
        else:
            show = "all"
        shown = list(notes[: self.page_size])
        closed = closed_links(self.request.user, [n.url for n in shown])
        context["notes"] = rows = [
            {
                "note": n,
                "when": presenters.datetime_text(n.at, joiner=", "),
                "unread": n.read_at is None,
                "closed": n.url in closed,
            }
            for n in shown
        ]
        context["show"] = show
        mark_read(self.request.user, [r["note"] for r in rows])
        return context

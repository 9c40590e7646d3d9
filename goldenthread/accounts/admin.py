"""Administrators manage teams, areas and users here. No named person's record is
registered in the admin: administrators never see case content (SPEC section 0).

Every write goes through `accounts.services` (audited, append-only change history), never
the admin's own save: save_model, save_related, delete_model and delete_queryset are all
overridden. Administrators never set or see a password or an authenticator key: they
issue one-time codes, and casework access they ask for needs a second person's approval
(#11)."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.core.formatting import date_text
from goldenthread.ui.forms import Form, ModelForm, ServiceMessages, asks_for

from . import services
from .models import CASEWORK_ROLES, AccessStatus, Area, CaseworkAccess, Role, Team, User

ISSUED_CODE_TEMPLATE = "admin/accounts/user/code_issued.html"
REASON_TEMPLATE = "admin/accounts/user/reason_form.html"


def _is_administrator(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.role == Role.ADMINISTRATOR)


class AdminActionForm(ServiceMessages, ActionForm):
    """The list's "Action" choice, its messages in the service's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        asks_for(self.fields["action"], "an action")  # its label is "Action:"


class AdministratorOnly:
    """Only administrators (the role, not Django's permissions) use these pages. Their
    forms say what is wrong in the service's words, as every page's do (ADR 0008): the
    service's ModelForm under the admin's own (`form`, unless the admin names its own built
    on it), and its action form."""

    form: type[forms.ModelForm[Any]] = ModelForm
    action_form = AdminActionForm

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_add_permission(self, request):
        return _is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return _is_administrator(request)


class SeenOnly(AdministratorOnly):
    """Administrators see these records here and never add, change or remove them (the
    pages and services that do it ask for a reason and audit it)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceWrites:
    """The service saved everything the form holds in save_model. These forms have no
    many-to-many fields or inlines; one added later must get its own service, so refuse
    rather than let it be saved without an audit row."""

    def save_related(self, request, form, formsets, change):
        many_to_many = [
            name
            for name in form.fields
            if name in {f.name for f in form._meta.model._meta.many_to_many}
        ]
        if many_to_many or formsets:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: save {many_to_many or 'inlines'} through a service."
            )


class SavedByServices(ServiceWrites):
    """Adding, changing and deleting go through the accounts services named after
    `saved_as` (`<saved_as>_save`, `<saved_as>_delete`), with the signed-in user as actor:
    one at a time, so each gets its own audit row."""

    saved_as = ""

    def _service(self, verb: str):
        return getattr(services, f"{self.saved_as}_{verb}")

    def save_model(self, request, obj, form, change):
        self._service("save")(actor=request.user, **{self.saved_as: obj})

    def delete_model(self, request, obj):
        self._service("delete")(actor=request.user, **{self.saved_as: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# --- Users ---------------------------------------------------------------------------------

REASON_HELP = "Kept in the change history, which nobody can edit."


class _UserFormChecks:
    def clean(self):
        cleaned = super().clean()
        role, team = cleaned.get("role"), cleaned.get("team")
        if role in CASEWORK_ROLES and team is None:
            self.add_error("team", "Practitioners and team leaders belong to a team: choose one.")
        if role in (Role.PERSON, Role.PROXY) and cleaned.get("is_staff"):
            self.add_error("is_staff", "A supported person or proxy never uses the admin.")
        return cleaned


class UserAddForm(_UserFormChecks, ModelForm):
    """A new account has no password: the person sets their own with a one-time code."""

    reason = asks_for(
        forms.CharField(
            label="Why this account is needed",
            max_length=300,
            help_text=REASON_HELP,
            error_messages={"required": "Say why this account is needed."},
        ),
        "the reason",
    )

    class Meta:
        model = User
        # Adding an account never makes a superuser.
        fields = tuple(name for name in services.USER_FIELDS if name != "is_superuser")


class UserChangeForm(_UserFormChecks, ModelForm):
    reason = asks_for(
        forms.CharField(
            label="Why (needed when the role or team changes)",
            max_length=300,
            required=False,
            help_text=REASON_HELP,
        ),
        "the reason",
    )

    class Meta:
        model = User
        fields = services.USER_FIELDS

    def clean(self):
        cleaned = super().clean()
        if ({"role", "team"} & set(self.changed_data)) and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                "Say why the role or team is changing: a new role or team "
                "needs a second person to approve access to records.",
            )
        return cleaned


class ReasonForm(Form):
    reason = asks_for(
        forms.CharField(
            label="Why",
            max_length=300,
            help_text=REASON_HELP,
            error_messages={"required": "Say why: it is kept in the history."},
        ),
        "the reason",
    )


class LeaverForm(ReasonForm):
    last_day = forms.DateField(
        label="Last working day",
        help_text="Today or earlier: their account closes now, and their allocations end "
        "on this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter their last working day.",
            "invalid": "Enter the last working day as a date.",
        },
    )


@admin.register(User)
class UserAdmin(AdministratorOnly, ServiceWrites, admin.ModelAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "team",
        "is_active",
        "access_status",
    )
    list_filter = ("role", "team", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name", "username")
    readonly_fields = ("is_active", "last_login", "date_joined", "sign_in")
    fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        ("Role in Golden Thread", {"fields": ("role", "team", "job_title", "reason")}),
        ("Admin site", {"fields": ("is_staff", "is_superuser")}),
        ("Sign-in", {"fields": ("is_active", "sign_in", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        ("Role in Golden Thread", {"fields": ("role", "team", "job_title", "is_staff", "reason")}),
    )

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Leavers are closed, never deleted: their name stays on what they recorded.
        return False

    @admin.display(description="Access to records")
    def access_status(self, user):
        if user.role not in CASEWORK_ROLES:
            return "None (role)"
        grant = user.casework_access.filter(
            status__in=[AccessStatus.PENDING, AccessStatus.APPROVED]
        ).first()
        return grant.get_status_display() if grant else "None"

    @admin.display(description="Sign-in")
    def sign_in(self, user):
        app = services.confirmed_device(user)
        app_text = (
            f"set up {date_text(app.created_at)}"
            if app and app.created_at
            else ("set up" if app else "not set up")
        )
        if isinstance(app, EmailDevice):
            app_text = f"codes by e-mail, {app_text}"
        return format_html(
            "Password: {}. Authenticator app: {}.<br>"
            '<a href="{}">Reset password</a> · <a href="{}">Reset authenticator app</a> · '
            '<a href="{}">Record that this person has left</a>',
            "set" if user.has_usable_password() else "not set (waiting for the person)",
            app_text,
            reverse("admin:accounts_user_password_change", args=[user.pk]),
            reverse("admin:accounts_user_reset_second_factor", args=[user.pk]),
            reverse("admin:accounts_user_leave", args=[user.pk]),
        )

    # Writes ----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            issued = services.user_create(
                actor=request.user,
                reason=data["reason"],
                **{name: data.get(name) for name in UserAddForm.Meta.fields},
            )
            obj.pk = issued.user.pk
            obj._state.adding = False
            request._gt_issued = issued
            return
        services.user_update(
            actor=request.user,
            user=obj,
            reason=data.get("reason", ""),
            **{name: data[name] for name in UserChangeForm.Meta.fields if name in data},
        )

    def delete_model(self, request, obj):
        raise PermissionDenied(
            "Accounts are closed (Record that this person has left), never deleted."
        )

    def delete_queryset(self, request, queryset):
        raise PermissionDenied(
            "Accounts are closed (Record that this person has left), never deleted."
        )

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "_gt_issued", None)
        if issued is None:  # pragma: no cover - save_model always sets it
            return super().response_add(request, obj, post_url_continue)
        return self._code_page(
            request, obj, issued, heading=f"Account made for {obj}", access_paused=False
        )

    def _code_page(self, request, user, issued, *, heading, access_paused):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": heading,
            "user_shown": user,
            "issued": issued,
            "access_paused": access_paused,
            "needs_approval": CaseworkAccess.objects.filter(
                user=user, status=AccessStatus.PENDING
            ).exists(),
            "set_up_url": request.build_absolute_uri(reverse("accounts:set_up")),
        }
        response = TemplateResponse(request, ISSUED_CODE_TEMPLATE, context)
        response["Cache-Control"] = "no-store"
        return response

    # Sign-in pages ---------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<uuid:user_id>/password/",
                wrap(never_cache(self.reset_password_view)),
                name="accounts_user_password_change",
            ),
            path(
                "<uuid:user_id>/reset-app/",
                wrap(never_cache(self.reset_second_factor_view)),
                name="accounts_user_reset_second_factor",
            ),
            path(
                "<uuid:user_id>/leave/",
                wrap(never_cache(self.leave_view)),
                name="accounts_user_leave",
            ),
            *super().get_urls(),
        ]

    def _reason_page(self, request, user, form, *, heading, explanation, button):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": heading,
            "user_shown": user,
            "form": form,
            "explanation": explanation,
            "button": button,
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)

    def _user_or_404(self, request, user_id) -> User:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(User, pk=user_id)

    def _reset_view(self, request, user_id, *, service, heading, explanation, button, done):
        user = self._user_or_404(request, user_id)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = service(actor=request.user, user=user, reason=form.cleaned_data["reason"])
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                return self._code_page(
                    request, user, result.issued, heading=done, access_paused=result.access_paused
                )
        return self._reason_page(
            request, user, form, heading=heading, explanation=explanation, button=button
        )

    def reset_password_view(self, request, user_id):
        return self._reset_view(
            request,
            user_id,
            service=services.password_reset,
            heading="Reset password",
            explanation=(
                "Their password stops working now and every session they have "
                "ends. You get a one-time code to give them by another route (in "
                "person or by phone); they choose a new password with it. They "
                "still need their authenticator app to sign in. Administrators never "
                "set or see passwords."
            ),
            button="Reset password",
            done="Password reset",
        )

    def reset_second_factor_view(self, request, user_id):
        return self._reset_view(
            request,
            user_id,
            service=services.second_factor_reset,
            heading="Reset authenticator app",
            explanation=(
                "Their authenticator app stops working now and every session they "
                "have ends. You get a one-time code to give them by another route "
                "(in person or by phone); they set up a new app with it after signing "
                "in with their own password, which you do not know."
            ),
            button="Reset authenticator app",
            done="Authenticator app reset",
        )

    def leave_view(self, request, user_id):
        user = self._user_or_404(request, user_id)
        form = LeaverForm(
            request.POST or None, initial={"last_day": timezone.localdate().isoformat()}
        )
        if request.method == "POST" and form.is_valid():
            try:
                handover = services.user_leave(
                    actor=request.user,
                    user=user,
                    last_day=form.cleaned_data["last_day"],
                    reason=form.cleaned_data["reason"],
                )
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                held = len(handover.person_ids) if handover else 0
                messages.success(
                    request,
                    (
                        f"{user}'s account is closed and every session has ended. "
                        + (
                            f"Their {held} allocation{'s' if held != 1 else ''} ended; their team "
                            "leader has the list to allocate someone else."
                            if held
                            else "They had no allocations."
                        )
                    ),
                )
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return self._reason_page(
            request,
            user,
            form,
            heading="Record that this person has left",
            explanation=(
                "Their account stops working now and every session they have ends. "
                "Their access to records ends. Their allocations end on their last "
                "day and their team leader is shown the people they worked with, to "
                "allocate someone else. The account is kept, closed, so their name "
                "stays on what they recorded."
            ),
            button="Close the account",
        )


# --- Teams and areas -----------------------------------------------------------------------


@admin.register(Team)
class TeamAdmin(AdministratorOnly, SavedByServices, admin.ModelAdmin):
    list_display = ("name", "area")
    search_fields = ("name",)
    saved_as = "team"


@admin.register(Area)
class AreaAdmin(AdministratorOnly, SavedByServices, admin.ModelAdmin):
    search_fields = ("name",)
    saved_as = "area"


# --- Casework access: the report, and approval by a second person --------------------------


@admin.register(CaseworkAccess)
class CaseworkAccessAdmin(SeenOnly, admin.ModelAdmin):
    """Who was given access to records: read-only here; decisions are made on the
    "Who was given access" page (or with the action below), always by a second person."""

    list_display = (
        "user",
        "role",
        "team",
        "status",
        "granted_by",
        "granted_at",
        "decided_by",
        "decided_at",
        "reason",
    )
    list_filter = ("status", "role", "team")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    actions = ("approve",)
    readonly_fields = [f.name for f in CaseworkAccess._meta.fields]

    @admin.action(
        description="Approve the selected access (you must not be the one who asked for it)"
    )
    def approve(self, request, queryset):
        approved = 0
        for grant in queryset.filter(status=AccessStatus.PENDING):
            try:
                services.casework_access_approve(actor=request.user, grant=grant)
            except (PermissionDenied, ValidationError) as exc:
                messages.error(
                    request, f"{grant.user}: " + " ".join(getattr(exc, "messages", [str(exc)]))
                )
            else:
                approved += 1
        if approved:
            messages.success(request, f"Approved access for {approved}.")


# --- Authenticator apps: seen, never changed here (no key, no QR code) ---------------------

for _device_model in (TOTPDevice, EmailDevice):
    try:
        admin.site.unregister(_device_model)
    except NotRegistered:  # pragma: no cover - django_otp's admin not loaded
        pass


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(SeenOnly, admin.ModelAdmin):
    """Which accounts have an app and when it was last used. Resetting one is done on the
    account's page (with a reason, audited, and a one-time code for the person)."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    fields = ("user_link", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    @admin.display(description="Account")
    def user_link(self, device):
        return format_html(
            '<a href="{}">{}</a> (reset the app from the account page)',
            reverse("admin:accounts_user_change", args=[device.user_id]),
            device.user,
        )


@admin.register(EmailDevice)
class EmailCodesAdmin(AuthenticatorAppAdmin):
    """Which accounts get sign-in codes by e-mail (people and proxies only): seen, never
    changed here, and never the code."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = ("user_link", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields


# --- Sign-in records (django-axes): seen, never changed or removed here --------------------
# axes' own admin (AXES_ENABLE_ADMIN, off in settings) let an administrator delete the
# sign-in and failure logs: the trail of who signed in from where, and of an attack. Here
# they are seen only. A lock ends by itself after AXES_COOLOFF_TIME (docs/adr/0004).

_SIGN_IN_FIELDS = ("attempt_time", "username", "ip_address", "user_agent", "path_info")


class _SignInRecordAdmin(SeenOnly, admin.ModelAdmin):
    """A kind of sign-in record: the fields every kind has, then its own (`last`)."""

    last = ""
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    actions = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.list_display = cls.fields = cls.readonly_fields = (*_SIGN_IN_FIELDS, cls.last)


@admin.register(AccessAttempt)
class FailedSignInAdmin(_SignInRecordAdmin):
    """Failed sign-ins being counted towards a lock, per username and address."""

    last = "failures_since_start"
    list_filter = ("attempt_time",)


@admin.register(AccessLog)
class SignInLogAdmin(_SignInRecordAdmin):
    """Every sign-in and sign-out."""

    last = "logout_time"
    list_filter = ("attempt_time", "logout_time")


@admin.register(AccessFailureLog)
class FailedSignInLogAdmin(_SignInRecordAdmin):
    """Every failed sign-in, and whether it was locked out."""

    last = "locked_out"
    list_filter = ("attempt_time", "locked_out")

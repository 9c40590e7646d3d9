from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from goldenthread.core.permissions import Permission, can
from goldenthread.core.problems import is_api_request, problem


@require_safe
@login_required
def home(request):
    """Send each person to where their work starts."""
    user = request.user
    if can(user, Permission.VIEW_CASELOAD):
        return redirect("people:caseload")
    if can(user, Permission.USE_OWN_RECORD):
        return redirect("portal:home")
    if can(user, Permission.VIEW_DECISION_PANEL):
        return redirect("sds:panel")
    if can(user, Permission.VIEW_REPORTS):
        return redirect("reports:index")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "core/home.html")


@require_safe
def accessibility(request):
    return render(request, "core/accessibility.html")


@require_safe
def privacy(request):
    """The privacy notice (UK GDPR Article 13). What it says about the service is taken
    from the settings in force, so it stays true of this deployment."""
    return render(
        request,
        "core/privacy.html",
        {
            "controller": settings.GOLDENTHREAD_DATA_CONTROLLER,
            "second_factor": settings.GOLDENTHREAD_REQUIRE_2FA,
            "idle_minutes": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60),
            "lifetime_hours": int(settings.SESSION_ABSOLUTE_LIFETIME.total_seconds() // 3600),
            "failure_limit": getattr(settings, "AXES_FAILURE_LIMIT", None),
            "cooloff_minutes": _minutes(getattr(settings, "AXES_COOLOFF_TIME", None)),
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
        },
    )


def _minutes(value) -> int | None:
    return int(value.total_seconds() // 60) if isinstance(value, timedelta) else None


@requires_csrf_token
def server_error(request):
    """The 500 page (handler500), with the request's reference id (OPS-8).

    Rendered without the request's context processors: it must work when the database or
    the session is what failed, and it shows nothing about the signed-in user.
    """
    request_id = getattr(request, "request_id", "")
    body = loader.get_template("500.html").render({"reference": request_id})
    return HttpResponseServerError(body)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (handler403). It says the same whatever was asked for and whatever the
    refusal's reason, so it never tells whether a record exists (SEC-2). Who to ask follows
    who is signed in: a person or their proxy is told to contact their worker, as the rest
    of their pages (/my-record/) name them; staff are told to ask their team leader."""
    user = getattr(request, "user", None)
    own_record = bool(user is not None and can(user, Permission.USE_OWN_RECORD))
    return render(request, "403.html", {"own_record_account": own_record}, status=403)


FORM_EXPIRED_HEADER = "GT-Form-Expired"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with a token that no longer matches (left open too
    long, or the person signed in or out in another tab) or from another site. The page
    says so plainly, that nothing was saved, and how to try again; it names nothing of how
    the check works (`reason` is logged by Django, never shown). Status 403 as before.
    The API answers problem+json, an htmx request a short message for its part of the page."""
    if is_api_request(request):
        return problem(
            request,
            403,
            "The request was refused because it did not carry this site's form token. "
            "Nothing was saved.",
        )
    if getattr(request, "htmx", False):
        # Marked so app.js puts it in the page (htmx leaves a 4xx unswapped).
        response = render(request, "ui/partials/form_expired.html", status=403)
        response[FORM_EXPIRED_HEADER] = "1"
        return response
    sign_in = request.path_info == resolve_url(settings.LOGIN_URL)
    return render(
        request,
        "403_form_expired.html",
        {"sign_in": sign_in, "again_url": _form_page(request)},
        status=403,
    )


def _form_page(request: HttpRequest) -> str:
    """Where the form was: the page that sent it if it is one of this site's (a refused
    cross-site post names another site, which is never linked to), else the address the
    form was sent to, which shows the form again (or says how to use it)."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()

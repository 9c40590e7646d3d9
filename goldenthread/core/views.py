from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from goldenthread.core.permissions import Permission, can


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

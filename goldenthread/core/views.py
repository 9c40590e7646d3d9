from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from goldenthread.accounts.rules import can


@require_safe
@login_required
def home(request):
    """Send each person to where their work starts."""
    user = request.user
    if can(user, "people.view_caseload"):
        return redirect("people:caseload")
    if user.role == "panel_member":
        return redirect("sds:panel")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "core/home.html")


@require_safe
def accessibility(request):
    return render(request, "core/accessibility.html")


@require_safe
def privacy(request):
    return render(request, "core/privacy.html")

"""Failed sign-ins are throttled two ways (SEC-1, docs/adr/0004-sign-in-security.md):

- a username from one address: AXES_FAILURE_LIMIT failures (5) in AXES_COOLOFF_TIME; so
  nobody can lock someone else's account from another address, and guessing one account's
  password is slow;
- an address across every username: GOLDENTHREAD_SIGN_IN_FAILURES_PER_ADDRESS (30) in the
  same time; so trying one password against many accounts ("spraying") is stopped, while
  a whole office behind one address is not locked out by one person's typing.

django-axes compares one count against one limit, so the per-address count is scaled onto
the per-username limit here. A successful sign-in clears only that username's count from
that address, never the address's own count (a valid account must not reset it).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _sum(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInThrottle(AxesDatabaseHandler):
    def _recent(self, request):
        from axes.attempts import get_cool_off_threshold

        return AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )

    def get_failures(self, request, credentials=None) -> int:
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        per_username = _sum(recent.filter(username=username)) if username else 0
        limit = get_failure_limit(request, credentials)
        if _sum(recent) >= settings.GOLDENTHREAD_SIGN_IN_FAILURES_PER_ADDRESS:
            return max(per_username, limit)
        return per_username

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count

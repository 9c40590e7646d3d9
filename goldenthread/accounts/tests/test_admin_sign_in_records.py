"""An administrator sees the sign-in records (django-axes) and cannot remove or change them:
they are the trail of who signed in from where, and of an attack on an account (SEC-1,
SEC-3; docs/adr/0004). Before, axes' own admin offered "Delete" on every one."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

from .helpers import client_for

pytestmark = pytest.mark.django_db

MODELS = (
    (AccessLog, "accesslog", {}),
    (AccessFailureLog, "accessfailurelog", {"locked_out": True}),
    (AccessAttempt, "accessattempt", {"failures_since_start": 5}),
)


def _record(model, extra):
    return model.objects.create(
        attempt_time=timezone.now(),
        username="practitioner",
        ip_address="203.0.113.7",
        user_agent="Probe/1.0",
        path_info="/account/sign-in/",
        **extra,
    )


@pytest.mark.parametrize(("model", "name", "extra"), MODELS)
def test_an_administrator_sees_a_sign_in_record_and_cannot_delete_or_change_it(
    administrator, model, name, extra
):
    record = _record(model, extra)
    admin_client = client_for(administrator)
    changelist = admin_client.get(reverse(f"admin:axes_{name}_changelist"))
    assert changelist.status_code == 200
    assert "203.0.113.7" in changelist.content.decode()
    assert "delete_selected" not in changelist.content.decode()
    page = admin_client.get(reverse(f"admin:axes_{name}_change", args=[record.pk]))
    assert page.status_code == 200
    assert "Delete" not in page.content.decode()

    delete_url = reverse(f"admin:axes_{name}_delete", args=[record.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse(f"admin:axes_{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    change = admin_client.post(
        reverse(f"admin:axes_{name}_change", args=[record.pk]), {"username": "someone"}
    )
    assert change.status_code == 403
    record.refresh_from_db()
    assert record.username == "practitioner"
    assert model.objects.filter(pk=record.pk).exists()


def test_only_administrators_see_sign_in_records(practitioner):
    practitioner.is_staff = True
    practitioner.save(update_fields=["is_staff"])
    response = client_for(practitioner).get(reverse("admin:axes_accesslog_changelist"))
    assert response.status_code in (302, 403)

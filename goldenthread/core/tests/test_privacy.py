"""The privacy notice covers UK GDPR Article 13 and says only what is true (#11).

What the notice says about the service is checked here against the settings and behaviour
it describes; the organisation's own details come from settings.GOLDENTHREAD_DATA_CONTROLLER.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from conftest import sign_in


def notice(client) -> str:
    response = client.get(reverse("core:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.django_db
def test_article_13_content_is_all_there(client):
    text = notice(client)
    controller = settings.GOLDENTHREAD_DATA_CONTROLLER
    for required in (
        controller["name"],
        controller["address"],
        controller["email"],  # 13(1)(a)
        controller["dpo_email"],
        "Data Protection Officer",  # 13(1)(b)
        "Article 6(1)(e)",
        "public interest",
        "Article 9(2)(h)",  # 13(1)(c)
        "social care",
        "Schedule 1, Part 1, paragraph 2",
        "Who can see your information",
        controller["recipients"],  # 13(1)(e)
        controller["retention"],  # 13(2)(a)
        "get a copy of the information",
        "corrected",
        "object",
        "delete",  # 13(2)(b)
        "Information Commissioner",
        "ico.org.uk",  # 13(2)(d)
        "Do you have to give us this information?",
        "No law makes you give",  # 13(2)(e)
        "No decision about you is made by a computer alone",  # 13(2)(f)
        "CHI number",  # what is held
    ):
        assert required in text, required


@pytest.mark.django_db
def test_the_demo_names_an_organisation_that_is_plainly_made_up(client):
    assert "made-up organisation" in notice(client)


@pytest.mark.django_db
def test_the_organisation_is_a_setting(client):
    custom = {
        **settings.GOLDENTHREAD_DATA_CONTROLLER,
        "name": "Glenfarg Council",
        "dpo_email": "dpo@glenfarg.example",
    }
    with override_settings(GOLDENTHREAD_DATA_CONTROLLER=custom):
        text = notice(client)
    assert "Glenfarg Council is responsible" in text and "dpo@glenfarg.example" in text


@pytest.mark.django_db
@pytest.mark.parametrize("required", [True, False])
def test_second_factor_is_claimed_only_when_it_is_required(client, required):
    with override_settings(GOLDENTHREAD_REQUIRE_2FA=required):
        text = notice(client)
    assert ("authenticator app" in text) is required


@pytest.mark.django_db
def test_session_times_and_lockout_are_those_in_force(client):
    text = notice(client)
    idle = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
    hours = int(settings.SESSION_ABSOLUTE_LIFETIME.total_seconds() // 3600)
    assert f"signed out after {idle} minutes without using the service" in text
    assert f"{hours} hours after signing in" in text
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"After {settings.AXES_FAILURE_LIMIT} failed attempts" in text
    assert f"paused for {cooloff} minutes" in text


@pytest.mark.django_db
def test_no_claim_the_code_does_not_back(client):
    text = notice(client)
    # Audit rows cannot be changed or removed *through the service*; someone with rights on
    # the database server could (SQLite deletes; PostgreSQL TRUNCATE), so no absolute claim.
    assert "cannot be changed or deleted" not in text
    assert "through the service" in text
    # Nothing deletes records on a schedule yet.
    assert "does not yet delete records automatically" in text


def test_the_cookies_the_notice_lists_are_the_only_cookies_set(client, practitioner, area, person):
    """A working session: sign-in page, pages, a save with a confirmation message, sign-out.
    Every cookie set is one the notice names (messages stay in the session, not a cookie,
    so no name travels in a cookie)."""
    seen: set[str] = set()

    def keep(response):
        seen.update(response.cookies.keys())
        return response

    keep(client.get(reverse("accounts:login")))
    sign_in(client, practitioner)
    keep(client.get(reverse("people:caseload")))
    keep(
        client.post(
            reverse("people:create"),
            {
                "given_name": "Morag",
                "family_name": "Stewart",
                "date_of_birth": "1948-03-12",
                "chi_number": "",
                "area": str(area.pk),
            },
        )
    )
    keep(client.get(reverse("people:caseload")))
    keep(client.post(reverse("accounts:logout")))
    expected = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    assert seen <= expected, seen - expected
    text = notice(client)
    assert "sets two cookies" in text
    for name in expected:
        assert name in text

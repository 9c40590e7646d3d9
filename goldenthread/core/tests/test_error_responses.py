"""The service's own pages when a request is refused (A11Y-1, A11Y-3, SEC-2): a form sent
with a token that no longer matches (403), a button's address opened as a page (405), and
who the 403 page tells you to ask. Each is in the service's layout, in plain words, and
names nothing of the framework underneath."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic.edit import ProcessFormView

from conftest import sign_in
from goldenthread.audit.models import ChangeRecord
from goldenthread.core.problems import PROBLEM_CONTENT_TYPE
from goldenthread.core.views import csrf_failure
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory

# What Django's own pages say, which ours never do.
FRAMEWORK_WORDS = ("CSRF verification", "Forbidden", "DEBUG", "Django", "Request aborted")


def main_text(response) -> str:
    """The words of the page's <main>, tags and spacing removed."""
    found = re.search(r'<main id="main-content".*?</main>', response.text, re.S)
    assert found, "not a page in the service's layout"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def heading(response) -> str:
    return " ".join(re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S).group(1).split())


def assert_no_framework(response) -> None:
    for word in FRAMEWORK_WORDS:
        assert word not in response.text, word


@pytest.fixture
def strict_client(db):
    """A browser's client: the CSRF check as in the running service."""
    return Client(enforce_csrf_checks=True)


# --- A form whose token no longer matches (CSRF_FAILURE_VIEW) -----------------------------


def test_a_stale_form_of_a_signed_in_worker_is_the_services_own_page(strict_client, practitioner):
    sign_in(strict_client, practitioner)
    page = reverse("jobs:list")
    response = strict_client.post(
        reverse("jobs:start"), {"kind": "pdf-pack"}, headers={"Referer": f"http://testserver{page}"}
    )
    assert response.status_code == 403
    assert heading(response) == "This form has expired"
    text = main_text(response)
    assert "Nothing was saved." in text
    assert "sign in or sign out in another tab or window" in text
    assert "Go back to the page and try again." in text
    assert f'href="http://testserver{page}"' in response.text  # the page the form was on
    assert practitioner.get_full_name() in response.text  # the layout's header, signed in
    assert_no_framework(response)


def test_a_stale_form_from_another_site_links_only_to_this_site(strict_client, practitioner):
    sign_in(strict_client, practitioner)
    response = strict_client.post(
        reverse("jobs:start"), {}, headers={"Referer": "https://elsewhere.example/form"}
    )
    assert response.status_code == 403
    assert "elsewhere.example" not in response.text
    assert f'href="{reverse("jobs:start")}"' in response.text


def test_a_stale_form_of_someone_not_signed_in_is_the_services_own_page(strict_client):
    response = strict_client.post(reverse("core:privacy"), {})
    assert response.status_code == 403
    assert heading(response) == "This form has expired"
    assert "Nothing was saved." in main_text(response)
    assert_no_framework(response)


def test_an_htmx_request_with_a_stale_token_gets_a_short_message_not_a_page(
    strict_client, practitioner
):
    sign_in(strict_client, practitioner)
    response = strict_client.post(reverse("jobs:start"), {}, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "<html" not in response.text and "<main" not in response.text
    assert "Not saved: this page has been open too long" in response.text
    assert 'class="ds_error-message"' in response.text
    assert response["GT-Form-Expired"] == "1"  # app.js swaps it in (browser: htmx journey)
    assert_no_framework(response)


def test_the_api_is_answered_as_problem_json():
    request = RequestFactory().post("/api/v1/people/")
    response = csrf_failure(request, reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = json.loads(response.content)
    assert body["status"] == 403 and "Nothing was saved" in body["detail"]
    assert "CSRF" not in response.content.decode()


# --- A button's address opened as a page (405) --------------------------------------------


@pytest.mark.parametrize("name", ["jobs:start", "audit:break_glass"])
def test_a_buttons_address_opened_as_a_page_is_the_405_page(practitioner_client, name):
    response = practitioner_client.get(reverse(name))
    assert response.status_code == 405
    assert "POST" in response["Allow"] and "GET" not in response["Allow"]
    assert response["Content-Type"].startswith("text/html")
    assert heading(response) == "This address only works from a button"
    text = main_text(response)
    assert "Nothing has been changed." in text
    assert "go to the start page" in text
    assert_no_framework(response)


def test_a_form_sent_to_a_download_is_not_told_to_use_a_button(practitioner_client, person):
    response = practitioner_client.post(reverse("support:plan_pdf", args=[person.pk]))
    assert response.status_code == 405
    assert "GET" in response["Allow"] and "POST" not in response["Allow"]
    assert heading(response) == "This page cannot be sent a form"
    text = main_text(response)
    assert "It does not take a form." in text and "Nothing has been changed." in text
    assert "button" not in text


def test_the_apis_405_keeps_its_json(practitioner_client, person):
    response = practitioner_client.delete(f"/api/v1/people/{person.pk}")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert json.loads(response.content)["status"] == 405
    assert "<html" not in response.text


# --- A form page takes GET and POST only (PUT was taken as a POST) -------------------------

FILLERS = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "a", "str": "a", "path": "a"}


def _form_pages() -> list[tuple[str, str]]:
    """(address, view name) for every URL pattern whose view is a form view (Django's
    ProcessFormView: FormView, CreateView, UpdateView, the sign-in pages), its parts filled
    with made-up values: the view never runs."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if isinstance(view_class, type) and issubclass(view_class, ProcessFormView):
                address = "/" + re.sub(
                    r"<(?:(\w+):)?\w+>", lambda m: FILLERS[m.group(1) or "str"], route
                )
                found.append((address, view_class.__name__))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


FORM_PAGES = _form_pages()


def test_the_form_pages_are_found():
    names = {name for _address, name in FORM_PAGES}
    assert len(FORM_PAGES) >= 80
    assert {"PersonEditView", "PersonCreateView", "SignInView"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "name"), FORM_PAGES, ids=[a for a, _n in FORM_PAGES])
def test_a_form_page_answers_put_patch_and_delete_with_the_405_page(
    practitioner_client, address, name
):
    changes = ChangeRecord.objects.count()
    for method in ("put", "patch", "delete"):
        response = getattr(practitioner_client, method)(
            address, "given_name=Changed", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 405, (method, response.status_code)
        assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
        assert heading(response) == "This address only works from a button"
    assert practitioner_client.options(address)["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert ChangeRecord.objects.count() == changes


@pytest.mark.django_db
def test_a_put_to_a_persons_edit_page_changes_nothing(practitioner, person):
    """The probe's case: a PUT with a good CSRF token was shown the form with errors."""
    client = Client(enforce_csrf_checks=True)
    sign_in(client, practitioner)
    address = reverse("people:edit", kwargs={"person_id": person.pk})
    token = client.get(address).context["csrf_token"]
    response = client.put(
        address,
        f"given_name=Changed&family_name={person.family_name}",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_CSRFTOKEN=str(token),
    )
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    person.refresh_from_db()
    assert person.given_name != "Changed"
    assert not ChangeRecord.objects.filter(person_id=person.pk, action="update").exists()


# --- Who the 403 page tells you to ask -----------------------------------------------------


@pytest.mark.parametrize("factory", [RecordLinkFactory, ProxyLinkFactory])
def test_a_person_or_proxy_refused_a_staff_page_is_told_to_contact_their_worker(
    client, person, factory
):
    sign_in(client, factory(person=person).user)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 403
    text = main_text(response)
    assert "If you think you should be able to see this page, contact your worker." in text
    assert "team leader" not in text
    # The same words whether or not the record exists (SEC-2).
    missing = client.get(reverse("people:detail", args=[uuid.uuid4()]))
    assert missing.status_code == 403
    assert main_text(missing) == text


def test_a_proxy_whose_access_ended_is_told_to_contact_their_worker(client, person):
    link = ProxyLinkFactory(person=person, ended_at=timezone.now(), end_reason="Moved away")
    sign_in(client, link.user)
    response = client.get(reverse("portal:record", args=[person.pk]))
    assert response.status_code == 403
    text = main_text(response)
    assert "contact your worker" in text and "team leader" not in text
    missing = client.get(reverse("portal:record", args=[uuid.uuid4()]))
    assert missing.status_code == 403
    assert main_text(missing) == text


def test_staff_refused_a_page_are_told_to_ask_their_team_leader(practitioner_client):
    response = practitioner_client.get(reverse("jobs:audit_purge"))
    assert response.status_code == 403
    text = main_text(response)
    assert "If you think you should be able to see this page, ask your team leader." in text
    assert "contact your worker" not in text

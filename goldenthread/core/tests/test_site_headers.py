"""Properties of every response, found by crawling the URL configuration (#11, SEC-8, OPS-8).

- Nothing shown to a signed-in user, and no page of a named record, may be kept by a
  browser or a proxy: `Cache-Control: no-store`. Static files may be cached.
- Browser features the service never uses are switched off (Permissions-Policy).
- Every response carries a reference id (X-Request-ID), the same one logged with an error
  and shown on the 500 page.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.core.logging import RequestIdFilter
from goldenthread.core.middleware import REQUEST_ID_HEADER
from goldenthread.core.views import server_error

REQUEST_ID = re.compile(r"^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$")


def url_patterns():
    """(name, converter names) for every named URL pattern of the service, admin apart."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                pattern = entry.pattern
                names = set(getattr(pattern, "converters", {})) | set(pattern.regex.groupindex)
                yield f"{prefix}{entry.name}", sorted(names)

    return sorted({(name, tuple(kw)) for name, kw in walk(get_resolver().url_patterns)})


SITE_URLS = [(n, kw) for n, kw in url_patterns() if not n.startswith("admin:")]
ADMIN_URLS = [(n, kw) for n, kw in url_patterns() if n.startswith("admin:") and not kw]


def test_the_crawl_finds_the_pages_with_personal_data():
    names = {name for name, _ in SITE_URLS}
    assert {
        "people:caseload",
        "people:detail",
        "support:plan",
        "support:plan_easy_read",
        "reviews:due",
        "sds:approvals",
        "people:team",
    } <= names
    assert "admin:index" in {name for name, _ in ADMIN_URLS}


@pytest.fixture
def every_kwarg(full_record, practitioner, team_leader, outsider_request):
    from goldenthread.accounts.models import CaseworkAccess
    from goldenthread.directory.factories import CommunityResourceFactory
    from goldenthread.jobs.models import Job

    job = Job.objects.create(kind="fhir-export", started_by=team_leader, created_at=timezone.now())
    return {
        "job_id": job.pk,
        **full_record,
        "grant_id": CaseworkAccess.objects.filter(user=practitioner)
        .values_list("pk", flat=True)
        .first(),
        "duplicate_id": outsider_request.pk,
        "resource_id": CommunityResourceFactory().pk,
        "key": "unmet-need",  # a report table (reports:table_csv)
        "topic": "unmet-need",  # a topic's page of tables (reports:topic)
    }


@pytest.fixture
def outsider_request(practitioner, other_team):
    from goldenthread.people.factories import PersonFactory
    from goldenthread.people.models import PossibleDuplicate

    outsider = PersonFactory(team=other_team)
    return PossibleDuplicate.objects.create(
        requested_by=practitioner,
        team=practitioner.team,
        given_name="Morag",
        family_name="Stewart",
        date_of_birth=outsider.date_of_birth,
        chi_number=outsider.chi_number,
        existing_person_id=outsider.pk,
        existing_team=other_team,
    )


def directives(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}


def test_every_page_for_a_signed_in_user_is_no_store(client, team_leader, every_kwarg):
    """One request to every page of the URL configuration (a new page is crawled the day it
    is added), as a team leader, who may open the most."""
    from conftest import _weasyprint_missing

    sign_in(client, team_leader)
    client.raise_request_exception = False
    problems = []
    for name, kwarg_names in SITE_URLS:
        unknown = set(kwarg_names) - set(every_kwarg)
        assert not unknown, f"add {unknown} to the every_kwarg fixture so {name} is crawled"
        url = reverse(name, kwargs={k: every_kwarg[k] for k in kwarg_names})
        response = client.get(url)
        if response.status_code >= 500 and not (
            name == "support:plan_pdf" and _weasyprint_missing()
        ):
            problems.append(f"{name}: status {response.status_code}")
        if "no-store" not in directives(response) or "public" in directives(response):
            problems.append(f"{name}: Cache-Control {response.get('Cache-Control')!r}")
        if "camera=()" not in response.get("Permissions-Policy", ""):
            problems.append(f"{name}: no Permissions-Policy")
        if not REQUEST_ID.match(response.get(REQUEST_ID_HEADER, "")):
            problems.append(f"{name}: no {REQUEST_ID_HEADER}")
    assert problems == []


@pytest.mark.parametrize(("name", "kwarg_names"), ADMIN_URLS, ids=[n for n, _ in ADMIN_URLS])
def test_every_admin_page_is_no_store(client, administrator, name, kwarg_names):
    sign_in(client, administrator)
    client.raise_request_exception = False  # even a failing page must not be kept
    response = client.get(reverse(name))
    assert "no-store" in directives(response), (name, response.get("Cache-Control"))


def test_named_record_pages_are_no_store_even_before_sign_in(client, full_record):
    for name, kwarg_names in SITE_URLS:
        if "person_id" not in kwarg_names:
            continue
        response = client.get(reverse(name, kwargs={k: full_record[k] for k in kwarg_names}))
        assert "no-store" in directives(response), name


def test_a_weaker_header_from_a_view_is_replaced_for_a_signed_in_user(rf, practitioner):
    from django.http import HttpResponse

    from goldenthread.core.middleware import PrivateCacheMiddleware

    request = rf.get("/directory/")
    request.user = practitioner

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = PrivateCacheMiddleware(view)(request)
    assert "no-store" in directives(response) and "public" not in directives(response)


def test_static_files_may_be_cached(practitioner_client):
    response = practitioner_client.get("/static/ui/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_permissions_policy_switches_off_what_the_service_never_uses(client):
    policy = client.get(reverse("core:privacy"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert f"{feature}=()" in policy


def test_each_request_gets_its_own_reference(client):
    ids = {client.get(reverse("core:privacy"))[REQUEST_ID_HEADER] for _ in range(5)}
    assert len(ids) == 5 and all(REQUEST_ID.match(i) for i in ids)


def test_a_reference_sent_by_the_browser_is_not_trusted(client):
    response = client.get(reverse("core:privacy"), HTTP_X_REQUEST_ID="<script>")
    assert REQUEST_ID.match(response[REQUEST_ID_HEADER])


# --- the 404 and 500 pages ---------------------------------------------------------------


def test_404_is_our_page_without_a_list_of_addresses(practitioner_client):
    response = practitioner_client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "ds_page-header" in body
    for leak in ("URLconf", "urlpatterns", "people/<uuid", "admin/", "DEBUG"):
        assert leak not in body


@pytest.fixture
def failing_page(settings):
    settings.ROOT_URLCONF = "goldenthread.core.tests.failing_urls"


def test_500_is_our_page_with_the_reference_and_nothing_else(
    client, practitioner, failing_page, settings
):
    sign_in(client, practitioner)
    client.raise_request_exception = False
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/fail/")
    finally:
        logger.removeHandler(handler)
    body = response.content.decode()
    reference = response[REQUEST_ID_HEADER]
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert f'<strong id="error-reference">{reference}</strong>' in body
    for leak in (
        "Traceback",
        "RuntimeError",
        "failing_urls",
        "pbkdf2",
        "md5$",
        settings.SECRET_KEY,
        "PASSWORD_HASHERS",
        "SECRET_KEY",
        practitioner.username,
        practitioner.password,
    ):
        assert leak not in body, leak
    assert "no-store" in directives(response)
    # The same reference is on the logged error, with the stack trace, for whoever fixes it.
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert errors and errors[0].request_id == reference and errors[0].exc_info


def test_500_page_needs_no_database_and_no_user():
    """No django_db mark: any database access here fails the test."""
    request = RequestFactory().get("/anything/")
    request.request_id = "abcd-ef01-2345"
    response = server_error(request)  # no request.user, no session
    assert response.status_code == 500
    assert "abcd-ef01-2345" in response.content.decode()


def test_log_lines_name_the_request(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert "request_id" in console["filters"]
    assert "%(request_id)s" in settings.LOGGING["formatters"][console["formatter"]]["format"]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", None, None)
    assert RequestIdFilter().filter(record) and record.request_id == "-"


def test_a_refusal_is_logged_without_its_traceback_an_error_with_it(client, practitioner, settings):
    """OPS-8: someone probing addresses gets a 403 for each, and each was logged with a
    full stack trace; the refusal's line is kept (status, path), its traceback is not.
    A 500 keeps its traceback (the test above)."""
    import sys

    from goldenthread.core.logging import RefusalWithoutTraceback

    assert "refusal" in settings.LOGGING["handlers"]["console"]["filters"]
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RefusalWithoutTraceback())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    sign_in(client, practitioner)
    try:
        response = client.get("/reports/")  # a practitioner may not open the reports
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 403
    refused = [r for r in records if getattr(r, "status_code", None) == 403]
    assert refused and all(r.exc_info is None for r in refused)
    assert "/reports/" in refused[0].getMessage()

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        error = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", None, None)
        error.exc_info, error.status_code = sys.exc_info(), 500
    assert RefusalWithoutTraceback().filter(error) and error.exc_info is not None

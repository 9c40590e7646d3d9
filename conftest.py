"""Shared fixtures: one user per role, a person with a full record, signed-in clients."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from goldenthread.accounts.factories import (
    AdministratorFactory,
    AreaFactory,
    CommissionerFactory,
    PanelMemberFactory,
    PractitionerFactory,
    TeamFactory,
    TeamLeaderFactory,
)
from goldenthread.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from goldenthread.people.factories import (
    AllocationFactory,
    CircleMemberFactory,
    PersonFactory,
)

# Tests that build demo or synthetic data, or reason about dates, run at this instant so the
# suite gives the same answer on any date and at any time of day (#11). A weekday, in term,
# outside British Summer Time changes.
PINNED_NOW = "2026-06-03 10:30:00+01:00"

# Property tests draw the same examples on every run (tests are deterministic: a failure is
# reproduced by running again, and a run never takes longer because of an unlucky draw).
hypothesis_settings.register_profile("goldenthread", derandomize=True, print_blob=True)
# Before a release or after a change to the disclosure rules: ten times the examples, fresh
# ones each run (`pytest --hypothesis-profile goldenthread-thorough goldenthread/reports`).
hypothesis_settings.register_profile(
    "goldenthread-thorough", derandomize=False, print_blob=True, max_examples=1000
)
hypothesis_settings.load_profile("goldenthread")


@pytest.fixture(autouse=True)
def _same_made_up_names(request):
    """Every test draws the same made-up names, dates and words from the factories
    (factory_boy and Faker), whichever tests ran before it in the same process: a name the
    page must escape ("O'Sullivan") fails its test on every run or on none (#11)."""
    import factory.random

    factory.random.reseed_random(f"goldenthread {request.node.nodeid}")
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: figures, sign-in lookups and throttles cached
    by one test (whose database rows are rolled back) never reach the next."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield


@pytest.fixture
def pinned_clock():
    """Time stands still at PINNED_NOW for the test (time-machine; tick=False)."""
    import time_machine

    with time_machine.travel(PINNED_NOW, tick=False) as traveller:
        yield traveller


def sign_in(client, user):
    """Sign in as `user` with the second factor passed, as after the real two steps."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # As after the sign-in steps' own requests: the session's clock has started.
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = timezone.now().timestamp()
    session.save()
    return client


def form_token(page) -> str:
    """The one-time token of the form on `page` (a response, or its text): the hidden
    `submission_token` of a ui.forms.OneTimeTokenForm."""
    body = page if isinstance(page, str) else page.content.decode()
    match = re.search(r'name="submission_token" value="([0-9a-f-]+)"', body)
    assert match, "The page has no form with a one-time token."
    return match.group(1)


@pytest.fixture(scope="module")
def demo_data_for_module(django_db_setup, django_db_blocker):
    """The demo data (OPS-1), loaded at PINNED_NOW once for a module's tests (on each test
    worker that runs them) and committed; emptied (flush) after the module's last test. Ask
    for `db` too: each test reads (and writes) it inside its own transaction, rolled back at
    its end, so what one test writes is gone before the next reads. Loading the demo takes
    10-20 s of CPU: once per module, not once per test."""
    import time_machine
    from django.core.management import call_command

    from goldenthread.nonprod.demo import load_demo_data

    with django_db_blocker.unblock():
        with time_machine.travel(PINNED_NOW, tick=False):
            load_demo_data()
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def no_template_queries():
    """Fails the test if rendering any template runs a query (goldenthread/ui/testing.py)."""
    from goldenthread.ui.testing import templates_run_no_queries

    with templates_run_no_queries() as seen:
        yield seen


@pytest.fixture
def area(db):
    return AreaFactory(name="Northfield")


@pytest.fixture
def team(area):
    return TeamFactory(name="Northfield Community Care Team", area=area)


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Riverside Adult Support Team", area=AreaFactory(name="Riverside"))


@pytest.fixture
def practitioner(team):
    return PractitionerFactory(username="pat", first_name="Pat", last_name="Kerr", team=team)


@pytest.fixture
def other_practitioner(team):
    return PractitionerFactory(username="sam", first_name="Sam", last_name="Reid", team=team)


@pytest.fixture
def team_leader(team):
    return TeamLeaderFactory(username="lee", first_name="Lee", last_name="Smith", team=team)


@pytest.fixture
def other_team_leader(other_team):
    return TeamLeaderFactory(username="rowan", team=other_team)


@pytest.fixture
def panel_member(db):
    return PanelMemberFactory(username="panel")


@pytest.fixture
def commissioner(db):
    return CommissionerFactory(username="commissioner")


@pytest.fixture
def administrator(db):
    return AdministratorFactory(username="admin")


@pytest.fixture
def person(team, practitioner):
    person = PersonFactory(team=team, given_name="Jean", family_name="Macdonald")
    AllocationFactory(person=person, worker=practitioner)
    return person


@pytest.fixture
def full_record(person):
    """The person with one of every kind of item a named-record URL can point at."""
    from goldenthread.conversations.factories import ConversationFactory, WorkingItemFactory
    from goldenthread.outcomes.factories import OutcomeFactory

    member = CircleMemberFactory(person=person, name="Ann Macdonald", relationship="Daughter")
    allocation = person.allocations.get()
    conversation = ConversationFactory(person=person)
    item = WorkingItemFactory(conversation=conversation)
    outcome = OutcomeFactory(positive_change__conversation=conversation)
    from goldenthread.support.factories import SolutionFactory

    solution = SolutionFactory(outcome=outcome)
    from goldenthread.accountability.factories import accountability_record_kwargs
    from goldenthread.portal.factories import portal_record_kwargs
    from goldenthread.reviews.factories import reviews_record_kwargs
    from goldenthread.risk.factories import risk_record_kwargs
    from goldenthread.sds.factories import sds_record_kwargs

    return {
        **sds_record_kwargs(person),
        **risk_record_kwargs(person, outcome),
        **portal_record_kwargs(person),
        **reviews_record_kwargs(person),
        **accountability_record_kwargs(person),
        "person_id": person.pk,
        "member_id": member.pk,
        "allocation_id": allocation.pk,
        "conversation_id": conversation.pk,
        "kind": "working",
        "item_id": item.pk,
        "outcome_id": outcome.pk,
        "step": "community",
        "solution_id": solution.pk,
        # The worker's own grant of access to casework (accounts:access_decide).
        "grant_id": person.allocations.get()
        .worker.casework_access.values_list("pk", flat=True)
        .first(),
    }


@pytest.fixture
def practitioner_client(client, practitioner):
    return sign_in(client, practitioner)


@pytest.fixture
def team_leader_client(client, team_leader):
    return sign_in(client, team_leader)


def _weasyprint_missing() -> str:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz not installed
        return str(exc).splitlines()[0]
    return ""


# Fixtures through which a test reaches the database (pytest-django's, and so every fixture
# built on them: `person`, `practitioner`...).
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)


def _touches_the_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    """PDF tests need WeasyPrint's system libraries. Locally, without them, those tests are
    skipped with the reason; in CI (CI=true) they run and a missing library fails them.

    GT_DATABASE_TESTS_ONLY=1 (CI's second database, .ci/run): the tests that touch no
    database (the checker library, static checks of the code, settings) and those about
    SQLite files whatever the configured database (marker sqlite_files) already ran on the
    first database and give the same answer on any: they are left out of this run. So are
    the browser tests about what the browser itself does with the pages (marker
    browser_side: the crawl that keeps every typed word and runs axe on every page); every
    form they save is saved on PostgreSQL by the fast suite."""
    import os

    if os.environ.get("GT_DATABASE_TESTS_ONLY"):

        def once(item) -> bool:
            return (
                not _touches_the_database(item)
                or item.get_closest_marker("sqlite_files") is not None
                or item.get_closest_marker("browser_side") is not None
            )

        kept = [item for item in items if not once(item)]
        left = [item for item in items if once(item)]
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = kept

    pdf_items = [item for item in items if "pdf" in item.nodeid.lower()]
    if not pdf_items or os.environ.get("CI"):
        return
    missing = _weasyprint_missing()
    if missing:
        skip = pytest.mark.skip(
            reason=f"WeasyPrint cannot load its system libraries ({missing}); see README"
        )
        for item in pdf_items:
            item.add_marker(skip)

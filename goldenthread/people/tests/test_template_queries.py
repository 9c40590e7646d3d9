"""No query runs while a template renders (#19), on every page of a person's record and on
the main pages of the team leader and of the person themself. A template that queries (a
lazy queryset in `{% for %}`, a form's choice of records drawn by its widget) does work
the view cannot see or count: pages hand their templates lists and prepared rows.

The record's pages are found by the same crawl of the URL configuration as the record
frame's test (test_record_frame.record_pages), so a page added tomorrow is checked too;
the record has one of every kind of item (the portal tests' `every_item`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.core.permissions import can
from goldenthread.portal.tests.conftest import every_item  # noqa: F401 (a fixture)
from goldenthread.portal.tests.test_reading_ease import ITEM_PAGES
from goldenthread.portal.tests.test_reading_ease import PAGES as PORTAL_PAGES
from goldenthread.ui.context_processors import NAVIGATION
from goldenthread.ui.testing import templates_run_no_queries

from .test_record_frame import record_pages

pytestmark = pytest.mark.django_db

# Pages that once ran queries from their templates (#19): the crawl must reach them.
ONCE_QUERIED = {
    "conversations:about",
    "conversations:list",
    "conversations:step1",
    "conversations:step3",
    "outcomes:list",
    "outcomes:step4",
    "people:edit",
    "portal_staff:overview",
    "portal_staff:who_looked",
    "sds:first_choice",
    "sds:options",
    "sds:overview",
    "sds:unmet_need_add",
}


def _queries_in_templates(client, urls: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The pages of `urls` that opened (an HTML page, 200), and for each page whose
    templates ran a query, what ran."""
    opened, queried = [], {}
    for name, url in urls.items():
        try:
            with templates_run_no_queries():
                response = client.get(url)
        except AssertionError as error:
            queried[name] = str(error)
        else:
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue  # a download, a POST-only action or a page this role may not open
        opened.append(name)
    return opened, queried


def test_every_page_of_the_record_runs_no_query_in_its_templates(
    client,
    practitioner,
    every_item,  # noqa: F811 (the fixture imported above)
):
    sign_in(client, practitioner)
    urls = {
        name: reverse(name, kwargs={k: every_item[k] for k in kwarg_names})
        for name, kwarg_names in record_pages()
    }
    opened, queried = _queries_in_templates(client, urls)
    assert not queried, "\n".join(queried.values())
    assert ONCE_QUERIED | {"people:detail", "reviews:golden_thread"} <= set(opened)


def test_the_team_leaders_main_pages_run_no_query_in_their_templates(
    client,
    team_leader,
    every_item,  # noqa: F811
):
    sign_in(client, team_leader)
    urls = {
        name: reverse(name) for _, name, permission in NAVIGATION if can(team_leader, permission)
    }
    opened, queried = _queries_in_templates(client, urls)
    assert not queried, "\n".join(queried.values())
    assert {"people:caseload", "people:team", "reviews:due"} <= set(opened)


def test_the_persons_own_pages_run_no_query_in_their_templates(
    client,
    person,
    every_item,  # noqa: F811
):
    sign_in(client, person.portal_links.get(kind="self").user)
    item = f"?item=outcomes.Outcome:{every_item['outcome_id']}"
    urls = {f"portal:{name}": reverse(f"portal:{name}", args=[person.pk]) for name in PORTAL_PAGES}
    urls |= {
        f"portal:{name}": reverse(f"portal:{name}", args=[person.pk]) + item for name in ITEM_PAGES
    }
    opened, queried = _queries_in_templates(client, urls)
    assert not queried, "\n".join(queried.values())
    assert set(opened) == set(urls)

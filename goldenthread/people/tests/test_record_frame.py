"""The same frame on every page of a person's record (#16): the person's name above the
heading and the record's side navigation with the current part marked, found by crawling
every address under /people/<person_id>/, not by a list."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import sign_in

pytestmark = pytest.mark.django_db

NAV = re.compile(
    r'<nav class="ds_side-navigation gt_record-nav" aria-label="([^"]*)">(.*?)</nav>', re.S
)
CURRENT = re.compile(
    r'<a class="ds_side-navigation__link ds_current" href="([^"]*)" aria-current="(page|true)">([^<]*)</a>'
)


def record_pages() -> list[tuple[str, list[str]]]:
    """Every named page of a person's record for staff (the API and the person's own
    portal have frames of their own)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{prefix}{entry.name}", sorted(getattr(entry.pattern, "converters", {}))

    return sorted(
        (name, kwargs)
        for name, kwargs in walk(get_resolver().url_patterns)
        if "person_id" in kwargs and name.split(":")[0] not in {"api", "portal", "admin"}
    )


def frame_of(html: str) -> tuple[str, list[tuple[str, str, str]]]:
    navs = NAV.findall(html)
    assert len(navs) == 1, f"{len(navs)} record navigations"
    label, body = navs[0]
    return label, CURRENT.findall(body)


@pytest.mark.parametrize("who", ["practitioner", "team_leader"])
def test_every_page_of_the_record_has_the_frame(request, client, full_record, who):
    sign_in(client, request.getfixturevalue(who))
    ids = full_record
    framed = set()
    for name, kwarg_names in record_pages():
        url = reverse(name, kwargs={k: ids[k] for k in kwarg_names})
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue  # a download, a POST-only action or a page this role may not open
        html = response.content.decode()
        if "<main" not in html:
            continue  # not a page (a fragment for a script)
        label, current = frame_of(html)
        assert label == "Jean Macdonald's record", name
        assert 'class="gt_record-bar"' in html and ">Jean Macdonald</a>" in html, name
        # Whose record is said once above the heading: by the frame, not again by the page.
        above_heading = html[html.index("<main") : html.index("<h1")]
        assert above_heading.count("Jean Macdonald") == 1, f"{name}: the name twice"
        assert len(current) == 1, f"{name}: {len(current)} parts marked current"
        framed.add(name)
    # The crawl saw the pages of every part of the record.
    for expected in (
        "people:detail",
        "conversations:step1",
        "outcomes:step5",
        "outcomes:edit",
        "support:checklist",
        "support:plan",
        "sds:overview",
        "risk:add",
        "reviews:golden_thread",
        "audit:changes",
    ):
        assert expected in framed


@pytest.mark.parametrize(
    ("name", "section", "is_page"),
    [
        ("people:detail", "Details and circle", "page"),
        ("people:circle_add", "Details and circle", "true"),
        ("conversations:step1", "Conversations", "true"),
        ("outcomes:step4", "Conversations", "true"),
        ("outcomes:list", "Outcomes", "page"),
        ("outcomes:edit", "Outcomes", "true"),
        ("support:checklist", "Support Sequence", "true"),
        ("support:plan", "Support plan", "page"),
        ("support:plan_easy_read", "Support plan", "true"),
        ("risk:add", "Risks", "true"),
        ("reviews:list", "Reviews", "page"),
        ("reviews:golden_thread", "Golden thread", "page"),
        ("audit:changes", "Changes to this record", "page"),
    ],
)
def test_the_current_part_is_marked(practitioner_client, full_record, name, section, is_page):
    pattern = dict(record_pages())[name]
    url = reverse(name, kwargs={k: full_record[k] for k in pattern})
    response = practitioner_client.get(url)
    assert response.status_code == 200
    _, current = frame_of(response.content.decode())
    assert [(label, how) for _, how, label in current] == [(section, is_page)]


def test_pages_outside_a_record_have_no_record_frame(practitioner_client):
    html = practitioner_client.get(reverse("people:caseload")).content.decode()
    assert "gt_record-nav" not in html and "gt_record-bar" not in html


@pytest.mark.parametrize(
    ("preferred", "family"),
    [("Jean", "Smith"), ('<b>Jo</b> & "Al"', "O'Neil <script>x</script>")],
)
def test_the_frame_written_in_python_is_its_templates(rf, person, preferred, family):
    """#19: the name bar and the side navigation written by people/frame.py are byte for
    byte what their templates draw through {% include %} (the templates are the reference),
    a name with markup in it escaped in both; links that are not plain text are left to the
    template."""
    from django.template import Context, Template
    from django.utils.html import escape
    from django.utils.translation import gettext_lazy

    from goldenthread.people.frame import _nav_html, record_frame

    person.preferred_name, person.family_name = preferred, family
    request = rf.get(reverse("reviews:golden_thread", args=[person.pk]))
    request.resolver_match = get_resolver().resolve(request.path)
    frame = record_frame(request, person)
    included = Template(
        "{% include frame.template with frame=frame %}|{% include frame.nav_template with "
        "frame=frame %}"
    ).render(Context({"frame": frame}))
    assert f"{frame.bar_html}|{frame.nav_html}" == included
    assert f">{escape(person.display_name)}</a>" in frame.bar_html  # stored text escaped
    assert "<b>" not in frame.bar_html + frame.nav_html
    assert 'aria-current="page">Golden thread</a>' in frame.nav_html
    lazy = ({**frame.nav_links[0], "label": gettext_lazy("Details and circle")},)
    assert _nav_html(person.display_name, lazy) == ""  # drawn by the template instead

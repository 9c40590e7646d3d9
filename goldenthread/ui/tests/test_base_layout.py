"""The base layout: SGDS page structure, skip link, title, header, messages (A11Y-1, A11Y-2)."""

import json

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message

from .helpers import Person, make_request, parse, render_string

CHILD = """{% extends "ui/base.html" %}
{% block title %}Caseload{% endblock %}
{% block page_header %}<h1>Caseload</h1>{% endblock %}
{% block content %}<p>Content</p>{% endblock %}"""


def render_page(source=CHILD, user=None, **context):
    return render_string(source, context, request=make_request(user=user))


def test_html_is_en_gb_with_viewport_and_title_format():
    doc = parse(render_page())
    assert doc.find("html").attrs["lang"] == "en-GB"
    assert doc.find("meta", name="viewport")
    assert doc.find("title").text == "Caseload – Golden Thread"


def test_title_without_block_is_service_name():
    html = render_page('{% extends "ui/base.html" %}')
    assert parse(html).find("title").text == "Golden Thread"


def test_skip_link_is_first_in_body_and_targets_focusable_main():
    doc = parse(render_page())
    body = doc.find("body")
    first_link = body.find_all("a")[0]
    assert first_link.attrs["href"] == "#main-content"
    assert "ds_skip-links__link" in first_link.classes
    assert "ds_skip-links" in body.children[0].classes
    main = doc.find("main")
    assert main.attrs["id"] == "main-content"
    assert main.attrs["tabindex"] == "-1"
    assert "ds_layout" in main.classes


def test_no_inline_script_or_style_and_scripts_in_order():
    doc = parse(render_page())
    scripts = doc.find_all("script")
    assert all(s.attrs.get("src") for s in scripts)
    srcs = [s.attrs["src"] for s in scripts]
    assert srcs[0].endswith("ui/vendor/sgds/design-system.js")
    assert scripts[0].attrs["type"] == "module"
    assert srcs[1].endswith("ui/vendor/htmx/htmx.min.js")
    assert srcs[2].endswith("ui/js/app.js")
    assert not doc.find_all("style")
    assert not [e for e in doc.iter() if "style" in e.attrs]
    config = json.loads(doc.find("meta", name="htmx-config").attrs["content"])
    assert config["includeIndicatorStyles"] is False


def test_header_has_service_name_phase_banner_and_footer_links():
    doc = parse(render_page())
    header = doc.find("header", class_="ds_site-header")
    home = header.find("a", href="/")
    assert home.all_text() == "Golden Thread"
    banner = header.find(class_="ds_phase-banner")
    assert "Alpha" in banner.all_text()
    assert "This is a new service. Your feedback will help us improve it." in banner.all_text()
    footer = doc.find("footer", class_="ds_site-footer")
    assert footer.find_all("a")


def test_site_nav_rendered_with_current_item_and_absent_without_context():
    nav = [
        {"label": "My caseload", "url": "/people/", "current": True},
        {"label": "My team", "url": "/team/", "current": False},
    ]
    doc = parse(render_page(site_nav=nav))
    desktop = doc.find("div", class_="ds_site-header__navigation").find("nav")
    links = desktop.find_all("a")
    assert [a.all_text() for a in links] == ["My caseload", "My team"]
    assert "ds_current" in links[0].classes
    assert links[0].parent.attrs.get("aria-current") == "page"
    assert "aria-current" not in links[1].parent.attrs

    doc = parse(render_page())
    assert not doc.find_all("nav", class_="ds_site-navigation")


def test_signed_in_person_sees_name_and_sign_out_post_form():
    doc = parse(render_page(user=Person()))
    account = doc.find(class_="gt_site-header__account")
    assert "Pat Morrison" in account.all_text()
    form = account.find("form")
    assert form.attrs["method"] == "post"
    assert form.find("input", name="csrfmiddlewaretoken")
    assert form.find("button").all_text() == "Sign out"


def test_username_shown_when_no_full_name():
    doc = parse(render_page(user=Person(username="jdoe", full_name="")))
    assert "jdoe" in doc.find(class_="gt_site-header__account").all_text()


def test_anonymous_sees_sign_in_link_not_sign_out():
    account = parse(render_page()).find(class_="gt_site-header__account")
    assert not account.find_all("form")
    assert account.find("a").all_text() == "Sign in"


def test_sidebar_only_when_given():
    doc = parse(render_page())
    assert not doc.find_all(class_="ds_layout__sidebar")
    with_sidebar = CHILD + "{% block sidebar %}<p>Related</p>{% endblock %}"
    doc = parse(render_page(with_sidebar))
    assert doc.find(class_="ds_layout__sidebar").all_text() == "Related"


def test_messages_shown_with_state_and_hidden_prefix():
    messages = [
        Message(constants.SUCCESS, "Outcome saved"),
        Message(constants.ERROR, "Could not save <b>that</b>"),
    ]
    html = render_page(messages=messages)
    doc = parse(html)
    found = doc.find("main").find_all(class_="ds_notification-message")
    assert len(found) == 2
    assert "Success: Outcome saved" in found[0].all_text()
    assert "ds_notification-message--error" in found[1].classes
    assert "Error:" in found[1].all_text()
    assert "&lt;b&gt;that&lt;/b&gt;" in html


# Elements that are landmarks (ARIA), by tag; a <header> or <footer> inside <main> is not one,
# but the layout draws none there.
LANDMARK_TAGS = {"main", "nav", "header", "footer", "aside"}


def in_landmark(element) -> bool:
    return any(node.tag in LANDMARK_TAGS or node.attrs.get("role") for node in element.ancestors())


def test_the_back_link_is_inside_a_landmark_before_main():
    """A11Y-1 (axe "region"): every link but the skip link is inside a landmark; the back
    link in a navigation landmark of its own, named "Back", before <main> as the Design
    System places it, so the skip link still lands on the page's own content."""
    doc = parse(
        render_page(
            CHILD
            + '{% block back_link %}{% include "ui/components/back_link.html" with url="/people/" %}'
            "{% endblock %}"
        )
    )
    back = doc.find("a", class_="ds_back-link")
    nav = back.parent
    assert (nav.tag, nav.attrs.get("aria-label")) == ("nav", "Back")
    assert "main" not in [node.tag for node in back.ancestors()]
    links = [a for a in doc.find_all("a") if "ds_skip-links__link" not in a.classes]
    assert [a.attrs.get("href") for a in links if not in_landmark(a)] == []


ERRORS = """{% extends "ui/base.html" %}
{% block title %}Add a person{% endblock %}
{% block content %}{% include "ui/components/error_summary.html" with errors=errors %}{% endblock %}"""


def test_the_title_begins_error_when_the_page_shows_an_error_summary():
    """GOV.UK and SGDS pattern: a page showing an error summary is "Error: …" in its title,
    the first thing a screen reader says when the page comes back."""
    shown = parse(render_page(ERRORS, errors=[{"text": "Enter a name.", "href": "#id_name"}]))
    assert shown.find("title").text == "Error: Add a person – Golden Thread"
    assert parse(render_page(CHILD)).find("title").text == "Caseload – Golden Thread"


def test_typed_words_that_spell_the_summary_do_not_make_an_error_title():
    """Stored text is escaped, so it can never look like the error summary itself."""
    source = CHILD.replace("<p>Content</p>", "<p>{{ note }}</p>")
    html = render_page(source, note='<div id="error-summary">')
    assert parse(html).find("title").text == "Caseload – Golden Thread"

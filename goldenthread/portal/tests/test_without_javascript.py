"""P-1, A11Y (#12): the person's own pages work without JavaScript.

The walk a browser with JavaScript off makes, with the test client and nothing else: read
the record, follow its plain links, fill each page's plain form and send it as the form
says (its method, its action, its hidden fields, no htmx header), follow the redirect and
see the result. Any page whose link or form needed a script to work would fail here."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.portal.models import AboutMe, CorrectionRequest, ItemComment
from goldenthread.ui.tests.helpers import Element, parse


def the_form(page: Element) -> Element:
    """The one form in <main> with fields to fill (not a small one-button form)."""
    main = page.find("main")
    forms = [f for f in main.find_all("form") if f.find_all("textarea")]
    assert len(forms) == 1, [f.attrs for f in forms]
    form = forms[0]
    assert form.attrs.get("method", "").lower() == "post"
    assert not any(k.startswith(("hx-", "data-hx")) for k in form.attrs), form.attrs
    assert [b for b in form.find_all("button") if b.attrs.get("type", "submit") == "submit"]
    return form


def send(client, url: str, form: Element, fill: dict[str, str]):
    """The form as a browser without JavaScript sends it: every named field's value, the
    filled ones changed, to the form's action (or the page itself)."""
    data = {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input")}
    data.update({t.attrs["name"]: t.text for t in form.find_all("textarea")})
    assert set(fill) <= set(data), set(fill) - set(data)
    data.update(fill)
    data.pop("csrfmiddlewaretoken", None)
    response = client.post(urljoin(url, form.attrs.get("action") or url), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def link(within: Element, text: str) -> str:
    for a in within.find_all("a"):
        if a.all_text().startswith(text) and a.attrs.get("href"):
            return a.attrs["href"]
    raise AssertionError(f"no link {text!r}")


@pytest.fixture
def jean(client, full_record, person):
    sign_in(client, person.portal_links.get(kind="self").user)
    return person


def test_read_comment_and_ask_for_a_correction_without_javascript(client, full_record, jean):
    record_url = reverse("portal:record", args=[jean.pk])
    record = client.get(record_url)
    assert record.status_code == 200
    outcome = parse(record.content.decode()).find("article", id=f"item-{full_record['outcome_id']}")

    comment_url = urljoin(record_url, link(outcome, "Add a comment"))
    form = the_form(parse(client.get(comment_url).content.decode()))
    after = send(client, comment_url, form, {"text": "I want to start in April."})
    assert "I want to start in April." in after.content.decode()
    assert ItemComment.objects.filter(person=jean, text="I want to start in April.").exists()

    correction_url = urljoin(record_url, link(outcome, "Ask for a correction"))
    form = the_form(parse(client.get(correction_url).content.decode()))
    fill = {"what_is_wrong": "It was May, not April.", "should_say": "Starting in May"}
    after = send(client, correction_url, form, fill)
    assert "It was May, not April." in after.content.decode()
    asked = CorrectionRequest.objects.get(person=jean, what_is_wrong="It was May, not April.")
    assert asked.status == "waiting"


def test_about_me_is_changed_without_javascript(client, full_record, jean):
    url = reverse("portal:about_me", args=[jean.pk])
    form = the_form(parse(client.get(url).content.decode()))
    after = send(client, url, form, {"what_matters": "My garden and my grandson"})
    assert "My garden and my grandson" in after.content.decode()
    about = AboutMe.objects.get(person=jean)
    assert about.what_matters == "My garden and my grandson"
    assert about.admired == "My jokes"  # the other answers sent back as they were

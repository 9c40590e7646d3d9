"""The golden thread at a glance (#16, REV-4): one row per outcome, what matters → outcome
→ support → review, broken links marked in words; server-rendered, no table to scroll."""

from __future__ import annotations

import re

from django.urls import reverse

from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus

from .conftest import make_change, make_conversation, make_outcome


def test_one_row_per_outcome_with_broken_links_marked(practitioner_client, person):
    linked = make_outcome(person, statement="I will be back at my bowling club by May")
    SolutionFactory(outcome=linked, status=SolutionStatus.IN_PLACE, what="Lift from Ann")
    loose = make_outcome(
        person,
        statement="I will cook for my grandson on Sundays",
        change=make_change(make_conversation(person), linked=False, text="Cooking again"),
    )
    html = practitioner_client.get(
        reverse("reviews:golden_thread", args=[person.pk])
    ).content.decode()
    assert html.index("The thread at a glance") < html.index('id="broken-links"')
    rows = re.findall(
        r'<li class="gt_glance__row[^"]*">(.*?)</li>\s*(?=<li class="gt_glance__row|</ol>)',
        html,
        re.S,
    )
    assert len(rows) == 2
    first, second = rows
    assert "bowling club" in first and "Lift from Ann (in place)" in first
    assert "Not working: “I can&#x27;t get up the bus steps”" in first
    assert "Broken:" not in first.split("Review")[0]
    assert "cook for my grandson" in second and "None planned yet" in second
    assert re.search(
        r'gt_broken">\s*<span class="gt_glance__label">What matters</span>\s*'
        r"<strong>Broken: </strong>“Cooking again”",
        second,
    )
    assert f'href="#outcome-{loose.pk}"' in second
    assert (
        "<table" not in html[html.index('<ol class="gt_glance">') : html.index('id="broken-links"')]
    )

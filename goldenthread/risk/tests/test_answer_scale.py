"""One answer scale for a question of fact (#16): step 5's questions about an outcome and
whether a person's capacity to decide is in question offer the same answers, in the same
order and words, drawn by the same inline radios."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from goldenthread.outcomes.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


def radios(html: str, name: str) -> tuple[list[str], str]:
    """The labels of the radios called `name`, in order, and the group's classes."""
    group = re.search(
        r'<div[^>]*class="(ds_radios ds_field-group[^"]*)"[^>]*>((?:(?!</fieldset>).)*?name="'
        + re.escape(name)
        + r'".*?)</div>\s*</fieldset>',
        html,
        re.S,
    )
    assert group, f"no radios called {name}"
    labels = re.findall(r'<label class="ds_radio__label"[^>]*>([^<]*)</label>', group.group(2))
    return [label.strip() for label in labels], group.group(1)


def test_step_5_and_capacity_share_one_scale(practitioner_client, person, practitioner):
    outcome = OutcomeFactory(person=person, positive_change__conversation__person=person)
    check = practitioner_client.get(reverse("outcomes:check", args=[person.pk, outcome.pk]))
    risk = practitioner_client.get(reverse("risk:add", args=[person.pk]))
    assert check.status_code == risk.status_code == 200
    step5_labels, step5_group = radios(check.content.decode(), "measurable__answer")
    capacity_labels, capacity_group = radios(risk.content.decode(), "capacity_in_question")
    assert step5_labels == capacity_labels == ["Yes", "No", "Not sure"]
    assert step5_group == capacity_group == "ds_radios ds_field-group ds_field-group--inline"

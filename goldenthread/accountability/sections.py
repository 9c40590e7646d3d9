"""The person's page: a short summary of challenges, advocacy and moves (people.sections)."""

from __future__ import annotations

from goldenthread.people.sections import RecordSection
from goldenthread.sds.decision_notes import DecisionNote, DecisionNotes
from goldenthread.ui.links import id_url

from . import presenters, selectors


def person_page_section(person, user, *, rows: dict | None = None) -> RecordSection:
    """`rows`: the summary's read already run by the person's page (people.sections)."""
    summary = selectors.summary_for(
        person, rows=rows[selectors.SUMMARY_READ] if rows is not None else None
    )
    lines = []
    if summary.challenges:
        words = f"{summary.open_challenges} open challenge or complaint" + (
            "s" if summary.open_challenges != 1 else ""
        )
        if summary.next_due:
            words += f", the next answer due by {presenters.date_text(summary.next_due)}"
        lines.append(f"{words} ({summary.challenges} in all).")
    if summary.advocacy is not None:
        lines.append(f"Advocacy: {presenters.advocacy_status(summary.advocacy)}.")
    if summary.transitions_planned:
        words = (
            f"{summary.transitions_planned} move"
            + ("s" if summary.transitions_planned != 1 else "")
            + " planned"
        )
        if summary.transitions_unlinked:
            words += f", {summary.transitions_unlinked} with no outcome linked"
        lines.append(words + ".")
    return RecordSection(
        template="accountability/_person_section.html",
        context={
            "lines": lines,
            "person": person,
            # reversed once per process (#19), not by {% url %} on every person's page
            "overview_url": id_url("accountability:overview")(person.pk),
        },
    )


def decision_notes(person, decisions) -> DecisionNotes:
    """Each challenge shown on the SDS decision it challenges, with its stage and when the
    answer is due (#13), and where to record a challenge or a check of understanding. One
    query, however many decisions."""
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    overview = reverse("accountability:overview", args=[person.pk])
    by_decision: dict = {}
    ids = [d.pk for d in decisions]
    challenges = selectors.challenges_of_decisions(person, ids) if ids else []
    for challenge in challenges:
        status, _colour = presenters.challenge_status(challenge, today)
        by_decision.setdefault(challenge.decision_id, []).append(
            DecisionNote(
                text=f"Challenged: received {presenters.date_text(challenge.raised_on)} from "
                f"{challenge.raised_by_name} ({challenge.get_raised_by_display().lower()}). "
                f"{status}.",
                url=f"{overview}#challenge-{challenge.pk}",
                link_text="See the challenge",
            )
        )
    raise_url = reverse("accountability:challenge_raise", args=[person.pk])
    for decision in decisions:
        by_decision.setdefault(decision.pk, []).append(
            DecisionNote(
                text="",
                url=f"{raise_url}?decision={decision.pk}",
                link_text="Record a challenge to this decision",
            )
        )
    return DecisionNotes(
        by_decision=by_decision,
        links={
            "understanding": [
                (
                    "Record how understanding was checked",
                    reverse("accountability:understanding_add", args=[person.pk]),
                )
            ],
        },
    )

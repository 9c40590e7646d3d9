"""The person's page: a short summary of challenges, advocacy and moves (people.sections)."""

from __future__ import annotations

from goldenthread.people.sections import RecordSection

from . import presenters, selectors


def person_page_section(person, user) -> RecordSection:
    summary = selectors.summary_for(person)
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
        template="accountability/_person_section.html", context={"lines": lines, "person": person}
    )

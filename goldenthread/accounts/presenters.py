"""Display text for accounts pages."""

from __future__ import annotations

from goldenthread.core.formatting import datetime_text

from .models import AccessStatus, CaseworkAccess

DATA_SET_UP = "Data set-up (no person)"


def _when(value) -> str:
    return datetime_text(value, joiner=", ")


def team_name(user) -> str:
    """The name of the user's team, or "" for someone in no team: the caption above a team
    page's heading, read by the view, not the template (#19)."""
    return user.team.name if user.team is not None else ""


def _who(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.username})" if user else ""


_STATUS_COLOUR: dict[str, str] = {
    AccessStatus.PENDING: "orange",
    AccessStatus.APPROVED: "green",
    AccessStatus.REFUSED: "red",
}


def grant_row(grant: CaseworkAccess) -> dict[str, str]:
    """One line of the "who was given access" report."""
    if grant.was_approved:
        approved = _who(grant.decided_by) or DATA_SET_UP
        approved_at = _when(grant.decided_at)
    else:
        approved, approved_at = "", ""
    return {
        "id": str(grant.pk),
        "person": _who(grant.user),
        "role": grant.get_role_display(),
        "team": str(grant.team),
        "status": grant.get_status_display(),
        "status_colour": _STATUS_COLOUR.get(str(grant.status), "grey"),
        "reason": grant.reason,
        "granted_by": _who(grant.granted_by) or DATA_SET_UP,
        "granted_at": _when(grant.granted_at),
        "approved_by": approved,
        "approved_at": approved_at,
        "refused": (
            f"Refused by {_who(grant.decided_by)} on {_when(grant.decided_at)}: "
            f"{grant.decision_note}"
            if grant.status == AccessStatus.REFUSED
            else ""
        ),
        "ended": (f"Ended {_when(grant.ended_at)}: {grant.end_reason}" if grant.ended_at else ""),
    }


# Words kept as they were typed on a person's record (people.Draft, #16): the boxes' keys
# and the page address mean nothing to a reader; the words are shown.
HIDDEN_STASH_FIELDS = frozenset({"draft_key", "gt_draft_key", "page"})
STASH_LABELS = {"draft_text": "What you typed"}


def stashed_field_rows(fields: dict[str, list[str]]) -> list[dict]:
    """What a person had typed, for a summary list (the field's name as words, then what
    was typed; a field with several values shows one per line)."""
    rows = []
    for name, values in fields.items():
        if name in HIDDEN_STASH_FIELDS:
            continue
        label = STASH_LABELS.get(name) or (
            name.replace("_", " ").replace("-", " ").strip().capitalize() or name
        )
        typed = [v for v in values if v]
        value: str | list[str] = typed if len(typed) > 1 else (typed[0] if typed else "(empty)")
        rows.append({"key": label, "value": value})
    return rows

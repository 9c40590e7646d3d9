from __future__ import annotations

import datetime

from django import forms

from goldenthread.ui.forms import Form

from .periods import AGE_GROUP_LABELS, AGE_GROUPS, period_choices
from .selectors import SUPPORT_REASON_LABELS, SUPPORT_REASONS, FilterAxes


class ReportFilterForm(Form):
    """The filters of a report page (GET). Team leaders see their own team only."""

    # A value not offered (an old link, a team since renamed away, a typed address) is
    # refused in words that do not repeat it.
    period = forms.ChoiceField(
        label="Period",
        required=False,
        error_messages={"invalid_choice": "Choose a period from the list."},
    )
    team = forms.ChoiceField(
        label="Team",
        required=False,
        error_messages={"invalid_choice": "Choose a team from the list."},
    )
    area = forms.ChoiceField(
        label="Area",
        required=False,
        help_text="The area a team serves.",
        error_messages={"invalid_choice": "Choose an area from the list."},
    )
    age = forms.ChoiceField(
        label="Age group",
        required=False,
        choices=[("", "All ages"), *((g, AGE_GROUP_LABELS[g]) for g in AGE_GROUPS)],
        error_messages={"invalid_choice": "Choose an age group from the list."},
    )
    reason = forms.ChoiceField(
        label="Main reason for support",
        required=False,
        help_text="All teams and areas only: a team's or an area's numbers are not split "
        "by reason, so that small counts cannot be worked out.",
        choices=[("", "All reasons"), *((r, SUPPORT_REASON_LABELS[r]) for r in SUPPORT_REASONS)],
        error_messages={"invalid_choice": "Choose a main reason for support from the list."},
    )

    def __init__(
        self, *args, axes: FilterAxes, today: datetime.date, own_team: str | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._choice("period").choices = period_choices(today)
        if own_team is None:
            self._choice("team").choices = [("", "All teams"), *axes.team_labels.items()]
        else:
            # A team leader's reports are their team's: never split by reason (APART).
            del self.fields["team"]
            del self.fields["reason"]
        self._choice("area").choices = [("", "All areas"), *axes.area_labels.items()]

    def clean(self):
        data = super().clean()
        if data.get("reason") and (data.get("team") or data.get("area")):
            # Team and reason are kept apart (docs/adr/0015): never narrowed together.
            self.add_error(
                "reason",
                "Choose a main reason for support with all teams and all areas, or a team "
                "or an area with all reasons: not both.",
            )
        return data

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

from __future__ import annotations

import datetime

from django import forms

from .periods import AGE_GROUP_LABELS, AGE_GROUPS, period_choices
from .selectors import FilterAxes


class ReportFilterForm(forms.Form):
    """The filters of a report page (GET). Team leaders see their own team only."""

    period = forms.ChoiceField(label="Period", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    age = forms.ChoiceField(
        label="Age group",
        required=False,
        choices=[("", "All ages"), *((g, AGE_GROUP_LABELS[g]) for g in AGE_GROUPS)],
    )

    def __init__(
        self, *args, axes: FilterAxes, today: datetime.date, own_team: str | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._choice("period").choices = period_choices(today)
        if own_team is None:
            self._choice("team").choices = [("", "All teams"), *axes.team_labels.items()]
        else:
            del self.fields["team"]
        self._choice("area").choices = [("", "All areas"), *axes.area_labels.items()]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds_select")

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

from __future__ import annotations

from django import forms

from goldenthread.ui.forms import Form

from .selectors import MAX_QUERY_LENGTH


class DirectorySearchForm(Form):
    q = forms.CharField(
        label="What are you looking for?",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text="For example: lunch club, befriending, swimming, dementia carers.",
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "true"}
        ),
        error_messages={"max_length": "Use 200 characters or fewer."},
    )
    place = forms.CharField(
        label="Where?",
        required=False,
        max_length=100,
        help_text="A town, area or postcode, for example Paisley or EH11.",
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "class": "ds_input--fixed-20"}
        ),
        error_messages={"max_length": "Use 100 characters or fewer."},
    )

    def search_terms(self) -> tuple[str, str]:
        """(words, place) when valid; ("", "") otherwise."""
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["q"].strip(), self.cleaned_data["place"].strip()

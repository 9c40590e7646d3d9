"""The directory import upload form (SS-4, IO-3, #20) and the audit purge's start form (OPS-7,
#20)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from goldenthread.directory.services import max_file_bytes
from goldenthread.ui.forms import Form


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


class DirectoryUploadForm(Form):
    feed = forms.FileField(
        label="The feed file",
        help_text="Open Referral UK (ORUK) or HSDS services, as one JSON file.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
        error_messages={
            "required": "Choose the feed file to import.",
            "empty": "The file is empty. Choose the feed file to import.",
        },
    )
    source = forms.CharField(
        label="Name of the feed (optional)",
        help_text="Records keep this name, so the next import of the same feed updates them. "
        "Leave it empty to use the file's name.",
        required=False,
        max_length=100,
        error_messages={"max_length": "Keep the feed's name to 100 characters or fewer."},
    )
    area = forms.CharField(
        label="Service area, for records that give none (optional)",
        help_text="For example, Aberdeen City.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the service area to 200 characters or fewer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feed"].help_text += f" At most {megabytes(max_file_bytes())}."

    def clean_feed(self):
        upload = self.cleaned_data["feed"]
        limit = max_file_bytes()
        if upload.size > limit:
            raise ValidationError(
                f"The file is {megabytes(upload.size)}; the largest this service imports is "
                f"{megabytes(limit)}. Split the feed into smaller files."
            )
        if not upload.name.lower().endswith(".json"):
            raise ValidationError("Choose a JSON file: its name ends in .json.")
        return upload


class AuditPurgeForm(Form):
    """A dry run unless the administrator chooses to remove the rows and confirms it."""

    DRY_RUN = "dry-run"
    APPLY = "apply"

    mode = forms.ChoiceField(
        label="What the job does",
        choices=[
            (DRY_RUN, "Count the rows that would be removed, and remove nothing"),
            (APPLY, "Remove the rows past their retention period"),
        ],
        initial=DRY_RUN,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I confirm the rows past their retention period are to be removed. This cannot "
        "be undone; a checkpoint will account for every row removed.",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == self.APPLY and not cleaned.get("confirm"):
            self.add_error(
                "confirm",
                "Confirm that the rows are to be removed, or choose to count them only.",
            )
        return cleaned

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from goldenthread.accounts.models import Area, Role, User
from goldenthread.ui.forms import DateInput, Form, ModelForm, VersionField, date_field

from .chi import InvalidCHI, validate_chi
from .models import CircleMember, Person, SupportReason
from .services import PERSON_FIELDS

# What may be typed in the CHI box: 10 digits with spaces or hyphens between groups.
CHI_TYPED_MAX_LENGTH = 14


def different_person_field(*, changing: bool = False) -> forms.BooleanField:
    """The box a worker ticks to add someone whose name and date of birth are already
    recorded for a person they may see (people.services.SamePersonMayBeRecorded), or to
    save a person's details changed to match such a person (`changing`)."""
    if changing:
        return forms.BooleanField(
            label="They are a different person with the same name and date of birth: "
            "save the change",
            required=False,
            help_text="This is kept in the record's history.",
        )
    return forms.BooleanField(
        label="They are a different person with the same name and date of birth: add them",
        required=False,
        help_text="This is kept in the new record's history.",
    )


class PersonForm(ModelForm):
    version = VersionField()

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {
            "date_of_birth": DateInput(),
            "chi_number": forms.TextInput(
                attrs={
                    "class": "ds_input--fixed-10",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            ),
            "communication_needs": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "given_name": {
                "required": "Enter the person's first name.",
                "max_length": "First name must be 100 characters or fewer.",
            },
            "family_name": {
                "required": "Enter the person's last name.",
                "max_length": "Last name must be 100 characters or fewer.",
            },
            "preferred_name": {"max_length": "Preferred name must be 100 characters or fewer."},
            "date_of_birth": {
                "required": "Enter the date of birth.",
                "invalid": "Enter the date of birth as a real date.",
            },
            "area": {"required": "Choose the area where the person lives."},
            "communication_needs": {
                "max_length": "Communication needs must be 2,000 characters or fewer."
            },
            "support_reason": {"invalid_choice": "Choose a main reason for support from the list."},
        }
        help_texts = {
            # For the reports (#14): counted by reason, never shown with a name.
            "support_reason": "The main reason the person needs support, as the national "
            "social care return counts it. Leave as 'Not recorded' if you do not know yet.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.all()
        self.fields["area"].empty_label = "Choose an area"
        reason = self._choice("support_reason")
        reason.choices = [("", "Not recorded"), *SupportReason.choices]
        # Spaces and hyphens are allowed while typing ("150350 1000", as the hint shows):
        # the 10-character limit of the stored number applies after they are taken out
        # (clean_chi_number), never to what was typed.
        chi = self.fields["chi_number"]
        chi.max_length = CHI_TYPED_MAX_LENGTH
        chi.widget.attrs["maxlength"] = CHI_TYPED_MAX_LENGTH
        chi.validators = [v for v in chi.validators if not isinstance(v, MaxLengthValidator)]
        chi.validators.append(
            MaxLengthValidator(CHI_TYPED_MAX_LENGTH, message="Enter the CHI number as 10 digits.")
        )
        if not self.instance._state.adding:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
        if "different_person" in self.data:  # shown after a warning, then ticked
            self.show_different_person()

    def show_different_person(self) -> None:
        """Offer the box to add a namesake, or save a change that matches one (after
        SamePersonMayBeRecorded), at the end."""
        if "different_person" not in self.fields:
            self.fields["different_person"] = different_person_field(
                changing=not self.instance._state.adding
            )

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean_chi_number(self) -> str:
        value = self.cleaned_data.get("chi_number", "")
        if not value:
            return ""
        try:
            return validate_chi(value)
        except InvalidCHI as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past.")
        return value

    def _get_validation_exclusions(self):
        # A CHI number already recorded is for the service to answer (people/services.py):
        # the model's unique check would say "already recorded" about a person this user
        # may not see (#11). The model's clean() still checks the number and the date of
        # birth; the database constraint still guarantees uniqueness.
        exclude = super()._get_validation_exclusions()
        exclude.add("chi_number")
        return exclude


class CircleMemberForm(ModelForm):
    version = VersionField()

    class Meta:
        model = CircleMember
        fields = ["name", "relationship", "is_unpaid_carer", "contact", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {
                "required": "Enter their name.",
                "max_length": "Name must be 200 characters or fewer.",
            },
            "relationship": {
                "required": "Say who they are to the person, for example 'son'.",
                "max_length": "Relationship must be 100 characters or fewer.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]


class AllocationForm(Form):
    worker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Worker",
        error_messages={
            "required": "Choose who to allocate.",
            "invalid_choice": "Choose someone from the list.",
        },
    )
    description = forms.CharField(
        label="Their part",
        max_length=120,
        required=False,
        help_text="For example: allocated social worker, occupational therapist.",
    )
    start_date = date_field("Start date")

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = User.objects.filter(
            team=team, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEADER]
        ).order_by("last_name", "first_name")
        self.fields["worker"].empty_label = "Choose a worker"
        self.fields["start_date"].initial = timezone.localdate()


class EndAllocationForm(Form):
    end_date = date_field("Last day")


class CaseloadSearchForm(Form):
    """Sent by POST, so names and CHI numbers never appear in addresses or server logs."""

    q = forms.CharField(
        label="Find a person by name or CHI number",
        max_length=100,
        required=False,
        error_messages={"max_length": "Search for 100 characters or fewer."},
    )


class PossibleDuplicateResolveForm(Form):
    """What was done; for a name and date of birth (`by_name`), also whether it is someone
    else, so the worker may add them (or save the change, `changing`)."""

    resolution = forms.CharField(
        label="What was done",
        max_length=2000,
        help_text="For example: asked the other team's leader, who allocated Pat to the "
        "person already recorded. The worker who asked does not see these words: they are "
        "told only whether it is a different person.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say what was done, for example who you asked.",
            "max_length": "What was done must be 2,000 characters or fewer.",
        },
    )

    def __init__(self, *args, by_name: bool = False, changing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_name:
            may = "save the change" if changing else "add them"
            self.fields["different_person"] = forms.BooleanField(
                label=f"It is a different person: the worker may {may}",
                required=False,
                help_text="Tick only once the other team has told you the person they hold "
                "is someone else.",
            )

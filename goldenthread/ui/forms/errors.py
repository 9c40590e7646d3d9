"""The one way a service's refusal reaches a form (#17)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    *,
    default_field: str | None = None,
    field_for: Callable[[str], str] | None = None,
) -> None:
    """Put a service's ValidationError beside the fields it is about.

    Messages about a field the form has go beside it; messages about anything else (the
    whole record, or a field this form does not show) go to `default_field`: the top of
    the form (non-field errors) unless a view names a field. `field_for` turns the name a
    service uses into the form's field name (a questionnaire's "q1" is "q1__answer")."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = field_for(name) if field_for else name
            target = name if name in form.fields else default_field
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.error_list:
            form.add_error(default_field, error)

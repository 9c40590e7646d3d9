"""Render every Django form in Scottish Government Design System (SGDS) markup.

Set ``FORM_RENDERER = "goldenthread.ui.forms.renderer.DesignSystemRenderer"`` and
``{{ form }}`` gives: an error summary, then each field as an SGDS question
(label, hint, error message, input), with ids and ARIA wired up.

Django's own widget templates are swapped for SGDS ones by name (see
``WIDGET_TEMPLATES``), so there is no dependency on the order of
INSTALLED_APPS. Widgets without an SGDS version (hidden, file, multi-widgets)
fall back to Django's bundled templates, so "django.forms" need not be installed.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.formsets import ManagementForm
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property

from goldenthread.ui import htmx

from .fields import ALSO_DESCRIBED_BY, OPTIONAL_LABEL

_INPUT = "ui/forms/widgets/input.html"
HIDDEN_ONLY_TEMPLATE = "ui/forms/hidden_fields.html"

WIDGET_TEMPLATES = {
    "django/forms/widgets/text.html": _INPUT,
    "django/forms/widgets/email.html": _INPUT,
    "django/forms/widgets/number.html": _INPUT,
    "django/forms/widgets/password.html": _INPUT,
    "django/forms/widgets/url.html": _INPUT,
    "django/forms/widgets/tel.html": _INPUT,
    "django/forms/widgets/search.html": _INPUT,
    "django/forms/widgets/date.html": _INPUT,
    "django/forms/widgets/datetime.html": _INPUT,
    "django/forms/widgets/time.html": _INPUT,
    "django/forms/widgets/textarea.html": "ui/forms/widgets/textarea.html",
    "django/forms/widgets/select.html": "ui/forms/widgets/select.html",
    "django/forms/widgets/checkbox.html": "ui/forms/widgets/checkbox.html",
    "django/forms/widgets/radio.html": "ui/forms/widgets/radio.html",
    "django/forms/widgets/checkbox_select.html": "ui/forms/widgets/checkbox_select.html",
}


class DesignSystemBoundField(BoundField):
    """A BoundField that knows how SGDS lays out its question.

    A plain ``forms.DateInput`` is shown as a native ``<input type="date">``
    with an ISO value: every browser gives a keyboard- and screen-reader-usable
    date control, it needs no JavaScript, and the value is never ambiguous
    between day-month and month-day. Widgets given their own ``input_type`` or
    ``format`` are left alone.
    """

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        widget = field.widget
        # form.fields are deep copies per form instance, so this does not leak.
        if type(widget) is forms.DateInput and widget.input_type == "text" and not widget.format:
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"

    @cached_property
    def ds_kind(self) -> str:
        """How the field template lays the question out."""
        widget = self.field.widget
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if widget.use_fieldset:
            return "group"
        return "single"

    @property
    def is_optional(self) -> bool:
        """Whether the label says "(optional)". A lone checkbox never does, nor a label
        that says so already ("Note (optional)" is not "Note (optional) (optional)", #16), nor
        a field that is needed in some cases only (`field.optional_label = False`; its hint
        says when it is needed)."""
        return (
            not self.field.required
            and self.ds_kind != "checkbox"
            and getattr(self.field, OPTIONAL_LABEL, True)
            and "(optional)" not in str(self.label or self.field.label or "").lower()
        )

    @property
    def aria_describedby(self) -> str | None:
        """Django's (the hint's id, then the error's when there is one), then the ids
        `fields.described_also_by` gave. None when the widget names its own: it is kept."""
        own = super().aria_describedby
        also = getattr(self.field, ALSO_DESCRIBED_BY, [])
        if own is None or not also:
            return own
        return " ".join([*own.split(), *also])

    @property
    def error_target_id(self) -> str:
        """The id an error summary link should point at: the first input."""
        id_ = self.field.widget.attrs.get("id") or self.auto_id
        if not id_:
            return ""
        # Radios, checkboxes and multi-part inputs number their inputs id_0, id_1...
        if isinstance(self.field.widget, (forms.RadioSelect, forms.MultiWidget)):
            return f"{id_}_0"
        return self.id_for_label or id_

    def build_widget_attrs(self, attrs, widget=None):
        """Django's attributes, and the page's htmx token on a widget given hx- request
        attributes in Python, so htmx acts on it (goldenthread/ui/htmx.py)."""
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if htmx.REQUEST_ATTRIBUTES & {*widget.attrs, *attrs}:
            token = htmx.current_token()
            if token:
                attrs[htmx.MARK_ATTRIBUTE] = token
        return attrs


class DesignSystemRenderer(TemplatesSetting):
    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"
    bound_field_class = DesignSystemBoundField

    def render(self, template_name, context, request=None):
        # A formset's count fields are hidden: what is wrong with them is the formset's
        # to say (its non_form_errors), in the page's one error summary, so the management
        # form draws its inputs only, never a second "There is a problem" box (A11Y-1).
        if template_name == self.form_template_name and isinstance(
            context.get("form"), ManagementForm
        ):
            template_name = HIDDEN_ONLY_TEMPLATE
        return super().render(template_name, context, request=request)

    @cached_property
    def _django_builtin(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        template_name = WIDGET_TEMPLATES.get(template_name, template_name)
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            if not template_name.startswith("django/forms/"):
                raise
            return self._django_builtin.get_template(template_name)

"""Risk enablement pages: thin views over selectors and services, all person-scoped
(PersonRecordMixin: one access-log row per request)."""

from __future__ import annotations

from django.urls import reverse
from django.views.generic import TemplateView

from goldenthread.core.permissions import Permission, can
from goldenthread.people.access import PersonChild, PersonRecordMixin
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, selectors, services
from .forms import AgreementForm, RiskForm, ViewForm


def list_url(person, anchor: str = "") -> str:
    return reverse("risk:list", args=[person.pk]) + (f"#{anchor}" if anchor else "")


class RiskListView(PersonsWordsMixin, PersonRecordMixin, TemplateView):
    template_name = "risk/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_record = can(self.request.user, Permission.RECORD_RISK)
        items = []
        for risk in selectors.risks_for(self.person):
            views = list(risk.views.all())
            side_by_side, other_views = presenters.side_by_side(views)
            items.append(
                {
                    "risk": risk,
                    "rows": presenters.summary_rows(
                        risk,
                        edit_url=reverse("risk:edit", args=[self.person.pk, risk.pk])
                        if can_record
                        else None,
                    ),
                    "agreements": list(risk.agreements.all()),
                    "side_by_side": side_by_side,
                    "other_views": other_views,
                }
            )
        context["items"] = items
        # Recorded here, in a fold (#16: no page load for the form); a refused form comes
        # back on the risk's own page with its messages.
        context["risk_form"] = (
            RiskForm(person=self.person, auto_id="id_new_risk_%s") if can_record else None
        )
        context["risk_intro"] = RiskAddView.intro
        return context


class RiskFormView(PersonRecordMixin, PermissionRequiredMixin, ServiceFormView):
    """A form on a person's risks, for their practitioners and team leader."""

    permission = Permission.RECORD_RISK
    permission_denied_message = "Only practitioners and team leaders record this."
    back_text = "Back to risks"
    anchor = ""

    def get_back_url(self) -> str:
        return list_url(self.person)

    def get_success_url(self) -> str:
        return list_url(self.person, self.anchor)


class RiskAddView(RiskFormView):
    form_class = RiskForm
    heading_text = "Record a risk talked about openly"
    intro = (
        "What could go wrong and what good it brings, the least restrictive option, who "
        "agreed to what and why (Standard 6)."
    )
    success_message = "The risk is recorded."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def save(self, form):
        risk = services.risk_record(
            actor=self.request.user, person=self.person, **form.service_kwargs()
        )
        self.anchor = f"risk-{risk.pk}"
        return risk


class RiskItemFormView(RiskFormView):
    """A form about one of the person's risks."""

    risk = PersonChild(selectors.risk_of, kwarg="risk_id", missing="No such risk for this person.")
    show_risk = True  # the risk's activity above the form

    def get_success_url(self) -> str:
        return list_url(self.person, f"risk-{self.risk.pk}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.show_risk:
            context["summary_rows"] = [{"key": "The risk", "value": self.risk.activity}]
        return context


class RiskEditView(RiskItemFormView):
    form_class = RiskForm
    heading_text = "Change a risk"
    success_message = "The risk is saved."
    show_risk = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person, "risk": self.risk}

    def get_stale_values(self, current, form):
        return [(row["key"], row["value"]) for row in presenters.summary_rows(current)]

    def save(self, form):
        return services.risk_update(
            actor=self.request.user,
            risk=self.risk,
            expected_version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )


class AgreementAddView(RiskItemFormView):
    form_class = AgreementForm
    heading_text = "Add who agreed to what"
    intro = "Responsibility for the risk is shared: record each person and what they agreed."
    success_message = "Saved."

    def save(self, form):
        return services.risk_agreement_add(
            actor=self.request.user, risk=self.risk, **form.cleaned_data
        )


class ViewAddView(RiskItemFormView):
    form_class = ViewForm
    heading_text = "Add someone's view"
    intro = (
        "The person's wishes and a guardian's or attorney's view are kept side by side; "
        "neither replaces the other."
    )
    success_message = "The view is added."

    def save(self, form):
        return services.risk_view_add(actor=self.request.user, risk=self.risk, **form.cleaned_data)

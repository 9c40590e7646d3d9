"""Risk enablement pages: thin views over selectors and services, all person-scoped
(PersonRecordMixin: one access-log row per request)."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from goldenthread.accounts.rules import can
from goldenthread.people.access import PersonRecordMixin
from goldenthread.sds.views import PersonFormView

from . import presenters, selectors, services
from .forms import AgreementForm, RiskForm, ViewForm


def list_url(person, anchor: str = "") -> str:
    return reverse("risk:list", args=[person.pk]) + (f"#{anchor}" if anchor else "")


class RiskListView(PersonRecordMixin, TemplateView):
    template_name = "risk/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_record = can(self.request.user, "sds.record")
        items = []
        for risk in selectors.risks_for(self.person):
            views = list(risk.views.all())
            side_by_side, other_views = presenters.side_by_side(views)
            items.append({
                "risk": risk,
                "rows": presenters.summary_rows(
                    risk, edit_url=reverse("risk:edit", args=[self.person.pk, risk.pk])
                    if can_record else None),
                "agreements": list(risk.agreements.all()),
                "side_by_side": side_by_side,
                "other_views": other_views,
            })
        context.update({"items": items, "can_record": can_record})
        return context


class RiskFormMixin(PersonFormView):
    back_text = "Back to risks"

    def back_url(self) -> str:
        return list_url(self.person)

    def get_success_url(self) -> str:
        return list_url(self.person, self.anchor)


class RiskAddView(RiskFormMixin):
    form_class = RiskForm
    heading_text = "Record a risk talked about openly"
    intro = ("What could go wrong and what good it brings, the least restrictive option, who "
             "agreed to what and why (Standard 6).")

    def extra_form_kwargs(self):
        return {"person": self.person}

    def save(self, form):
        risk = services.risk_record(actor=self.request.user, person=self.person,
                                    **form.service_kwargs())
        self.anchor = f"risk-{risk.pk}"
        return "The risk is recorded."


class RiskItemMixin:
    def get_risk(self):
        if not hasattr(self, "_risk"):
            self._risk = selectors.risk_of(self.person, self.kwargs["risk_id"])
            if self._risk is None:
                raise Http404("No such risk for this person.")
        return self._risk


class RiskEditView(RiskItemMixin, RiskFormMixin):
    form_class = RiskForm
    heading_text = "Change a risk"

    def extra_form_kwargs(self):
        return {"person": self.person, "risk": self.get_risk()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.stale_current is not None:
            context["stale_values"] = [
                (row["key"], row["value"]) for row in presenters.summary_rows(self.stale_current)
            ]
        return context

    def save(self, form):
        data = form.service_kwargs()
        risk = self.get_risk()
        services.risk_update(actor=self.request.user, risk=risk,
                             expected_version=form.cleaned_data["version"], **data)
        self.anchor = f"risk-{risk.pk}"
        return "The risk is saved."


class AgreementAddView(RiskItemMixin, RiskFormMixin):
    form_class = AgreementForm
    heading_text = "Add who agreed to what"
    intro = "Responsibility for the risk is shared: record each person and what they agreed."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary_rows"] = [{"key": "The risk", "value": self.get_risk().activity}]
        return context

    def save(self, form):
        risk = self.get_risk()
        services.risk_agreement_add(actor=self.request.user, risk=risk, **form.cleaned_data)
        self.anchor = f"risk-{risk.pk}"
        return "Saved."


class ViewAddView(RiskItemMixin, RiskFormMixin):
    form_class = ViewForm
    heading_text = "Add someone's view"
    intro = ("The person's wishes and a guardian's or attorney's view are kept side by side; "
             "neither replaces the other.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary_rows"] = [{"key": "The risk", "value": self.get_risk().activity}]
        return context

    def save(self, form):
        risk = self.get_risk()
        services.risk_view_add(actor=self.request.user, risk=risk, **form.cleaned_data)
        self.anchor = f"risk-{risk.pk}"
        return "The view is added."

from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("<uuid:person_id>/risks/", views.RiskListView.as_view(), name="list"),
    path("<uuid:person_id>/risks/new/", views.RiskAddView.as_view(), name="add"),
    path("<uuid:person_id>/risks/<uuid:risk_id>/edit/", views.RiskEditView.as_view(), name="edit"),
    path(
        "<uuid:person_id>/risks/<uuid:risk_id>/agreements/new/",
        views.AgreementAddView.as_view(),
        name="agreement_add",
    ),
    path(
        "<uuid:person_id>/risks/<uuid:risk_id>/views/new/",
        views.ViewAddView.as_view(),
        name="view_add",
    ),
]

from django.urls import path

from . import views

app_name = "outcomes"

C = "<uuid:person_id>/conversations/<uuid:conversation_id>"
O = "<uuid:person_id>/outcomes/<uuid:outcome_id>"  # noqa: E741

urlpatterns = [
    path("check-outcome/", views.LiveCheckView.as_view(), name="live_check"),
    path("suggest-domain/", views.DomainSuggestionView.as_view(), name="suggest_domain"),
    path(f"{C}/step-4/", views.Step4View.as_view(), name="step4"),
    path(f"{C}/step-5/", views.Step5View.as_view(), name="step5"),
    path("<uuid:person_id>/outcomes/", views.OutcomeListView.as_view(), name="list"),
    path(f"{O}/", views.OutcomeDetailView.as_view(), name="detail"),
    path(f"{O}/change/", views.OutcomeEditView.as_view(), name="edit"),
    path(f"{O}/check/", views.OutcomeCheckView.as_view(), name="check"),
]

from django.urls import path

from . import views

app_name = "sds"

urlpatterns = [
    # A person's "Choices and budget" (SDS-1..SDS-5, UN-1): PersonRecordMixin on every one.
    path("<uuid:person_id>/choices/", views.OverviewView.as_view(), name="overview"),
    path("<uuid:person_id>/choices/options/", views.OptionsView.as_view(), name="options"),
    path("<uuid:person_id>/choices/mix/", views.MixView.as_view(), name="mix"),
    path(
        "<uuid:person_id>/choices/first-choice/",
        views.FirstChoiceView.as_view(),
        name="first_choice",
    ),
    path(
        "<uuid:person_id>/choices/first-choice/<uuid:shortfall_id>/",
        views.FirstChoiceAnswerView.as_view(),
        name="first_choice_answer",
    ),
    path(
        "<uuid:person_id>/budget/likely/",
        views.IndicativeBudgetView.as_view(),
        name="indicative_budget",
    ),
    path(
        "<uuid:person_id>/budget/requests/new/",
        views.BudgetRequestCreateView.as_view(),
        name="request_create",
    ),
    path(
        "<uuid:person_id>/budget/requests/<uuid:request_id>/",
        views.BudgetRequestDetailView.as_view(),
        name="request_detail",
    ),
    path(
        "<uuid:person_id>/budget/requests/<uuid:request_id>/send-back/",
        views.BudgetRequestResubmitView.as_view(),
        name="request_resubmit",
    ),
    path(
        "<uuid:person_id>/budget/lines/<uuid:line_id>/outcome/",
        views.BudgetLineMoveView.as_view(),
        name="budget_line_move",
    ),
    path("<uuid:person_id>/decisions/new/", views.DecisionAddView.as_view(), name="decision_add"),
    path(
        "<uuid:person_id>/decisions/<uuid:decision_id>/shared/",
        views.DecisionSharedView.as_view(),
        name="decision_shared",
    ),
    path(
        "<uuid:person_id>/unmet-need/new/", views.UnmetNeedAddView.as_view(), name="unmet_need_add"
    ),
    path(
        "<uuid:person_id>/unmet-need/<uuid:unmet_need_id>/met/",
        views.UnmetNeedMetView.as_view(),
        name="unmet_need_met",
    ),
    path(
        "<uuid:person_id>/unmet-need/<uuid:unmet_need_id>/outcome/",
        views.UnmetNeedMoveView.as_view(),
        name="unmet_need_move",
    ),
    # Staff-wide pages.
    path("sds/approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("sds/unmet-need/", views.UnmetNeedTeamView.as_view(), name="unmet_need_team"),
    path("sds/panel/", views.PanelQueueView.as_view(), name="panel"),
    path("sds/panel/<uuid:request_id>/", views.PanelDecideView.as_view(), name="panel_decide"),
]

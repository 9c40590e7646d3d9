from django.urls import path

from . import views

app_name = "accountability"

P = "<uuid:person_id>/accountability/"

urlpatterns = [
    path("challenges/open/", views.OpenChallengesView.as_view(), name="open_challenges"),
    path("transitions/due/", views.TransitionsDueView.as_view(), name="transitions_due"),
    path(P, views.OverviewView.as_view(), name="overview"),
    path(P + "challenges/new/", views.ChallengeRaiseView.as_view(), name="challenge_raise"),
    path(
        P + "challenges/<uuid:challenge_id>/investigate/",
        views.ChallengeInvestigateView.as_view(),
        name="challenge_investigate",
    ),
    path(
        P + "challenges/<uuid:challenge_id>/answer/",
        views.ChallengeAnswerView.as_view(),
        name="challenge_answer",
    ),
    path(
        P + "challenges/<uuid:challenge_id>/extend/",
        views.ChallengeExtendView.as_view(),
        name="challenge_extend",
    ),
    path(
        P + "challenges/<uuid:challenge_id>/mediation/",
        views.ChallengeMediationView.as_view(),
        name="challenge_mediation",
    ),
    path(
        P + "challenges/<uuid:challenge_id>/escalate/",
        views.ChallengeEscalateView.as_view(),
        name="challenge_escalate",
    ),
    path(P + "advocacy/new/", views.AdvocacyAddView.as_view(), name="advocacy_add"),
    path(
        P + "advocacy/<uuid:advocacy_id>/edit/",
        views.AdvocacyEditView.as_view(),
        name="advocacy_edit",
    ),
    path(P + "transitions/new/", views.TransitionAddView.as_view(), name="transition_add"),
    path(
        P + "transitions/<uuid:transition_id>/edit/",
        views.TransitionEditView.as_view(),
        name="transition_edit",
    ),
    path(P + "agreement/new/", views.AgreementAddView.as_view(), name="plan_agreement_add"),
    path(
        P + "agreement/<uuid:outcome_id>/new/",
        views.AgreementAddView.as_view(),
        name="agreement_add",
    ),
    path(P + "understanding/new/", views.UnderstandingAddView.as_view(), name="understanding_add"),
]

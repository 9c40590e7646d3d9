from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("set-up/", views.JoinView.as_view(), name="join"),
    path("<uuid:person_id>/", views.RecordView.as_view(), name="record"),
    path("<uuid:person_id>/plan/", views.PlanView.as_view(), name="plan"),
    path(
        "<uuid:person_id>/plan/easy-read/", views.PlanView.as_view(easy=True), name="plan_easy_read"
    ),
    path("<uuid:person_id>/plan.pdf", views.PlanPdfView.as_view(), name="plan_pdf"),
    path("<uuid:person_id>/comment/", views.CommentView.as_view(), name="comment"),
    path("<uuid:person_id>/correction/", views.CorrectionView.as_view(), name="correction"),
    path("<uuid:person_id>/challenge/", views.ChallengeView.as_view(), name="challenge"),
    path("<uuid:person_id>/requests/", views.RequestsView.as_view(), name="requests"),
    path("<uuid:person_id>/who-looked/", views.WhoLookedView.as_view(), name="who_looked"),
    path(
        "<uuid:person_id>/who-looked/<uuid:log_id>/ask/", views.AskWhyView.as_view(), name="ask_why"
    ),
    path(
        "<uuid:person_id>/reviews/<uuid:review_id>/my-view/",
        views.ReviewViewView.as_view(),
        name="review_view",
    ),
    path("<uuid:person_id>/about-me/", views.AboutMeView.as_view(), name="about_me"),
    path(
        "<uuid:person_id>/about-me/add/",
        views.AboutMeMediaAddView.as_view(),
        name="about_me_media_add",
    ),
    path(
        "<uuid:person_id>/about-me/files/<uuid:media_id>/",
        views.AboutMeMediaView.as_view(),
        name="about_me_media",
    ),
    path("<uuid:person_id>/access/", views.AccessView.as_view(), name="access"),
    path(
        "<uuid:person_id>/access/<uuid:link_id>/end/",
        views.EndAccessView.as_view(),
        name="end_access",
    ),
]

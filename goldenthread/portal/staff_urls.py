"""The staff side of the person's own record, under /people/."""

from django.urls import path

from . import views

app_name = "portal_staff"

urlpatterns = [
    path("corrections/", views.WorklistView.as_view(), name="worklist"),
    path("<uuid:person_id>/own-access/", views.OwnAccessView.as_view(), name="overview"),
    path(
        "<uuid:person_id>/own-access/who-looked/",
        views.StaffWhoLookedView.as_view(),
        name="who_looked",
    ),
    path("<uuid:person_id>/own-access/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "<uuid:person_id>/own-access/sign-ins/<uuid:link_id>/end/",
        views.StaffEndAccessView.as_view(),
        name="end_access",
    ),
    path(
        "<uuid:person_id>/own-access/corrections/<uuid:correction_id>/",
        views.CorrectionAnswerView.as_view(),
        name="answer",
    ),
    path("<uuid:person_id>/own-access/withhold/", views.WithholdView.as_view(), name="withhold"),
    path(
        "<uuid:person_id>/own-access/withholdings/<uuid:withholding_id>/",
        views.WithholdingDecideView.as_view(),
        name="withholding_decide",
    ),
    path(
        "<uuid:person_id>/own-access/questions/<uuid:question_id>/",
        views.QuestionAnswerView.as_view(),
        name="question_answer",
    ),
    path(
        "<uuid:person_id>/own-access/about-me/", views.StaffAboutMeView.as_view(), name="about_me"
    ),
    path(
        "<uuid:person_id>/own-access/about-me/add/",
        views.StaffAboutMeMediaAddView.as_view(),
        name="about_me_media_add",
    ),
    path(
        "<uuid:person_id>/own-access/about-me/files/<uuid:media_id>/",
        views.StaffAboutMeMediaView.as_view(),
        name="about_me_media",
    ),
]

from django.urls import path

from . import views

app_name = "reviews"

P = "<uuid:person_id>/reviews"
R = f"{P}/<uuid:review_id>"

urlpatterns = [
    path("reviews/due/", views.ReviewsDueView.as_view(), name="due"),
    path(f"{P}/", views.ReviewListView.as_view(), name="list"),
    path(f"{P}/next-review/", views.ScheduleView.as_view(), name="schedule"),
    path(f"{P}/start/", views.StartView.as_view(), name="start"),
    path(f"{R}/", views.ReviewDetailView.as_view(), name="detail"),
    path(f"{R}/outcomes/<uuid:outcome_id>/", views.OutcomeReviewView.as_view(), name="outcome"),
    path(
        f"{R}/outcomes/<uuid:outcome_id>/their-view/",
        views.PersonViewAddView.as_view(),
        name="person_view",
    ),
    path(f"{R}/solutions/<uuid:solution_id>/", views.SolutionReviewView.as_view(), name="solution"),
    path(f"{R}/finish/", views.FinishView.as_view(), name="finish"),
    path(
        "<uuid:person_id>/outcomes/<uuid:outcome_id>/progress/",
        views.OutcomeHistoryView.as_view(),
        name="outcome_history",
    ),
]

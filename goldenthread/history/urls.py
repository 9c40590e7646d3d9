from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("<uuid:person_id>/changes/", views.ChangesView.as_view(), name="changes"),
    path("break-glass/", views.BreakGlassView.as_view(), name="break_glass"),
    path("break-glass/review/", views.BreakGlassReviewView.as_view(), name="break_glass_review"),
]

"""The support plan's staff pages, under /people/ in the "support" namespace, and the golden
thread's page in the "reviews" namespace (the URLs and names they have always had:
config/urls.py includes these with support.urls and reviews.urls).

kwargs: person_id (UUID).
"""

from django.urls import path

from . import views

support_plan_urlpatterns = [
    path("<uuid:person_id>/support/plan/", views.PlanView.as_view(), name="plan"),
    path("<uuid:person_id>/support/plan/pdf/", views.PlanPdfView.as_view(), name="plan_pdf"),
    path(
        "<uuid:person_id>/support/plan/easy-read/",
        views.PlanEasyReadView.as_view(),
        name="plan_easy_read",
    ),
]

golden_thread_urlpatterns = [
    path("<uuid:person_id>/golden-thread/", views.GoldenThreadView.as_view(), name="golden_thread"),
]

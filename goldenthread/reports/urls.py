from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportsView.as_view(), name="index"),
    path("recording-quality/", views.RecordingQualityView.as_view(), name="recording_quality"),
    path("all.zip", views.BundleView.as_view(), name="bundle"),
    path("<slug:key>.csv", views.TableCsvView.as_view(), name="table_csv"),
    path("<slug:topic>/", views.TopicView.as_view(), name="topic"),
]

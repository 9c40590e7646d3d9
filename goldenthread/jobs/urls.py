from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="list"),
    path("start/", views.JobStartView.as_view(), name="start"),
    path(
        "directory-import/",
        views.DirectoryImportUploadView.as_view(),
        name="directory_import",
    ),
    path("audit-purge/", views.AuditPurgeStartView.as_view(), name="audit_purge"),
    path("<uuid:job_id>/", views.JobDetailView.as_view(), name="detail"),
    path("<uuid:job_id>/try-again/", views.JobRetryView.as_view(), name="retry"),
    path("<uuid:job_id>/download/", views.JobDownloadView.as_view(), name="download"),
]

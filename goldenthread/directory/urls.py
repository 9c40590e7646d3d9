from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.DirectorySearchView.as_view(), name="index"),
    path("search/", views.DirectorySearchView.as_view(), name="search"),
    path("<uuid:resource_id>/", views.ResourceDetailView.as_view(), name="detail"),
]

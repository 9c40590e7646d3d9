from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
    path("new/", views.PersonCreateView.as_view(), name="create"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("possibly-known/", views.PossibleDuplicateListView.as_view(), name="possible_duplicates"),
    path(
        "possibly-known/<uuid:duplicate_id>/",
        views.PossibleDuplicateView.as_view(),
        name="possible_duplicate",
    ),
    path("<uuid:person_id>/", views.PersonDetailView.as_view(), name="detail"),
    path("<uuid:person_id>/edit/", views.PersonEditView.as_view(), name="edit"),
    path("<uuid:person_id>/circle/add/", views.CircleMemberFormView.as_view(), name="circle_add"),
    path(
        "<uuid:person_id>/circle/<uuid:member_id>/edit/",
        views.CircleMemberFormView.as_view(),
        name="circle_edit",
    ),
    path(
        "<uuid:person_id>/circle/<uuid:member_id>/remove/",
        views.CircleMemberRemoveView.as_view(),
        name="circle_remove",
    ),
    path(
        "<uuid:person_id>/allocations/add/",
        views.AllocationCreateView.as_view(),
        name="allocation_add",
    ),
    path(
        "<uuid:person_id>/allocations/<uuid:allocation_id>/end/",
        views.AllocationEndView.as_view(),
        name="allocation_end",
    ),
    path("<uuid:person_id>/drafts/", views.DraftsView.as_view(), name="drafts"),
]

from django.urls import path

from . import views

app_name = "conversations"

C = "<uuid:person_id>/conversations/<uuid:conversation_id>"

urlpatterns = [
    path("<uuid:person_id>/conversations/", views.ConversationListView.as_view(), name="list"),
    path(
        "<uuid:person_id>/conversations/new/", views.ConversationCreateView.as_view(), name="create"
    ),
    path(f"{C}/", views.ConversationDetailView.as_view(), name="detail"),
    path(f"{C}/about/", views.ConversationAboutView.as_view(), name="about"),
    path(f"{C}/about/took-part/", views.ParticipantAddView.as_view(), name="participant_add"),
    path(f"{C}/step-1/", views.Step1View.as_view(), name="step1"),
    path(f"{C}/step-2/", views.Step2View.as_view(), name="step2"),
    path(f"{C}/step-3/", views.Step3View.as_view(), name="step3"),
    path(f"{C}/checklist/", views.ReflectionView.as_view(), name="checklist"),
    path(
        f"{C}/items/<str:kind>/<uuid:item_id>/change/",
        views.ItemEditView.as_view(),
        name="item_edit",
    ),
    path(
        f"{C}/items/<str:kind>/<uuid:item_id>/remove/",
        views.ItemRemoveView.as_view(),
        name="item_remove",
    ),
]

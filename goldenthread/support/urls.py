"""Support Sequence URLs, under /people/ (config/urls.py).

kwargs: person_id (UUID), outcome_id (UUID, one of the person's outcomes), step (one of
yourself, technology, equipment, family_friends, community, services, support; the
directory page answers only for community and services), solution_id (UUID).

The plan's pages (support:plan, support:plan_easy_read, support:plan_pdf) are in the same
namespace, from record/urls.py: config/urls.py joins the two (the plan reads every domain
app, so it sits above them in the record app).
"""

from django.urls import path

from . import views

app_name = "support"

OUTCOME = "<uuid:person_id>/outcomes/<uuid:outcome_id>/support/"
STEP = OUTCOME + "steps/<slug:step>/"

urlpatterns = [
    path("<uuid:person_id>/support/", views.SupportSummaryView.as_view(), name="summary"),
    path(OUTCOME, views.OutcomeSupportView.as_view(), name="outcome_support"),
    path(OUTCOME + "before-you-start/", views.PlanningView.as_view(), name="planning"),
    path(OUTCOME + "checklist/", views.ChecklistView.as_view(), name="checklist"),
    path(STEP + "add/", views.SolutionAddView.as_view(), name="solution_add"),
    path(
        STEP + "nothing-suitable/",
        views.StepNothingSuitableView.as_view(),
        name="step_nothing_suitable",
    ),
    path(STEP + "look-again/", views.StepReopenView.as_view(), name="step_reopen"),
    path(STEP + "directory/", views.StepDirectoryView.as_view(), name="step_directory"),
    path(
        "<uuid:person_id>/support/solutions/<uuid:solution_id>/",
        views.SolutionEditView.as_view(),
        name="solution_edit",
    ),
    path(
        "<uuid:person_id>/support/solutions/<uuid:solution_id>/remove/",
        views.SolutionRemoveView.as_view(),
        name="solution_remove",
    ),
    path(
        "<uuid:person_id>/support/solutions/<uuid:solution_id>/move/",
        views.SolutionMoveView.as_view(),
        name="solution_move",
    ),
]

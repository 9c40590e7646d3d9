from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/security-code/", views.VerifyView.as_view(), name="verify"),
    path("sign-in/app-code/", views.EnrolmentCodeView.as_view(), name="enrolment_code"),
    path("sign-in/set-up-app/", views.SetupSecondFactorView.as_view(), name="setup_second_factor"),
    path("sign-in/set-up-email/", views.SetupEmailCodesView.as_view(), name="setup_email_codes"),
    path(
        "sign-in/set-up-email/code/",
        views.ConfirmEmailCodesView.as_view(),
        name="confirm_email_codes",
    ),
    path("sign-in/email-code/", views.SendEmailCodeView.as_view(), name="send_email_code"),
    path("set-up/", views.AccountSetUpView.as_view(), name="set_up"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # The team view moved to people (it names people); the old address still leads there.
    path("team/", RedirectView.as_view(pattern_name="people:team"), name="team"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("access/", views.CaseworkAccessView.as_view(), name="access"),
    path(
        "access/<uuid:grant_id>/decide/",
        views.CaseworkAccessDecideView.as_view(),
        name="access_decide",
    ),
    path("restore/", views.RestoreFormView.as_view(), name="restore"),
]

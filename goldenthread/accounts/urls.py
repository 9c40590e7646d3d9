from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/security-code/", views.VerifyView.as_view(), name="verify"),
    path("sign-in/set-up-app/", views.SetupSecondFactorView.as_view(),
         name="setup_second_factor"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("team/", views.TeamView.as_view(), name="team"),
]

"""/account/api-tokens/: a member of staff's own API tokens."""

from django.urls import path

from .views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.TokensView.as_view(), name="list"),
    path("revoke/", tokens.RevokeView.as_view(), name="revoke"),
]

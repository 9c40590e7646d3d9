"""The layout's fixed addresses are worked out once per process (#19, the page floor)."""

from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse

from goldenthread.ui import links


def test_fixed_url_is_reverse_and_empty_when_not_installed():
    assert links.optional_fixed_url("accounts:logout") == reverse("accounts:logout")
    assert links.optional_fixed_url("no_such_app:page") == ""


def test_static_url_is_static_and_follows_a_settings_change():
    assert links.static_url("ui/css/app.css") == static("ui/css/app.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert links.static_url("ui/css/app.css") == static("ui/css/app.css")
        assert links.static_url("ui/css/app.css").startswith("/elsewhere/")
    assert links.static_url("ui/css/app.css") == static("ui/css/app.css")

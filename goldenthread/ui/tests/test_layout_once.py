"""The layout's fixed addresses are worked out once per process (#19, the page floor)."""

import json
import uuid
from pathlib import Path

from django.template import Context, Template
from django.templatetags.static import static
from django.test import override_settings
from django.urls import include, path, reverse

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


ASSET = Template('{% load ui %}{% asset "ui/css/app.css" %}')


def test_the_asset_tag_follows_a_change_of_static_url():
    before = ASSET.render(Context())
    assert before == static("ui/css/app.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert ASSET.render(Context()) == "/elsewhere/ui/css/app.css"
    assert ASSET.render(Context()) == before


def _manifest(root: Path, hashed: str) -> Path:
    root.mkdir()
    (root / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "", "paths": {"ui/css/app.css": hashed}})
    )
    return root


def test_the_asset_tag_follows_a_change_of_static_root(tmp_path):
    """A manifest storage's hashed names come from the staticfiles.json under STATIC_ROOT:
    another STATIC_ROOT, another address (the cached one is forgotten)."""
    manifest = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    first = _manifest(tmp_path / "first", "ui/css/app.1111.css")
    second = _manifest(tmp_path / "second", "ui/css/app.2222.css")
    with override_settings(STORAGES=manifest, STATIC_ROOT=first, DEBUG=False):
        assert ASSET.render(Context()) == "/static/ui/css/app.1111.css"
        with override_settings(STATIC_ROOT=second):
            assert ASSET.render(Context()) == "/static/ui/css/app.2222.css"
        assert ASSET.render(Context()) == "/static/ui/css/app.1111.css"


def _page(request):
    raise AssertionError("never requested: only reversed")


# This module as a URL configuration: a people namespace at another address, and no
# accounts app (so no sign-out link).
urlpatterns = [
    path("elsewhere/", include(([path("<uuid:pk>/", _page, name="detail")], "people"))),
]
PERSON_ID = uuid.UUID("2b2b2b2b-2b2b-4b2b-8b2b-2b2b2b2b2b2b")


def test_fixed_url_and_row_links_follow_a_change_of_urlconf():
    person_url = links.id_url("people:detail")(PERSON_ID)
    assert person_url == reverse("people:detail", args=[PERSON_ID])
    with override_settings(ROOT_URLCONF=__name__):
        assert links.optional_fixed_url("accounts:logout") == ""
        assert links.id_url("people:detail")(PERSON_ID) == f"/elsewhere/{PERSON_ID}/"
    assert links.optional_fixed_url("accounts:logout") == reverse("accounts:logout")
    assert links.id_url("people:detail")(PERSON_ID) == person_url

"""The layout's fixed addresses are worked out once per process (#19, the page floor)."""

import json
import re
import uuid
from pathlib import Path

import pytest
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


# --- The navigation: its items worked out once per role, drawn once (#19) ---------------


def _users():
    """Every role, with and without a team, staff or not: two users of each, differing in
    everything else the navigation could read (names, ids, activity)."""
    from goldenthread.accounts.factories import TeamFactory, UserFactory
    from goldenthread.accounts.models import Role

    team = TeamFactory()
    for role in Role:
        for with_team in (True, False):
            for staff in (False, True):
                yield [
                    UserFactory.build(
                        pk=1000 + n,
                        username=f"{role}-{with_team}-{staff}-{n}",
                        first_name=f"Name{n}",
                        role=role,
                        team=team if with_team else None,
                        is_staff=staff,
                        is_superuser=bool(n),
                    )
                    for n in (0, 1)
                ]


@pytest.mark.django_db
def test_the_navigation_kept_for_a_role_is_what_can_gives_every_user_of_it():
    from goldenthread.ui import context_processors as cp

    cp._ITEMS.clear()
    seen = set()
    for pair in _users():
        for user in pair:
            asked = cp.navigation_items(user)  # can() asked afresh
            assert cp._items(user) == asked, (user.role, user.team_id, user.is_staff)
            seen.add(asked)
    assert len(seen) > 5  # the roles do see different navigation
    assert len(cp._ITEMS) == len({cp.nav_key(u) for pair in _users() for u in pair})


def test_the_navigation_list_is_drawn_twice_from_one_rendering():
    from goldenthread.ui.tests.test_base_layout import render_page

    nav = [
        {"label": "My caseload", "url": "/people/", "current": True},
        {"label": "My team", "url": "/team/", "current": False},
    ]
    html = render_page(site_nav=nav)
    lists = re.findall(r'<ul class="ds_site-navigation__list">.*?</ul>', html, re.DOTALL)
    assert len(lists) == 2
    assert lists[0] == lists[1]
    assert 'aria-current="page"' in lists[0]
    assert '<a href="/team/" class="ds_site-navigation__link">My team</a>' in lists[0]

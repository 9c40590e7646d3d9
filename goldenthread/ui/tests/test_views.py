"""The shared page parts (#17): the base form view (scope → form → service → redirect),
the one service-error mapper, the one stale-save path (with its htmx answer), the
"item of this person's record or 404" lookup and the role check."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import resolve_url
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic import TemplateView

from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.permissions import Permission
from goldenthread.people.access import PersonChild
from goldenthread.people.factories import CircleMemberFactory, PersonFactory
from goldenthread.ui.forms import VersionField, apply_service_errors
from goldenthread.ui.views import (
    STALE_MESSAGE,
    PermissionRequiredMixin,
    ServiceFormView,
    signed_in_user,
)

# --- the service-error mapper ------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField(label="Name")
    version = VersionField()


def bound_form(**data):
    form = NameForm(data={"name": "Mine", "version": "1", **data})
    assert form.is_valid()
    return form


@pytest.mark.parametrize("version", ["١", "１", "1\u0660", "²"])
def test_a_version_in_other_digits_is_refused_as_any_other_non_number(version):
    """The version is written by the page in the digits 0 to 9; int() reads other scripts'
    digits too ("١" as 1), so a version sent back in them is refused like "abc"."""
    form = NameForm(data={"name": "Mine", "version": version})
    assert not form.is_valid()
    assert (
        form.errors["version"]
        == NameForm(data={"name": "Mine", "version": "abc"}).errors["version"]
    )
    assert NameForm(data={"name": "Mine", "version": " 12 "}).is_valid()


def test_a_message_about_a_field_goes_beside_it():
    form = bound_form()
    apply_service_errors(form, ValidationError({"name": "Use a shorter name."}))
    assert form.errors == {"name": ["Use a shorter name."]}


def test_a_message_about_a_field_the_form_does_not_show_goes_to_the_top():
    form = bound_form()
    apply_service_errors(form, ValidationError({"team": "Choose a team.", "__all__": "Not now."}))
    assert form.non_field_errors() == ["Choose a team.", "Not now."]
    assert "team" not in form.errors  # no ValueError for a field the form lacks


def test_messages_about_the_whole_record_go_to_the_top_or_the_named_field():
    form = bound_form()
    apply_service_errors(
        form, ValidationError(["One.", ValidationError("Two %(n)s.", params={"n": 2})])
    )
    assert form.non_field_errors() == ["One.", "Two 2."]
    form = bound_form()
    apply_service_errors(form, ValidationError("Too short."), default_field="name")
    assert form.errors == {"name": ["Too short."]}


# --- the base form view ------------------------------------------------------------------


def stored(**kwargs):
    """A record as the database holds it (only what the stale path reads)."""
    return SimpleNamespace(
        pk=1,
        version=7,
        name="Theirs",
        updated_at=datetime.datetime(2026, 5, 4, 8, 30, tzinfo=datetime.UTC),  # 09:30 BST
        **kwargs,
    )


class NameView(ServiceFormView):
    form_class = NameForm
    heading_text = "Change the name"
    success_message = "Saved."
    service = None  # what save() does: return a result or raise

    def save(self, form):
        return self.service(form.cleaned_data)

    def get_success_url(self) -> str:
        return f"/done/{self.result.pk}/"


def post(view, data, *, htmx=False, user=None):
    request = RequestFactory().post("/name/", data)
    request.user = user or AnonymousUser()
    request.htmx = htmx
    request._messages = CookieStorage(request)
    return view(request), request


def sent_messages(request):
    return [(m.level, m.message) for m in request._messages]


def test_saved_it_says_so_and_goes_on():
    view = NameView.as_view(service=lambda data: SimpleNamespace(pk=3, version=2))
    response, request = post(view, {"name": "Mine", "version": "1"})
    assert response.status_code == 302 and response["Location"] == "/done/3/"
    assert sent_messages(request) == [(messages.SUCCESS, "Saved.")]


def test_what_the_form_refuses_never_reaches_the_service():
    called = []
    view = NameView.as_view(service=called.append)
    response, _ = post(view, {"name": "", "version": "1"})
    assert response.status_code == 200 and not called
    assert response.context_data["form"].errors["name"]


def test_the_services_refusal_is_shown_beside_the_field_with_what_was_typed():
    def refuse(data):
        raise ValidationError({"name": "That name is taken."})

    response, request = post(NameView.as_view(service=refuse), {"name": "Mine", "version": "1"})
    form = response.context_data["form"]
    assert response.status_code == 200
    assert form.errors == {"name": ["That name is taken."]}
    assert form["name"].value() == "Mine"
    assert sent_messages(request) == []


def test_a_stale_save_shows_their_version_keeps_mine_and_takes_the_new_version():
    def stale(data):
        raise StaleEditError(stored())

    response, request = post(NameView.as_view(service=stale), {"name": "Mine", "version": "1"})
    response.render()
    context = response.context_data
    form = context["form"]
    assert response.status_code == 200
    assert form.non_field_errors() == [STALE_MESSAGE]
    assert form["name"].value() == "Mine"  # what I typed is kept
    assert form["version"].value() == "7"  # saving again is checked against theirs
    assert context["stale_values"] == [("Name", "Theirs")]
    page = response.content.decode()
    assert "The version saved by someone else" in page and "Theirs" in page
    assert "Saved 4 May 2026 at 09:30" in page
    assert sent_messages(request) == []


def test_a_stale_save_of_a_record_not_yet_stored_starts_again_from_nothing():
    def stale(data):
        raise StaleEditError(SimpleNamespace(pk=None, version=1, name=""))

    response, _ = post(NameView.as_view(service=stale), {"name": "Mine", "version": "3"})
    assert response.context_data["form"]["version"].value() == "0"


class DecisionView(NameView):
    def stale_redirect_message(self, current) -> str:
        return "Someone else decided it first."

    def get_stale_redirect_url(self) -> str:
        return "/queue/"


def test_a_stale_save_that_leaves_nothing_to_save_again_goes_back_and_says_why():
    def stale(data):
        raise StaleEditError(stored())

    response, request = post(DecisionView.as_view(service=stale), {"name": "Mine", "version": "1"})
    assert response.status_code == 302 and response["Location"] == "/queue/"
    assert sent_messages(request) == [(messages.WARNING, "Someone else decided it first.")]


class AutosaveView(NameView):
    autosave = True


def autosave_answer(response):
    assert response.template_name == "ui/partials/autosave_status.html"
    return response.context_data


def test_autosave_answers_htmx_with_the_new_version():
    view = AutosaveView.as_view(service=lambda data: SimpleNamespace(pk=3, version=2))
    response, request = post(view, {"name": "Mine", "version": "1"}, htmx=True)
    answer = autosave_answer(response)
    assert answer["version"] == 2 and not answer["stale"] and answer["invalid"] is None
    assert sent_messages(request) == []  # a live region, not a message on the next page


def test_autosave_of_a_stale_copy_says_not_saved():
    def stale(data):
        raise StaleEditError(stored())

    response, _ = post(
        AutosaveView.as_view(service=stale), {"name": "Mine", "version": "1"}, htmx=True
    )
    answer = autosave_answer(response)
    assert answer["stale"] is True and answer["version"] is None
    response.render()
    assert "Not saved: someone else changed this" in response.content.decode()


def test_autosave_of_what_cannot_be_saved_says_why():
    def refuse(data):
        raise ValidationError("Not while the outcome is closed.")

    response, _ = post(
        AutosaveView.as_view(service=refuse), {"name": "Mine", "version": "1"}, htmx=True
    )
    assert autosave_answer(response)["invalid"].non_field_errors() == [
        "Not while the outcome is closed."
    ]
    response, _ = post(
        AutosaveView.as_view(service=refuse), {"name": "", "version": "1"}, htmx=True
    )
    assert "name" in autosave_answer(response)["invalid"].errors


def test_without_htmx_an_autosave_page_is_an_ordinary_form():
    view = AutosaveView.as_view(service=lambda data: SimpleNamespace(pk=3, version=2))
    response, _ = post(view, {"name": "Mine", "version": "1"}, htmx=False)
    assert response.status_code == 302


# --- an item of this person's record, or 404 ---------------------------------------------


class CirclePage:
    member = PersonChild("circle", kwarg="member_id", missing="No such person in this circle.")
    maybe = PersonChild(
        "circle", kwarg="member_id", missing="No such person in this circle.", optional=True
    )
    by_selector = PersonChild(
        lambda person, pk: person.circle.filter(pk=pk).first(),
        kwarg="member_id",
        missing="Not here.",
    )

    def __init__(self, person, **kwargs):
        self.person, self.kwargs = person, kwargs


@pytest.mark.django_db
def test_an_item_of_this_persons_record_is_read_once(django_assert_num_queries):
    member = CircleMemberFactory()
    page = CirclePage(member.person, member_id=member.pk)
    with django_assert_num_queries(1):
        assert page.member == member
        assert page.member is page.member
    assert page.by_selector == member


@pytest.mark.django_db
def test_another_persons_item_is_not_found():
    member = CircleMemberFactory()
    page = CirclePage(PersonFactory(), member_id=member.pk)
    with pytest.raises(Http404, match="No such person in this circle."):
        _ = page.member
    with pytest.raises(Http404, match="Not here."):
        _ = page.by_selector


@pytest.mark.django_db
def test_an_optional_item_missing_from_the_address_is_none(django_assert_num_queries):
    page = CirclePage(PersonFactory())
    with django_assert_num_queries(0):
        assert page.maybe is None


@pytest.mark.django_db
def test_asking_for_another_persons_item_is_logged_then_refused(practitioner_client, person):
    """The record is opened (one access-log row) before the item is looked for."""
    stranger = CircleMemberFactory()
    url = reverse("people:circle_edit", args=[person.pk, stranger.pk])
    assert practitioner_client.get(url).status_code == 404
    rows = list(AccessLog.objects.filter(person_id=person.pk))
    assert [(r.action, r.what) for r in rows] == [(AccessAction.VIEW, "people:circle_edit")]


# --- the role check ------------------------------------------------------------------------


class TeamPage(PermissionRequiredMixin, TemplateView):
    template_name = "ui/form_page.html"
    permission = Permission.VIEW_TEAM
    permission_denied_message = "Team leaders only."


def get(view, user):
    request = RequestFactory().get("/team/")
    request.user = user
    return view(request)


@pytest.mark.django_db
def test_the_role_check_lets_in_who_may(team_leader):
    assert get(TeamPage.as_view(), team_leader).status_code == 200


@pytest.mark.django_db
def test_the_role_check_refuses_who_may_not(practitioner, administrator):
    for user in (practitioner, administrator):
        with pytest.raises(PermissionDenied, match="Team leaders only."):
            get(TeamPage.as_view(), user)


def test_the_role_check_asks_anyone_else_to_sign_in(settings):
    response = get(TeamPage.as_view(), AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.django_db
def test_a_superuser_is_not_let_in_by_being_a_superuser(django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x" * 20)
    with pytest.raises(PermissionDenied):
        get(TeamPage.as_view(), boss)


@pytest.mark.django_db
def test_the_one_who_acts_is_the_signed_in_user_and_never_anyone_else(practitioner):
    """#17 item 8: `self.actor` (SignedInMixin) is what every staff page passes to a
    service's `actor`; an anonymous request never gets one, even where a page's own
    dispatch forgot to ask for a sign-in."""
    request = RequestFactory().get("/team/")
    request.user = practitioner
    assert signed_in_user(request) == practitioner
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        signed_in_user(request)


class Unnamed(PermissionRequiredMixin, TemplateView):
    template_name = "ui/form_page.html"


@pytest.mark.django_db
def test_a_page_that_names_no_permission_is_a_mistake(team_leader):
    with pytest.raises(ImproperlyConfigured):
        get(Unnamed.as_view(), team_leader)


@pytest.mark.django_db
def test_on_a_persons_page_the_record_is_opened_and_logged_before_the_role_check(
    practitioner_client, person
):
    """Allocating is for the team leader of the person's team: a practitioner is refused,
    and the request leaves the same one access-log row as any other."""
    response = practitioner_client.get(reverse("people:allocation_add", args=[person.pk]))
    assert response.status_code == 403
    rows = list(AccessLog.objects.filter(person_id=person.pk))
    assert [(r.action, r.what) for r in rows] == [(AccessAction.VIEW, "people:allocation_add")]


@pytest.mark.django_db
def test_a_form_page_on_a_persons_record_names_them_once_above_the_heading(
    practitioner_client, person
):
    """The record's frame says whose record it is; the form page's caption (their name)
    is not drawn again under it (#16)."""
    page = practitioner_client.get(reverse("sds:unmet_need_add", args=[person.pk]))
    body = page.content.decode()
    assert f"<title>Record unmet need – {person.display_name}" in body
    header = body[body.index('<div class="ds_layout__header">') : body.index("<h1")]
    assert f'class="gt_record-bar__name" href="/people/{person.pk}/">{person.display_name}</a>' in (
        header
    )
    assert header.count(person.display_name) == 1
    assert "ds_page-header__label" not in header
    assert 'class="ds_back-link">Back to choices and budget</a>' in body

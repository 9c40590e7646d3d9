"""No field of the service answers in Django's own words (A11Y-1, #17).

Every form class in the service's forms modules is made as its page makes it (with the
records and choices it is given), and each of its fields' messages, by code (required,
max_length, invalid_choice, invalid, ...), is compared with the messages Django gives a
field when its form gives none. A page reached by a changed value or text past `maxlength`
shows the service's words, never "This field is required." or "Select a valid choice. X is
not one of the available choices." (which repeats what was sent)."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms
from django.core import validators
from django.utils.functional import Promise

import goldenthread

# The modules that hold the service's forms (`forms.py` or a `forms/` package, and the
# questionnaires every checklist shares). The admin's forms: `admin_form_classes`.
EXTRA_MODULES = ["goldenthread.ui.questionnaire"]


def djangos_messages() -> set[str]:
    """Every message Django's form fields and validators give when a form gives none."""
    found: set[str] = set()
    for module in (forms.fields, forms.models):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.Field):
                for cls in value.__mro__:
                    found |= {str(m) for m in vars(cls).get("default_error_messages", {}).values()}
    for value in vars(validators).values():
        classes = value.__mro__ if isinstance(value, type) else (type(value),)
        for cls in classes:
            if isinstance(vars(cls).get("message"), (str, Promise)):
                found.add(str(vars(cls)["message"]))
            if isinstance(vars(cls).get("messages"), dict):
                found |= {str(m) for m in vars(cls)["messages"].values()}
        if not isinstance(value, type) and isinstance(getattr(value, "message", None), str):
            found.add(value.message)
    return found


def messages_by_code(field: forms.Field) -> dict[str, Any]:
    """What the field says for each refusal: a validator's own message unless the field
    has one of the same code (Field.run_validators)."""
    found: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, validators.DecimalValidator):
            found.update(validator.messages)
        elif getattr(validator, "code", None):
            found[validator.code] = getattr(validator, "message", "")
    found.update(field.error_messages)
    return found


def forms_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(goldenthread.__path__, "goldenthread.")
        if ".tests" not in info.name and (info.name.endswith(".forms") or ".forms." in info.name)
    ]
    return sorted({*names, *EXTRA_MODULES})


def form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for name in forms_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and hasattr(value, "base_fields")  # a form, not a mixin of forms
                and not (issubclass(value, forms.BaseModelForm) and value._meta.model is None)
                and value.__module__.startswith("goldenthread.")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    from goldenthread.conversations.forms import ADD_FORMS, item_edit_form_class

    for kind in ADD_FORMS:  # a step item's change form, made from its add form
        form_class = item_edit_form_class(kind)
        found[f"conversations item_edit_form_class({kind!r})"] = form_class
    return list(found.values())


def samples(person) -> dict[str, Any]:
    """What a page gives a form, by the name of the argument its `__init__` takes."""
    from goldenthread.conversations.models import Aspiration, PositiveChange, WorkingItem
    from goldenthread.reports.selectors import FilterAxes
    from goldenthread.support.presenters import plan_variant
    from goldenthread.ui.questionnaire import Question

    return {
        "person": person,
        "team": person.team,
        "circle": person.circle.all(),
        "changes": PositiveChange.objects.none(),
        "not_working": WorkingItem.objects.none(),
        "aspirations": Aspiration.objects.none(),
        "may_write": True,
        "may_decide": True,
        "may_refer": True,
        "by_name": True,
        "kinds": [("person", "Person")],
        "axes": FilterAxes(teams=(), areas=()),
        "today": datetime.date(2026, 12, 7),
        "own_team": None,
        "solutions": [],
        "parts": [],
        "version": 1,
        "questions": [Question("q1", "Does the plan say what matters to them?")],
        "choices": [("yes", "Yes"), ("no", "No")],
        "stored": {},
        "purposes": ([("", "Choose")], {}),
        "outcomes": [],
        "variant": plan_variant(person, None, datetime.date(2026, 12, 7)),
        "from_age_label": "Adult",
    }


def made(form_class: type[forms.BaseForm], given: dict[str, Any]) -> forms.BaseForm:
    """The form as a page makes it, unbound, once it has been checked (as a bound form is
    before its messages are read)."""
    parameters = inspect.signature(form_class.__init__).parameters
    kwargs = {name: value for name, value in given.items() if name in parameters}
    form = form_class(**kwargs)
    form.errors  # noqa: B018 (an unbound form is checked, and found to have no errors)
    return form


def in_djangos_words(classes: list[type[forms.BaseForm]], given: dict[str, Any]) -> list[str]:
    """Each field's message, by code, that is one of Django's own."""
    djangos = djangos_messages()
    found = []
    for form_class in classes:
        form = made(form_class, given)
        for name, field in form.fields.items():
            for code, message in sorted(messages_by_code(field).items()):
                if code == "required" and not field.required:
                    continue  # never said
                if str(message) in djangos:
                    found.append(f"{form_class.__module__}.{form_class.__name__}.{name} {code}")
    return found


@pytest.mark.django_db
def test_no_field_answers_in_djangos_words(person):
    classes = form_classes()
    assert len(classes) >= 80
    found = in_djangos_words(classes, samples(person))
    assert found == [], f"{len(found)} messages in Django's words:\n" + "\n".join(found)


def admin_form_classes(request) -> list[type[forms.BaseForm]]:
    """The admin's forms, as its pages make them for an administrator: each admin page's
    add form, the forms its modules define (the change forms, the reason forms) and the
    list's action form."""
    from django.contrib import admin

    found: dict[str, type[forms.BaseForm]] = {}
    for model_admin in admin.site._registry.values():
        module = type(model_admin).__module__
        if not module.startswith("goldenthread."):
            continue
        if model_admin.has_add_permission(request):
            form_class = model_admin.get_form(request, None)
            found[f"{type(model_admin).__qualname__} add form"] = form_class
        found[f"{type(model_admin).__qualname__} action form"] = model_admin.action_form
        for value in vars(importlib.import_module(module)).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and hasattr(value, "base_fields")
                and value.__module__ == module
            ):
                found[f"{module}.{value.__qualname__}"] = value
    return list(found.values())


@pytest.mark.django_db
def test_no_admin_field_answers_in_djangos_words(person, administrator, rf):
    """The admin's forms say what is wrong in the service's words too: "Enter the username.",
    "Choose the team from the list.", not "This field is required."."""
    request = rf.get("/admin/")
    request.user = administrator
    classes = admin_form_classes(request)
    names = {c.__name__ for c in classes}
    assert {"UserAddForm", "UserChangeForm", "ReasonForm", "LeaverForm"} <= names
    assert len(classes) >= 8
    found = in_djangos_words(classes, {})
    assert found == [], f"{len(found)} messages in Django's words:\n" + "\n".join(found)


# --- Pages sent changed values: the field's own words, and nothing saved ------------------


def page_text(response) -> str:
    from .helpers import parse

    return " ".join(parse(response.content.decode()).all_text().split())


@pytest.mark.django_db
def test_an_area_not_offered_is_refused_in_plain_words(practitioner_client, area):
    from django.urls import reverse

    from goldenthread.people.models import Person

    response = practitioner_client.post(
        reverse("people:create"),
        {
            "given_name": "Morag",
            "family_name": "Stewart",
            "date_of_birth": "1948-03-12",
            "chi_number": "",
            "area": "999999",
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Choose the area from the list." in text
    assert "valid choice" not in text and "999999" not in text
    assert not Person.objects.filter(family_name="Stewart").exists()


@pytest.mark.django_db
def test_a_starting_point_past_its_limit_is_refused_in_plain_words(
    practitioner_client, practitioner, person
):
    from django.urls import reverse

    from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
    from goldenthread.outcomes import services

    change = PositiveChangeFactory(conversation=ConversationFactory(person=person))
    outcome = services.outcome_create(
        actor=practitioner, positive_change=change, statement="I will go to the club"
    )
    response = practitioner_client.post(
        reverse("outcomes:edit", args=[person.pk, outcome.pk]),
        {
            "version": str(outcome.version),
            "statement": "I will go to the club on Thursdays",
            "baseline": "x" * 2001,
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "The starting point must be 2,000 characters or fewer." in text
    assert "Ensure this value" not in text
    before = (outcome.version, outcome.statement, outcome.baseline)
    outcome.refresh_from_db()
    assert (outcome.version, outcome.statement, outcome.baseline) == before


@pytest.mark.django_db
def test_what_matters_with_a_kind_not_offered_is_refused_in_plain_words(
    practitioner_client, person
):
    from django.urls import reverse

    from goldenthread.conversations.factories import ConversationFactory
    from goldenthread.conversations.models import MattersItem

    conversation = ConversationFactory(person=person)
    response = practitioner_client.post(
        reverse(
            "conversations:step1",
            kwargs={"person_id": person.pk, "conversation_id": conversation.pk},
        ),
        {"kind": "matters", "matters-kind": "<b>why</b>", "matters-text": "My garden"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Choose one of the answers." in text
    assert "valid choice" not in text and "<b>why</b>" not in response.content.decode()
    assert not MattersItem.objects.filter(conversation=conversation).exists()


@pytest.mark.django_db
def test_an_invitation_with_a_basis_not_offered_and_a_long_name_is_refused(
    practitioner_client, person
):
    from django.urls import reverse

    from goldenthread.portal.models import Invitation

    response = practitioner_client.post(
        reverse("portal_staff:invite", args=[person.pk]),
        {
            "kind": "proxy",
            "name": "A" * 201,
            "channel": "in_person",
            "relationship": "Daughter",
            "basis": "made_up_basis",
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Their name must be 200 characters or fewer." in text
    assert "Choose what gives them the right to act for the person from the list." in text
    assert "valid choice" not in text and "made_up_basis" not in text
    assert not Invitation.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_a_changed_version_says_the_form_could_not_be_read(practitioner_client, person):
    from django.urls import reverse

    response = practitioner_client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "given_name": "Jean",
            "family_name": "Macdonald",
            "date_of_birth": person.date_of_birth.isoformat(),
            "area": str(person.area_id),
            "version": "one",
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "This form could not be read. Open it again." in text
    assert "Enter a whole number." not in text
    person.refresh_from_db()
    assert person.given_name == "Jean" and person.version == 1


@pytest.mark.django_db
def test_budget_lines_sent_without_their_count_say_the_form_could_not_be_read(person):
    """The breakdown's hidden count of lines, left out: not Django's "ManagementForm data is
    missing or has been tampered with"."""
    from goldenthread.sds.forms import line_formset

    formset = line_formset(person=person, data={"line-0-description": "Personal assistant"})
    assert not formset.is_valid()
    assert list(formset.non_form_errors()) == ["This form could not be read. Open it again."]

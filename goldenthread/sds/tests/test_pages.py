"""SDS pages: every person-scoped URL refuses an unrelated worker with one denied log row;
the panel sees exactly the requests referred to it and never the person's record; clear
messages with typed data kept (SEC-6); stale saves refused (SEC-5); query counts constant."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.risk.factories import risk_record_kwargs
from goldenthread.sds.factories import (
    DecisionFactory,
    IndicativeBudgetFactory,
    UnmetNeedFactory,
    make_budget_request,
    record_options,
)
from goldenthread.sds.models import (
    BudgetRequest,
    BudgetRequestEvent,
    DelegatedLimit,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnmetReason,
)
from goldenthread.support.factories import SolutionFactory

from .conftest import make_outcome

LARGE = [("PA", Decimal("900.00"), "week")]
MEDIUM = [("PA", Decimal("300.00"), "week")]


def app_urls(*namespaces):
    found = []
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) in namespaces:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern):
                    found.append(
                        (f"{entry.namespace}:{pattern.name}", sorted(pattern.pattern.converters))
                    )
    return found


PERSON_URLS = [(n, k) for n, k in app_urls("sds", "risk") if "person_id" in k]


@pytest.fixture
def record(sds_record, person):
    return {**sds_record, **risk_record_kwargs(person)}


def test_every_person_url_is_listed():
    names = {n for n, _ in PERSON_URLS}
    assert {"sds:overview", "sds:request_detail", "risk:list", "risk:edit"} <= names
    assert "sds:panel_decide" not in names


@pytest.mark.parametrize(("name", "kwarg_names"), PERSON_URLS, ids=[n for n, _ in PERSON_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unrelated_worker_is_refused_and_logged(
    client, record, other_practitioner, name, kwarg_names, method
):
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    sign_in(client, other_practitioner)
    before = AccessLog.objects.count()
    response = getattr(client, method)(url)
    assert response.status_code == 403
    rows = list(AccessLog.objects.filter(actor=other_practitioner))
    assert len(rows) == 1 and AccessLog.objects.count() == before + 1
    assert rows[0].action == AccessAction.DENIED and rows[0].person_id == record["person_id"]


@pytest.mark.parametrize(("name", "kwarg_names"), PERSON_URLS, ids=[n for n, _ in PERSON_URLS])
def test_allocated_practitioner_opens_each_page_with_one_log_row(
    practitioner_client, practitioner, record, name, kwarg_names
):
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    before = AccessLog.objects.count()
    response = practitioner_client.get(url)
    assert response.status_code == 200
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.get(actor=practitioner, what=name)
    assert row.action == AccessAction.VIEW and row.reason == "Allocated worker"


@pytest.mark.parametrize("role", ["panel_member", "commissioner", "administrator"])
def test_roles_without_casework_cannot_open_person_pages(request, client, record, role):
    user = request.getfixturevalue(role)
    sign_in(client, user)
    assert client.get(reverse("sds:overview", args=[record["person_id"]])).status_code == 403
    assert client.get(reverse("risk:list", args=[record["person_id"]])).status_code == 403


# --- The decision panel ---------------------------------------------------------------------


@pytest.fixture
def referred(person, limits):
    outcome = make_outcome(person, statement="I will be back at the bowling club by May")
    from goldenthread.sds.services import LineInput

    return make_budget_request(
        person,
        lines=[
            LineInput(
                description="Overnight support",
                amount=Decimal("900.00"),
                period="week",
                outcome=outcome,
            )
        ],
    )


def test_panel_member_sees_only_referred_requests_and_opens_one(
    client, panel_member, person, referred, limits
):
    waiting = make_budget_request(person, lines=MEDIUM)
    sign_in(client, panel_member)
    queue = client.get(reverse("sds:panel")).content.decode()
    assert referred.reference in queue and waiting.reference not in queue
    assert person.family_name not in queue  # names only on the request opened

    page = client.get(reverse("sds:panel_decide", args=[referred.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert person.display_name in body
    assert "Overnight support" in body and "£46,800.00" in body
    assert "I will be back at the bowling club by May" in body
    assert person.chi_number not in body
    assert reverse("people:detail", args=[person.pk]) not in body
    row = AccessLog.objects.get(actor=panel_member)
    assert row.action == AccessAction.VIEW and row.reason == "Decision panel"
    assert row.person_id == person.pk and row.what == "sds:panel_decide"


def test_options_and_a_method_the_panels_page_does_not_take_write_no_row(
    client, panel_member, person, referred, limits
):
    """Nothing of the person is read or changed: no "view", no change "not saved" (ADR 0002)."""
    sign_in(client, panel_member)
    url = reverse("sds:panel_decide", args=[referred.pk])
    options = client.options(url)
    assert options.status_code == 200 and "POST" in options["Allow"]
    assert person.display_name not in options.content.decode()
    assert client.delete(url).status_code == 405
    assert not AccessLog.objects.filter(actor=panel_member).exists()


def test_panel_member_cannot_open_a_request_not_referred_nor_the_persons_record(
    client, panel_member, person, referred, limits
):
    waiting = make_budget_request(person, lines=MEDIUM)
    sign_in(client, panel_member)
    assert client.get(reverse("sds:panel_decide", args=[waiting.pk])).status_code == 403
    [denied] = AccessLog.objects.filter(actor=panel_member)
    assert denied.action == AccessAction.DENIED and denied.person_id == person.pk
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    assert client.get(reverse("sds:overview", args=[person.pk])).status_code == 403
    import uuid

    assert client.get(reverse("sds:panel_decide", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("role", ["practitioner", "team_leader", "commissioner"])
def test_only_panel_members_use_the_panel_pages(request, client, referred, role):
    user = request.getfixturevalue(role)
    sign_in(client, user)
    assert client.get(reverse("sds:panel")).status_code == 403
    assert client.get(reverse("sds:panel_decide", args=[referred.pk])).status_code == 403
    assert (
        client.post(
            reverse("sds:panel_decide", args=[referred.pk]), {"action": "approve"}
        ).status_code
        == 403
    )
    assert AccessLog.objects.filter(actor=user, action=AccessAction.DENIED).count() == 2
    referred.refresh_from_db()
    assert referred.status == RequestStatus.AT_PANEL


def test_panel_decides_with_reasons_and_the_person_page_shows_them(
    client, panel_member, practitioner, person, referred
):
    sign_in(client, panel_member)
    url = reverse("sds:panel_decide", args=[referred.pk])
    blank = client.post(
        url,
        {"action": "decline", "reasons": "", "reasons_for_person": "", "version": referred.version},
    )
    assert "Give the reasons for not agreeing the budget." in blank.content.decode()
    response = client.post(
        url,
        {
            "action": "approve",
            "reasons": "Overnight support keeps her safe at home.",
            "reasons_for_person": "The panel agreed your budget because you told us staying at "
            "home matters most.",
            "version": referred.version,
        },
    )
    assert response.status_code == 302
    referred.refresh_from_db()
    assert referred.status == RequestStatus.APPROVED
    sign_in(client, practitioner)
    body = client.get(reverse("sds:overview", args=[person.pk])).content.decode()
    assert "The panel agreed your budget because you told us staying at home matters most." in body
    assert "Decision panel" in body and "Not yet shared" in body


# --- Team leader queue, forged approvals ----------------------------------------------------


def test_team_leader_queue_and_decision(team_leader_client, person, limits):
    waiting = make_budget_request(person, lines=MEDIUM)
    at_panel = make_budget_request(person, lines=LARGE)
    body = team_leader_client.get(reverse("sds:approvals")).content.decode()
    assert waiting.reference in body and at_panel.reference in body
    assert "£35,000.00" in body  # their limit
    url = reverse("sds:request_detail", args=[person.pk, waiting.pk])
    page = team_leader_client.get(url).content.decode()
    assert "Agree the budget" in page and "Refer it to the decision panel" in page
    response = team_leader_client.post(
        url,
        {
            "action": "approve",
            "reasons": "",
            "reasons_for_person": "Agreed: it meets your outcomes.",
            "version": waiting.version,
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.APPROVED


def test_forged_approval_post_above_limit_is_refused_and_logged(
    team_leader_client, team_leader, person, limits
):
    at_panel = make_budget_request(person, lines=LARGE)
    page = team_leader_client.get(reverse("sds:request_detail", args=[person.pk, at_panel.pk]))
    assert "Agree the budget" not in page.content.decode()  # nothing offered…
    response = team_leader_client.post(  # …and a forged form is refused by the service
        reverse("sds:request_detail", args=[person.pk, at_panel.pk]),
        {"action": "approve", "reasons_for_person": "x", "version": at_panel.version},
    )
    assert response.status_code == 403
    at_panel.refresh_from_db()
    assert at_panel.status == RequestStatus.AT_PANEL
    # One row: a refused change (the team leader may open the record), with the reason.
    [refused] = AccessLog.objects.filter(actor=team_leader, person_id=person.pk, method="POST")
    assert refused.action == AccessAction.CHANGE_REFUSED and "Refused" in refused.reason


def test_practitioner_forged_approval_without_reasons_is_still_refused(
    practitioner_client, practitioner, person, limits
):
    medium = make_budget_request(person, lines=MEDIUM, actor=practitioner)
    response = practitioner_client.post(
        reverse("sds:request_detail", args=[person.pk, medium.pk]),
        {"action": "approve", "version": medium.version},
    )
    assert response.status_code == 403
    [row] = AccessLog.objects.filter(actor=practitioner, method="POST")
    assert row.action == AccessAction.CHANGE_REFUSED


@pytest.mark.parametrize("role", ["practitioner", "panel_member"])
def test_only_team_leaders_open_the_team_queues(request, client, role):
    sign_in(client, request.getfixturevalue(role))
    assert client.get(reverse("sds:approvals")).status_code == 403
    assert client.get(reverse("sds:unmet_need_team")).status_code == 403


def test_unmet_need_list_for_the_team_filtered_by_reason(
    team_leader_client, person, team, other_team
):
    waiting = UnmetNeedFactory(
        person=person, need="Respite for Ann", reason=UnmetReason.WAITING_LIST
    )
    UnmetNeedFactory(person=person, need="A day out", reason=UnmetReason.NO_PROVIDER)
    UnmetNeedFactory(person=person, need="Already met", met_on=timezone.localdate())
    elsewhere = PersonFactory(team=other_team)
    AllocationFactory(person=elsewhere)
    UnmetNeedFactory(person=elsewhere, need="Another team's need")
    url = reverse("sds:unmet_need_team")
    body = team_leader_client.get(url).content.decode()
    assert "Respite for Ann" in body and "A day out" in body
    assert "Already met" not in body and "Another team&#x27;s need" not in body
    filtered = team_leader_client.get(url, {"reason": "waiting_list"}).content.decode()
    assert "Respite for Ann" in filtered and "A day out" not in filtered
    assert str(waiting.person.display_name) in filtered
    nonsense = team_leader_client.get(url, {"reason": "nonsense"})
    assert nonsense.status_code == 200
    nonsense_body = nonsense.content.decode()
    assert "Choose why it is not met from the list." in nonsense_body  # A11Y-1
    assert "Select a valid choice" not in nonsense_body


# --- Forms: clear messages, typed data kept -------------------------------------------------


def request_post(**overrides):
    data = {
        "line-TOTAL_FORMS": "2",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "1",
        "line-MAX_NUM_FORMS": "50",
        "line-0-description": "Personal assistant <b>6 hours</b>",
        "line-0-purpose": "",
        "line-0-amount": "£129.00",
        "line-0-period": "week",
        "line-1-description": "Club fees",
        "line-1-purpose": "",
        "line-1-amount": "1,234.5",
        "line-1-period": "year",
        "start_date": timezone.localdate().isoformat(),
        "end_date": "",
        "case_for_request": "To get back to the club",
        "contribution": "",
        "contribution_period": "week",
        "contribution_note": "",
    }
    data.update(overrides)
    return data


def test_request_amounts_typed_with_pounds_and_commas_are_accepted(
    practitioner_client, person, limits
):
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]), request_post()
    )
    assert response.status_code == 302
    budget_request = BudgetRequest.objects.get()
    amounts = list(budget_request.lines.values_list("amount", flat=True))
    assert amounts == [Decimal("129.00"), Decimal("1234.50")]
    assert budget_request.total_per_year == Decimal("129.00") * 52 + Decimal("1234.50")


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"line-1-amount": "-50"}, "id_line-1-amount", "Line 2: The amount cannot be negative"),
        (
            {"line-0-amount": "12.345"},
            "id_line-0-amount",
            "Line 1: Amounts can only go down to pence",
        ),
        ({"line-0-amount": "0"}, "id_line-0-amount", "Line 1: Enter an amount more than £0."),
        ({"line-0-amount": "lots"}, "id_line-0-amount", "numbers only"),
        ({"end_date": "2000-01-01"}, "id_end_date", "The end date must be on or after the start"),
        ({"case_for_request": ""}, "id_case_for_request", "Say what the budget is for"),
        ({"contribution": "-5"}, "id_contribution", "cannot be negative"),
        ({"contribution": "99999"}, "id_contribution", "cannot be more than the budget"),
    ],
)
def test_request_mistakes_are_explained_and_what_was_typed_is_kept(
    practitioner_client, person, limits, overrides, field_id, message
):
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]), request_post(**overrides)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'href="#{field_id}"' in body
    assert "Personal assistant &lt;b&gt;6 hours&lt;/b&gt;" in body
    typed_amount = overrides.get("line-1-amount", "1,234.5")
    assert f'value="{typed_amount}"' in body
    assert not BudgetRequest.objects.exists()


MANAGEMENT = ("line-TOTAL_FORMS", "line-INITIAL_FORMS", "line-MIN_NUM_FORMS", "line-MAX_NUM_FORMS")


@pytest.mark.parametrize(
    "missing",
    [MANAGEMENT, ("line-TOTAL_FORMS",), ("line-INITIAL_FORMS",), ("line-TOTAL_FORMS", "lots")],
    ids=["all-hidden-counts", "total", "initial", "total-not-a-number"],
)
def test_a_request_sent_without_its_hidden_counts_has_one_error_summary(
    practitioner_client, person, limits, missing
):
    """A probe that strips the hidden fields once saw two "There is a problem" boxes: the
    page's, and the management form's own, drawn by {{ formset.management_form }} (A11Y-1)."""
    data = request_post()
    if missing[-1] == "lots":
        data[missing[0]] = "lots"
    else:
        for name in missing:
            del data[name]
    response = practitioner_client.post(reverse("sds:request_create", args=[person.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="ds_error-summary"') == 1
    assert body.count("There is a problem") == 1
    assert "This form could not be read. Open it again." in body
    assert "This field is required" not in body
    # Its link goes to an input on the page, or there is no link.
    hrefs = [h.split('"')[0] for h in body.split('href="#')[1:]]
    assert all(f'id="{h}"' in body for h in hrefs if h.startswith("id_"))
    assert not BudgetRequest.objects.exists()


def test_add_another_line_keeps_everything_typed(practitioner_client, person, limits):
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]), {**request_post(), "add_line": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="line-2-description"' in body and "There is a problem" not in body
    assert 'value="1,234.5"' in body and "To get back to the club" in body
    assert not BudgetRequest.objects.exists()


def test_request_line_for_a_solution(practitioner_client, person, limits):
    solution = SolutionFactory(outcome=make_outcome(person), costed=True)
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]),
        request_post(**{"line-0-purpose": f"s:{solution.pk}"}),
    )
    assert response.status_code == 302
    line = BudgetRequest.objects.get().lines.get(position=1)
    assert line.solution == solution and line.outcome == solution.outcome


def test_a_solution_of_another_person_cannot_be_posted(practitioner_client, person, team, limits):
    stranger = SolutionFactory(outcome=make_outcome(PersonFactory(team=team)), costed=True)
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]),
        request_post(**{"line-0-purpose": f"s:{stranger.pk}"}),
    )
    assert response.status_code == 200
    assert "Choose one of this person&#x27;s outcomes or solutions." in response.content.decode()


def test_decline_with_blank_reasons_is_explained(team_leader_client, person, limits):
    waiting = make_budget_request(person, lines=MEDIUM)
    response = team_leader_client.post(
        reverse("sds:request_detail", args=[person.pk, waiting.pk]),
        {
            "action": "decline",
            "reasons": "  ",
            "reasons_for_person": "Typed for Jean",
            "version": waiting.version,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Give the reasons for not agreeing the budget." in body
    assert 'href="#id_reasons"' in body and "Typed for Jean" in body
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.AWAITING_DECISION


def options_post(**overrides):
    day = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    data = {}
    for option in SdsOption:
        data.update(
            {
                f"{option.value}_explained": "yes",
                f"{option.value}_ways": ["in_conversation"],
                f"{option.value}_other_way": "",
                f"{option.value}_on": day,
            }
        )
    data.update(
        {
            "chosen_option": "option_2",
            "chosen_on": timezone.localdate().isoformat(),
            "reasons": "I want to choose who comes",
            "conversation": "",
        }
    )
    data.update(overrides)
    return data


def test_options_form_records_and_shows_on_the_overview(practitioner_client, person):
    url = reverse("sds:options", args=[person.pk])
    assert practitioner_client.post(url, options_post()).status_code == 302
    body = practitioner_client.get(reverse("sds:overview", args=[person.pk])).content.decode()
    assert "Option 2: the person chooses the organisation and the support" in body
    assert "I want to choose who comes" in body


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        (
            {"option_3_explained": "no", "chosen_option": "option_3"},
            "id_chosen_option_0",
            "Option 3 is not recorded as explained",
        ),
        (
            {"chosen_on": "2001-01-01"},
            "id_chosen_on",
            "on or after the date the options were first",
        ),
        ({"option_1_ways": []}, "id_option_1_ways_0", "Say how Option 1 was explained."),
        (
            {"option_4_explained": ""},
            "id_option_4_explained_0",
            "Say whether Option 4 was explained",
        ),
        ({"option_1_on": "2001-02-30"}, "id_option_1_on", "as a real date"),
    ],
)
def test_options_mistakes_are_explained_beside_the_field(
    practitioner_client, person, overrides, field_id, message
):
    response = practitioner_client.post(
        reverse("sds:options", args=[person.pk]), options_post(**overrides)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and f'href="#{field_id}"' in body
    assert "I want to choose who comes" in body
    assert not SdsChoice.objects.filter(person=person).exists()


def test_options_stale_save_is_refused_with_the_other_version(practitioner_client, person):
    url = reverse("sds:options", args=[person.pk])
    practitioner_client.post(url, options_post())
    opened = options_post(version="1")
    assert practitioner_client.post(url, {**opened, "reasons": "First save"}).status_code == 302
    stale = practitioner_client.post(url, {**opened, "reasons": "Mine"})
    body = stale.content.decode()
    assert "Someone else saved a change" in body and "First save" in body and "Mine" in body


def test_unmet_need_met_before_identified_is_explained(practitioner_client, person):
    need = UnmetNeedFactory(person=person)
    url = reverse("sds:unmet_need_met", args=[person.pk, need.pk])
    early = need.identified_on - datetime.timedelta(days=1)
    response = practitioner_client.post(
        url, {"met_on": early.isoformat(), "how_met": "A driver found", "version": "1"}
    )
    body = response.content.decode()
    assert "on or after the date it was identified" in body and "A driver found" in body
    ok = practitioner_client.post(
        url,
        {"met_on": timezone.localdate().isoformat(), "how_met": "A driver found", "version": "1"},
    )
    assert ok.status_code == 302


def test_first_choice_page_creates_unmet_need(practitioner_client, person):
    record_options(person, chosen=SdsOption.OPTION_1)
    response = practitioner_client.post(
        reverse("sds:first_choice", args=[person.pk]),
        {
            "first_choice": "option_1",
            "why": "No PAs",
            "alternative_offered": "An agency",
            "alternative_option": "option_3",
            "alternative_accepted": "yes",
            "plan_to_meet_need": "Keep advertising",
            "need": "A PA she chooses",
            "category": "getting_out",
            "outcome": "",
            "identified_on": timezone.localdate(),
        },
    )
    assert response.status_code == 302
    need = person.unmet_needs.get()
    assert need.reason == UnmetReason.FIRST_CHOICE


def test_indicative_budget_page_normalises_the_amount(practitioner_client, person):
    response = practitioner_client.post(
        reverse("sds:indicative_budget", args=[person.pk]),
        {
            "amount": "£9,500",
            "period": "year",
            "told_on": timezone.localdate().isoformat(),
            "how_told": "conversation",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert person.indicative_budgets.get().amount == Decimal("9500.00")


def test_decision_page_and_sharing(practitioner_client, person):
    response = practitioner_client.post(
        reverse("sds:decision_add", args=[person.pk]),
        {
            "about": "support",
            "summary": "Walking group first",
            "reasons": "You chose it",
            "decided_on": timezone.localdate().isoformat(),
            "decided_by": "Jean and Pat",
            "shared": "yes",
            "shared_on": "",
            "shared_how": "",
        },
    )
    body = response.content.decode()
    assert "Enter the date it was shared." in body and "Choose how it was shared." in body
    assert "Walking group first" in body


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, url, params=None):
    # The first request after signing in writes the session (last seen); measure the page.
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_sds_data(person, n):
    outcome = make_outcome(person)
    for _ in range(n):
        from goldenthread.sds.services import LineInput

        make_budget_request(
            person,
            lines=[
                LineInput(
                    description="PA", amount=Decimal("300.00"), period="week", outcome=outcome
                ),
                LineInput(description="Taxi", amount=Decimal("60.00"), period="month"),
                ("Overnight", Decimal("900.00"), "week"),
            ],
        )
        DecisionFactory(person=person)
        UnmetNeedFactory(person=person, outcome=outcome)
        IndicativeBudgetFactory(person=person)


def test_overview_query_count_does_not_grow(practitioner_client, person, limits):
    record_options(person, chosen=SdsOption.OPTION_4)
    url = reverse("sds:overview", args=[person.pk])
    add_sds_data(person, 1)
    small = count_queries(practitioner_client, url)
    add_sds_data(person, 6)
    assert count_queries(practitioner_client, url) == small
    assert small <= 25


def test_queue_pages_query_counts_do_not_grow(
    client, team_leader, panel_member, person, team, practitioner, limits
):
    def more(n):
        for _ in range(n):
            someone = PersonFactory(team=team)
            AllocationFactory(person=someone, worker=practitioner)
            make_budget_request(someone, lines=MEDIUM)
            make_budget_request(someone, lines=LARGE)
            UnmetNeedFactory(person=someone)

    more(1)
    sign_in(client, team_leader)
    pages = [reverse("sds:approvals"), reverse("sds:unmet_need_team")]
    small = [count_queries(client, url) for url in pages]
    sign_in(client, panel_member)
    panel_small = count_queries(client, reverse("sds:panel"))
    more(6)
    assert count_queries(client, reverse("sds:panel")) == panel_small
    sign_in(client, team_leader)
    assert [count_queries(client, url) for url in pages] == small


def test_request_and_panel_pages_query_counts_do_not_grow(
    client, practitioner_client, person, panel_member, limits
):
    small_request = make_budget_request(person, lines=LARGE)
    big_request = make_budget_request(
        person, lines=[("Line", Decimal("900.00") + n, "week") for n in range(12)]
    )
    urls = [
        reverse("sds:request_detail", args=[person.pk, r.pk]) for r in (small_request, big_request)
    ]
    assert count_queries(practitioner_client, urls[0]) == count_queries(
        practitioner_client, urls[1]
    )
    sign_in(client, panel_member)
    assert count_queries(
        client, reverse("sds:panel_decide", args=[small_request.pk])
    ) == count_queries(client, reverse("sds:panel_decide", args=[big_request.pk]))


# --- Administration of delegated limits -----------------------------------------------------


def test_administrator_sets_a_limit_in_the_admin_and_it_is_audited(client, administrator):
    sign_in(client, administrator)
    url = reverse("admin:sds_delegatedlimit_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "role": "team_leader",
            "user": "",
            "amount_per_year": "35000.00",
            "note": "Council policy",
        },
    )
    assert response.status_code == 302
    limit = DelegatedLimit.objects.get()
    assert limit.amount_per_year == Decimal("35000.00")
    change = ChangeRecord.objects.get(object_type="sds.DelegatedLimit")
    assert change.actor == administrator and change.after["amount_per_year"] == "35000.00"


def test_a_limit_for_a_user_must_match_their_role(client, administrator, practitioner):
    sign_in(client, administrator)
    response = client.post(
        reverse("admin:sds_delegatedlimit_add"),
        {"role": "team_leader", "user": str(practitioner.pk), "amount_per_year": "1.00"},
    )
    assert response.status_code == 200
    assert "is not a team leader" in response.content.decode()
    assert not DelegatedLimit.objects.exists()


def test_only_administrators_see_limits_in_the_admin(client, team_leader):
    team_leader.is_staff = True
    team_leader.is_superuser = True
    team_leader.save()
    sign_in(client, team_leader)
    assert client.get(reverse("admin:sds_delegatedlimit_changelist")).status_code == 403


def test_unmet_need_stale_save_shows_the_other_version(practitioner_client, person):
    need = UnmetNeedFactory(person=person)
    url = reverse("sds:unmet_need_met", args=[person.pk, need.pk])
    today = timezone.localdate().isoformat()
    assert (
        practitioner_client.post(
            url, {"met_on": today, "how_met": "A volunteer driver", "version": "1"}
        ).status_code
        == 302
    )
    stale = practitioner_client.post(url, {"met_on": today, "how_met": "A taxi", "version": "1"})
    body = stale.content.decode()
    assert "Someone else saved a change" in body
    assert "A volunteer driver" in body and "A taxi" in body
    need.refresh_from_db()
    assert need.how_met == "A volunteer driver"


def test_add_line_with_a_forged_count_does_not_break(practitioner_client, person):
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]),
        {**request_post(), "line-TOTAL_FORMS": "lots", "add_line": "1"},
    )
    assert response.status_code == 200


def test_overview_shows_an_option_4_mix_by_outcome(practitioner_client, practitioner, person):
    """Option 4: each part of the support is shown with its outcome and the option it uses
    (a person with a mix once made this page fail; found by the synthetic data)."""
    from goldenthread.sds import services
    from goldenthread.sds.factories import record_options
    from goldenthread.sds.models import SdsOption

    outcome = make_outcome(person, statement="I will swim twice a week by summer")
    solution = SolutionFactory(outcome=outcome, step="support", what="A personal assistant")
    choice = record_options(person, actor=practitioner, chosen=SdsOption.OPTION_4)
    services.sds_mix_record(
        actor=practitioner,
        person=person,
        parts={solution: SdsOption.OPTION_1.value},
        expected_version=choice.version,
    )
    response = practitioner_client.get(reverse("sds:overview", args=[person.pk]))
    assert response.status_code == 200
    assert "I will swim twice a week by summer" in response.content.decode()


def test_the_decision_boxes_stop_at_the_limit_the_database_keeps(
    client, team_leader, person, practitioner, limits
):
    """A11Y-1 (and SEC-6: nothing typed is lost): the budget decision's two boxes say their
    limit (maxlength) in the page, the same number the server checks and the database keeps
    (the form reads it from the model), so a person is stopped while typing, not after."""
    import re

    from goldenthread.sds.forms import DecideForm, ResubmitForm

    budget_request = make_budget_request(person, lines=MEDIUM, actor=practitioner)
    sign_in(client, team_leader)
    body = client.get(
        reverse("sds:request_detail", args=[person.pk, budget_request.pk])
    ).content.decode()
    limits_shown = dict(re.findall(r'<textarea name="([a-z_]+)"[^>]*\smaxlength="(\d+)"', body))
    stored = BudgetRequestEvent._meta
    assert limits_shown == {
        "reasons": str(stored.get_field("reasons").max_length),
        "reasons_for_person": str(stored.get_field("reasons_for_person").max_length),
    }
    assert stored.get_field("reasons_for_person").max_length == 4000
    form = DecideForm(may_decide=True, may_refer=True)
    assert form.fields["reasons_for_person"].max_length == 4000
    assert ResubmitForm().fields["information"].max_length == stored.get_field("reasons").max_length

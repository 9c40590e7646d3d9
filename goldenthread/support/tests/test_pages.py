"""Support Sequence pages: the seven steps, solutions, the directory in steps 5 and 6, the
checklist, the summary and the plan; bad input, stale saves, query counts and access."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.support.factories import (
    SolutionFactory,
    StepExplorationFactory,
    SupportPlanningFactory,
)
from goldenthread.support.models import (
    ChecklistQuestion,
    ExplorationState,
    Solution,
    SolutionStatus,
    StepExploration,
    SupportChecklistAnswer,
    SupportPlanning,
)

from .conftest import make_outcome


@pytest.fixture
def record(person, outcome):
    solution = SolutionFactory(outcome=outcome)
    return {
        "person_id": person.pk,
        "outcome_id": outcome.pk,
        "step": "community",
        "solution_id": solution.pk,
    }


def support_urls():
    """Every URL of this app, found in the URL configuration."""
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace == "support":
            return sorted(
                (f"support:{p.name}", sorted(p.pattern.converters))
                for p in sub.url_patterns
                if isinstance(p, URLPattern)
            )
    raise AssertionError("support URLs not mounted")


URLS = support_urls()


def test_the_lead_links_to_these_names():
    names = {name for name, _ in URLS}
    assert {
        "support:outcome_support",
        "support:plan",
        "support:plan_pdf",
        "support:plan_easy_read",
    } <= names


@pytest.mark.parametrize(("name", "kwarg_names"), URLS, ids=[n for n, _ in URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unrelated_worker_is_refused_and_logged(
    client, record, other_practitioner, name, kwarg_names, method
):
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    sign_in(client, other_practitioner)
    response = getattr(client, method)(url)
    assert response.status_code == 403
    [row] = AccessLog.objects.filter(actor=other_practitioner)
    assert row.action == AccessAction.DENIED and row.person_id == record["person_id"]
    assert Solution.objects.count() == 1


@pytest.mark.parametrize(("name", "kwarg_names"), URLS, ids=[n for n, _ in URLS])
def test_commissioner_never_sees_a_named_plan(client, record, commissioner, name, kwarg_names):
    sign_in(client, commissioner)
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("name", "kwarg_names"), URLS, ids=[n for n, _ in URLS])
def test_allocated_worker_gets_each_page_with_one_log_row(
    practitioner_client, practitioner, record, name, kwarg_names
):
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    response = practitioner_client.get(url)
    assert response.status_code == 200, name
    [row] = AccessLog.objects.filter(actor=practitioner)
    expected = AccessAction.EXPORT if name == "support:plan_pdf" else AccessAction.VIEW
    assert row.what == name and row.action == expected


def test_another_persons_outcome_or_solution_is_not_found(
    practitioner_client, person, team, practitioner
):
    from goldenthread.people.factories import AllocationFactory, PersonFactory

    other = PersonFactory(team=team)
    AllocationFactory(person=other, worker=practitioner)
    their_outcome = make_outcome(other)
    their_solution = SolutionFactory(outcome=their_outcome)
    # Through my person's URL, their rows do not exist.
    assert (
        practitioner_client.get(
            reverse("support:outcome_support", args=[person.pk, their_outcome.pk])
        ).status_code
        == 404
    )
    assert (
        practitioner_client.get(
            reverse("support:solution_edit", args=[person.pk, their_solution.pk])
        ).status_code
        == 404
    )
    response = practitioner_client.post(
        reverse("support:solution_add", args=[person.pk, their_outcome.pk, "yourself"]),
        {"what": "Sneaky", "status": "idea"},
    )
    assert response.status_code == 404
    assert not Solution.objects.filter(what="Sneaky").exists()


def test_the_page_walks_the_seven_steps_in_order(practitioner_client, person, outcome):
    body = practitioner_client.get(
        reverse("support:outcome_support", args=[person.pk, outcome.pk])
    ).content.decode()
    headings = [
        "1. Yourself",
        "2. Technology",
        "3. Equipment and adaptations",
        "4. Family, friends and neighbours",
        "5. Community",
        "6. Services or setting",
        "7. Support",
    ]
    positions = [body.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "Are there any apps or technology that could help?" in body
    assert body.count("Not yet considered") >= 7
    assert 'aria-live="polite"' in body and 'hx-get="' in body
    assert body.count('role="search"') == 2  # steps 5 and 6 only


def test_add_a_solution_with_a_cost_typed_as_people_type_it(practitioner_client, person, outcome):
    url = reverse("support:solution_add", args=[person.pk, outcome.pk, "support"])
    response = practitioner_client.post(
        url,
        {
            "what": "Personal assistant, 4 hours a week",
            "who": "Employed by Jean",
            "cost": "£1,234.50",
            "cost_period": "year",
            "status": "agreed",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#step-support")
    solution = Solution.objects.get(what="Personal assistant, 4 hours a week")
    assert solution.cost == Decimal("1234.50") and solution.step == "support"
    page = practitioner_client.get(response["Location"]).content.decode()
    assert "£1,234.50 a year" in page and "Explored: 1 solution" in page


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"what": ""}, "id_what", "Say what the solution is."),
        ({"cost": "12.50", "cost_period": ""}, "id_cost_period", "Say how often this cost"),
        ({"cost": "", "cost_period": "week"}, "id_cost", "Enter the cost, or choose"),
        ({"cost": "twelve", "cost_period": "week"}, "id_cost", "pounds and pence"),
        ({"cost": "-3", "cost_period": "week"}, "id_cost", "£0 or more"),
        ({"cost": "1.234", "cost_period": "week"}, "id_cost", "nearest penny"),
        ({"status": "lost"}, "id_status_0", "Choose one of the statuses."),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_kept(
    practitioner_client, person, outcome, overrides, field_id, message
):
    data = {
        "what": "Tablet",
        "who": "",
        "cost": "",
        "cost_period": "",
        "status": "idea",
        "notes": "Typed <i>notes</i> kept",
    }
    data.update(overrides)
    url = reverse("support:solution_add", args=[person.pk, outcome.pk, "technology"])
    response = practitioner_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'href="#{field_id}"' in body
    assert "Typed &lt;i&gt;notes&lt;/i&gt; kept" in body
    assert not Solution.objects.filter(outcome=outcome).exists()


def test_stale_edit_shows_the_other_version_and_keeps_mine(practitioner_client, person, outcome):
    solution = SolutionFactory(outcome=outcome, what="Lift on Thursdays")
    url = reverse("support:solution_edit", args=[person.pk, solution.pk])
    opened = {
        "what": "Lift on Thursdays",
        "who": "Ann",
        "cost": "",
        "cost_period": "",
        "status": "agreed",
        "notes": "",
        "version": str(solution.version),
    }
    assert practitioner_client.post(url, {**opened, "what": "Lift on Fridays"}).status_code == 302
    response = practitioner_client.post(url, {**opened, "notes": "My note"})
    body = response.content.decode()
    assert "Someone else saved a change" in body
    assert "Lift on Fridays" in body and "My note" in body
    solution.refresh_from_db()
    assert solution.what == "Lift on Fridays" and solution.notes == ""


def test_status_change_is_recorded_with_its_reason(practitioner_client, person, outcome):
    solution = SolutionFactory(outcome=outcome, status=SolutionStatus.AGREED)
    url = reverse("support:solution_edit", args=[person.pk, solution.pk])
    response = practitioner_client.post(
        url,
        {
            "what": solution.what,
            "who": solution.who,
            "cost": "",
            "cost_period": "",
            "status": "stopped",
            "notes": "",
            "status_note": "Ann's shifts changed",
            "version": str(solution.version),
        },
    )
    assert response.status_code == 302
    page = practitioner_client.get(url).content.decode()
    assert "Agreed to Tried and stopped" in page and "Ann&#x27;s shifts changed" in page


def test_remove_a_solution(practitioner_client, person, outcome):
    solution = SolutionFactory(outcome=outcome)
    url = reverse("support:solution_remove", args=[person.pk, solution.pk])
    assert "Remove this solution?" in practitioner_client.get(url).content.decode()
    assert practitioner_client.post(url).status_code == 302
    assert not Solution.objects.filter(pk=solution.pk).exists()


def test_mark_nothing_suitable_and_undo(practitioner_client, person, outcome):
    url = reverse("support:step_nothing_suitable", args=[person.pk, outcome.pk, "technology"])
    assert 'name="version" value="0"' in practitioner_client.get(url).content.decode()
    response = practitioner_client.post(
        url, {"note": "Jean does not want a device", "version": "0"}
    )
    assert response.status_code == 302
    page = practitioner_client.get(response["Location"]).content.decode()
    assert "Explored, nothing suitable" in page and "Jean does not want a device" in page
    exploration = StepExploration.objects.get(outcome=outcome, step="technology")
    undo = reverse("support:step_reopen", args=[person.pk, outcome.pk, "technology"])
    assert practitioner_client.post(undo, {"version": str(exploration.version)}).status_code == 302
    exploration.refresh_from_db()
    assert exploration.state == ExplorationState.NOT_YET


def test_nothing_suitable_refused_when_solutions_are_current(practitioner_client, person, outcome):
    SolutionFactory(outcome=outcome, step="community", status=SolutionStatus.IDEA)
    exploration = StepExploration.objects.get(outcome=outcome, step="community")
    url = reverse("support:step_nothing_suitable", args=[person.pk, outcome.pk, "community"])
    response = practitioner_client.post(url, {"version": str(exploration.version)})
    assert response.status_code == 200
    assert "Change their status or remove them first" in response.content.decode()


def test_directory_search_no_js_page_and_htmx_partial(
    practitioner_client, person, outcome, community_resource
):
    url = reverse("support:step_directory", args=[person.pk, outcome.pk, "community"])
    full = practitioner_client.get(url, {"q": "bowling", "place": "Northfield"})
    body = full.content.decode()
    assert "<html" in body and "Northfield Bowls and Blether Club" in body
    assert "1 result for" in body
    partial = practitioner_client.get(
        url, {"q": "bowling", "place": "Northfield"}, headers={"HX-Request": "true"}
    )
    fragment = partial.content.decode()
    assert "<html" not in fragment and "Northfield Bowls and Blether Club" in fragment
    assert f'name="resource_id" value="{community_resource.pk}"' in fragment
    assert f'action="{url}"' in fragment  # "Use this" adds it to this step
    assert 'id="directory-results-status" hx-swap-oob="innerHTML"' in fragment
    nothing = practitioner_client.get(url, {"q": "zzzqqq"}, headers={"HX-Request": "true"})
    assert "No results for" in nothing.content.decode()
    # Not a directory step.
    assert (
        practitioner_client.get(
            reverse("support:step_directory", args=[person.pk, outcome.pk, "yourself"])
        ).status_code
        == 404
    )


def test_a_directory_search_in_a_step_says_what_the_directory_says(
    practitioner_client, person, outcome
):
    """The step's search had its own copy of the form, with Django's message for a long
    search ("Ensure this value has at most 200 characters (it has 5000)")."""
    url = reverse("support:step_directory", args=[person.pk, outcome.pk, "community"])
    body = practitioner_client.get(url, {"q": "a" * 5000}).content.decode()
    assert "Use 200 characters or fewer." in body
    assert "Ensure this value" not in body


def test_a_directory_result_becomes_a_solution_in_one_post(
    practitioner_client, person, outcome, community_resource
):
    url = reverse("support:step_directory", args=[person.pk, outcome.pk, "community"])
    response = practitioner_client.post(url, {"resource_id": str(community_resource.pk)})
    assert response.status_code == 302 and response["Location"].endswith("#step-community")
    solution = Solution.objects.get(outcome=outcome)
    assert solution.community_resource == community_resource
    assert solution.step == "community" and solution.status == "idea"
    bad = practitioner_client.post(url, {"resource_id": "00000000-0000-0000-0000-000000000000"})
    assert bad.status_code == 400 and "not in the directory" in bad.content.decode()
    assert Solution.objects.filter(outcome=outcome).count() == 1


def test_planning_page_shows_the_variant_and_saves(practitioner_client, person, outcome):
    url = reverse("support:planning", args=[person.pk, outcome.pk])
    page = practitioner_client.get(url).content.decode()
    assert "Adult" in page and "From Jean Macdonald&#x27;s age" in page
    response = practitioner_client.post(
        url,
        {
            "tried_already": "The community bus",
            "own_ideas": "My neighbour could drive me",
            "plan_type_override": "young_person",
            "version": "0",
        },
    )
    assert response.status_code == 302
    planning = SupportPlanning.objects.get(outcome=outcome)
    assert planning.plan_type_override == "young_person"
    support = practitioner_client.get(
        reverse("support:outcome_support", args=[person.pk, outcome.pk])
    ).content.decode()
    assert "What could your school or college do to help?" in support
    stale = practitioner_client.post(
        url, {"tried_already": "x", "own_ideas": "", "plan_type_override": "", "version": "0"}
    )
    assert "Someone else saved a change" in stale.content.decode()


def test_checklist_shows_suggestions_and_saves_answers(practitioner_client, person, outcome):
    StepExplorationFactory(outcome=outcome, step="technology")
    url = reverse("support:checklist", args=[person.pk, outcome.pk])
    page = practitioner_client.get(url).content.decode()
    assert "Did we consider personal budgets?" in page
    assert "Am I confident that I involved the person in decision making" in page
    assert "The record suggests: Not yet" in page
    assert "The record suggests: Yes. Step 2 (Technology)" in page
    data = {f"{q}__version": "0" for q in ChecklistQuestion.values}
    data.update(
        {
            "technology__answer": "yes",
            "personal_budgets__answer": "not_yet",
            "personal_budgets__note": "Talk about a direct payment next visit",
        }
    )
    assert practitioner_client.post(url, data).status_code == 302
    saved = SupportChecklistAnswer.objects.get(outcome=outcome, question="personal_budgets")
    assert saved.note == "Talk about a direct payment next visit"
    again = practitioner_client.post(url, {**data, "technology__answer": "partly"})
    assert "Someone else saved answers" in again.content.decode()


def test_summary_lists_every_open_outcome_with_its_coverage(practitioner_client, person, outcome):
    SolutionFactory(outcome=outcome, step="family_friends")
    StepExplorationFactory(outcome=outcome, step="technology")
    second = make_outcome(person, statement="I will cook my own tea")
    body = practitioner_client.get(reverse("support:summary", args=[person.pk])).content.decode()
    assert outcome.statement in body and second.statement in body
    assert "2 of 7 steps explored; 1 solution." in body
    assert "0 of 7 steps explored; 0 solutions." in body


def test_plan_pages_and_pdf(practitioner_client, person, outcome):
    SolutionFactory(outcome=outcome, costed=True)
    plan = practitioner_client.get(reverse("support:plan", args=[person.pk])).content.decode()
    assert outcome.statement in plan and "£2,340.00" in plan
    assert "Reading ease of this plan:" in plan
    easy = practitioner_client.get(
        reverse("support:plan_easy_read", args=[person.pk])
    ).content.decode()
    assert "What do I want to change?" in easy and "Who will help?" in easy
    pdf = practitioner_client.get(reverse("support:plan_pdf", args=[person.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    # A neutral file name: no name of the person (#11).
    assert re.fullmatch(
        r'attachment; filename="support-plan-\d{4}-\d{2}-\d{2}\.pdf"', pdf["Content-Disposition"]
    )
    assert "jean" not in pdf["Content-Disposition"].lower()
    assert pdf["Cache-Control"] == "no-store"
    assert pdf.content.startswith(b"%PDF-")


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["support:outcome_support", "support:checklist"])
def test_support_page_query_count_does_not_grow(practitioner_client, person, outcome, name):
    url = reverse(name, args=[person.pk, outcome.pk])
    small = _queries(practitioner_client, url)
    SupportPlanningFactory(outcome=outcome)
    for step in ("yourself", "family_friends", "community", "services", "support"):
        SolutionFactory.create_batch(3, outcome=outcome, step=step)
    StepExplorationFactory(outcome=outcome, step="technology")
    assert _queries(practitioner_client, url) == small
    assert small <= 13  # 6 for sign-in, the person and the access log; 7 for the page


@pytest.mark.parametrize(
    "name", ["support:summary", "support:plan", "support:plan_easy_read", "support:plan_pdf"]
)
def test_person_page_query_counts_do_not_grow(practitioner_client, person, outcome, name):
    url = reverse(name, args=[person.pk])
    SolutionFactory(outcome=outcome)
    small = _queries(practitioner_client, url)
    for n in range(9):
        more = make_outcome(person, statement=f"Outcome {n}")
        SupportPlanningFactory(outcome=more)
        SolutionFactory.create_batch(2, outcome=more, step="community")
        StepExplorationFactory(outcome=more, step="technology")
    assert _queries(practitioner_client, url) == small
    # + SDS (11), risk (3) and accountability (4: moves, advocacy, agreement) plan
    # sections, fixed in number
    assert small <= 15 + 18

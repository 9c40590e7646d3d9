"""The support plan (SS-6, P-5): its content, its constant cost, its PDF and its easy-read
version, with reading ease measured (A11Y-3)."""

import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from goldenthread.conversations.factories import (
    AspirationFactory,
    ConversationFactory,
    MattersItemFactory,
    WhoMattersFactory,
)
from goldenthread.conversations.models import MattersKind
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.record.pdf import render_plan_pdf
from goldenthread.record.plan import build_plan
from goldenthread.record.plan_document import PlanItem, PlanSection
from goldenthread.support.factories import (
    SolutionFactory,
    StepExplorationFactory,
    SupportPlanningFactory,
)
from goldenthread.support.models import SolutionStatus
from goldenthread.support.readability import measure, text_from_html
from goldenthread.support.tests.conftest import make_outcome

OWN_WORDS = 'I want to get back to <b>my</b> bowling club & see "the girls"'

# Reading-ease thresholds (Flesch): the easy-read version must be "easy" or better; the
# standard version at least "plain English".
EASY_READ_MINIMUM = 80
STANDARD_MINIMUM = 60


@pytest.fixture
def rich_plan_person(person):
    person.communication_needs = "Hard of hearing: face me when you speak."
    person.save()
    conversation = ConversationFactory(person=person)
    MattersItemFactory(conversation=conversation, text="Seeing my friends at the club")
    MattersItemFactory(conversation=conversation, text="My own home", kind=MattersKind.WHERE)
    WhoMattersFactory(
        conversation=conversation,
        circle_member__name="Ann",
        circle_member__relationship="Daughter",
        text="She visits on Sundays",
    )
    AspirationFactory(conversation=conversation, text="A holiday on Arran with my sister")
    bowls = make_outcome(
        person,
        statement=OWN_WORDS,
        baseline="Has not been since her fall in January",
        measure="Goes most Thursdays",
    )
    SupportPlanningFactory(outcome=bowls)

    def solution(step, what, who, status=SolutionStatus.AGREED, cost=None, cost_period=""):
        SolutionFactory(
            outcome=bowls,
            step=step,
            what=what,
            who=who,
            status=status,
            cost=None if cost is None else Decimal(cost),
            cost_period=cost_period,
        )

    solution("yourself", "Practise the walk to the bus stop", "Jean", SolutionStatus.IN_PLACE)
    solution("family_friends", "Lift on Thursdays", "Ann (daughter)")
    solution(
        "equipment",
        "Walking frame for outdoors",
        "Equipment store",
        cost="120.00",
        cost_period="one_off",
    )
    SolutionFactory(outcome=bowls, costed=True)  # £45.00 a week, agreed
    solution("community", "Day centre", "Council", SolutionStatus.DECLINED)
    solution("services", "Physio exercises", "NHS physio", SolutionStatus.IDEA, "10.00", "month")
    StepExplorationFactory(outcome=bowls, step="technology", note="Jean does not want a device")
    cooking = make_outcome(
        person,
        statement="I will cook my own tea three nights a week",
        baseline="Has a microwave meal every night",
        measure="Cooks three nights a week",
        target_date=None,
    )
    SolutionFactory(
        outcome=cooking,
        step="community",
        what="Cooking class at the library",
        who="Northfield Library",
    )
    make_outcome(person, statement="An old goal that is achieved", status=OutcomeStatus.ACHIEVED)
    return person


def test_plan_gathers_what_matters_outcomes_and_solutions(rich_plan_person):
    plan = build_plan(rich_plan_person)
    assert plan.person_name == rich_plan_person.display_name
    assert plan.communication_needs == "Hard of hearing: face me when you speak."
    assert plan.what_matters == ["Seeing my friends at the club"]
    assert plan.where_matters == ["My own home"]
    assert plan.who_matters == [PlanItem(label="Ann (Daughter)", text="She visits on Sundays")]
    assert plan.aspirations == ["A holiday on Arran with my sister"]
    # Open outcomes only, in the order they were made.
    assert [o.statement for o in plan.outcomes] == [
        OWN_WORDS,
        "I will cook my own tea three nights a week",
    ]
    bowls = plan.outcomes[0]
    assert bowls.baseline == "Has not been since her fall in January"
    assert bowls.tried_already.startswith("Tried the community bus")
    assert [s.step for s in bowls.steps] == [
        "yourself",
        "technology",
        "equipment",
        "family_friends",
        "community",
        "services",
        "support",
    ]
    by_step = {s.step: s for s in bowls.steps}
    assert by_step["technology"].state == "nothing_suitable"
    assert by_step["technology"].nothing_suitable_note == "Jean does not want a device"
    assert [x.what for x in by_step["support"].solutions] == ["Support worker, 3 hours a week"]
    assert by_step["support"].solutions[0].cost_text == "£45.00 a week"
    assert [x.what for x in bowls.earlier_solutions] == ["Day centre"]
    assert "Ann (daughter)" in plan.helpers and "Council" not in plan.helpers


def test_costs_are_decimal_and_count_agreed_and_in_place_only(rich_plan_person):
    costs = build_plan(rich_plan_person).costs
    assert {line.period: line.amount for line in costs.lines} == {
        "week": Decimal("45.00"),
        "one_off": Decimal("120.00"),
    }
    # 45 x 52 + 120 = 2,460.00; the £10 a month idea is counted apart (120.00 a year).
    assert costs.year_total == Decimal("2460.00")
    assert costs.year_total_text == "£2,460.00"
    assert costs.ideas_year_total == Decimal("120.00")
    assert all(isinstance(line.amount, Decimal) for line in costs.lines)


def _plan_with_outcomes(person, count):
    for n in range(count):
        outcome = make_outcome(person, statement=f"Outcome number {n}")
        SupportPlanningFactory(outcome=outcome)
        SolutionFactory(outcome=outcome, step="community", what=f"Group {n}")
        SolutionFactory(outcome=outcome, costed=True)
        StepExplorationFactory(outcome=outcome, step="technology")


def test_plan_costs_the_same_queries_for_1_and_10_outcomes(person, team, django_assert_num_queries):
    from goldenthread.people.factories import PersonFactory

    other = PersonFactory(team=team)
    _plan_with_outcomes(person, 1)
    _plan_with_outcomes(other, 10)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as base:
        one = build_plan(person)
    # 7 for the plan itself, plus a fixed number for each other app's part (SDS, risk, ...).
    with django_assert_num_queries(len(base)):
        ten = build_plan(other)
    assert (len(one.outcomes), len(ten.outcomes)) == (1, 10)
    assert ten.solution_count == 20


def test_a_section_from_another_app_is_shown_in_every_copy(person, outcome):
    """#17 step 5: build_plan reads the other apps itself (no contributor registry). With
    nothing recorded only "what was agreed" is there; a section set on the plan is shown."""
    plan = build_plan(person)
    # Agreement is always shown (ACC-4, #13): "not agreed yet" is worth saying.
    assert [s.key for s in plan.extra_sections] == ["agreement"]
    assert plan.risks is None and plan.sds_choices is None and plan.about_me_media == []
    plan.risks = PlanSection(
        key="risks",
        title="Risks we talked about",
        easy_title="What could go wrong?",
        items=[
            PlanItem(
                label="Falling on the way",
                text="Walks with a frame; Ann drives",
                easy_text="I might fall. Ann will drive me.",
            )
        ],
    )
    assert [s for s in plan.extra_sections if s.key != "agreement"] == [plan.risks]
    html = render_to_string("support/_plan_easy_body.html", {"plan": plan, "person": person})
    assert "What could go wrong?" in html and "I might fall. Ann will drive me." in html


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_shows_every_outcome_and_solution_and_the_persons_own_words(rich_plan_person):
    plan = build_plan(rich_plan_person)
    pdf = render_plan_pdf(plan, context={"plan": plan, "person": rich_plan_person})
    assert pdf.startswith(b"%PDF-")
    text = " ".join(_pdf_text(pdf).split())
    assert OWN_WORDS in text  # literally: the markup-like characters are text, not markup
    for outcome in plan.outcomes:
        assert " ".join(outcome.statement.split()) in text
        for step in outcome.steps:
            for solution in step.solutions:
                assert solution.what in text, solution.what
    assert "£2,460.00" in text
    assert "Page 1 of" in text
    assert "Hard of hearing: face me when you speak." in text
    assert "Sign out" not in text and "Skip to main content" not in text


def test_own_words_are_escaped_never_markup(rich_plan_person):
    plan = build_plan(rich_plan_person)
    html = render_to_string("support/_plan_body.html", {"plan": plan, "person": rich_plan_person})
    assert "&lt;b&gt;my&lt;/b&gt;" in html and "<b>my</b>" not in html
    easy = render_to_string("support/_plan_easy_body.html", {"plan": plan})
    assert "&lt;b&gt;my&lt;/b&gt;" in easy


def test_easy_read_headings_are_questions(rich_plan_person):
    plan = build_plan(rich_plan_person)
    html = render_to_string("support/_plan_easy_body.html", {"plan": plan})
    for heading in (
        "What matters to me?",
        "What do I want to change?",
        "Who will help?",
        "How much will it cost?",
        "What happens next?",
    ):
        assert f">{heading}</h2>" in html
    import re

    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert headings and all(h.endswith("?") for h in headings)
    assert "For a year it costs about £2,460.00." in html


def test_easy_read_says_what_they_tried_and_their_ideas_in_their_own_words(rich_plan_person):
    """P-5, SS-4: the easy read carries what the person tried already and their own ideas,
    as the standard plan does, escaped, under each goal's help."""
    planning = rich_plan_person.outcomes.get(statement=OWN_WORDS).support_planning
    planning.tried_already = "The <i>community</i> bus once.\nThe step was too high."
    planning.own_ideas = "My neighbour could drive me on Thursdays."
    planning.save()
    easy = render_to_string("support/_plan_easy_body.html", {"plan": build_plan(rich_plan_person)})
    help_section = easy.split('id="easy-help-heading"')[1]
    assert "<p>What I tried already:</p>" in help_section
    assert "The &lt;i&gt;community&lt;/i&gt; bus once.<br>The step was too high." in help_section
    assert "<p>My ideas:</p>" in help_section
    assert "My neighbour could drive me on Thursdays." in help_section
    assert "<i>community</i>" not in easy


def test_easy_read_says_nothing_of_tried_or_ideas_when_none_were_recorded(person):
    make_outcome(person, statement="I get to the shops on my own")
    easy = render_to_string("support/_plan_easy_body.html", {"plan": build_plan(person)})
    assert "What I tried already:" not in easy and "My ideas:" not in easy


def test_reading_ease_of_the_generated_plans(rich_plan_person, capsys):
    plan = build_plan(rich_plan_person)
    context = {"plan": plan, "person": rich_plan_person}
    easy = measure(text_from_html(render_to_string("support/_plan_easy_body.html", context)))
    standard = measure(text_from_html(render_to_string("support/_plan_body.html", context)))
    with capsys.disabled():
        print(
            f"\nReading ease: easy read {easy.score} ({easy.band}, {easy.words} words, "
            f"{easy.sentences} sentences); standard {standard.score} ({standard.band}, "
            f"{standard.words} words, {standard.sentences} sentences)"
        )
    assert easy.score >= EASY_READ_MINIMUM
    assert standard.score >= STANDARD_MINIMUM
    assert easy.score > standard.score
    assert easy.words / easy.sentences < 10  # short sentences

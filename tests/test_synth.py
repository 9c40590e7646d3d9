"""OPS-2: synthetic data is internally consistent and the same for the same seed."""

import copy
import datetime
import functools
import random
import uuid
from collections import Counter, defaultdict

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from conftest import PINNED_NOW, sign_in
from goldenthread.accounts.models import Role, User
from goldenthread.audit.models import AccessLog
from goldenthread.conversations.models import PositiveChange
from goldenthread.nonprod.synth.generate import Stream, generate
from goldenthread.nonprod.synth.writer import BulkWriter, det_uuid
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.chi import is_valid_chi
from goldenthread.people.models import Allocation, Person
from goldenthread.reviews.due import as_date, derived_due, refresh_all_review_due
from goldenthread.reviews.models import (
    OutcomeReview,
    PersonView,
    Rating,
    Review,
    ReviewSchedule,
    ReviewStatus,
    SolutionReview,
)
from goldenthread.risk.models import RiskAgreement, RiskEnablement, RiskView
from goldenthread.sds.models import (
    BudgetLine,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    DecisionSharing,
    DelegatedLimit,
    FirstChoiceNotDelivered,
    IndicativeBudget,
    MixPart,
    OptionExplanation,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnmetNeed,
    UnmetReason,
)
from goldenthread.support.models import Solution

PEOPLE = 300


@pytest.fixture(scope="module")
def _synthesized(django_db_setup, django_db_blocker):
    """The tiny preset, made once for this module's tests (on each test worker that runs
    them) and committed; emptied again (flush) when the last of them has run. Making it
    took 15 s or more for every test that read it."""
    with django_db_blocker.unblock():
        with time_machine.travel(PINNED_NOW, tick=False):
            call_command(
                "synth", preset="tiny", people=PEOPLE, seed=5, stdout=open("/dev/null", "w")
            )
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def synthetic(_synthesized, db, pinned_clock):
    """The synthetic records; each test runs in a transaction rolled back at its end (the
    `db` fixture), so what one test writes (pages' access rows, sessions) is gone before
    the next reads."""


def _none(queryset) -> None:
    """No row matches: show a few if any do."""
    assert list(queryset[:3]) == []


def test_tiny_preset_is_consistent_and_deterministic(synthetic):
    assert Person.objects.count() == PEOPLE
    first = sorted(Person.objects.values_list("chi_number", flat=True))
    assert all(is_valid_chi(chi) for chi in first)
    # Every item belongs to its person's own record.
    assert not Outcome.objects.exclude(person=F("positive_change__person")).exists()
    assert not Outcome.objects.exclude(person=F("conversation__person")).exists()
    assert not Solution.objects.exclude(person=F("outcome__person")).exists()
    assert not PositiveChange.objects.filter(from_not_working__isnull=True).exists()
    assert not Allocation.objects.exclude(worker__team=F("person__team")).exists()
    assert AccessLog.objects.filter(person_id__isnull=False).count() >= PEOPLE * 3
    # Each person's stored "next review due" is the one worked out from the records (#19).
    stored = dict(ReviewSchedule.objects.values_list("person_id", "due_on"))
    derived = {pk: as_date(due) for pk, due, _ in derived_due(Person.objects.all())}
    assert {pk: due for pk, due in derived.items() if due} == {
        pk: due for pk, due in stored.items() if due
    }
    assert any(derived.values())
    # The generator writes both stored dates itself (#14): working them out again from the
    # records, as `goldenthread refresh-review-due` does, changes nothing.
    assert refresh_all_review_due() == 0
    assert ReviewSchedule.objects.filter(last_review_on__isnull=False).exists()
    # The bulk-written access log carries a whole hash chain (#11): audit-verify passes.
    call_command("audit_verify", stdout=open("/dev/null", "w"))
    assert (
        AccessLog.objects.order_by("-seq").values_list("seq", flat=True).first()
        == AccessLog.objects.count()
    )
    # Every person is visible to their allocated worker through the scoped door.
    allocation = Allocation.objects.filter(end_date__isnull=True).select_related("worker").first()
    assert Person.objects.visible_to(allocation.worker).filter(pk=allocation.person_id).exists()
    # It refuses to mix synthetic people into a database that already holds people.
    with pytest.raises(CommandError, match="already holds people"):
        call_command("synth", preset="tiny", people=10, seed=5, stdout=open("/dev/null", "w"))


def test_sds_records_are_consistent(synthetic):
    # Delegated limits set once for the roles.
    assert sorted(
        DelegatedLimit.objects.filter(user__isnull=True).values_list("role", flat=True)
    ) == [Role.PRACTITIONER, Role.TEAM_LEADER]
    # Options: four explanations per choice, all four options chosen by someone, the chosen
    # one explained, option 4's parts are that person's own solutions.
    assert not SdsChoice.objects.annotate(n=Count("explanations")).exclude(n=4).exists()
    _none(OptionExplanation.objects.exclude(person=F("choice__person")))
    chosen = set(SdsChoice.objects.values_list("chosen_option", flat=True))
    assert set(SdsOption.values) <= chosen
    _none(
        SdsChoice.objects.exclude(chosen_option="").exclude(
            explanations__option=F("chosen_option"), explanations__explained=True
        )
    )
    assert MixPart.objects.exists()
    _none(MixPart.objects.exclude(person=F("choice__person")))
    _none(MixPart.objects.exclude(solution__person=F("person")))
    _none(MixPart.objects.exclude(choice__chosen_option=SdsOption.OPTION_4))
    assert IndicativeBudget.objects.exists()
    # Budget requests: lines are the person's own outcomes and solutions, and add up.
    assert BudgetRequest.objects.count() > PEOPLE // 5
    _none(BudgetLine.objects.exclude(person=F("request__person")))
    _none(BudgetLine.objects.filter(outcome__isnull=False).exclude(outcome__person=F("person")))
    _none(BudgetLine.objects.filter(solution__isnull=False).exclude(solution__person=F("person")))
    _none(BudgetLine.objects.filter(solution__isnull=False).exclude(solution__outcome=F("outcome")))
    sums = dict(BudgetLine.objects.values_list("request").annotate(total=Sum("amount_per_year")))
    totals = dict(BudgetRequest.objects.values_list("pk", "total_per_year"))
    assert sums == totals
    # Approval history: requested first, then (maybe) referred, then decided; the request's
    # status and times follow its history.
    statuses = Counter(BudgetRequest.objects.values_list("status", flat=True))
    assert statuses[RequestStatus.APPROVED] and statuses[RequestStatus.DECLINED]
    kinds = defaultdict(list)
    for event in BudgetRequestEvent.objects.order_by("at").select_related("request"):
        assert event.person_id == event.request.person_id
        assert event.total_per_year == event.request.total_per_year
        kinds[event.request_id].append((event.kind, event.at, event.actor_id))
    seen_sequences = set()
    limit = DelegatedLimit.objects.get(role=Role.TEAM_LEADER, user__isnull=True).amount_per_year
    for budget_request in BudgetRequest.objects.all():
        events = kinds[budget_request.pk]
        sequence = tuple(kind for kind, _, _ in events)
        seen_sequences.add(sequence)
        assert sequence in {
            ("requested",),
            ("requested", "approved"),
            ("requested", "declined"),
            ("requested", "referred"),
            ("requested", "referred", "panel_decided"),
        }, sequence
        assert events[0][1] == budget_request.submitted_at
        referred = [at for kind, at, _ in events if kind == "referred"]
        decided = [
            at for kind, at, _ in events if kind in ("approved", "declined", "panel_decided")
        ]
        assert budget_request.referred_at == (referred[0] if referred else None)
        assert budget_request.decided_at == (decided[0] if decided else None)
        if budget_request.total_per_year > limit:  # above the team leader's limit: panel
            assert sequence[:2] == ("requested", "referred")
            assert events[1][2] is None  # sent on by the limits, not by a person
        if decided:
            assert budget_request.submitted_at <= decided[0] <= timezone.now()
            assert budget_request.status in (RequestStatus.APPROVED, RequestStatus.DECLINED)
        else:
            assert budget_request.status == (
                RequestStatus.AT_PANEL if referred else RequestStatus.AWAITING_DECISION
            )
    assert {("requested", "approved"), ("requested", "referred", "panel_decided")} <= seen_sequences
    _none(
        BudgetRequestEvent.objects.filter(kind="panel_decided").exclude(
            actor__role=Role.PANEL_MEMBER
        )
    )
    _none(
        BudgetRequestEvent.objects.filter(kind__in=["approved", "declined"]).exclude(
            actor__team=F("person__team")
        )
    )
    # Decisions the person sees: one per decided request, each their own.
    decided_requests = BudgetRequest.objects.filter(decided_at__isnull=False)
    assert Decision.objects.filter(budget_request__isnull=False).count() == decided_requests.count()
    _none(
        Decision.objects.filter(budget_request__isnull=False).exclude(
            person=F("budget_request__person")
        )
    )
    _none(DecisionSharing.objects.exclude(person=F("decision__person")))
    _none(DecisionSharing.objects.filter(shared_on__lt=F("decision__decided_on")))
    # Unmet need: the person's own outcome, a spread of reasons, some met, dates in order.
    _none(UnmetNeed.objects.filter(outcome__isnull=False).exclude(outcome__person=F("person")))
    assert set(UnmetNeed.objects.values_list("reason", flat=True)) == set(UnmetReason.values)
    assert UnmetNeed.objects.filter(met_on__isnull=False).exists()
    assert UnmetNeed.objects.filter(met_on__isnull=True).exists()
    _none(UnmetNeed.objects.filter(met_on__lt=F("identified_on")))
    _none(UnmetNeed.objects.filter(identified_on__gt=timezone.localdate()))
    # First choice not delivered: the person's own choice, with its unmet need.
    assert FirstChoiceNotDelivered.objects.exists()
    _none(FirstChoiceNotDelivered.objects.exclude(unmet_need__person=F("person")))
    _none(FirstChoiceNotDelivered.objects.exclude(unmet_need__reason=UnmetReason.FIRST_CHOICE))
    _none(
        FirstChoiceNotDelivered.objects.exclude(first_choice=F("person__sds_choice__chosen_option"))
    )
    assert (
        UnmetNeed.objects.filter(reason=UnmetReason.FIRST_CHOICE).count()
        == FirstChoiceNotDelivered.objects.count()
    )


def test_risks_are_consistent(synthetic):
    assert RiskEnablement.objects.exists()
    _none(RiskEnablement.objects.exclude(outcome__person=F("person")))
    _none(
        RiskEnablement.objects.filter(solution__isnull=False).exclude(solution__person=F("person"))
    )
    _none(
        RiskEnablement.objects.filter(solution__isnull=False).exclude(
            solution__outcome=F("outcome")
        )
    )
    assert RiskAgreement.objects.exists() and RiskView.objects.exists()
    _none(RiskAgreement.objects.exclude(person=F("risk__person")))
    _none(RiskView.objects.exclude(person=F("risk__person")))
    _none(RiskEnablement.objects.filter(review_on__lt=F("decided_on")))


def test_reviews_are_consistent(synthetic):
    today = timezone.localdate()
    # A schedule for every person with outcomes; some overdue, some due soon, most later.
    assert (
        ReviewSchedule.objects.count()
        == Person.objects.filter(outcomes__isnull=False).distinct().count()
    )
    days = [
        (d - today).days for d in ReviewSchedule.objects.values_list("next_review_on", flat=True)
    ]
    overdue = sum(1 for d in days if d < 0)
    soon = sum(1 for d in days if 0 <= d <= 30)
    assert overdue > 0 and soon > 0
    assert len(days) - overdue - soon > len(days) / 2
    # Reviews: held by the allocated worker, no later than today; the next after it.
    completed = Review.objects.filter(status=ReviewStatus.COMPLETED)
    per_person = Counter(completed.values_list("person", flat=True))
    assert {1, 2, 3} <= set(per_person.values()) and max(per_person.values()) <= 3
    _none(Review.objects.filter(held_on__gt=today))
    _none(completed.filter(Q(next_review_on__lte=F("held_on")) | Q(completed_at__isnull=True)))
    _none(Review.objects.exclude(conducted_by__allocations__person=F("person")))
    # At most one review in progress per person (and some people have one).
    drafts = Counter(
        Review.objects.filter(status=ReviewStatus.DRAFT).values_list("person", flat=True)
    )
    assert drafts and max(drafts.values()) == 1
    # The schedule follows the last finished review.
    for schedule in ReviewSchedule.objects.all():
        last = completed.filter(person=schedule.person_id).order_by("-held_on").first()
        if last is not None:
            assert schedule.next_review_on == last.next_review_on
    # Each finished review revisits every outcome open at the time, of that person only.
    _none(OutcomeReview.objects.exclude(person=F("review__person")))
    _none(OutcomeReview.objects.exclude(outcome__person=F("person")))
    _none(PersonView.objects.exclude(person=F("review__person")))
    _none(PersonView.objects.exclude(outcome__person=F("person")))
    _none(SolutionReview.objects.exclude(person=F("review__person")))
    _none(SolutionReview.objects.exclude(solution__person=F("person")))
    assert set(OutcomeReview.objects.values_list("rating", flat=True)) == set(Rating.values)
    assert set(OutcomeReview.objects.values_list("decision", flat=True)) == {
        "keep",
        "rewrite",
        "close",
    }
    assert SolutionReview.objects.exists()
    # Sometimes the person sees it differently from the worker.
    assert (
        PersonView.objects.exclude(rating="")
        .filter(outcome__reviews__review=F("review"))
        .exclude(rating=F("outcome__reviews__rating"))
        .exists()
    )
    # A rewrite makes a new outcome that replaces the old, which is marked rewritten.
    rewrites = OutcomeReview.objects.filter(decision="rewrite")
    assert rewrites.exists()
    _none(rewrites.exclude(new_outcome__replaces=F("outcome")))
    _none(rewrites.exclude(outcome__status=OutcomeStatus.REPLACED))
    _none(rewrites.exclude(new_outcome__person=F("person")))
    assert Outcome.objects.filter(status=OutcomeStatus.REPLACED).count() == rewrites.count()
    assert not Outcome.objects.filter(replaces__isnull=False, wordings__isnull=True).exists()
    _none(OutcomeReview.objects.filter(decision="close", outcome__status=OutcomeStatus.OPEN))
    _none(
        OutcomeReview.objects.filter(
            review__status=ReviewStatus.COMPLETED, outcome__created_at__gt=F("review__completed_at")
        )
    )
    # Each review revisits every outcome of the person open at the time: agreed before it,
    # and not closed or rewritten at an earlier review (a draft: some of them so far).
    opened = dict(Outcome.objects.values_list("pk", "conversation__held_on"))
    ended = {}
    reviewed = defaultdict(set)
    for row in OutcomeReview.objects.select_related("review").order_by("review__held_on"):
        reviewed[row.review_id].add(row.outcome_id)
        if row.new_outcome_id:
            opened[row.new_outcome_id] = row.review.held_on
        if row.decision in ("close", "rewrite"):
            ended[row.outcome_id] = row.review.held_on
    outcomes_of = defaultdict(list)
    for outcome_id, person_id in Outcome.objects.values_list("pk", "person"):
        outcomes_of[person_id].append(outcome_id)
    for review in Review.objects.all():
        open_then = {
            o
            for o in outcomes_of[review.person_id]
            if opened[o] < review.held_on and ended.get(o, today) >= review.held_on
        }
        if review.status == ReviewStatus.COMPLETED:
            assert reviewed[review.pk] == open_then
        else:
            assert reviewed[review.pk] <= open_then


def test_nothing_points_at_something_made_after_it(synthetic):
    """Budget lines, option 4's parts, unmet need, risks and reviews refer only to outcomes
    and solutions that existed then (a day's leeway for the time of day), and nothing is
    dated after today."""
    day = datetime.timedelta(days=1)
    _none(BudgetLine.objects.filter(outcome__created_at__gt=F("request__submitted_at") + day))
    _none(BudgetLine.objects.filter(solution__created_at__gt=F("request__submitted_at") + day))
    _none(MixPart.objects.filter(solution__created_at__gt=F("created_at") + day))
    _none(UnmetNeed.objects.filter(outcome__created_at__gt=F("created_at") + day))
    _none(RiskEnablement.objects.filter(outcome__created_at__gt=F("created_at") + day))
    _none(RiskEnablement.objects.filter(solution__created_at__gt=F("created_at") + day))
    _none(OutcomeReview.objects.filter(outcome__created_at__gt=F("created_at")))
    _none(SdsChoice.objects.filter(chosen_on__lt=F("conversation__held_on")))
    now, today = timezone.now(), timezone.localdate()
    for model, field in (
        (BudgetRequest, "submitted_at"),
        (BudgetRequestEvent, "at"),
        (Decision, "at"),
        (DecisionSharing, "shared_on"),
        (IndicativeBudget, "told_on"),
        (Review, "completed_at"),
        (OutcomeReview, "created_at"),
        (PersonView, "at"),
        (RiskAgreement, "agreed_on"),
        (RiskView, "given_on"),
        (UnmetNeed, "met_on"),
        (SdsChoice, "chosen_on"),
    ):
        latest = now if field.endswith("_at") or field == "at" else today
        _none(model.objects.filter(**{f"{field}__gt": latest}))


def test_access_log_matches_who_did_what(synthetic):
    rows = AccessLog.objects.filter(what__startswith="reviews:")
    assert rows.exists()
    allocated = set(Allocation.objects.values_list("person_id", "worker_id"))
    for person_id, actor_id in rows.values_list("person_id", "actor_id"):
        assert (person_id, actor_id) in allocated
    panel_rows = AccessLog.objects.filter(what="sds:panel_decide")
    assert panel_rows.exists()
    assert set(panel_rows.values_list("actor__role", flat=True)) == {Role.PANEL_MEMBER}
    assert set(panel_rows.values_list("reason", flat=True)) == {"Decision panel"}
    referred = set(
        BudgetRequest.objects.filter(referred_at__isnull=False).values_list("person_id", flat=True)
    )
    assert set(panel_rows.values_list("person_id", flat=True)) <= referred
    leaders = AccessLog.objects.filter(actor__role=Role.TEAM_LEADER)
    assert leaders.exists()
    people_team = dict(Person.objects.values_list("pk", "team_id"))
    for person_id, team_id in leaders.values_list("person_id", "actor__team_id"):
        assert people_team[person_id] == team_id
    assert not AccessLog.objects.filter(at__gt=timezone.now()).exists()
    names = {u.pk: f"{u.get_full_name()} ({u.username})" for u in User.objects.all()}
    for actor_id, name in rows.values_list("actor_id", "actor_name")[:200]:
        assert names[actor_id] == name


def test_pages_of_a_synthetic_person_answer(synthetic, client):
    people = Person.objects.order_by("pk")
    examples = {
        "reviewed, rewritten, budget asked": people.filter(
            reviews__status=ReviewStatus.COMPLETED,
            budget_requests__isnull=False,
            outcomes__status=OutcomeStatus.REPLACED,
        ),
        "review in progress": people.filter(reviews__status=ReviewStatus.DRAFT),
        "first choice not delivered": people.filter(first_choices_not_delivered__isnull=False),
        "with the panel": people.filter(budget_requests__referred_at__isnull=False),
        "risk with a guardian's view": people.filter(risks__views_conflict=True),
        "option 4": people.filter(sds_choice__chosen_option=SdsOption.OPTION_4),
    }
    for label, queryset in examples.items():
        person_id = queryset.values_list("pk", flat=True).first()
        assert person_id is not None, label
        worker = Allocation.objects.get(person_id=person_id, end_date__isnull=True).worker
        sign_in(client, worker)
        urls = [
            reverse("people:detail", args=[person_id]),
            reverse("reviews:golden_thread", args=[person_id]),
            reverse("reviews:list", args=[person_id]),
            reverse("reviews:due"),
            reverse("risk:list", args=[person_id]),
        ]
        if not MixPart.objects.filter(person_id=person_id).exists():
            # Option 4's parts: see test_sds_overview_of_an_option_4_person.
            urls.append(reverse("sds:overview", args=[person_id]))
        for review_id in Review.objects.filter(person_id=person_id).values_list("pk", flat=True):
            urls.append(reverse("reviews:detail", args=[person_id, review_id]))
        for request_id in BudgetRequest.objects.filter(person_id=person_id).values_list(
            "pk", flat=True
        ):
            urls.append(reverse("sds:request_detail", args=[person_id, request_id]))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (label, url)
    response = client.get(reverse("reviews:due"), {"show": "overdue"})
    assert response.status_code == 200


def test_sds_overview_of_an_option_4_person(synthetic, client):
    part = MixPart.objects.select_related("person").order_by("pk").first()
    worker = Allocation.objects.get(person_id=part.person_id, end_date__isnull=True).worker
    sign_in(client, worker)
    response = client.get(reverse("sds:overview", args=[part.person_id]))
    assert response.status_code == 200


class CapturingWriter(BulkWriter):
    def __init__(self):
        super().__init__()
        self.captured = {}
        self.columns = {}

    def write(self, model, columns, rows, *, digests=None):
        self.captured.setdefault(model._meta.db_table, []).extend(rows)
        self.columns[model._meta.db_table] = list(columns)
        return len(rows)

    def values(self, table, column):
        index = self.columns[table].index(column)
        return [row[index] for row in self.captured.get(table, [])]

    def role_limits(self):
        return {}  # no database here: the generator sets the roles' limits itself


def _run(seed):
    writer = CapturingWriter()
    with time_machine.travel("2026-06-01 12:00:00+00:00", tick=False):
        generate(writer, people=40, seed=seed)
    return writer.captured


def test_same_seed_same_rows_and_another_seed_other_rows():
    first, second, other = _run(9), _run(9), _run(10)
    assert first == second
    assert first["people_person"] != other["people_person"]
    assert len(first["people_person"]) == 40
    for table in (
        "reviews_review",
        "reviews_outcomereview",
        "sds_budgetrequest",
        "sds_budgetline",
        "sds_budgetrequestevent",
        "risk_riskenablement",
    ):
        assert first[table], table


def test_det_uuid_is_the_uuid4_of_the_same_bits():
    ours, theirs = random.Random(3), random.Random(3)
    for _ in range(1000):
        made = det_uuid(ours)
        expected = uuid.UUID(int=theirs.getrandbits(128), version=4)
        assert made == expected and made.version == 4 and hash(made) == hash(expected)
        assert str(made) == str(expected) and made.hex == expected.hex
    assert copy.deepcopy(made) == made


def test_stream_draws_what_random_draws():
    """Stream's quicker choice and randrange give the numbers random.Random gives for the
    same seed, and leave the generator in the same state (so every later draw agrees)."""
    for seed in (0, 1, "1:person:7", "1:casework:3:reviews"):
        ours, theirs = Stream(seed), random.Random(seed)
        for n in (1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 100, 365, 1000, 86_400, 2**40 + 1):
            items = list(range(n)) if n < 100_000 else range(n)
            for _ in range(20):
                assert ours.choice(items) == theirs.choice(items)
                assert ours.randrange(n) == theirs.randrange(n)
                assert ours.randrange(-3, n) == theirs.randrange(-3, n)
                assert ours.randrange(17 * 365, 17 * 365 + n) == theirs.randrange(
                    17 * 365, 17 * 365 + n
                )
        assert ours.choice("abc") == theirs.choice("abc")
        assert ours.randrange(0, 10, 3) == theirs.randrange(0, 10, 3)
        assert ours.getstate() == theirs.getstate()
    for bad in ((0,), (5, 5), (5, 2)):
        with pytest.raises((ValueError, TypeError)) as ours_error:
            Stream(1).randrange(*bad)
        with pytest.raises((ValueError, TypeError)) as theirs_error:
            random.Random(1).randrange(*bad)
        assert type(ours_error.value) is type(theirs_error.value)
    with pytest.raises(IndexError):
        Stream(1).choice([])


# Instants that used to change what the tiny preset made (#11): the morning it failed and
# the half hour later it passed, either side of midnight, the clocks changing, a leap day.
INSTANTS = (
    "2026-12-03 09:10:00+00:00",
    "2026-12-03 09:40:00+00:00",
    "2026-12-31 23:59:59+00:00",
    "2027-01-01 00:00:01+00:00",
    "2027-03-28 00:30:00+00:00",
    "2026-10-25 01:30:00+00:00",
    "2028-02-29 16:59:00+00:00",
    "2026-07-04 03:00:00+00:00",
)


def _examples(writer) -> dict[str, bool]:
    """What test_pages_of_a_synthetic_person_answer needs to find in the data."""
    return {
        "review rewritten an outcome": "replaced" in writer.values("outcomes_outcome", "status"),
        "review in progress": "draft" in writer.values("reviews_review", "status"),
        "first choice not delivered": bool(writer.captured.get("sds_firstchoicenotdelivered")),
        "with the panel": any(writer.values("sds_budgetrequest", "referred_at")),
        "risk with a guardian's view": any(writer.values("risk_riskenablement", "views_conflict")),
        "option 4": "option_4" in writer.values("sds_sdschoice", "chosen_option"),
    }


@functools.cache
def _reference() -> CapturingWriter:
    """What the first instant makes: made once for every instant compared with it."""
    reference = CapturingWriter()
    with time_machine.travel(INSTANTS[0], tick=False):
        generate(reference, people=PEOPLE, seed=5)
    return reference


@pytest.mark.parametrize("instant", INSTANTS)
def test_the_clock_never_changes_who_is_made_or_what_they_have(instant):
    """The same seed gives the same people, and every kind of record the page tests need,
    whatever the date and time of day; dates move with the clock, nothing else does."""
    reference = _reference()
    writer = CapturingWriter()
    with time_machine.travel(instant, tick=False):
        generate(writer, people=PEOPLE, seed=5)
    for column in ("given_name", "family_name", "id"):
        assert writer.values("people_person", column) == reference.values(
            "people_person", column
        ), column
    assert writer.values("sds_sdschoice", "chosen_option") == reference.values(
        "sds_sdschoice", "chosen_option"
    )
    assert writer.values("risk_riskenablement", "activity") == reference.values(
        "risk_riskenablement", "activity"
    )
    missing = [label for label, found in _examples(writer).items() if not found]
    assert not missing, missing


def test_synthetic_people_have_a_main_reason_for_support(synthetic):
    """#14: the reports filter on the main reason for support (the Source client groups);
    synthetic people carry one that fits their age, a few none yet."""
    import datetime as _dt

    from goldenthread.people.models import SupportReason

    rows = list(Person.objects.values_list("support_reason", "date_of_birth"))
    reasons = [r for r, _ in rows]
    assert set(reasons) <= {"", *SupportReason.values}
    assert 0 < reasons.count("") < PEOPLE // 4
    assert len(set(reasons) - {""}) >= 8
    today = _dt.date(2026, 6, 3)
    young = {r for r, born in rows if (today - born).days // 365 < 60}
    assert SupportReason.FRAILTY not in young and SupportReason.DEMENTIA not in young

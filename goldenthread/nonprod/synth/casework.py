"""What happens after the plan, for each synthetic person: reviews over two years (REV-1..3),
SDS options, likely budgets, budget requests and their approvals (SDS-1..5), unmet need
(UN-1), risk enablement (RISK-1, RISK-2), and the access-log rows those activities would
create (SEC-3).

`Casework.person(p)` adds one person's rows to the chunk's `rows`; `write` writes them.
Everything is made in the order it would happen: the reviews first (they close and rewrite
outcomes and stop solutions, so the outcome and solution rows of the chunk are updated
before they are written), then what was agreed about options and money, against the
outcomes and solutions as they stand. Every row points at its own person's items only, and
every date is in a sensible order and never after today.

Row shapes follow the services that write these records for real (sds/services.py,
reviews/services.py, risk/services.py): the same statuses, versions, history rows and
wording; database defaults do not apply to raw inserts, so every column is given.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from goldenthread.accounts.models import Role
from goldenthread.audit.models import AccessLog
from goldenthread.core.formatting import money_text as format_money
from goldenthread.outcomes.models import (
    CheckQuestion,
    Outcome,
    OutcomeCheckAnswer,
    OutcomeStatus,
    OutcomeWording,
)
from goldenthread.reviews.models import (
    OutcomeDecision,
    OutcomeReview,
    PersonView,
    Rating,
    Review,
    ReviewSchedule,
    SolutionReview,
)
from goldenthread.risk.models import RiskAgreement, RiskEnablement, RiskView
from goldenthread.risk.services import RISK_FIELDS
from goldenthread.sds.models import (
    BudgetLine,
    BudgetPeriod,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    DecisionOutcome,
    DecisionSharing,
    EventKind,
    FirstChoiceNotDelivered,
    HowTold,
    IndicativeBudget,
    MixPart,
    OptionExplanation,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnmetNeed,
    UnmetReason,
    per_year,
)
from goldenthread.support.models import Solution, SolutionStatus, SupportStep

from .writer import BulkWriter, det_uuid

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
MIDNIGHT = datetime.time(0, 0)
CURRENT = (SolutionStatus.IDEA, SolutionStatus.AGREED, SolutionStatus.IN_PLACE)
MIX_STEPS = (SupportStep.SERVICES, SupportStep.SUPPORT)
OPTIONS = (SdsOption.OPTION_1, SdsOption.OPTION_2, SdsOption.OPTION_3, SdsOption.OPTION_4)
OPTION_LABEL = {
    "option_1": "Option 1",
    "option_2": "Option 2",
    "option_3": "Option 3",
    "option_4": "Option 4",
}
ROLE_LABEL = {
    Role.PRACTITIONER: "Practitioner",
    Role.TEAM_LEADER: "Team leader",
    Role.PANEL_MEMBER: "Panel member",
}
SYSTEM_NAME = "Golden Thread (sent on by the delegated limits)"
PANEL_REASON = "Decision panel"  # as the access log's reasons (people/access.py, sds/views.py)
LEADER_REASON = "Team leader of the person's team"
MIN_GAP = datetime.timedelta(days=42)  # reviews at least six weeks apart
# Read once (a member read through its class is a descriptor call, #14): the same values.
QUESTIONS = tuple(q.value for q in CheckQuestion)
_OPEN = OutcomeStatus.OPEN

# --- Words ------------------------------------------------------------------------------------

REASONS = {
    "option_1": "I want to employ my own personal assistant, someone I know and trust, and "
    "choose the hours myself.",
    "option_2": "I want to choose the agency and what they do, but I don't want to be an "
    "employer or deal with the money.",
    "option_3": "I'd rather the council sorted it out. I've enough on my plate.",
    "option_4": "A personal assistant for getting out, and the council to arrange the "
    "morning visits so I don't have to worry about them.",
}
EXPLAINED_WAYS = (
    (True, True, False, False),
    (True, False, True, False),
    (True, False, False, True),
    (True, False, False, False),
    (False, True, False, False),
)
HOW_TOLD = (
    HowTold.CONVERSATION,
    HowTold.CONVERSATION,
    HowTold.LETTER,
    HowTold.PHONE,
    HowTold.EMAIL,
    HowTold.EASY_READ,
    HowTold.WITH_ADVOCATE,
)
CASE_FOR_REQUEST = (
    "Support for the outcomes we agreed, after counting what family, friends and the "
    "community already do. Community transport was tried and the steps are too high.",
    "Paid support only for what her family cannot do: mornings and the Thursday club. Her "
    "daughter covers weekends.",
    "He wants to choose who supports him to get out. The walking group covers Tuesdays; the "
    "rest needs paid support.",
)
EXTRA_LINES = (
    ("Taxi to and from the club", ("48.00", "60.00", "72.00"), BudgetPeriod.MONTH),
    ("Membership of the lunch club", ("25.00", "40.00"), BudgetPeriod.MONTH),
    ("Perching stool and bath board (one-off)", ("180.00", "240.00"), BudgetPeriod.ONE_OFF),
    ("Short break for her husband, twice a year", ("650.00", "900.00"), BudgetPeriod.YEAR),
)
APPROVE_FOR_PERSON = (
    "It meets the outcomes we agreed, and costs no more than similar support.",
    "Your budget is agreed. It pays for the support you said matters most.",
    "Agreed in full: the support is needed for you to stay safe at home, which you told us "
    "matters most.",
)
APPROVE_REASONS = (
    "Costs in line with similar plans; community options were explored first.",
    "Family and community support already counted in; paid hours are modest.",
    "",
)
DECLINE_REASONS = (
    "The taxi duplicates the community transport now running on Thursdays.",
    "More of this could be met by the lunch club and the walking group.",
)
DECLINE_FOR_PERSON = (
    "We have not agreed the budget as asked, because the community bus now stops at the "
    "club on Thursdays. Your worker will send a new request without the taxi.",
    "We have not agreed the budget as asked. We think the groups near you could do some of "
    "this; your worker will talk it through with you.",
)
REFER_REASONS = (
    "The overnight support is unusual for this team; the panel should look at it.",
    "A long-term commitment; the panel should see the full picture.",
)
FIRST_CHOICE_WHY = {
    "option_1": "No personal assistants are free in the area at the moment.",
    "option_2": "No agency the person chose has space for new people before spring.",
    "option_4": "The personal assistant part of the mix cannot be found at the moment.",
}
FIRST_CHOICE_ALTERNATIVE = (
    "A care agency arranged by the council on Tuesdays and Thursdays, while we keep looking.",
    "Visits from the council's own home support team until a place is free.",
)
FIRST_CHOICE_PLAN = (
    "Advertise through the local PA network; review in 8 weeks.",
    "Stay on the agency's list; look again at the next review.",
)
UNMET = {  # reason: (category, need, alternative offered, how met)
    "no_provider": (
        ("equipment", "A grab rail by the back door", "", "Fitted by the care and repair service."),
        (
            "getting_out",
            "Someone to go with him to the football on Saturdays",
            "A volunteer driver once a fortnight",
            "A befriender from the football club.",
        ),
    ),
    "waiting_list": (
        (
            "carer_break",
            "A short break for her husband, who cares for her every day",
            "A sitting service for one afternoon a fortnight until a place is free",
            "A place at the respite house, one week in eight.",
        ),
        (
            "health",
            "Physiotherapy to get back on the stairs",
            "Exercises from the leaflet",
            "Six sessions at the health centre.",
        ),
    ),
    "budget": (
        (
            "personal_care",
            "Help to have a bath twice a week",
            "A strip wash with help from her daughter",
            "Agreed in the new budget request.",
        ),
        (
            "relationships",
            "Help to visit her sister in Perth every month",
            "",
            "Her nephew drives her, with petrol paid.",
        ),
    ),
    "other": (
        (
            "work_learning",
            "Help to find voluntary work",
            "The jobs club at the library",
            "A volunteering place at the charity shop.",
        ),
        (
            "housing",
            "A ground-floor flat near her family",
            "A stair lift in the meantime",
            "Moved to a ground-floor flat in March.",
        ),
    ),
}
UNMET_REASONS = (
    UnmetReason.NO_PROVIDER,
    UnmetReason.NO_PROVIDER,
    UnmetReason.WAITING_LIST,
    UnmetReason.WAITING_LIST,
    UnmetReason.BUDGET,
    UnmetReason.OTHER,
)
OTHER_REASON = ("The local scheme closed in March", "Housing list is closed for now")
FIRST_CHOICE_NEEDS = (
    ("getting_out", "Support from someone she chooses to get out on weekday afternoons"),
    ("personal_care", "Help with getting up in the morning from the same person each day"),
    ("daily_living", "Help with the shopping and cooking from someone he knows"),
)
SUPPORT_DECISIONS = (
    (
        "support",
        "Start with the walking group and a lift from a neighbour before paid support",
        "You said you would rather try the group with someone you know first.",
    ),
    (
        "choices",
        "Option 3 for now, and look again at a direct payment in six months",
        "You said managing the money would be too much while you are settling in.",
    ),
    (
        "support",
        "A tablet for video calls with her family instead of an extra visit",
        "You told us seeing the grandchildren is what matters most, and this is every day.",
    ),
)
RISKS = (
    (
        "Go to the bowling club on her own, by the community bus",
        "She could fall getting on or off the bus, or get tired on the way home.",
        "She sees her friends every week, keeps active and feels like herself again.",
        "Going on her own with a phone and a bus pass, rather than a taxi and an escort.",
        "She goes on her own on Thursdays; the club secretary meets the bus.",
        "She understands the risk and going matters to her a great deal.",
    ),
    (
        "Cook his own meals on the gas cooker",
        "He could leave the gas on or burn himself.",
        "Cooking is what he loves; it keeps his days full and his confidence up.",
        "A gas safety cut-off and a timer, rather than taking the cooker out.",
        "He keeps cooking; a safety valve is fitted and his son checks on Sundays.",
        "The cut-off deals with the worst danger and cooking matters to him.",
    ),
    (
        "Manage her own money for the weekly shop",
        "She could be taken advantage of, as happened last year.",
        "Choosing and paying for her own shopping matters to her dignity.",
        "A pre-paid card with a weekly limit, rather than someone else doing the shopping.",
        "A pre-paid card with a weekly amount, topped up each Monday.",
        "It keeps the choice with her and limits what could be lost.",
    ),
    (
        "Walk the dog on his own in the park",
        "He could fall on the wet paths or get lost if he is confused.",
        "The walks are his exercise and his time out; the dog matters to him.",
        "A phone with a location app, rather than walking only with family.",
        "He walks the dog on his own in daylight, on the path he knows.",
        "He knows the route well and the app means help can find him.",
    ),
)
CAPACITY_NOTES = "Assessed as able to decide about everyday matters; larger decisions with help."
SUPPORTED_BY = (
    "Her advocate from the local advocacy service, with easy read notes",
    "His daughter, who knows how he likes things explained",
)
CONFLICT_HANDLING = (
    "Met together with her advocate; her guardian agreed to try it for three months and review."
)
GUARDIAN_VIEW = "I am worried about it and would rather things stayed as they are for now."
PERSON_RISK_VIEW = (
    "I've done this for years. I'm not giving it up.",
    "It's my life. I know the risks and I want to do it.",
    "I'll be careful. I just want to be able to do it myself.",
)
FAMILY_RISK_VIEW = (
    "I worry, but I can see how much it means to her.",
    "I'd rather he did it with someone, but I'll go along with it.",
)
WORKER_RISK_VIEW = "The plan is proportionate; the benefits outweigh the risks."
AGREED_TO_PERSON = "Carry the phone and ring if something goes wrong."
AGREED_TO_FAMILY = "Phone in the evening to check all is well."
AGREED_TO_WORKER = "Look at it again at the review, or sooner if anything changes."

EVIDENCE = {
    "not_yet": (
        "Not yet. The first weeks went on getting the equipment and the lift sorted.",
        "Nothing has changed yet; the support only started last month.",
    ),
    "partly": (
        "Getting there: managed it twice this month, both times with family.",
        "Some weeks yes, some weeks no. The good weeks are the ones with a lift.",
    ),
    "achieved": (
        "Done: every week for the last two months, and plans it without help now.",
        "Achieved. Has kept it up since the spring without any help.",
    ),
    "not_relevant": (
        "Things have changed since the plan was made; this no longer fits.",
        "Moved house, so this is not what matters now.",
    ),
}
THEIR_WORDS = {
    "not_yet": "It hasn't happened yet, but I'm not giving up.",
    "partly": "I've been a few times. I want to be able to do it on my own.",
    "achieved": "I'm doing it every week now and I love it.",
    "not_relevant": "That's not what I want now. Things have changed.",
}
LEARNED = (
    "What works is the lift from family on the days they can, and planning the week ahead. "
    "The community bus did not work: the steps are too high.",
    "Small steps worked better than big changes. Having the week written down helped.",
    "The person's own idea worked best. Paid support mattered less than we expected.",
)
SOLUTION_CHANGE = (
    "Moving it to the afternoons, which suit better.",
    "Fewer hours now the group covers Tuesdays.",
)
SOLUTION_STOP = (
    "It did not suit: the times clashed with the club.",
    "No longer needed now family help on those days.",
)
REWRITE_BASELINE = "At the moment this happens rarely"
RATINGS = (Rating.NOT_YET, Rating.PARTLY, Rating.ACHIEVED, Rating.NO_LONGER_RELEVANT)
# At the first, second and third review: more progress as time goes on.
RATING_WEIGHTS = ((40, 40, 12, 8), (20, 45, 27, 8), (12, 38, 42, 8))
# Days between reviews (the default interval is 182: reviews/models.py).
INTERVALS = (91, 120, 182, 182, 182, 182, 182, 273)


# --- What the people loop knows about a person -----------------------------------------------


@dataclass(slots=True)
class SolutionInfo:
    id: object
    row: int  # index in rows[Solution]
    step: str
    cost: Decimal | None
    status: str
    what: str
    stopped: datetime.date | None = None  # the day it was stopped at a review

    def current_on(self, day: datetime.date) -> bool:
        """Part of the plan on `day` (made before it, not stopped by then)."""
        return self.status in CURRENT or (self.stopped is not None and self.stopped > day)


@dataclass(slots=True)
class OutcomeInfo:
    id: object
    row: int  # index in rows[Outcome]
    conversation: object
    change: object
    opened: datetime.date  # the day it was agreed (or rewritten)
    statement: str
    solutions: list = field(default_factory=list)
    status: str = OutcomeStatus.OPEN
    closed: datetime.date | None = None  # the day it stopped being open


@dataclass(slots=True)
class PersonInfo:
    id: object
    name: str
    team: object
    worker: object
    first_conversation: object
    first_held: datetime.date
    circle: list  # (name, relationship)
    outcomes: list = field(default_factory=list)


# --- Columns, in the order rows are made ------------------------------------------------------

BASE = ["id", "created_at", "updated_at", "version"]
COLUMNS: dict[type, list[str]] = {
    # `due_on` and `last_review_on` as reviews.due works them out (#19): the date set (always
    # set here), and the last finished review (tests/test_synth.py checks they agree).
    ReviewSchedule: [*BASE, "person", "next_review_on", "set_by", "due_on", "last_review_on"],
    Review: [
        *BASE,
        "person",
        "held_on",
        "conducted_by",
        "what_learned",
        "status",
        "completed_at",
        "next_review_on",
    ],
    OutcomeReview: [
        *BASE,
        "review",
        "outcome",
        "person",
        "new_measure_value",
        "rating",
        "evidence",
        "decision",
        "new_outcome",
        "recorded_by",
    ],
    PersonView: [
        "id",
        "at",
        "review",
        "outcome",
        "person",
        "rating",
        "in_their_words",
        "whose_words",
        "speaker_name",
        "recorded_by",
    ],
    SolutionReview: [*BASE, "review", "solution", "person", "decision", "why", "recorded_by"],
    SdsChoice: [
        *BASE,
        "person",
        "conversation",
        "chosen_option",
        "chosen_on",
        "reasons",
        "recorded_by",
    ],
    OptionExplanation: [
        "id",
        "created_at",
        "updated_at",
        "choice",
        "person",
        "option",
        "explained",
        "in_conversation",
        "by_leaflet",
        "by_easy_read",
        "with_advocate",
        "other_way",
        "explained_on",
    ],
    MixPart: ["id", "created_at", "updated_at", "choice", "person", "solution", "option"],
    IndicativeBudget: [
        "id",
        "at",
        "person",
        "amount",
        "period",
        "told_on",
        "how_told",
        "notes",
        "recorded_by",
    ],
    BudgetRequest: [
        *BASE,
        "person",
        "status",
        "start_date",
        "end_date",
        "case_for_request",
        "total_per_year",
        "contribution",
        "contribution_period",
        "contribution_note",
        "requested_by",
        "submitted_at",
        "referred_at",
        "decided_at",
    ],
    BudgetLine: [
        "id",
        "created_at",
        "updated_at",
        "request",
        "person",
        "position",
        "description",
        "outcome",
        "solution",
        "amount",
        "period",
        "amount_per_year",
    ],
    BudgetRequestEvent: [
        "id",
        "at",
        "request",
        "person",
        "kind",
        "decision",
        "actor",
        "actor_name",
        "actor_role",
        "reasons",
        "reasons_for_person",
        "total_per_year",
        "limit_applied",
    ],
    UnmetNeed: [
        *BASE,
        "person",
        "need",
        "category",
        "outcome",
        "reason",
        "reason_other",
        "alternative_offered",
        "identified_on",
        "met_on",
        "how_met",
        "recorded_by",
    ],
    FirstChoiceNotDelivered: [
        *BASE,
        "person",
        "first_choice",
        "why",
        "alternative_offered",
        "alternative_option",
        "alternative_accepted",
        "plan_to_meet_need",
        "unmet_need",
        "recorded_by",
    ],
    Decision: [
        "id",
        "at",
        "person",
        "about",
        "summary",
        "reasons",
        "decided_on",
        "decided_by",
        "budget_request",
        "recorded_by",
    ],
    DecisionSharing: ["id", "at", "decision", "person", "shared_on", "how", "recorded_by"],
    RiskEnablement: [
        *BASE,
        "person",
        "outcome",
        "solution",
        *RISK_FIELDS,
        "recorded_by",
    ],
    RiskAgreement: [
        "id",
        "at",
        "risk",
        "person",
        "name",
        "role",
        "agreed_to",
        "agreed_on",
        "recorded_by",
    ],
    RiskView: ["id", "at", "risk", "person", "whose", "name", "view", "given_on", "recorded_by"],
}
MODELS = tuple(COLUMNS)


def write(writer: BulkWriter, rows: dict) -> None:
    """Write the chunk's casework rows, parents first."""
    for model in MODELS:
        writer.write(model, COLUMNS[model], rows[model])


class Casework:
    """Makes one person's later casework into the chunk's `rows` (see the module doc)."""

    def __init__(self, ctx, rows: dict) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today: datetime.date = ctx.today
        self.latest = ctx.now - 60 * SECOND  # room for a few "a second later" rows
        self.rows = rows
        self.passing = [s for s in ctx.statements if not s[1]] or ctx.statements
        self.leader_limit = ctx.limits.get(Role.TEAM_LEADER)

    # --- Helpers -------------------------------------------------------------------------

    def stamp(self, day: datetime.date) -> datetime.datetime:
        """A time in working hours on `day`, never later than now (and still on `day`).
        One draw from the generator whatever the time of day, so a seed makes the same
        records all day long."""
        seconds = self.rng.randrange(9 * 3600, 17 * 3600)
        start = datetime.datetime.combine(day, MIDNIGHT, tzinfo=self.ctx.tz)
        at = start + datetime.timedelta(seconds=seconds)
        if at <= self.latest:
            return at
        return max(start, self.latest - datetime.timedelta(seconds=60 + seconds % 5400))

    def local_day(self, at: datetime.datetime) -> datetime.date:
        return at.astimezone(self.ctx.tz).date()

    def upto_today(self, day: datetime.date) -> datetime.date:
        return day if day <= self.today else self.today

    def log(self, at, actor, pid, what: str, *, change: bool, reason: str = "Allocated worker"):
        full, username, role = self.ctx.users[actor]
        self.rows[AccessLog].append(
            (
                det_uuid(self.rng),
                at,
                actor,
                f"{full} ({username})",
                role,
                "change" if change else "view",
                pid,
                what,
                "POST" if change else "GET",
                reason,
                False,
                None,
            )
        )

    def log_decided(self, at, decider, pid, what: str, *, reason: str, read_before) -> None:
        """A decision as the access log shows it: the decider reads the page `read_before`
        deciding, then decides (POST) at `at`, both with `reason`."""
        self.log(at - read_before, decider, pid, what, change=False, reason=reason)
        self.log(at, decider, pid, what, change=True, reason=reason)

    def label(self, actor) -> str:
        """As sds.services._actor_label: "Name (Role)"."""
        full, _, role = self.ctx.users[actor]
        return f"{full} ({ROLE_LABEL.get(role, role)})"

    # --- One person ------------------------------------------------------------------------

    def person(self, p: PersonInfo, n: int) -> None:
        # Each part draws from its own stream (Context.stream): how far a person's reviews
        # got by today must not change their SDS choice, risks or the next person.
        for part in (self.reviews, self.sds, self.unmet_need, self.risks):
            self.rng = self.ctx.stream("casework", n, part.__name__)
            part(p)

    # --- Reviews (REV-1..REV-3) --------------------------------------------------------------

    def lateness(self) -> int:
        r = self.rng.random()
        if r < 0.10:
            return -self.rng.randrange(1, 15)
        if r < 0.75:
            return self.rng.randrange(0, 15)
        if r < 0.93:
            return self.rng.randrange(15, 46)
        return self.rng.randrange(46, 121)

    def reviews(self, p: PersonInfo) -> None:
        rng, today = self.rng, self.today
        interval = rng.choice(INTERVALS)
        span = (today - p.first_held).days
        if span // interval > 3:  # at most three reviews in the two years
            interval = span // 3 + rng.randrange(0, 30)
        due = p.first_held + datetime.timedelta(days=interval)
        last_held = None
        planned_at = finished_at = self.stamp(p.first_held)
        held_count = 0
        for number in range(3):
            held = due + datetime.timedelta(days=self.lateness())
            held = max(held, (last_held or p.first_held) + MIN_GAP)
            if held > today or not self.open_outcomes(p, held):
                break
            due = held + datetime.timedelta(days=interval)
            finished_at = self.review(p, number, held, due)
            last_held, held_count = held, held_count + 1
        if due <= today + datetime.timedelta(days=21) and rng.random() < 0.3:
            held = max(
                today - datetime.timedelta(days=rng.randrange(0, 8)),
                (last_held or p.first_held) + DAY,
            )
            if held <= today and self.open_outcomes(p, held):
                self.draft_review(p, held)
        self.rows[ReviewSchedule].append(
            (
                det_uuid(rng),
                planned_at,
                finished_at,
                1 + held_count,
                p.id,
                due,
                p.worker,
                due,
                last_held,
            )
        )

    def open_outcomes(self, p: PersonInfo, held: datetime.date) -> list[OutcomeInfo]:
        return [o for o in p.outcomes if o.status == _OPEN and o.opened < held]

    def review(
        self, p: PersonInfo, number: int, held: datetime.date, next_on: datetime.date
    ) -> datetime.datetime:
        """A finished review of every open outcome; returns when it was finished."""
        rng, rows, worker = self.rng, self.rows, p.worker
        review_id = det_uuid(rng)
        started = self.stamp(held)
        at = started
        for outcome in self.open_outcomes(p, held):
            at = min(at + datetime.timedelta(minutes=rng.randrange(2, 12)), self.latest)
            rating = rng.choices(RATINGS, RATING_WEIGHTS[number])[0]
            r = rng.random()
            keep, rewrite, close = (
                OutcomeDecision.KEEP,
                OutcomeDecision.REWRITE,
                OutcomeDecision.CLOSE,
            )
            if rating == Rating.ACHIEVED:
                decision = close if r < 0.85 else keep
            elif rating == Rating.NO_LONGER_RELEVANT:
                decision = close if r < 0.55 else rewrite
            else:
                decision = keep if r < 0.84 else (rewrite if r < 0.95 else close)
            new_id = None
            if decision == rewrite:
                new_id = self.rewrite(p, outcome, held, at)
            elif decision == close:
                self.set_outcome_status(
                    outcome,
                    OutcomeStatus.ACHIEVED if rating == Rating.ACHIEVED else OutcomeStatus.CLOSED,
                    held,
                    at,
                )
            self.outcome_reviewed(
                p,
                review_id,
                outcome.id,
                rating,
                at,
                decision=decision,
                new_id=new_id,
                measured=True,
            )
            self.solution_reviews(p, review_id, outcome, held, at)
        finished = min(at + datetime.timedelta(minutes=rng.randrange(5, 40)), self.latest)
        rows[Review].append(
            (
                review_id,
                started,
                finished,
                2,
                p.id,
                held,
                worker,
                rng.choice(LEARNED),
                "completed",
                finished,
                next_on,
            )
        )
        self.log(started, worker, p.id, "reviews:start", change=True)
        self.log(finished, worker, p.id, "reviews:finish", change=True)
        if rng.random() < 0.3:
            self.log(finished + SECOND, worker, p.id, "reviews:golden_thread", change=False)
        return finished

    def draft_review(self, p: PersonInfo, held: datetime.date) -> None:
        """The one review in progress: some outcomes reviewed so far, all kept for now."""
        rng, rows, worker = self.rng, self.rows, p.worker
        review_id = det_uuid(rng)
        started = self.stamp(held)
        at = started
        outcomes = self.open_outcomes(p, held)
        for outcome in outcomes[: rng.randrange(0, len(outcomes) + 1)]:
            at = min(at + datetime.timedelta(minutes=rng.randrange(2, 12)), self.latest)
            rating = rng.choice((Rating.NOT_YET, Rating.PARTLY, Rating.PARTLY, Rating.ACHIEVED))
            self.outcome_reviewed(
                p, review_id, outcome.id, rating, at, decision=OutcomeDecision.KEEP
            )
        rows[Review].append(
            (review_id, started, at, 1, p.id, held, worker, "", "draft", None, None)
        )
        self.log(started, worker, p.id, "reviews:start", change=True)
        self.log(started + SECOND, worker, p.id, "reviews:detail", change=False)

    def outcome_reviewed(
        self,
        p: PersonInfo,
        review_id,
        outcome_id,
        rating: str,
        at,
        *,
        decision: str,
        new_id=None,
        measured: bool = False,
    ) -> None:
        """An outcome rated at a review (finished or in progress), and the person's view
        of it. `measured`: a finished review records the measure now for one in five."""
        rng = self.rng
        row_id = det_uuid(rng)
        measure = (
            (Decimal(rng.randrange(0, 6)) if rng.random() < 0.2 else None) if measured else None
        )
        self.rows[OutcomeReview].append(
            (
                row_id,
                at,
                at,
                1,
                review_id,
                outcome_id,
                p.id,
                measure,
                rating,
                rng.choice(EVIDENCE[rating]),
                decision,
                new_id,
                p.worker,
            )
        )
        self.person_view(p, review_id, outcome_id, rating, at)

    def person_view(self, p: PersonInfo, review_id, outcome_id, rating: str, at) -> None:
        rng = self.rng
        if rng.random() >= 0.75:
            return
        r = rng.random()
        if r < 0.6:
            theirs = rating
        elif r < 0.9:  # they see it differently from the worker
            index = RATINGS.index(rating)
            theirs = RATINGS[index - 1 if 0 < index < 3 and rng.random() < 0.6 else (index + 1) % 3]
        else:
            theirs = ""
        r = rng.random()
        whose, speaker = "person", ""
        if r < 0.15:
            whose = "with_support"
        elif r < 0.25 and p.circle:
            name, relationship = rng.choice(p.circle)
            whose, speaker = "on_behalf", f"{name}, {relationship.lower()}"
        self.rows[PersonView].append(
            (
                det_uuid(rng),
                at + SECOND,
                review_id,
                outcome_id,
                p.id,
                theirs,
                THEIR_WORDS[theirs or rating],
                whose,
                speaker,
                p.worker,
            )
        )

    def solution_reviews(
        self, p: PersonInfo, review_id, outcome: OutcomeInfo, held: datetime.date, at
    ) -> None:
        rng = self.rng
        for solution in [s for s in outcome.solutions if s.status in CURRENT][:2]:
            if rng.random() < 0.4:  # not every solution is talked about at every review
                continue
            r = rng.random()
            if r < 0.8:
                decision, why = "keep", ""
            elif r < 0.92:
                decision, why = "change", rng.choice(SOLUTION_CHANGE)
            else:
                decision, why = "stop", rng.choice(SOLUTION_STOP)
                self.set_solution_status(solution, "stopped", held, at)
            self.rows[SolutionReview].append(
                (det_uuid(rng), at, at, 1, review_id, solution.id, p.id, decision, why, p.worker)
            )

    def set_outcome_status(self, outcome: OutcomeInfo, status: str, day: datetime.date, at) -> None:
        outcome.status, outcome.closed = status, day
        old = self.rows[Outcome][outcome.row]
        self.rows[Outcome][outcome.row] = (*old[:2], at, old[3] + 1, *old[4:12], status, *old[13:])

    def set_solution_status(
        self, solution: SolutionInfo, status: str, day: datetime.date, at
    ) -> None:
        solution.status, solution.stopped = status, day
        old = self.rows[Solution][solution.row]
        self.rows[Solution][solution.row] = (
            *old[:2],
            at,
            old[3] + 1,
            *old[4:11],
            status,
            *old[12:],
        )

    def rewrite(self, p: PersonInfo, outcome: OutcomeInfo, held: datetime.date, at):
        """As outcomes.services.outcome_rewrite: a new outcome on the same positive change
        that replaces the old one, with its first wording and check answers; the old one
        is kept, marked rewritten."""
        rng, rows = self.rng, self.rows
        text, codes = rng.choice(self.passing)
        if text == outcome.statement:
            text, codes = self.passing[(self.passing.index((text, codes)) + 1) % len(self.passing)]
        new_id = det_uuid(rng)
        target = held + datetime.timedelta(days=rng.choice((120, 150, 180)))
        measure = "Seen at review"
        rows[Outcome].append(
            (
                new_id,
                at,
                at,
                1,
                p.id,
                outcome.conversation,
                outcome.change,
                text,
                REWRITE_BASELINE,
                measure,
                target,
                "",
                OutcomeStatus.OPEN,
                outcome.id,
                sorted(codes),
            )
        )
        rows[OutcomeWording].append(
            (det_uuid(rng), at, at, new_id, 1, text, REWRITE_BASELINE, measure, target, p.worker)
        )
        for question in QUESTIONS:
            rows[OutcomeCheckAnswer].append(
                (
                    det_uuid(rng),
                    at,
                    at,
                    1,
                    new_id,
                    question,
                    rng.choice(("yes", "yes", "yes", "not_sure")),
                    "",
                    "",
                    "",
                    p.worker,
                )
            )
        self.set_outcome_status(outcome, "replaced", held, at)
        p.outcomes.append(
            OutcomeInfo(
                id=new_id,
                row=len(rows[Outcome]) - 1,
                conversation=outcome.conversation,
                change=outcome.change,
                opened=held,
                statement=text,
            )
        )
        return new_id

    # --- SDS options, budgets and decisions (SDS-1..SDS-5) -----------------------------------

    def sds(self, p: PersonInfo) -> None:
        rng, rows, worker = self.rng, self.rows, p.worker
        if rng.random() >= 0.75:
            return
        explained_on = self.upto_today(p.first_held + datetime.timedelta(days=rng.randrange(0, 22)))
        chosen = ""
        if rng.random() < 0.9:
            chosen = rng.choices(OPTIONS, (18, 17, 45, 20))[0]
        chosen_on = (
            self.upto_today(explained_on + datetime.timedelta(days=rng.randrange(0, 15)))
            if chosen
            else None
        )
        # Option 4's parts: solutions in the plan then and now (as the page offers them).
        mixable = [
            s
            for o in self.outcomes_open_on(p, chosen_on or explained_on)
            if o.status == OutcomeStatus.OPEN
            for s in o.solutions
            if s.status in CURRENT and (s.cost is not None or s.step in MIX_STEPS)
        ]
        if chosen == "option_4" and not mixable:
            chosen = "option_3"
        choice_id = det_uuid(rng)
        created = self.stamp(explained_on)
        updated = self.stamp(chosen_on) if chosen_on is not None else created
        updated = max(updated, created)
        mix = []
        if chosen == "option_4":
            first = rng.randrange(3)
            for index, solution in enumerate(mixable[:4]):
                mix.append(
                    (
                        det_uuid(rng),
                        updated,
                        updated,
                        choice_id,
                        p.id,
                        solution.id,
                        ("option_1", "option_2", "option_3")[(first + index) % 3],
                    )
                )
        rows[SdsChoice].append(
            (
                choice_id,
                created,
                updated,
                (1 if updated == created else 2) + bool(mix),
                p.id,
                p.first_conversation,
                chosen,
                chosen_on,
                REASONS[chosen] if chosen else "",
                worker,
            )
        )
        rows[MixPart].extend(mix)
        for option in OPTIONS:
            explained = option == chosen or rng.random() < 0.9
            ways = rng.choice(EXPLAINED_WAYS) if explained else (False,) * 4
            rows[OptionExplanation].append(
                (
                    det_uuid(rng),
                    created,
                    created,
                    choice_id,
                    p.id,
                    option,
                    explained,
                    *ways,
                    "",
                    explained_on if explained else None,
                )
            )
        self.log(updated, worker, p.id, "sds:options", change=True)
        if mix:
            self.log(updated + SECOND, worker, p.id, "sds:mix", change=True)
        if rng.random() < 0.8:
            self.indicative_budgets(p, explained_on)
        # chosen_on is set exactly when an option was chosen: the same draws either way.
        if chosen_on is not None and rng.random() < 0.12 and chosen in FIRST_CHOICE_WHY:
            self.first_choice_not_delivered(p, chosen, chosen_on)
        if chosen_on is not None and rng.random() < 0.65:
            submitted = self.upto_today(chosen_on + datetime.timedelta(days=rng.randrange(3, 41)))
            declined = (
                self.budget_request(p, submitted) if self.outcomes_open_on(p, submitted) else None
            )
            if declined is not None and rng.random() < 0.4:
                self.unmet(p, "budget", declined)
        if rng.random() < 0.25:
            about, summary, reasons = rng.choice(SUPPORT_DECISIONS)
            day = self.upto_today(explained_on + datetime.timedelta(days=rng.randrange(0, 60)))
            at = self.stamp(day)
            full = self.ctx.users[worker][0]
            self.decision(p, at, about, summary, reasons, day, f"{p.name} and {full}", None, worker)
            self.log(at, worker, p.id, "sds:decision_add", change=True)

    def indicative_budgets(self, p: PersonInfo, told_on: datetime.date) -> None:
        rng = self.rng
        weekly = sum(
            (s.cost for o in p.outcomes for s in o.solutions if s.cost is not None), Decimal("0.00")
        )
        yearly = weekly * 52 if weekly else Decimal(rng.choice((3000, 6500, 9800, 14250)))
        amount = (yearly * Decimal(rng.choice(("0.9", "1.0", "1.1"))) / 50).quantize(
            Decimal("1")
        ) * 50
        amount = max(amount, Decimal(1200)).quantize(Decimal("0.01"))
        told = [(told_on, amount)]
        if rng.random() < 0.1:  # told a new figure later: a new row, never an edit
            told.append(
                (
                    self.upto_today(told_on + datetime.timedelta(days=rng.randrange(30, 200))),
                    (amount * Decimal("1.15")).quantize(Decimal("0.01")),
                )
            )
        for index, (day, value) in enumerate(told):
            at = self.stamp(day)
            period = BudgetPeriod.YEAR
            if index == 0 and rng.random() < 0.15:
                value, period = (value / 52).quantize(Decimal("0.01")), BudgetPeriod.WEEK
            self.rows[IndicativeBudget].append(
                (
                    det_uuid(rng),
                    at,
                    p.id,
                    value,
                    period,
                    day,
                    rng.choice(HOW_TOLD),
                    "Told that this is the likely amount whichever option is chosen.",
                    p.worker,
                )
            )
            self.log(at, p.worker, p.id, "sds:indicative_budget", change=True)

    def budget_lines(self, p: PersonInfo, day: datetime.date) -> list[tuple]:
        """(description, amount, period, outcome id, solution id): the person's costed
        solutions of the outcomes open on `day`, and sometimes a line for something else
        they need."""
        rng = self.rng
        lines: list[tuple] = []
        outcomes = self.outcomes_open_on(p, day)
        for outcome in outcomes:
            for s in outcome.solutions:
                if s.cost is not None and s.current_on(day) and len(lines) < 3:
                    lines.append((s.what, s.cost, BudgetPeriod.WEEK, outcome.id, s.id))
        if not lines or rng.random() < 0.4:
            what, amounts, period = rng.choice(EXTRA_LINES)
            outcome = rng.choice(outcomes)
            lines.append(
                (
                    what,
                    Decimal(rng.choice(amounts)),
                    period,
                    outcome.id if rng.random() < 0.8 else None,
                    None,
                )
            )
        return lines

    def budget_request(self, p: PersonInfo, submitted: datetime.date):
        """A request with its lines and its history, routed as the delegated limits say
        (sds.services.budget_request_submit and budget_request_decide). Returns the day
        it was declined, if it was."""
        rng, rows, worker = self.rng, self.rows, p.worker
        request_id = det_uuid(rng)
        t0 = self.stamp(submitted)
        lines = self.budget_lines(p, submitted)
        total = sum(
            (per_year(amount, period) for _, amount, period, _, _ in lines), Decimal("0.00")
        )
        for position, (what, amount, period, outcome_id, solution_id) in enumerate(lines, 1):
            rows[BudgetLine].append(
                (
                    det_uuid(rng),
                    t0,
                    t0,
                    request_id,
                    p.id,
                    position,
                    what,
                    outcome_id,
                    solution_id,
                    amount,
                    period,
                    per_year(amount, period),
                )
            )
        contribution = Decimal("0.00")
        if rng.random() < 0.3:
            contribution = Decimal(rng.choice(("12.50", "27.80", "40.00")))
            if contribution * 52 > total:
                contribution = Decimal("0.00")
        events = [(t0, EventKind.REQUESTED, "", worker, rng.choice(CASE_FOR_REQUEST), "", None)]
        self.log(t0, worker, p.id, "sds:request_create", change=True)
        referred_at: datetime.datetime | None = None
        decided_at: datetime.datetime | None = None
        status, version = RequestStatus.AWAITING_DECISION, 1
        leader = self.ctx.leaders[p.team]
        to_panel = self.leader_limit is None or total > self.leader_limit
        at = t0
        if to_panel:
            at = t0 + SECOND
            limit = self.leader_limit
            why = (
                "No delegated limit is set for the team leader, so the decision panel decides."
                if limit is None
                else f"{format_money(total)} a year is more than the team leader's delegated "
                f"limit of {format_money(limit)}, so the decision panel decides."
            )
            events.append((at, EventKind.REFERRED, "", None, why, "", limit))
            status, referred_at = RequestStatus.AT_PANEL, at
        else:
            # Every number is drawn before asking whether the decision is in the past yet,
            # so the clock never changes what the stream gives to what comes after (#11).
            # The worker sent it, so the team leader decides: no one decides a request they
            # sent (four eyes, Std 8.2; sds.authority).
            at = t0 + datetime.timedelta(days=rng.randrange(1, 21), minutes=rng.randrange(30, 300))
            r = rng.random()
            approve = (rng.choice(APPROVE_REASONS), rng.choice(APPROVE_FOR_PERSON))
            decline = (rng.choice(DECLINE_REASONS), rng.choice(DECLINE_FOR_PERSON))
            refer = rng.choice(REFER_REASONS)
            if at <= self.latest:
                self.log_decided(
                    at,
                    leader,
                    p.id,
                    "sds:request_detail",
                    reason=LEADER_REASON,
                    read_before=datetime.timedelta(minutes=5),
                )
                limit = self.leader_limit
                version += 1
                if r < 0.75:
                    events.append(
                        (at, EventKind.APPROVED, DecisionOutcome.APPROVED, leader, *approve, limit)
                    )
                    status, decided_at = RequestStatus.APPROVED, at
                elif r < 0.87:
                    events.append(
                        (at, EventKind.DECLINED, DecisionOutcome.DECLINED, leader, *decline, limit)
                    )
                    status, decided_at = RequestStatus.DECLINED, at
                else:
                    events.append((at, EventKind.REFERRED, "", leader, refer, "", limit))
                    status, referred_at = RequestStatus.AT_PANEL, at
        if status == RequestStatus.AT_PANEL:
            panel = rng.choice(self.ctx.panel)
            assert referred_at is not None  # set whenever the request went to the panel
            at = referred_at + datetime.timedelta(
                days=rng.randrange(5, 46), minutes=rng.randrange(30, 300)
            )
            approved = rng.random() < 0.8
            reasons = rng.choice(APPROVE_REASONS[:2] if approved else DECLINE_REASONS)
            for_person = rng.choice(APPROVE_FOR_PERSON if approved else DECLINE_FOR_PERSON)
            if at <= self.latest:
                self.log_decided(
                    at,
                    panel,
                    p.id,
                    "sds:panel_decide",
                    reason=PANEL_REASON,
                    read_before=datetime.timedelta(minutes=10),
                )
                events.append(
                    (
                        at,
                        EventKind.PANEL_DECIDED,
                        DecisionOutcome.APPROVED if approved else DecisionOutcome.DECLINED,
                        panel,
                        reasons,
                        for_person,
                        None,
                    )
                )
                status, decided_at = (
                    (RequestStatus.APPROVED if approved else RequestStatus.DECLINED),
                    at,
                )
                version += 1
        start = submitted + datetime.timedelta(days=rng.randrange(7, 29))
        updated = events[-1][0]
        rows[BudgetRequest].append(
            (
                request_id,
                t0,
                updated,
                version,
                p.id,
                status,
                start,
                start + datetime.timedelta(days=364) if rng.random() < 0.5 else None,
                events[0][4],
                total,
                contribution,
                BudgetPeriod.WEEK,
                "Assessed by the financial assessment team." if contribution else "",
                worker,
                t0,
                referred_at,
                decided_at,
            )
        )
        for at, kind, decision, actor, reasons, for_person, limit in events:
            rows[BudgetRequestEvent].append(
                (
                    det_uuid(rng),
                    at,
                    request_id,
                    p.id,
                    kind,
                    decision,
                    actor,
                    self.label(actor) if actor else SYSTEM_NAME,
                    self.ctx.users[actor][2] if actor else "",
                    reasons,
                    for_person,
                    total,
                    limit,
                )
            )
            if decision:
                agreed = decision == DecisionOutcome.APPROVED
                who = (
                    f"Decision panel: {self.label(actor)}"
                    if kind == EventKind.PANEL_DECIDED
                    else self.label(actor)
                )
                self.decision(
                    p,
                    at,
                    "budget",
                    f"Budget of {format_money(total)} a year "
                    f"{'agreed' if agreed else 'not agreed'}",
                    for_person,
                    self.local_day(at),
                    who,
                    request_id,
                    actor,
                )
        if status == RequestStatus.DECLINED and decided_at is not None:
            return self.local_day(decided_at)
        return None

    def decision(
        self, p: PersonInfo, at, about, summary, reasons, day, decided_by, request_id, recorded_by
    ) -> None:
        """A decision the person sees (SDS-5), and usually when it was shared with them."""
        rng = self.rng
        decision_id = det_uuid(rng)
        self.rows[Decision].append(
            (
                decision_id,
                at,
                p.id,
                about,
                summary,
                reasons,
                day,
                decided_by,
                request_id,
                recorded_by,
            )
        )
        if rng.random() < 0.75:
            shared_on = self.upto_today(day + datetime.timedelta(days=rng.randrange(0, 11)))
            shared_at = max(self.stamp(shared_on), at + SECOND)
            self.rows[DecisionSharing].append(
                (
                    det_uuid(rng),
                    shared_at,
                    decision_id,
                    p.id,
                    shared_on,
                    rng.choice(HOW_TOLD),
                    p.worker,
                )
            )
            self.log(shared_at, p.worker, p.id, "sds:decision_shared", change=True)

    # --- Unmet need (UN-1) and first choice not delivered (SDS-2) ---------------------------

    def outcomes_open_on(self, p: PersonInfo, day: datetime.date) -> list[OutcomeInfo]:
        return [o for o in p.outcomes if o.opened <= day and (o.closed is None or o.closed > day)]

    def outcome_open_on(self, p: PersonInfo, day: datetime.date) -> OutcomeInfo | None:
        candidates = self.outcomes_open_on(p, day)
        return self.rng.choice(candidates) if candidates else None

    def unmet(
        self,
        p: PersonInfo,
        reason: str,
        identified: datetime.date,
        *,
        need: tuple | None = None,
        alternative: str | None = None,
        met_chance: float = 0.35,
    ):
        """One unmet need; returns its id."""
        rng, worker = self.rng, p.worker
        category, text, offered, how = need or rng.choice(UNMET[reason])
        if alternative is not None:
            offered = alternative
        outcome = self.outcome_open_on(p, identified) if rng.random() < 0.85 else None
        created = self.stamp(identified)
        met_on, how_met, updated, version = None, "", created, 1
        if rng.random() < met_chance:
            day = identified + datetime.timedelta(days=rng.randrange(7, 241))
            met_at = self.stamp(min(day, self.today))  # drawn whether or not it is past yet
            if day <= self.today:
                met_on, how_met, version = day, how, 2
                updated = max(met_at, created)
                self.log(updated, worker, p.id, "sds:unmet_need_met", change=True)
        unmet_id = det_uuid(rng)
        self.rows[UnmetNeed].append(
            (
                unmet_id,
                created,
                updated,
                version,
                p.id,
                text,
                category,
                outcome.id if outcome else None,
                reason,
                rng.choice(OTHER_REASON) if reason == "other" else "",
                offered,
                identified,
                met_on,
                how_met,
                worker,
            )
        )
        if reason != "first_choice":
            self.log(created, worker, p.id, "sds:unmet_need_add", change=True)
        return unmet_id, created

    def unmet_need(self, p: PersonInfo) -> None:
        rng = self.rng
        if rng.random() >= 0.15:
            return
        for _ in range(2 if rng.random() < 0.2 else 1):
            span = (self.today - p.first_held).days
            identified = p.first_held + datetime.timedelta(days=rng.randrange(0, span + 1))
            self.unmet(p, rng.choice(UNMET_REASONS), identified)

    def first_choice_not_delivered(
        self, p: PersonInfo, chosen: str, chosen_on: datetime.date
    ) -> None:
        rng, worker = self.rng, p.worker
        identified = self.upto_today(chosen_on + datetime.timedelta(days=rng.randrange(0, 31)))
        alternative = rng.choice(FIRST_CHOICE_ALTERNATIVE)
        category, need = rng.choice(FIRST_CHOICE_NEEDS)
        unmet_id, created = self.unmet(
            p,
            "first_choice",
            identified,
            need=(category, need, "", "A personal assistant found through the local PA network."),
            alternative=alternative,
            met_chance=0.3,
        )
        accepted = rng.choices(("yes", "no", "undecided"), (50, 15, 35))[0]
        updated, version = created, 1
        if accepted != "undecided":
            updated = max(
                self.stamp(
                    self.upto_today(identified + datetime.timedelta(days=rng.randrange(1, 15)))
                ),
                created + SECOND,
            )
            version = 2
        why = FIRST_CHOICE_WHY[chosen]
        self.rows[FirstChoiceNotDelivered].append(
            (
                det_uuid(rng),
                created,
                updated,
                version,
                p.id,
                chosen,
                why,
                alternative,
                "option_3",
                accepted,
                rng.choice(FIRST_CHOICE_PLAN),
                unmet_id,
                worker,
            )
        )
        self.log(created, worker, p.id, "sds:first_choice", change=True)
        self.decision(
            p,
            created + SECOND,
            "choices",
            f"Their first choice ({OPTION_LABEL[chosen]}) cannot be delivered at the "
            f"moment. Offered instead: {alternative}",
            why,
            identified,
            self.label(worker),
            None,
            worker,
        )

    # --- Risk enablement (RISK-1, RISK-2) ------------------------------------------------------

    def risks(self, p: PersonInfo) -> None:
        rng, rows, worker = self.rng, self.rows, p.worker
        if rng.random() >= 0.22:
            return
        for number in range(2 if rng.random() < 0.15 else 1):
            activity, wrong, good, least, decided, reasons = RISKS[
                (rng.randrange(len(RISKS)) + number) % len(RISKS)
            ]
            day = self.upto_today(p.first_held + datetime.timedelta(days=rng.randrange(7, 61)))
            outcome = self.outcome_open_on(p, day)
            if outcome is None:
                continue
            current = [s for s in outcome.solutions if s.current_on(day)]
            solution = rng.choice(current) if current and rng.random() < 0.4 else None
            created = self.stamp(day)
            undecided = rng.random() < 0.1
            capacity = rng.choices(("no", "yes", "not_sure"), (80, 10, 10))[0]
            conflict = capacity == "yes" and rng.random() < 0.5
            review_on = (
                day + datetime.timedelta(days=rng.randrange(60, 181))
                if not undecided and rng.random() < 0.8
                else None
            )
            risk_id = det_uuid(rng)
            rows[RiskEnablement].append(
                (
                    risk_id,
                    created,
                    created,
                    1,
                    p.id,
                    outcome.id,
                    solution.id if solution else None,
                    activity,
                    wrong,
                    good,
                    least,
                    "" if undecided else decided,
                    "" if undecided else reasons,
                    None if undecided else day,
                    review_on,
                    capacity,
                    CAPACITY_NOTES if capacity != "no" else "",
                    rng.choice(SUPPORTED_BY) if capacity != "no" else "",
                    conflict,
                    CONFLICT_HANDLING if conflict else "",
                    worker,
                )
            )
            self.log(created, worker, p.id, "risk:add", change=True)
            at = created
            if not undecided:
                agreements = [(p.name, "The person", AGREED_TO_PERSON)]
                if p.circle and rng.random() < 0.6:
                    name, relationship = rng.choice(p.circle)
                    agreements.append((name, relationship, AGREED_TO_FAMILY))
                if rng.random() < 0.4:
                    agreements.append(
                        (self.ctx.users[worker][0], "Social worker", AGREED_TO_WORKER)
                    )
                for name, role, agreed_to in agreements:
                    at += SECOND
                    rows[RiskAgreement].append(
                        (det_uuid(rng), at, risk_id, p.id, name, role, agreed_to, day, worker)
                    )
            views = []
            if rng.random() < 0.8:
                views.append(("person", p.name, rng.choice(PERSON_RISK_VIEW)))
            if conflict:
                views.append(
                    (
                        "guardian",
                        f"{rng.choice(('R.', 'M.', 'J.'))} {p.name.split()[-1]}",
                        GUARDIAN_VIEW,
                    )
                )
            if p.circle and rng.random() < 0.4:
                views.append(("family", rng.choice(p.circle)[0], rng.choice(FAMILY_RISK_VIEW)))
            if rng.random() < 0.2:
                views.append(("worker", self.ctx.users[worker][0], WORKER_RISK_VIEW))
            for whose, name, view in views:
                at += SECOND
                rows[RiskView].append(
                    (det_uuid(rng), at, risk_id, p.id, whose, name, view, day, worker)
                )
            if views:
                self.log(at, worker, p.id, "risk:view_add", change=True)

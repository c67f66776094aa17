"""Rules of the withdraw, defer and recommend actions (domain.md section 3).

Each action's candidate holds the request's fields overlaid on the facts of the trainee it
concerns (itt_start_date, training_route, state, degree and placement counts).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from domain.errors import Problem
from domain.reference import route, withdrawal_reasons_for
from domain.rules import Candidate, Context, Rule
from domain.rules.formats import parse_date
from domain.rules.switches import Switch, Wording

TRIGGERS = ("provider", "trainee")
FUTURE_INTERESTS = ("yes", "no", "unknown")
SAFEGUARDING = "safeguarding_concerns"


def reasons_of(c: Candidate) -> list[str]:
    """The reasons sent, as text (a single string counts as one reason)."""
    value = c.values.get("reasons")
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Sequence):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return []


def withdrawal_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Required, a valid date, not before the ITT started."""
    text = c.text("withdrawal_date")
    if text is None:
        yield Problem("withdrawal_date", "Choose a withdrawal date")
        return
    day = parse_date(text)
    start = parse_date(c.values.get("itt_start_date"))
    if day is None:
        yield Problem("withdrawal_date", "Choose a valid withdrawal date")
    elif start is not None and day < start:
        yield Problem("withdrawal_date", "must be after itt_start_date")


def withdrawal_trigger(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Who decided: the provider or the trainee."""
    if c.text("trigger") not in TRIGGERS:
        yield Problem("trigger", "is not included in the list")


def withdrawal_future_interest(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Whether the trainee may come back: yes, no or unknown."""
    if c.text("future_interest") not in FUTURE_INTERESTS:
        yield Problem("future_interest", "is not included in the list")


def withdrawal_reasons(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """At least one reason, each valid for the trigger (an unknown trigger counts as trainee)."""
    reasons = reasons_of(c)
    if not reasons:
        yield Problem(
            "reasons", "Choose one or more reasons why the trainee withdrew from the course"
        )
        return
    allowed = set(withdrawal_reasons_for(c.text("trigger") or "trainee"))
    if not ctx.on(Switch.WITHDRAWAL_SAFEGUARDING):
        allowed.discard(SAFEGUARDING)
    if any(reason not in allowed for reason in reasons):
        yield Problem(
            "reasons",
            "entered not valid for selected trigger eg unacceptable_behaviour for a "
            "trainee trigger",
        )


def withdrawal_another_reason(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Another reason needs its text."""
    if any("another_reason" in r for r in reasons_of(c)) and c.text("another_reason") is None:
        yield Problem("another_reason", "Enter another reason")


def withdrawal_safeguarding(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Safeguarding concerns need a description."""
    if SAFEGUARDING in reasons_of(c) and c.text("safeguarding_concern_reasons") is None:
        yield Problem("safeguarding_concern_reasons", "Enter the concerns")


def defer_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Required ISO date; no relation to other dates is enforced."""
    text = c.text("defer_date")
    if text is None:
        yield Problem("defer_date", "can't be blank")
    elif parse_date(text) is None:
        yield Problem("defer_date", "is invalid")


def defer_reason(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """At most 500 characters."""
    reason = c.text("defer_reason")
    if reason is not None and len(reason) > 500:
        yield Problem("defer_reason", "is too long (maximum is 500 characters)")


def defer_state(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Only a trainee in training can be deferred; reported only when the fields are valid."""
    if c.text("state") not in ("submitted_for_trn", "trn_received"):
        yield Problem("state", "is invalid must be one of [submitted_for_trn, trn_received]")


def standards_met_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Required, a valid date, not in the future, not before the ITT started."""
    text = c.text("qts_standards_met_date")
    if text is None:
        yield Problem(
            "qts_standards_met_date",
            ctx.message(
                Wording.QTS_STANDARDS_MET_DATE_BLANK,
                "can't be blank. Enter a date the trainee met the QTS or EYTS requirements.",
            ),
        )
        return
    day = parse_date(text)
    start = parse_date(c.values.get("itt_start_date"))
    if day is None:
        yield Problem("qts_standards_met_date", "is invalid")
    elif day > ctx.today:
        yield Problem("qts_standards_met_date", "must not be in the future")
    elif start is not None and day < start:
        yield Problem("qts_standards_met_date", "must be after itt_start_date")


def recommendation_degree(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Routes that need a degree need one before recommendation."""
    code = c.text("training_route")
    if code and route(code).requires_degree and not c.values.get("degree_count"):
        yield Problem("degree_id", "must be completed before qts_standards_met_date")


def recommendation_placements(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Placement routes need their minimum number of placements."""
    code = c.text("training_route")
    if not code:
        return
    info = route(code)
    minimum = info.minimum_placements_for_award_head or 0
    count = int(str(c.values.get("placement_count") or 0))
    if info.requires_placements_for_award and count < minimum:
        yield Problem(
            "placements", f"must be at least {minimum} for the {info.code} training route"
        )


def recommendation_state(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Only a trainee with a TRN can be recommended."""
    if c.text("state") != "trn_received":
        yield Problem("state", "must be selected as trn_received")


WITHDRAWAL_RULES = (
    Rule(Switch.WITHDRAWAL_DATE, withdrawal_date),
    Rule(Switch.WITHDRAWAL_TRIGGER, withdrawal_trigger),
    Rule(Switch.WITHDRAWAL_FUTURE_INTEREST, withdrawal_future_interest),
    Rule(Switch.WITHDRAWAL_REASONS, withdrawal_reasons),
    Rule(Switch.WITHDRAWAL_ANOTHER_REASON, withdrawal_another_reason),
    Rule(Switch.WITHDRAWAL_SAFEGUARDING, withdrawal_safeguarding),
)
DEFERRAL_RULES = (Rule(Switch.DEFER_DATE, defer_date), Rule(Switch.DEFER_REASON, defer_reason))
DEFERRAL_STATE_RULES = (Rule(Switch.DEFER_STATE, defer_state),)
RECOMMENDATION_RULES = (
    Rule(Switch.QTS_STANDARDS_MET_DATE, standards_met_date),
    Rule(Switch.RECOMMENDATION_DEGREE, recommendation_degree),
    Rule(Switch.RECOMMENDATION_PLACEMENTS, recommendation_placements),
    Rule(Switch.RECOMMENDATION_STATE, recommendation_state),
)

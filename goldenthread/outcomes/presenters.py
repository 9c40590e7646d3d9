"""Display wording for outcomes and their checks."""

from __future__ import annotations

from goldenthread.core.questionnaires import Suggestion
from goldenthread.outcomes.checker import CODE_LABELS
from goldenthread.ui.questionnaire import suggestion_hint as questionnaire_hint

from .models import Answer, CheckQuestion, OutcomeCheckAnswer, OutcomeStatus

ANSWER_WORDS = dict(Answer.choices)

CLOSED_TEXT = {
    OutcomeStatus.ACHIEVED: "This outcome has been achieved. What it said, and its check, are "
    "kept as they were.",
    OutcomeStatus.CLOSED: "This outcome has been closed. What it said, and its check, are kept "
    "as they were.",
    OutcomeStatus.REPLACED: "This outcome has been rewritten at a review. What it said, and its "
    "check, are kept as they were; work on the outcome that replaced "
    "it.",
}


def closed_text(outcome) -> str:
    """Why an achieved, closed or rewritten outcome offers nothing to change ("" if open)."""
    return CLOSED_TEXT.get(outcome.status, "")


def suggestion_hint(row: OutcomeCheckAnswer | None) -> str:
    """The checker's suggestion beside an answer, in the questionnaires' one wording."""
    if row is None:
        return ""
    return questionnaire_hint(Suggestion(row.suggested, row.suggestion_reason), Answer.choices)


def check_rows(outcome, answers: list[OutcomeCheckAnswer]) -> list[dict]:
    """The eight questions with the practitioner's answer and, beside it, the suggestion."""
    by_question = {a.question: a for a in answers}
    rows = []
    for question in CheckQuestion:
        row = by_question.get(question.value)
        answer = ANSWER_WORDS.get(row.answer, "") if row and row.answer else "Not answered yet"
        parts = [answer]
        if row and row.note:
            parts.append(f"Note: {row.note}")
        hint = suggestion_hint(row)
        if hint:
            parts.append(hint)
        rows.append({"key": question.label, "value": parts})
    return rows


def flag_items(result) -> list[dict]:
    """Each flag with the words that triggered it (when that is part, not all, of the text)."""
    if result is None:
        return []
    text = result.text
    whole = len(text.strip())
    items = []
    for flag in result.flags:
        quote = text[flag.start : flag.end].strip()
        items.append(
            {
                "code": flag.code,
                "label": CODE_LABELS.get(flag.code, flag.code),
                "message": flag.message,
                "suggestion": flag.suggestion,
                "quote": quote if 0 < len(quote) < whole else "",
            }
        )
    return items


def check_summary(answers) -> dict:
    """Step 5's overview of one outcome's check (#16): how many of the eight questions are
    answered, and which answers say the outcome needs another look: "No" (or "Yes" to "Is
    there a solution embedded in the outcome?"), and "Not sure"."""
    by_question = {a.question: a for a in answers if a.answer}
    failed, unsure = [], []
    for question in CheckQuestion:
        row = by_question.get(question.value)
        if row is None:
            continue
        bad = "yes" if question == CheckQuestion.NO_SOLUTION else "no"
        if row.answer == bad:
            failed.append(f"{question.label} ({ANSWER_WORDS.get(row.answer, row.answer)})")
        elif row.answer == "not_sure":
            unsure.append(question.label)
    count = len(by_question)
    total = len(CheckQuestion)
    if not count:
        text = "Not checked yet."
    elif not failed and not unsure:
        text = (
            "All 8 questions answered: none says it needs another look."
            if count == total
            else f"{count} of {total} questions answered so far: none says it needs another look."
        )
    else:
        text = f"{count} of {total} questions answered."
    return {"text": text, "failed": failed, "unsure": unsure}

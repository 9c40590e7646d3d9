"""Password rules beyond Django's: length over complexity (NCSC guidance).

Django's NumericPasswordValidator refuses any password made only of digits, however long,
so a 15-digit passphrase was refused (#11). This one refuses only what is easy to guess
whatever its length: very few different characters, or a plain run such as 123456789012
or abcdefghijkl. A long passphrase of words or digits is accepted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

MIN_DISTINCT = 5


def _is_run(text: str) -> bool:
    """Each character one more (or one less) than the one before, digits wrapping 9→0."""
    if len(text) < 3:
        return False
    steps = set()
    for a, b in zip(text, text[1:], strict=False):
        if a.isdigit() and b.isdigit():
            steps.add((int(b) - int(a)) % 10)
        else:
            steps.add(ord(b) - ord(a))
    return steps in ({1}, {-1}, {9})


class NotGuessableValidator:
    def validate(self, password: str, user=None) -> None:
        compact = "".join(password.lower().split())
        if len(set(compact)) < MIN_DISTINCT:
            raise ValidationError(
                "This password uses too few different characters. Try a few words you will "
                "remember, with spaces between them.",
                code="password_too_few_characters",
            )
        if _is_run(compact):
            raise ValidationError(
                "This password is a plain run of characters (like 123456789012). Try a few "
                "words you will remember, with spaces between them.",
                code="password_run",
            )

    def get_help_text(self) -> str:
        return (
            "Not one character repeated or a plain run like 123456789012; a few words "
            "you will remember, with spaces between them, make a good password."
        )

"""#11 (low): "a 15-digit passphrase is refused". Django's NumericPasswordValidator refused
every all-digit password however long. The rules now are length over complexity: at least
12 characters, not a common password, not the person's name, not a plain run or one
repeated character; a long passphrase is accepted."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from goldenthread.accounts.models import User


@pytest.fixture
def user():
    return User(
        username="pat.kerr", first_name="Pat", last_name="Kerr", email="pat.kerr@example.org"
    )


@pytest.mark.parametrize(
    "password",
    [
        "482917305561738",  # the 15-digit passphrase from the probe
        "740193582267104839",
        "correct horse battery staple",
        "the tide comes in at teatime",
        "Kettle-Orchard-Lantern-42",
    ],
)
def test_long_passphrases_are_accepted(user, password):
    validate_password(password, user)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short words", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012", "plain run"),
        ("qwertyuiop123", "too common"),
        ("234567890123456", "plain run"),
        ("abcdefghijklmnop", "plain run"),
        ("aaaaaaaaaaaaaaaa", "too few different characters"),
        ("121212121212121", "too few different characters"),
        ("pat.kerr@example", "too similar"),
    ],
)
def test_guessable_passwords_are_refused_with_a_reason(user, password, why):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert why in " ".join(caught.value.messages)

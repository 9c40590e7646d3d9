"""OPS-1, SEC: `goldenthread demo-data` prints what an operator needs and nothing more.

Loading the demo makes decisions that notify their workers (ACC-3). With the demo's
console e-mail backend each notification e-mail was printed, addressee and all, before
the sign-ins. The e-mails are neither sent nor printed while the demo loads; the
notifications stay in each user's list. --quiet-sign-ins (CI) prints no sign-ins."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from goldenthread.accounts.models import Notification
from goldenthread.nonprod.demo import DEMO_SIGN_INS


@pytest.mark.django_db(transaction=True)  # the notifications are sent when the load commits
def test_demo_data_prints_the_sign_ins_and_no_e_mail(settings, capsys, pinned_clock):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # as in the demo
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    assert "Demo data loaded." in printed
    assert Notification.objects.exists()  # the demo's decisions still notify, in the list
    assert "@" not in printed and "Subject:" not in printed, printed[:500]
    for username, _what in DEMO_SIGN_INS:
        assert f"  {username} " in printed
    assert "password for all: demo-golden-thread" in printed
    assert "set up a second factor" in printed  # the test settings ask for one

    out = io.StringIO()
    call_command("demo_data", "--quiet-sign-ins", stdout=out)
    again = out.getvalue() + capsys.readouterr().out
    assert again.strip() == "Demo data is already loaded."


@pytest.mark.django_db(transaction=True)
def test_demo_data_says_when_the_second_factor_is_off(settings, pinned_clock):
    """A new user of `make run` (second factor off in the demo's settings) is told why no
    code is asked for, and that production always asks."""
    settings.GOLDENTHREAD_REQUIRE_2FA = False
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "The second factor is off in this demo" in out.getvalue()
    assert "Production always asks for one." in out.getvalue()

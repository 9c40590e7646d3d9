"""goldenthread demo-data [--seed N] [--quiet-sign-ins]

Loads the demo organisation once, then prints what an operator needs: whether it was
loaded, and (unless --quiet-sign-ins, as CI runs it) the demo sign-ins and their password.
Nothing else: the notifications the demo's decisions make are kept in each demo user's
Notifications list, and their e-mails are never sent or printed while it loads (the demo's
console e-mail backend would print each one, with its addressee, before the sign-ins).
"""

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.nonprod.demo import DEMO_SIGN_INS, load_demo_data

# Kept in memory (django.core.mail.outbox), only to be counted.
UNSENT_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load the demo organisation, staff and people (does nothing if already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--quiet-sign-ins", action="store_true", help="Do not print the demo sign-ins."
        )

    def handle(self, *args, seed, quiet_sign_ins, **options):
        with override_settings(EMAIL_BACKEND=UNSENT_EMAIL_BACKEND):
            before = len(getattr(mail, "outbox", []))
            loaded = load_demo_data(seed=seed)
            unsent = len(getattr(mail, "outbox", [])) - before
        if loaded:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            if unsent:
                self.stdout.write(
                    f"The demo's {unsent} notification e-mails were not sent; "
                    "each is in its user's Notifications list."
                )
        else:
            self.stdout.write("Demo data is already loaded.")
        if not quiet_sign_ins:
            self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
            for username, what in DEMO_SIGN_INS:
                self.stdout.write(f"  {username:<15} {what}")
            if settings.GOLDENTHREAD_REQUIRE_2FA:
                self.stdout.write(
                    "Staff set up a second factor (an authenticator app or e-mail codes) "
                    "the first time they sign in."
                )
            else:
                self.stdout.write(
                    "The second factor is off in this demo (GOLDENTHREAD_REQUIRE_2FA=false): "
                    "staff sign in with the password alone. Production always asks for one."
                )

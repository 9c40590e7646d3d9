from django.core.management.base import BaseCommand

from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.nonprod.demo import DEMO_SIGN_INS, load_demo_data


class Command(BaseCommand):
    help = "Load the demo organisation, staff and people (does nothing if already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--quiet-sign-ins", action="store_true", help="Do not print the demo sign-ins."
        )

    def handle(self, *args, seed, quiet_sign_ins, **options):
        if load_demo_data(seed=seed):
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data is already loaded.")
        if not quiet_sign_ins:
            self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
            for username, what in DEMO_SIGN_INS:
                self.stdout.write(f"  {username:<15} {what}")

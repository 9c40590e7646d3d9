from django.core.management.base import BaseCommand

from goldenthread.core.formatting import count_text
from goldenthread.reviews.notices import NOTICE_DAYS, notify_reviews_due


class Command(BaseCommand):
    help = "Tell allocated workers about reviews due soon or overdue (ACC-3). Run daily."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=NOTICE_DAYS,
            help="How many days ahead to give notice (default 14).",
        )

    def handle(self, *args, **options):
        count = notify_reviews_due(notice_days=options["days"])
        self.stdout.write(
            f"Considered {count_text(count, 'notice', 'notices')}; anyone told before is not told "
            "again."
        )

"""goldenthread refresh-review-due: work out every person's stored "next review due" again
(#19). The services keep it current; run this after a bulk load that bypassed them, or
after changing GOLDENTHREAD_REVIEW_INTERVAL_DAYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from goldenthread.reviews.due import refresh_all_review_due


class Command(BaseCommand):
    help = (
        "Work out every person's next review due date again from their records (after a "
        "bulk load, or a change of the review interval)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = refresh_all_review_due()
        self.stdout.write(f"{changed:,} people's next review due date stored again.")

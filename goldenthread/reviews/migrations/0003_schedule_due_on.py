"""The stored "next review due" (#19): two worked-out columns on the review schedule, a row
for every person with a due date (the date set stays empty when nobody set one), filled
here from the records by the same rule as `reviews.due` (which keeps them current from
now on). Reversible: going back removes the rows that held only the worked-out date, then
the columns. The index is built by 0004, concurrently on PostgreSQL."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from goldenthread.core.sql import AddDays

CHUNK = 1000


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def fill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Review = apps.get_model("reviews", "Review")
    Outcome = apps.get_model("outcomes", "Outcome")
    ReviewSchedule = apps.get_model("reviews", "ReviewSchedule")
    interval = int(getattr(settings, "GOLDENTHREAD_REVIEW_INTERVAL_DAYS", 182))
    last_review = (
        Review.objects.filter(person=OuterRef("pk"), status="completed")
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    first_open = (
        Outcome.objects.filter(person=OuterRef("pk"), status="open")
        .order_by("conversation__held_on")
        .values("conversation__held_on")[:1]
    )
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = (
            Person.objects.filter(pk__in=chunk)
            .annotate(set_on=F("review_schedule__next_review_on"), last_on=Subquery(last_review))
            .annotate(
                due=Coalesce(
                    F("set_on"),
                    AddDays(F("last_on"), interval),
                    AddDays(Subquery(first_open), interval),
                    output_field=DateField(),
                )
            )
            .values_list("pk", "due", "last_on")
        )
        have = set(
            ReviewSchedule.objects.filter(person_id__in=chunk).values_list("person_id", flat=True)
        )
        new = []
        for pk, due, last in rows:
            due, last = _date(due), _date(last)
            if pk in have:
                ReviewSchedule.objects.filter(person_id=pk).update(due_on=due, last_review_on=last)
            elif due is not None:
                new.append(ReviewSchedule(person_id=pk, due_on=due, last_review_on=last))
        ReviewSchedule.objects.bulk_create(new)


def unfill(apps, schema_editor):
    ReviewSchedule = apps.get_model("reviews", "ReviewSchedule")
    ReviewSchedule.objects.filter(next_review_on__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_draft"),
        ("outcomes", "0003_domain"),
        ("reviews", "0002_person_views_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewschedule",
            name="due_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="Next review due"
            ),
        ),
        migrations.AddField(
            model_name="reviewschedule",
            name="last_review_on",
            field=models.DateField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="Date of the last finished review",
            ),
        ),
        migrations.AlterField(
            model_name="reviewschedule",
            name="next_review_on",
            field=models.DateField(blank=True, null=True, verbose_name="Date of the next review"),
        ),
        migrations.RunPython(fill, unfill),
    ]

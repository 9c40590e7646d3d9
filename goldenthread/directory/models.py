"""Community resources from Open Referral UK feeds (SS-4, IO-3).

A `CommunityResource` is one ORUK *service*: a lunch club, a carers' group, a swimming
session. Each comes from a named source (a feed) and keeps the record as received (`raw`)
so the export can be faithful and any value can be traced back to the feed.

Full-text search is kept in step by the database itself (migration 0002): on SQLite an
FTS5 table filled by triggers, on PostgreSQL a stored tsvector column with a GIN index.
"""

from __future__ import annotations

from django.db import models

from goldenthread.core.models import BaseModel


class ResourceStatus(models.TextChoices):
    ACTIVE = "active", "Running"
    TEMPORARILY_CLOSED = "temporarily closed", "Closed for now"
    INACTIVE = "inactive", "Not running"
    DEFUNCT = "defunct", "Closed for good"


SEARCHABLE_STATUSES = (ResourceStatus.ACTIVE, ResourceStatus.TEMPORARILY_CLOSED)


class Organisation(BaseModel):
    """The organisation that runs one or more community resources."""

    source = models.CharField(max_length=100)
    source_id = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.CharField("website", max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="directory_organisation_source_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommunityResource(BaseModel):
    """One service from a directory feed."""

    source = models.CharField(max_length=100, help_text="The feed it came from.")
    source_id = models.CharField(max_length=200, help_text="Its id in that feed.")
    # A stable whole number for the SQLite full-text index (which needs an integer rowid).
    search_key = models.BigIntegerField(unique=True, editable=False)

    name = models.CharField(max_length=300)
    description = models.TextField(blank=True, help_text="Plain text; paragraphs kept.")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
    )
    url = models.CharField("website", max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.ACTIVE
    )
    fees = models.TextField("cost", blank=True)
    is_free = models.BooleanField(null=True, blank=True, help_text="Unknown unless the feed says.")
    cost_options = models.JSONField(default=list, blank=True)
    eligibility = models.TextField("who it is for", blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    categories = models.JSONField(
        default=list,
        blank=True,
        help_text='Taxonomy terms and audiences: [{"name", "taxonomy", "id"?, "path"?}].',
    )
    contacts = models.JSONField(default=list, blank=True)
    service_area = models.TextField(blank=True)
    attending = models.JSONField(
        default=list, blank=True, help_text="How to attend: type, access, as the feed says."
    )

    # Kept by the import service for search: what it is and who for; where it is.
    search_keywords = models.TextField(blank=True, editable=False)
    place_text = models.TextField(blank=True, editable=False)

    last_updated = models.DateTimeField(
        null=True, blank=True, help_text="When the feed says it last changed."
    )
    imported_at = models.DateTimeField()
    raw = models.JSONField(default=dict, blank=True)
    raw_format = models.CharField(max_length=40, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="directory_resource_source_id"
            ),
        ]
        indexes = [
            models.Index(fields=["name"], name="directory_resource_name"),
            models.Index(fields=["status", "name"], name="directory_resource_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.search_key is None:
            self.search_key = search_key_for(self.id)
        super().save(*args, **kwargs)


def search_key_for(uuid_value) -> int:
    """A positive 63-bit whole number from the record's UUID (stable; never changes)."""
    return uuid_value.int >> 65


class ResourceLocation(BaseModel):
    """Where a resource happens: an address, postcode, town and map position if known."""

    resource = models.ForeignKey(
        CommunityResource, on_delete=models.CASCADE, related_name="locations"
    )
    position = models.PositiveSmallIntegerField(default=0)
    source_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    address = models.TextField(blank=True, help_text="Street lines, one a line.")
    town = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    postcode_district = models.CharField(
        max_length=8, blank=True, help_text='The first half of a UK postcode: "DN15".'
    )
    country = models.CharField(max_length=50, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["resource", "position"]
        indexes = [
            models.Index(fields=["town"], name="directory_location_town"),
            models.Index(fields=["postcode_district"], name="directory_location_district"),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.name, self.town, self.postcode) if p) or "Location"

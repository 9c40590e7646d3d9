"""The access log (SEC-2, SEC-3) and the change history (SEC-4).

Both are append-only: the application refuses to update or delete a row (here), and the
database refuses too (triggers in migration 0002), so neither can be edited through the
application or by a mistaken query.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Audit rows are never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AccessAction(models.TextChoices):
    VIEW = "view", "Looked at"
    CHANGE = "change", "Changed"
    CREATE = "create", "Created"
    EXPORT = "export", "Exported"
    DENIED = "denied", "Was refused access"


class AccessLog(AppendOnlyModel):
    """One row for every request that reads or changes a named person's record,
    and for every refused attempt."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    # Not a foreign key: the log must outlive and never block changes to the record.
    person_id = models.UUIDField(null=True, db_index=True)
    what = models.CharField(max_length=200, help_text="The page, export or API call.")
    method = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=500, help_text="Why: the relationship or stated reason.")
    break_glass = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person_id", "-at"], name="accesslog_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.what}"


class ChangeAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Removed"


class ChangeRecord(AppendOnlyModel):
    """What a record said before and after each change, who changed it and when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    person_id = models.UUIDField(null=True, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="change_object_at"),
            models.Index(fields=["person_id", "-at"], name="change_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"

"""What operations keeps: tombstones of records destroyed under the retention schedule."""

from __future__ import annotations

import uuid

from django.db import models

from goldenthread.audit.models import AppendOnlyModel
from goldenthread.core.models import optional_user_link


class Tombstone(AppendOnlyModel):
    """A record destroyed because it was past its retention period (OPS-7): what it was,
    when, under which rule, by whom, and how many rows of each type went with it. Nothing
    of the record's content: that is what was destroyed. Never changed or removed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rule = models.CharField(max_length=50)
    rule_text = models.CharField(max_length=500)
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64, db_index=True)
    counted_from = models.DateField()
    destroyed_at = models.DateTimeField()
    destroyed_by = optional_user_link()
    destroyed_by_name = models.CharField(max_length=300)
    rows = models.JSONField(default=dict)

    class Meta:
        ordering = ["-destroyed_at"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} destroyed under {self.rule}"

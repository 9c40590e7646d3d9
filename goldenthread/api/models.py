"""Personal API tokens, and where received records came from (SPEC IO-1, IO-2).

- `ApiToken` — issued by a member of staff to themselves on their account page. Only a
  SHA-256 hash of the secret is stored, with a short random prefix to find it by; the
  token itself is shown once. Named, scoped (read, or read and write), with an expiry
  (required, at most a year) and revocable. A token never does more than its owner may:
  the owner's role, team and casework access are checked on every call.
- `PlanTransfer` and `ReceivedRecord` — a plan imported from another Golden Thread (a FHIR
  Bundle, `goldenthread import-fhir`): from where and when it was sent, who imported it,
  and, for each record it made, which resource of the Bundle it came from. The domain
  apps are not changed: this app links to what the import made through their services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from goldenthread.core.models import BaseModel
from goldenthread.people.models import Person


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(
        "Name",
        max_length=60,
        help_text="What it is for, so you can tell your tokens apart. For example: "
        "'Finance system'.",
    )
    # The token is "gt_<prefix>_<secret>"; the prefix finds the row, the hash checks it.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_live(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class PlanTransfer(BaseModel):
    """One plan received from another Golden Thread: from where, when it was sent, and who
    imported it into which team."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_transfers")
    sent_by = models.CharField(
        "Sent by",
        max_length=300,
        help_text="The organisation (and the worker) that sent the plan, as the Bundle says.",
    )
    sent_at = models.DateTimeField("When it was sent")
    bundle_identifier = models.CharField(max_length=200, editable=False)
    file_sha256 = models.CharField(max_length=64, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Plan received from {self.sent_by}"


class ReceivedRecord(BaseModel):
    """A record an import made, and the resource of the sending Bundle it came from."""

    transfer = models.ForeignKey(PlanTransfer, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=100, editable=False)
    object_id = models.CharField(max_length=64, editable=False)
    source_reference = models.CharField(max_length=200, editable=False)
    note = models.CharField(
        "What could not be kept as sent",
        max_length=500,
        blank=True,
        help_text="For example a target date the service refuses (more than a year past).",
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="received_object")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} from {self.source_reference}"

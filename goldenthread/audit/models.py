"""The access log (SEC-2, SEC-3) and the change history (SEC-4).

Both are append-only: the application refuses to update or delete a row (here), and the
database refuses too (triggers in migrations 0002 and 0004), so neither can be edited through
the application or by a mistaken query. Both are hash-chained (chain.py), so a row removed or
altered by someone with rights over the database is found by `goldenthread audit-verify`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models


class AppendOnlyError(Exception):
    """Audit rows are never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")


class ChainedQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Rows join the chain in the order given, after the current head."""
        from . import chain

        objs = list(objs)
        with chain.in_transaction():
            after = chain.head(self.model)
            for obj in objs:
                after = chain.link(obj, after)
            return super().bulk_create(objs, *args, **kwargs)


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


class ChainedModel(AppendOnlyModel):
    """An append-only row that joins its table's hash chain when it is written (chain.py)."""

    seq = models.BigIntegerField("Place in the log", unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = ChainedQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from . import chain

        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        # This thread's default connection (what django.db.connection stands for), looked
        # up once: each use of the proxy looks it up again (#19).
        db = connections[DEFAULT_DB_ALIAS]
        if db.vendor == "postgresql":
            # One statement, atomic by itself (in the caller's transaction or its own):
            # lock, head, place and hash, insert. One round trip, as a plain insert.
            chain.append_postgresql(self, db)
            return
        with chain.in_transaction(db):
            chain.link(self, chain.head(type(self), db))
            chain.insert_sqlite(self, db)


class AccessAction(models.TextChoices):
    VIEW = "view", "Looked at"
    CHANGE = "change", "Changed"
    CREATE = "create", "Created"
    EXPORT = "export", "Exported"
    DENIED = "denied", "Was refused access"
    LIST = "list", "Saw in a list"
    # A change asked for and not made (the API writes the row once the answer is known):
    # refused (a read-only token, a role or rule that does not allow it: the record could
    # be opened, so it is not DENIED), or not saved (not valid, stale, not JSON, too large).
    CHANGE_REFUSED = "refused", "Was refused a change"
    CHANGE_FAILED = "not_saved", "Tried a change, nothing saved"


class AccessLog(ChainedModel):
    """One row for every request that reads or changes a named person's record,
    and for every refused attempt. A list page showing people's names, dates of birth or
    CHI numbers writes one row naming everyone shown (`people_shown`, action "list"), and
    one `AccessLogPerson` row per person so "who saw me" is found by an index."""

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
    people_shown = models.JSONField(
        null=True, blank=True, help_text="On a list view: the ids of the people it showed."
    )
    # NULL (not "") when no token was used: a NULL column is left out of the row's hash
    # (chain.py), so the rows written before this column existed keep their hashes.
    api_token_name = models.CharField(  # noqa: DJ001
        "API token",
        max_length=60,
        null=True,
        blank=True,
        help_text="The name of the personal API token the call was made with, if any.",
    )
    api_token_prefix = models.CharField(  # noqa: DJ001
        "API token prefix",
        max_length=16,
        null=True,
        blank=True,
        help_text="Which token it was (names need not differ): the start of the token, "
        "which is not secret.",
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person_id", "-at"], name="accesslog_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.what}"


class ChangeAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Removed"


class ChangeRecord(ChainedModel):
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


class AccessLogPerson(AppendOnlyModel):
    """A person shown by a list view: an index into `AccessLog.people_shown`, so the rows
    that showed a person are found without reading every list row. The list row's hash
    covers `people_shown`; `audit-verify` checks these rows agree with it."""

    log = models.ForeignKey(AccessLog, on_delete=models.PROTECT, related_name="+")
    person_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["person_id", "log"], name="accesslogperson_person")]

    def __str__(self) -> str:
        return f"{self.person_id} shown by {self.log_id}"


class BreakGlassAccess(AppendOnlyModel):
    """A worker with no relationship to a person opened their record by stating a reason
    (SEC-3). For `until` minus `at` (settings.GOLDENTHREAD_BREAK_GLASS_HOURS) that worker,
    and only they, may open that person's record; every access-log row in that time is
    flagged `break_glass`. The person's team leader reviews each use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField("Started")
    until = models.DateTimeField("Ends")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=300)
    actor_role = models.CharField(max_length=20, blank=True)
    person_id = models.UUIDField()
    reason = models.TextField("Reason given", max_length=500)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["actor", "person_id", "until"], name="breakglass_actor"),
            models.Index(fields=["person_id", "-at"], name="breakglass_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.reason[:60]}"


class BreakGlassReview(AppendOnlyModel):
    """The person's team leader has looked at a break-glass use."""

    access = models.OneToOneField(BreakGlassAccess, on_delete=models.PROTECT, related_name="review")
    at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_name = models.CharField(max_length=300)
    note = models.TextField("Note", blank=True, max_length=1000)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} reviewed by {self.reviewer_name}"


class AuditCheckpoint(ChainedModel):
    """The audit log's own retention (docs/adr/0002-audit.md, "Retention of the audit log"):
    a purge removed these rows from the access log and the change history, and this row
    accounts for them so `audit-verify` still proves nothing else went.

    `removed` holds, per chained table, how many rows went, the table's head when they went
    (`head`: seq and hash), and each run of consecutive rows removed as
    ``[first seq, last seq, hash before the first, hash of the last, SHA-256 of their hashes]``:
    the kept row after a run must name the run's last hash, and the run must start from the
    hash of the row before it. Checkpoints are themselves a hash chain, never removed, and
    each one's creation is a change-history row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    rule_text = models.CharField("Rule", max_length=500)
    older_than = models.DateTimeField("Rows written before")
    destroyed_before = models.DateTimeField(
        "Rows about people whose record was destroyed before", null=True, blank=True
    )
    removed = models.JSONField(default=dict)
    index_rows = models.PositiveIntegerField("List-view index rows removed", default=0)
    # HMAC-SHA-256 with a key held apart from the database (signing.py): a database-only
    # attacker cannot write a checkpoint audit-verify accepts. Nullable so the column is
    # left out of the hash of a row without it; audit-verify refuses an unsigned checkpoint.
    key_id = models.CharField("Signing key", max_length=16, null=True, editable=False)  # noqa: DJ001
    signature = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} audit rows removed by {self.actor_name}"

    def save(self, *args, **kwargs):
        """Signed with the current audit key, then chained (signing.py). Refused, with
        nothing written, when no key is set."""
        from . import chain, signing

        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        key = signing.signing_key()
        with chain.in_transaction():
            after = chain.head(type(self))  # locks the chain: the place signed is its place
            signing.sign(self, after, key)
            if connection.vendor == "postgresql":
                chain.append_postgresql(self)
            else:
                chain.link(self, after)
                chain.insert_sqlite(self)
            if self.seq != after[0] + 1:  # pragma: no cover - the lock makes it so
                raise AppendOnlyError("The checkpoint chain moved while it was being signed.")


class PurgePermit(models.Model):
    """While a row exists here the database lets DELETE through on the access log, the
    change history and the list-view index (the only exception to their append-only
    triggers). Only the audit purge (operations/audit_retention.py) writes one, inside its
    own transaction, and removes it before that transaction ends, so no other connection
    ever sees one; `audit-verify` fails if one was left behind."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    def __str__(self) -> str:
        return f"audit purge permit {self.id}"

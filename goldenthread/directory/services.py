"""Every write to the community directory: importing Open Referral data (SS-4, IO-3).

`directory_import()` reads a file or folder (see oruk.py for the formats), checks each
record on its own, and writes it in its own savepoint, so a bad record is reported with
its reason and never half-saved, and the rest still import. Running it again on the same
data changes nothing; a record that changed upstream is updated. Each create and update
is written to the change history (SEC-4) with the actor: an administrator, or
COMMAND_LINE_IMPORT (a named system actor) for `goldenthread import-oruk`.

Records are written in short transactions (at most BATCH_RECORDS records or about
BATCH_SECONDS each), never one transaction for the whole feed: on SQLite a transaction
holds the only write lock, and every page that opens a person's record writes an access-log
row, so a long import would make those pages wait and then fail (#11). Between batches
the importer pauses briefly so that waiting writers get the lock. If an import stops
part-way, the batches already written stay; running it again carries on (nothing written
twice).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from goldenthread.accounts.models import Role
from goldenthread.audit.models import ChangeAction
from goldenthread.audit.services import change_record, snapshot
from goldenthread.core.services import SystemActor, require_signed_in

from . import oruk
from .models import CommunityResource, Organisation, ResourceLocation, search_key_for
from .search_index import ensure_search_index

# Short transactions (#11): a batch ends after this many records or this many seconds.
BATCH_RECORDS = 250
BATCH_SECONDS = 0.5
# On SQLite, the pause between batches: longer than SQLite's longest wait between tries
# for a busy lock (100 ms), so a page waiting to write its access-log row gets in.
SQLITE_PAUSE_SECONDS = 0.12
# The largest file an import reads unless told otherwise (settings or --max-size).
DEFAULT_MAX_FILE_MB = 50

ProgressCallback = Callable[[int, int], None]

# Who imports when the command line does it (`goldenthread import-oruk`): no one signs in.
COMMAND_LINE_IMPORT = SystemActor("Golden Thread (directory import on the command line)")

RESOURCE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "phone",
    "status",
    "fees",
    "is_free",
    "cost_options",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "categories",
    "contacts",
    "service_area",
    "attending",
    "last_updated",
    "raw",
    "raw_format",
)


@dataclass
class Rejection:
    file: str
    index: int
    source_id: str
    reason: str

    def __str__(self) -> str:
        where = f"record {self.index}" + (f" (id {self.source_id[:60]})" if self.source_id else "")
        return f"{self.file}: {where}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did. `str(report)` is the readable summary the command prints."""

    sources: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    organisations_created: int = 0
    organisations_updated: int = 0
    not_in_import: int = 0
    seconds: float = 0.0
    batches: int = 0  # transactions committed

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }

    def rejection_reasons(self) -> list[tuple[str, int]]:
        """Each distinct reason with how many records it stopped, most first."""
        tally: dict[str, int] = {}
        for rejection in self.rejected:
            key = rejection.reason.split(" (")[0]
            tally[key] = tally.get(key, 0) + 1
        return sorted(tally.items(), key=lambda item: (-item[1], item[0]))

    def __str__(self) -> str:
        return self.as_text()

    def as_text(self, *, max_lines: int = 50) -> str:
        lines = [
            f"Imported {', '.join(self.files) or 'nothing'} "
            f"({', '.join(dict.fromkeys(self.formats))}) as source "
            f"{', '.join(dict.fromkeys(self.sources))} in {self.seconds:.1f} s.",
            f"  {self.total} records: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected.",
            f"  Organisations: {self.organisations_created} created, "
            f"{self.organisations_updated} updated.",
        ]
        if self.not_in_import:
            lines.append(
                f"  {self.not_in_import} resources from this source were not in this import "
                "and were left as they are."
            )
        for note in self.notes:
            lines.append(f"  Note: {note}")
        if self.rejected:
            lines.append(f"Rejected ({len(self.rejected)}):")
            lines += [f"  {r}" for r in self.rejected[:max_lines]]
            if len(self.rejected) > max_lines:
                lines.append(f"  … and {len(self.rejected) - max_lines} more.")
        if self.warnings:
            lines.append(f"Imported with warnings ({len(self.warnings)}):")
            lines += [f"  {w}" for w in self.warnings[:max_lines]]
            if len(self.warnings) > max_lines:
                lines.append(f"  … and {len(self.warnings) - max_lines} more.")
        return "\n".join(lines)


class DirectoryImportError(Exception):
    """Nothing was imported: the file or folder as a whole could not be read."""


def max_file_bytes() -> int:
    """The largest file an import reads: GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB (default
    DEFAULT_MAX_FILE_MB) megabytes."""
    megabytes = getattr(settings, "GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB", DEFAULT_MAX_FILE_MB)
    return int(float(megabytes) * 1024 * 1024)


def directory_import(
    *,
    actor: Any,
    path: str | Path,
    source: str | None = None,
    area: str = "",
    max_bytes: int | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import Open Referral services from a file or folder into the directory.

    `source` names the feed (default: from the file name, e.g. "bristol" for
    bristol-services.json); `area` is the service area given to records that state none
    (e.g. "Bristol"). Raises DirectoryImportError when the input cannot be read at all,
    including a file larger than `max_bytes` (default: max_file_bytes()) or JSON nested
    deeper than oruk.MAX_JSON_DEPTH. `progress(done, total)` is called after each batch.
    `actor` is COMMAND_LINE_IMPORT on the command line; anyone else must be a signed-in
    administrator (directory data is a reference list, SPEC section 0).
    """
    if actor is not COMMAND_LINE_IMPORT:
        refused = "Only administrators import directory data."
        require_signed_in(actor, refused)
        if actor.role != Role.ADMINISTRATOR:
            raise PermissionDenied(refused)
    started = time.monotonic()
    try:
        batches = oruk.read_path(Path(path), max_bytes=max_bytes or max_file_bytes())
    except oruk.ImportFormatError as exc:
        raise DirectoryImportError(str(exc)) from exc
    if source is not None:
        source = source.strip()[:100]
        if not source:
            raise DirectoryImportError("The source name is empty.")
    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        ensure_search_index(connection)
    counter = _Progress(total=sum(len(batch.records) for batch in batches), callback=progress)
    for batch in batches:
        batch_source = source or batch.default_source
        _import_batch(
            batch,
            source=batch_source,
            area=area.strip(),
            actor=actor,
            now=now,
            report=report,
            progress=counter,
        )
    report.seconds = time.monotonic() - started
    return report


@dataclass
class _Progress:
    total: int
    callback: ProgressCallback | None
    done: int = 0

    def add(self, count: int) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(self.done, self.total)


def _in_short_transactions(
    records: list[oruk.SourceRecord],
    import_one: Callable[[oruk.SourceRecord], None],
    *,
    report: ImportReport,
    progress: _Progress,
) -> None:
    """Import the records in transactions committed after at most BATCH_RECORDS records or
    BATCH_SECONDS, with a pause between them on SQLite so that pages waiting to write get
    the lock (#11). Inside an outer transaction (as in some tests) the batches are
    savepoints and there is no pause."""
    pending = iter(records)
    committing = not connection.in_atomic_block
    while True:
        count = 0
        started = time.monotonic()
        with transaction.atomic():
            for record in pending:
                import_one(record)
                count += 1
                if count >= BATCH_RECORDS or time.monotonic() - started >= BATCH_SECONDS:
                    break
        if not count:
            return
        report.batches += 1
        progress.add(count)
        if committing and connection.vendor == "sqlite":
            time.sleep(SQLITE_PAUSE_SECONDS)


def _import_batch(
    batch: oruk.Batch,
    *,
    source: str,
    area: str,
    actor: Any,
    now,
    report: ImportReport,
    progress: _Progress,
) -> None:
    file_label = batch.path.name
    report.files.append(file_label)
    report.formats.append(batch.format)
    if source not in report.sources:
        report.sources.append(source)
    report.notes += [f"{file_label}: {note}" for note in batch.notes]
    existing = {
        row["source_id"]: row
        for row in CommunityResource.objects.filter(source=source).values(
            "id", "source_id", "content_hash"
        )
    }
    organisations = {o.source_id: o for o in Organisation.objects.filter(source=source)}
    organisations_seen: set[str] = set()
    seen: dict[str, int] = {}

    def import_one(record: oruk.SourceRecord) -> None:
        record_id = oruk.record_id(record.raw)

        def reject(reason: str) -> None:
            report.rejected.append(Rejection(file_label, record.index, record_id, reason))

        try:
            data = oruk.normalise(record.raw, raw_format=batch.format, default_area=area)
        except oruk.RecordRejected as exc:
            reject(str(exc))
            return
        except (AttributeError, TypeError, ValueError, KeyError, RecursionError) as exc:
            # A shape nobody foresaw: this record is skipped, the rest still import.
            reject(f"could not be read ({exc.__class__.__name__}: {str(exc)[:120]})")
            return
        if data.source_id in seen:
            reject(f"the same id as record {seen[data.source_id]}; only the first is imported")
            return
        seen[data.source_id] = record.index
        label = f"{file_label}: record {record.index} (id {data.source_id[:60]})"
        report.warnings += [f"{label}: {w}" for w in data.warnings]

        content_hash = data.content_hash()
        previous = existing.get(data.source_id)
        org_changed = (
            data.organisation is not None
            and data.organisation.source_id not in organisations_seen
            and _organisation_differs(
                organisations.get(data.organisation.source_id), data.organisation
            )
        )
        if previous and previous["content_hash"] == content_hash and not org_changed:
            report.unchanged += 1
            if data.organisation:
                organisations_seen.add(data.organisation.source_id)
            return
        try:
            with transaction.atomic():
                organisation, org_action = _organisation_upsert(
                    data.organisation,
                    source=source,
                    known=organisations,
                    seen=organisations_seen,
                    actor=actor,
                )
                if previous and previous["content_hash"] == content_hash:
                    action = None  # only its organisation changed
                else:
                    action = _resource_write(
                        data,
                        source=source,
                        previous_id=previous["id"] if previous else None,
                        content_hash=content_hash,
                        organisation=organisation,
                        actor=actor,
                        now=now,
                    )
        except ValidationError as exc:
            reject("not valid: " + "; ".join(_messages(exc)))
            return
        except DatabaseError as exc:
            reject(f"could not be saved ({exc.__class__.__name__}: {str(exc)[:200]})")
            return
        # Only now that the savepoint is kept does the organisation count as stored.
        if organisation is not None:
            organisations[organisation.source_id] = organisation
            organisations_seen.add(organisation.source_id)
        if org_action == "created":
            report.organisations_created += 1
        elif org_action == "updated":
            report.organisations_updated += 1
        if action == "created":
            report.created += 1
        elif action == "updated":
            report.updated += 1
        else:
            report.unchanged += 1

    _in_short_transactions(batch.records, import_one, report=report, progress=progress)
    report.not_in_import += len(set(existing) - set(seen))


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items()]
    return list(exc.messages)


def _organisation_differs(current: Organisation | None, data: oruk.OrganisationData) -> bool:
    return current is None or current.content_hash != data.content_hash()


def _organisation_upsert(
    data: oruk.OrganisationData | None,
    *,
    source: str,
    known: dict[str, Organisation],
    seen: set[str],
    actor: Any,
) -> tuple[Organisation | None, str | None]:
    """The organisation as stored; the first time it appears in an import wins."""
    if data is None:
        return None, None
    current = known.get(data.source_id)
    if current is not None and (
        data.source_id in seen or current.content_hash == data.content_hash()
    ):
        return current, None
    values = {
        "name": data.name,
        "description": data.description,
        "url": data.url,
        "email": data.email,
        "raw": data.raw,
        "content_hash": data.content_hash(),
    }
    if current is None:
        organisation = Organisation(source=source, source_id=data.source_id, **values)
        organisation.full_clean(validate_unique=False, validate_constraints=False)
        organisation.save(force_insert=True)
        change_record(
            actor=actor,
            instance=organisation,
            action=ChangeAction.CREATE,
            before=None,
            person_id=None,
        )
        return organisation, "created"
    # Work on a copy so a rolled-back savepoint leaves the cached one as stored.
    organisation = Organisation.objects.get(pk=current.pk)
    before = snapshot(organisation)
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.full_clean(validate_unique=False, validate_constraints=False)
    organisation.save()
    change_record(
        actor=actor,
        instance=organisation,
        action=ChangeAction.UPDATE,
        before=before,
        person_id=None,
    )
    return organisation, "updated"


def _resource_write(
    data: oruk.ResourceData,
    *,
    source: str,
    previous_id,
    content_hash: str,
    organisation: Organisation | None,
    actor: Any,
    now,
) -> str:
    values = {name: getattr(data, name) for name in RESOURCE_FIELDS}
    values.update(
        organisation=organisation,
        search_keywords=data.search_keywords,
        place_text=data.place_text,
        content_hash=content_hash,
        imported_at=now,
    )
    if previous_id is None:
        resource = CommunityResource(source=source, source_id=data.source_id, **values)
        before = None
    else:
        resource = CommunityResource.objects.get(pk=previous_id)
        before = snapshot(resource)
        for name, value in values.items():
            setattr(resource, name, value)
    if resource.search_key is None:
        resource.search_key = search_key_for(resource.id)
    resource.full_clean(validate_unique=False, validate_constraints=False)
    if previous_id is None:
        resource.save(force_insert=True)
    else:
        resource.save()
        resource.locations.all().delete()
    ResourceLocation.objects.bulk_create(
        [
            ResourceLocation(
                resource=resource,
                position=position,
                source_id=loc.source_id,
                name=loc.name,
                description=loc.description,
                address=loc.address,
                town=loc.town,
                region=loc.region,
                postcode=loc.postcode,
                postcode_district=loc.postcode_district,
                country=loc.country,
                latitude=loc.latitude,
                longitude=loc.longitude,
            )
            for position, loc in enumerate(data.locations)
        ]
    )
    change_record(
        actor=actor,
        instance=resource,
        action=ChangeAction.CREATE if before is None else ChangeAction.UPDATE,
        before=before,
        person_id=None,
    )
    return "created" if before is None else "updated"

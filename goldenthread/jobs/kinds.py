"""What each kind of job does, who may start it, and what it says when it ends.

A kind's `run(job, progress)` does the work as the person who started the job (their
permissions, their access-log rows) and returns an Outcome. It raises JobFailed with a
message for the starter when the work cannot be done; anything else is logged and shown as
"something went wrong" with the job's reference. Every kind is safe to run again: a backup
or an export writes a new file named by the job, a directory import changes nothing the
second time.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import ngettext

from goldenthread.core.formatting import lower_first
from goldenthread.core.permissions import Permission

Progress = Callable[[int, int, str], None]


class JobFailed(Exception):
    """The job could not do its work; the message is shown to the person who started it.
    It must name no person and quote no record text."""


@dataclass(frozen=True)
class Outcome:
    text: str
    file: str = ""  # a path under GOLDENTHREAD_JOB_FILES the starter may download
    downloadable: bool = False


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    permission: Permission
    run: Callable[..., Outcome]

    @property
    def label_in_sentence(self) -> str:
        """The label inside a sentence ("Started: export the plans … (FHIR)."): only its
        first letter made small, so names in capitals (FHIR, PDF) stay as they are."""
        return lower_first(self.label)


def job_files() -> Path:
    folder = Path(settings.GOLDENTHREAD_JOB_FILES)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- Backup (OPS-4) -------------------------------------------------------------------------


def run_backup(job, progress: Progress) -> Outcome:
    from goldenthread.operations import backup, crypto

    folder = job_files() / "backups"
    folder.mkdir(exist_ok=True)
    out = folder / f"backup-{job.created_at:%Y%m%d-%H%M%S}-{str(job.pk)[:8]}.gtbackup"
    steps = 0

    def said(message: str) -> None:
        nonlocal steps
        steps += 1
        progress(steps, 0, message[:200])

    try:
        key = crypto.key_from_environment(required=False)
        result = backup.backup(out, key=key, progress=said)
    except (backup.BackupError, crypto.BackupKeyError) as exc:
        raise JobFailed(f"The backup was not written: {exc}") from exc
    sealed = "encrypted" if key else "not encrypted"
    return Outcome(
        text=(
            f"Backed up {result.tables} tables, {result.rows:,} rows ({sealed}) in "
            f"{result.timings.text()}. The file is on the server at {out}."
        ),
        file=str(out),
        downloadable=False,  # a whole-database backup never leaves through the browser
    )


# --- One file a person, in a zip file (the FHIR export, the PDF pack) ------------------------


def _zip_each_person(
    partial: Path,
    user,
    people: list,
    *,
    compression: int,
    what: str,
    why: str,
    read: Callable[[Any], Any],
    entry: Callable[[Any, Any], tuple[str, str | bytes]],
    progress: Callable[[int, int], None],
) -> None:
    """Write one file a person into the zip file `partial`: each person's record is read
    (`read`) in the transaction that logs the export in the access log, as `user`, with
    the basis of their access and `why`; `entry` makes the file's name and content from
    what was read, outside it. The caller moves the finished file into place."""
    from goldenthread.people.access import log_export

    with zipfile.ZipFile(partial, "w", compression=compression) as archive:
        for done, person in enumerate(people, start=1):
            with transaction.atomic():
                log_export(user, person, what=what, why=why)
                record = read(person)
            archive.writestr(*entry(person, record))
            progress(done, len(people))


# --- FHIR export of everyone the starter may open (IO-2) ------------------------------------


def run_fhir_export(job, progress: Progress) -> Outcome:
    from goldenthread.api.fhir.export import bundle_for
    from goldenthread.people.models import Person

    user = job.started_by
    # As the PDF pack: records the starter has a relationship with, never one opened by
    # break-glass (opened one at a time, for its stated reason, not swept into an export).
    people = list(
        Person.objects.visible_to(user, break_glass=False)
        .select_related("team", "area")
        .order_by("family_name", "given_name", "id")
    )
    if not people:
        raise JobFailed("You may open nobody's record, so there is nothing to export.")
    out = job_files() / "exports" / f"fhir-{job.pk}.zip"
    out.parent.mkdir(exist_ok=True)
    partial = out.with_suffix(".part")
    _zip_each_person(
        partial,
        user,
        people,
        compression=zipfile.ZIP_DEFLATED,
        what="Background job: FHIR export",
        why="FHIR export",
        read=lambda person: bundle_for(person, exported_by=user),
        entry=lambda person, bundle: (
            f"{person.pk}.json",
            json.dumps(bundle, indent=2, ensure_ascii=False) + "\n",
        ),
        progress=lambda done, total: progress(done, total, "Writing plans as FHIR R4 Bundles"),
    )
    partial.replace(out)  # a retried job replaces its own file whole
    return Outcome(
        text=ngettext(
            "%(count)d plan exported as a FHIR R4 Bundle, in one file.",
            "%(count)d plans exported as FHIR R4 Bundles, one file a person.",
            len(people),
        )
        % {"count": len(people)},
        file=str(out),
        downloadable=True,
    )


# --- Support plans as PDFs, for everyone the starter works with (SS-6) ---------------------


def people_file(pack: Path) -> Path:
    """Beside a pack: the ids of the people whose records it holds (for the access log when
    it is downloaded, and to check the downloader may still see every one of them)."""
    return pack.with_name(pack.name + ".people.json")


def run_plan_pdfs(job, progress: Progress) -> Outcome:
    from goldenthread.people.models import Person
    from goldenthread.record.pdf import render_plan_pdf
    from goldenthread.record.plan import build_plan
    from goldenthread.support.presenters import STATUS_TAG_COLOUR

    user = job.started_by
    # Only records the starter has a relationship with: a record opened by break-glass is
    # opened one at a time, for its reason, never swept into a pack.
    people = Person.objects.visible_to(user, break_glass=False).select_related("team", "area")
    wanted = job.params.get("person")
    if wanted:
        people = people.filter(pk=wanted)
    chosen = list(people.order_by("family_name", "given_name", "id"))
    if not chosen:
        raise JobFailed("You may open nobody's record here, so there is no plan to put in a pack.")
    out = job_files() / "packs" / f"plans-{job.pk}.zip"
    out.parent.mkdir(exist_ok=True)
    partial = out.with_suffix(".part")
    _zip_each_person(
        partial,
        user,
        chosen,
        compression=zipfile.ZIP_STORED,
        what="Background job: support plan PDF pack",
        why="PDF pack",
        read=build_plan,
        # Named by record id, never by name (file names are seen by whoever looks).
        entry=lambda person, plan: (
            f"support-plan-{person.pk}.pdf",
            render_plan_pdf(
                plan,
                context={"person": person, "plan": plan, "status_colours": STATUS_TAG_COLOUR},
            ),
        ),
        progress=lambda done, total: progress(done, total, "Drawing support plans as PDFs"),
    )
    people_file(out).write_text(json.dumps([str(person.pk) for person in chosen]))
    partial.replace(out)  # a retried job replaces its own file whole
    return Outcome(
        text=ngettext(
            "%(count)d support plan as a PDF, in one zip file.",
            "%(count)d support plans as PDFs, one file a person, in one zip file.",
            len(chosen),
        )
        % {"count": len(chosen)},
        file=str(out),
        downloadable=True,
    )


# --- Directory import (SS-4, IO-3) ----------------------------------------------------------


def run_directory_import(job, progress: Progress) -> Outcome:
    from goldenthread.directory.services import DirectoryImportError, directory_import

    path = job.params.get("path", "")
    try:
        report = directory_import(
            actor=job.started_by,
            path=path,
            source=job.params.get("source") or None,
            area=job.params.get("area", ""),
            progress=lambda done, total: progress(done, total, "Importing directory records"),
        )
    except DirectoryImportError as exc:
        raise JobFailed(f"Nothing imported. {exc}") from exc
    return Outcome(text=report.as_text(max_lines=50))


# --- Retention (OPS-7) ----------------------------------------------------------------------


def run_retention(job, progress: Progress) -> Outcome:
    from goldenthread.operations import retention

    result = retention.apply(
        actor=job.started_by,
        dry_run=bool(job.params.get("dry_run", False)),
        progress=lambda done, total: progress(done, total, "Destroying records past retention"),
    )
    return Outcome(text=result.as_text())


# --- The audit log's own retention (OPS-7, SEC-2; #20) -------------------------------------


def run_audit_purge(job, progress: Progress) -> Outcome:
    """`goldenthread audit-purge` as a job: a dry run (the default) counts what would go; an
    apply, confirmed by the administrator when they started it, removes it with the
    checkpoint that accounts for every row (operations/audit_retention.py).

    Safe to run again: the periods are counted back from when the job was started, so a
    retry removes exactly what the first attempt would have; if that attempt had already
    removed them (its worker stopped after the commit), the retry finds nothing left and
    names the checkpoint that accounts for them."""
    from goldenthread.audit.models import AuditCheckpoint
    from goldenthread.operations import audit_retention

    dry_run = job.params.get("dry_run", True) is not False
    if not dry_run and job.params.get("confirmed") is not True:
        raise JobFailed(
            "Nothing was removed: removing audit rows needs the confirmation on the start page."
        )
    progress(
        0,
        1,
        "Counting audit rows past their retention period"
        if dry_run
        else ("Checking the audit log, then removing the rows past their retention period"),
    )
    try:
        result = audit_retention.apply(actor=job.started_by, dry_run=dry_run, as_of=job.created_at)
    except audit_retention.AuditRetentionError as exc:
        raise JobFailed(f"Nothing was removed. {exc}") from exc
    progress(1, 1, "Done")
    lines = [result.as_text()]
    if dry_run:
        lines.append("Nothing was removed (a dry run).")
    elif result.checkpoint is None:
        earlier = (
            AuditCheckpoint.objects.filter(
                older_than=result.older_than, destroyed_before=result.destroyed_before
            )
            .order_by("-seq")
            .first()
        )
        if earlier is not None:
            lines.append(
                f"Checkpoint {earlier.seq} ({earlier.row_hash}), written "
                f"{earlier.at:%d %B %Y %H:%M} UTC, already accounts for the rows this job "
                "was to remove: nothing more was removed."
            )
    return Outcome(text="\n".join(lines))


KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("backup", "Back up the database", Permission.RUN_BACKUP, run_backup),
        JobKind(
            "fhir-export",
            "Export the plans of everyone you work with (FHIR)",
            Permission.VIEW_CASELOAD,
            run_fhir_export,
        ),
        JobKind(
            "plan-pdfs",
            "Support plans of everyone you work with (PDF pack)",
            Permission.VIEW_CASELOAD,
            run_plan_pdfs,
        ),
        JobKind(
            "directory-import",
            "Import community directory data",
            Permission.IMPORT_DIRECTORY,
            run_directory_import,
        ),
        JobKind(
            "retention",
            "Destroy records past their retention period",
            Permission.APPLY_RETENTION,
            run_retention,
        ),
        JobKind(
            "audit-purge",
            "Remove audit log rows past their retention period",
            Permission.APPLY_RETENTION,
            run_audit_purge,
        ),
    )
}

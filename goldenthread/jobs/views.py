"""The jobs page: the signed-in user's own jobs, their progress and results (OPS-5)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from redis.exceptions import RedisError

from goldenthread.core.formatting import datetime_text
from goldenthread.core.permissions import Permission, can
from goldenthread.operations.readonly import is_read_only
from goldenthread.ui.views import PermissionRequiredMixin, ServiceFormView

from . import presenters, selectors, services
from .forms import AuditPurgeForm, DirectoryUploadForm
from .kinds import KINDS, job_files
from .models import Job, JobState

logger = logging.getLogger(__name__)

# Kinds started from the page with one button (the others need a file or options: their
# commands start them, and they show here all the same).
BUTTON_KINDS = ("fhir-export", "plan-pdfs", "backup")


def recover_own_stale(user) -> None:
    """A job of the user's whose worker was killed shows as failed, with why, a file past
    its keeping period is gone, and a job whose task never reached the queue (RQ) is queued
    again, as soon as they look (the worker also does all three for every job when it
    starts)."""
    if not is_read_only():
        mine = Job.objects.started_by(user)
        services.recover_stale(jobs=mine)
        services.expire_files(jobs=mine)
        try:
            services.requeue_lost(jobs=mine)
        except RedisError:
            logger.warning("The queue cannot be reached: waiting jobs not checked")


class JobListView(PermissionRequiredMixin, TemplateView):
    permission = Permission.VIEW_OWN_JOBS
    template_name = "jobs/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        recover_own_stale(user)
        context["rows"] = [presenters.job_row(job) for job in selectors.jobs_for(user)]
        context["startable"] = [
            KINDS[name] for name in BUTTON_KINDS if can(user, KINDS[name].permission)
        ]
        context["may_import_directory"] = can(user, Permission.IMPORT_DIRECTORY)
        context["may_purge_audit"] = can(user, KINDS["audit-purge"].permission)
        return context


class JobStartView(PermissionRequiredMixin, View):
    permission = Permission.VIEW_OWN_JOBS
    http_method_names = ["post"]

    def post(self, request):
        kind = request.POST.get("kind", "")
        if kind not in BUTTON_KINDS:
            raise Http404("No such job")
        try:
            job = services.job_start(actor=request.user, kind=kind)
        except services.JobError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("jobs:list"))
        messages.success(request, f"Started: {KINDS[kind].label_in_sentence}.")
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


class JobMixin(PermissionRequiredMixin):
    permission = Permission.VIEW_OWN_JOBS

    def get_job(self):
        recover_own_stale(self.request.user)
        job = selectors.job_for(self.request.user, self.kwargs["job_id"])
        if job is None:
            raise Http404("No such job")  # another user's job is as if it did not exist
        return job


class JobDetailView(JobMixin, TemplateView):
    template_name = "jobs/detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return [f"{self.template_name}#status"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.get_job()
        context["row"] = presenters.job_row(job)
        context["job"] = job
        context["can_retry"] = job.state == JobState.FAILED
        context["file_until"] = datetime_text(services.file_expires_at(job))
        return context


class JobRetryView(JobMixin, View):
    http_method_names = ["post"]

    def post(self, request, job_id):
        job = self.get_job()
        try:
            services.job_retry(actor=request.user, job=job)
        except services.JobError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The job will be tried again.")
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


class JobDownloadView(JobMixin, View):
    """The file a finished job wrote, for the person who started it only."""

    def get(self, request, job_id):
        job = self.get_job()
        if job.state != JobState.SUCCEEDED or not job.result_file:
            raise Http404("This job has no file to download")
        folder = job_files().resolve()
        path = Path(job.result_file).resolve()
        if folder not in path.parents or not path.is_file():
            raise Http404("The job's file is no longer kept")
        if not can(request.user, KINDS[job.kind].permission):
            raise PermissionDenied("Your role can no longer download this file.")
        services.record_download(actor=request.user, job=job, request=request)
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


class DirectoryImportUploadView(PermissionRequiredMixin, ServiceFormView):
    """Upload an ORUK/HSDS feed; it is read here (so a file that cannot be read is refused
    at once, with why) and imported by the worker, in short transactions, with progress on
    the job's page."""

    permission = Permission.IMPORT_DIRECTORY
    form_class = DirectoryUploadForm
    template_name = "jobs/directory_import.html"
    heading_text = "Import community directory data"
    intro = (
        "Upload a feed of services from Open Referral UK or HSDS. The import runs in the "
        "background: pages keep working while it runs, and its page shows how far it has "
        "got and, at the end, what was added, changed and refused."
    )
    submit_label = "Start the import"
    success_message = "The import has started."
    service_error_field = "feed"

    def save(self, form):
        upload = form.cleaned_data["feed"]
        try:
            path = services.store_upload(upload)
        except services.UploadRefused as exc:
            raise ValidationError({"feed": str(exc)}) from exc
        return services.job_start(
            actor=self.request.user,
            kind="directory-import",
            params={
                "path": str(path),
                "source": form.cleaned_data["source"].strip(),
                "area": form.cleaned_data["area"].strip(),
            },
        )

    def get_success_url(self):
        return reverse("jobs:detail", args=[self.result.pk])


class AuditPurgeStartView(PermissionRequiredMixin, ServiceFormView):
    """Start the audit log's own retention as a job (OPS-7, #20): a dry run by default;
    removing rows needs the confirmation box ticked. Administrators only."""

    permission = Permission.APPLY_RETENTION
    form_class = AuditPurgeForm
    heading_text = "Remove audit log rows past their retention period"
    intro = (
        "Access-log and change-history rows older than the council's retention period, and "
        "rows about people whose record was destroyed long enough ago, can be removed. The "
        "audit log is checked first; a checkpoint then accounts for every row removed, so "
        "the audit log still verifies. Count them first: a dry run removes nothing."
    )
    submit_label = "Start the job"
    back_text = "Your jobs"
    success_message = "The job has started."

    def get_back_url(self) -> str:
        return reverse("jobs:list")

    def save(self, form):
        apply = form.cleaned_data["mode"] == AuditPurgeForm.APPLY
        return services.job_start(
            actor=self.request.user,
            kind="audit-purge",
            params={"dry_run": not apply, "confirmed": apply and form.cleaned_data["confirm"]},
        )

    def get_success_url(self):
        return reverse("jobs:detail", args=[self.result.pk])

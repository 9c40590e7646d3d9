"""Background jobs on a real Redis queue (RQ), as production runs them (issue #20, OPS-5;
docs/adr/0021). The jobs app's promises hold as they do with the queue in the database:
progress and result on the job's row, a failure says why, "Try again" runs it afresh and
a second delivery does nothing, the role is checked again at run time. And what is new: a
task is published only after its job's row commits, and a job whose task never reached
the queue (or that Redis lost) is published again.

Each test has a queue of its own on Redis database 11 and runs `goldenthread worker
--once` (RQ's SimpleWorker in burst mode, in this process). Needs Redis: skipped without
it on a developer's machine, a failure in CI (as test_shared_state.py).
"""

from __future__ import annotations

import datetime
import os
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from goldenthread.config.settings.base import tasks_from_url
from goldenthread.core.testing import redis_or_skip
from goldenthread.jobs import kinds, services
from goldenthread.jobs.models import Job, JobState
from goldenthread.jobs.rq_backend import RQBackend
from goldenthread.jobs.tasks import run_job
from goldenthread.jobs.tests.worker import error_when_worked_off, work_off_the_queue

REDIS_URL = os.environ.get("GT_TEST_TASKS_REDIS_URL", "redis://127.0.0.1:6379/11")

pytestmark = pytest.mark.django_db(transaction=True)


def _use(settings, url: str, queue: str) -> None:
    reports = f"{queue}-reports"
    settings.TASKS, settings.RQ_QUEUES = tasks_from_url(url, queue, 60, also=(reports,))
    settings.GOLDENTHREAD_TASKS_QUEUE, settings.GOLDENTHREAD_REPORTS_QUEUE = queue, reports


@pytest.fixture
def rq_queue(settings, tmp_path):
    """The RQ backend on a queue of this test's own; its keys are removed afterwards (any
    left, such as a worker's, expire by RQ's own time limits)."""
    import signal

    import django_rq

    redis_or_skip(REDIS_URL, "the RQ queue tests")
    # An RQ worker installs its own SIGINT/SIGTERM handlers in the process it runs in (here,
    # pytest's): put pytest's back afterwards, so a later test's interrupt behaves as usual.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    name = f"gt-test-{uuid.uuid4().hex[:12]}"
    _use(settings, REDIS_URL, name)
    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"
    settings.GOLDENTHREAD_JOB_HEARTBEAT_SECONDS = 0
    queue = django_rq.get_queue(name)
    yield queue
    redis = queue.connection
    task_ids = [t for t in Job.objects.values_list("task_result_id", flat=True) if t]
    keys = [k for t in task_ids for k in (f"rq:job:{t}", f"rq:results:{t}")]
    keys += list(redis.scan_iter(match=f"*{name}*"))
    if keys:
        redis.delete(*keys)
    redis.srem("rq:queues", queue.key)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def use_kind(monkeypatch, run) -> None:
    export = kinds.KINDS["fhir-export"]
    monkeypatch.setitem(
        kinds.KINDS,
        "fhir-export",
        kinds.JobKind("fhir-export", export.label, export.permission, run),
    )


def two_steps(job, progress) -> kinds.Outcome:
    progress(1, 2, "First half")
    progress(2, 2, "Second half")
    return kinds.Outcome(text="Both halves done.")


def test_the_backend_is_rq_on_the_tests_queue(rq_queue):
    assert isinstance(run_job.get_backend(), RQBackend)
    assert not services.queue_in_database()
    assert not list(run_job.get_backend().check())  # no "django_rq app not installed"


def test_a_job_runs_through_redis_with_its_progress_and_result(rq_queue, practitioner, monkeypatch):
    """OPS-5: queued on Redis, run by the RQ worker, progress and result on the row."""
    use_kind(monkeypatch, two_steps)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert job.task_result_id and rq_queue.count == 1

    work_off_the_queue()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.done, job.total, job.step) == (2, 2, "Second half")
    assert job.result_text == "Both halves done."
    assert job.attempts == 1
    assert job.heartbeat_at is not None
    assert rq_queue.count == 0
    task = run_job.get_backend().get_result(job.task_result_id)
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "succeeded"


def test_a_task_is_published_only_when_its_job_commits(rq_queue, practitioner, monkeypatch):
    """ADR 0021: no same-transaction enqueue on Redis, so never before the row commits;
    a rolled-back job is never published at all."""
    use_kind(monkeypatch, two_steps)
    with transaction.atomic():
        job = services.job_start(actor=practitioner, kind="fhir-export")
        assert rq_queue.count == 0  # a worker could not find this row yet
    assert rq_queue.count == 1
    job.refresh_from_db()
    assert job.task_result_id

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        services.job_start(actor=practitioner, kind="fhir-export")
        raise Undone
    assert rq_queue.count == 1
    assert Job.objects.count() == 1


def test_a_failure_says_why_and_try_again_runs_it_once_more(
    rq_queue, practitioner, monkeypatch, caplog
):
    calls = []

    def fails_then_breaks_then_works(job, progress):
        calls.append(job.attempts)
        if len(calls) == 1:
            raise kinds.JobFailed("The feed has no services in it.")
        if len(calls) == 2:
            raise ValueError("Morag Fraser's plan broke")  # record text in the message
        return two_steps(job, progress)

    use_kind(monkeypatch, fails_then_breaks_then_works)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    assert error_when_worked_off(job) == "The feed has no services in it."

    first_task = job.task_result_id
    job = services.job_retry(actor=practitioner, job=job)
    assert job.state == JobState.QUEUED
    job.refresh_from_db()
    assert job.task_result_id and job.task_result_id != first_task
    error = error_when_worked_off(job)
    assert error.startswith("Something went wrong") and str(job.pk) in error
    assert "Morag" not in job.error

    services.job_retry(actor=practitioner, job=job)
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.attempts == 3
    assert calls == [1, 2, 3]


def test_a_task_delivered_twice_runs_the_job_once(rq_queue, practitioner, monkeypatch):
    runs = []

    def counted(job, progress):
        runs.append(job.pk)
        return kinds.Outcome(text="Done.")

    use_kind(monkeypatch, counted)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    services._publish(job.pk)  # the same job on the queue a second time
    assert rq_queue.count == 2
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert runs == [job.pk]
    assert run_job.get_backend().get_result(job.task_result_id).return_value == (
        "not waiting: nothing done"
    )


@pytest.fixture
def job_of_a_demoted_starter(rq_queue, job_of_a_demoted_starter):
    """The job (conftest.py) started on this test's RQ queue: the queue is set up first."""
    return job_of_a_demoted_starter


def test_the_role_is_checked_again_when_the_rq_worker_runs_it(
    job_of_a_demoted_starter, monkeypatch
):
    use_kind(monkeypatch, two_steps)
    job = job_of_a_demoted_starter
    assert error_when_worked_off(job) == "Your role can no longer run this job, so it was not run."


def test_a_job_whose_task_never_reached_the_queue_is_queued_again(
    rq_queue, practitioner, monkeypatch, settings
):
    """The process died between the commit and the publish, or Redis could not be reached,
    or lost the task: the job waits, and `job recover` (or a worker starting, or the jobs
    page) publishes it again once it has waited GOLDENTHREAD_JOB_REQUEUE_AFTER_SECONDS."""
    use_kind(monkeypatch, two_steps)
    settings.GOLDENTHREAD_JOB_REQUEUE_AFTER_SECONDS = 60
    # Died before publishing.
    monkeypatch.setattr(services, "_publish_after_commit", lambda job_id: None)
    died = services.job_start(actor=practitioner, kind="fhir-export")
    monkeypatch.undo()
    use_kind(monkeypatch, two_steps)
    # Redis could not be reached (nothing listens on port 1): the request still succeeds.
    _use(settings, "redis://127.0.0.1:1/11", rq_queue.name)
    unreachable = services.job_start(actor=practitioner, kind="fhir-export")
    _use(settings, REDIS_URL, rq_queue.name)
    # Published, then lost by Redis (a restart without persistence).
    lost = services.job_start(actor=practitioner, kind="fhir-export")
    lost.refresh_from_db()
    rq_queue.connection.delete(f"rq:job:{lost.task_result_id}", rq_queue.key)
    # Published and still waiting: left alone.
    waiting = services.job_start(actor=practitioner, kind="fhir-export")
    assert rq_queue.count == 1
    for job in (died, unreachable):
        job.refresh_from_db()
        assert (job.state, job.task_result_id) == (JobState.QUEUED, "")

    assert services.requeue_lost() == 0  # not yet: a publish may be on its way
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert services.requeue_lost(now=later) == 3
    assert services.requeue_lost(now=later) == 0  # now each has a task waiting
    assert rq_queue.count == 4

    work_off_the_queue()
    for job in (died, unreachable, lost, waiting):
        job.refresh_from_db()
        assert job.state == JobState.SUCCEEDED, job.error
        assert job.attempts == 1


def test_recover_marks_a_killed_rq_workers_job_failed_and_never_requeues_it(
    rq_queue, practitioner, monkeypatch, settings
):
    """A forked RQ work horse killed mid-job leaves the job running with no heartbeat: the
    stale sweep fails it with the reason (Try again runs it); requeue_lost leaves running
    jobs alone."""
    use_kind(monkeypatch, two_steps)
    settings.GOLDENTHREAD_JOB_STALE_AFTER_SECONDS = 600
    job = services.job_start(actor=practitioner, kind="fhir-export")
    job.refresh_from_db()
    started = timezone.now() - datetime.timedelta(seconds=900)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, attempts=1, started_at=started, heartbeat_at=started
    )
    rq_queue.connection.delete(f"rq:job:{job.task_result_id}", rq_queue.key)  # taken, gone
    later = timezone.now() + datetime.timedelta(seconds=120)
    assert services.requeue_lost(now=later) == 0
    call_command("job", "recover", verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("The worker running this job stopped")
    services.job_retry(actor=practitioner, job=job)
    work_off_the_queue()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 2)


def test_the_long_running_worker_is_rqs_forking_worker(rq_queue, monkeypatch):
    """Without --once, `goldenthread worker` runs RQ's own Worker (a child per job: its
    memory is given back, and RQ's time limit can stop it) on the service's queues: the
    jobs' first, then the reports' (#14), or the one `--queue` names."""
    from rq import Worker

    seen = []
    monkeypatch.setattr(Worker, "work", lambda self, **options: seen.append((self, options)))
    call_command("worker", verbosity=0)
    call_command("worker", "--queue", "jobs", verbosity=0)
    call_command("worker", "--queue", "reports", verbosity=0)
    assert all(type(worker) is Worker and not options["burst"] for worker, options in seen)
    reports = f"{rq_queue.name}-reports"
    assert [[queue.name for queue in worker.queues] for worker, _ in seen] == [
        [rq_queue.name, reports],
        [rq_queue.name],
        [reports],
    ]


def test_no_job_runs_from_redis_while_the_service_is_read_only(
    rq_queue, practitioner, monkeypatch, settings
):
    use_kind(monkeypatch, two_steps)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    settings.GOLDENTHREAD_READ_ONLY = True
    assert "read-only while we do maintenance" in error_when_worked_off(job)


def test_rqs_forking_worker_runs_a_job_in_a_child_process(rq_queue, practitioner, monkeypatch):
    """The production worker forks a child per job, which opens its own database connection
    (PostgreSQL: an in-memory SQLite test database is not shared with a child process)."""
    from django.db import connection
    from django_rq.utils import reset_db_connections
    from django_rq.workers import get_worker
    from django_tasks_rq import Job as RQJob

    if connection.vendor != "postgresql":
        pytest.skip("a forked child cannot see an in-memory SQLite test database")
    use_kind(monkeypatch, two_steps)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    worker = get_worker(rq_queue.name, job_class=RQJob, worker_class="rq.Worker")
    reset_db_connections()
    worker.work(burst=True, logging_level="WARNING")
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.done, job.total, job.result_text) == (2, 2, "Both halves done.")

"""A worker killed mid-job (OPS-5, #20): the job does not stay "Running" for ever. It is
marked failed with the reason once nothing has been heard from its worker for the stale
period, can be tried again, and a worker that comes back late cannot overwrite that."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.jobs import kinds, services, tasks
from goldenthread.jobs.models import Job, JobState
from goldenthread.jobs.tasks import run_job

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"
    settings.GOLDENTHREAD_JOB_STALE_AFTER_SECONDS = 600
    settings.GOLDENTHREAD_JOB_HEARTBEAT_SECONDS = 0  # no heartbeat thread unless a test wants one


def use_kind(monkeypatch, run):
    export = kinds.KINDS["fhir-export"]
    monkeypatch.setitem(
        kinds.KINDS,
        "fhir-export",
        kinds.JobKind("fhir-export", export.label, export.permission, run),
    )


def killed_mid_job(job, progress):
    progress(3, 10, "Writing plans as FHIR R4 Bundles")
    raise KeyboardInterrupt  # the worker process dies here: nothing after this runs


def start_and_kill(practitioner, monkeypatch) -> Job:
    use_kind(monkeypatch, killed_mid_job)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    with pytest.raises(KeyboardInterrupt):
        run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # as a killed worker leaves it
    return job


def test_a_killed_workers_job_is_marked_failed_on_the_jobs_page_and_can_be_tried_again(
    client, practitioner, person, monkeypatch
):
    with time_machine.travel(T0, tick=False) as clock:
        job = start_and_kill(practitioner, monkeypatch)
        sign_in(client, practitioner)

        clock.move_to(T0 + datetime.timedelta(minutes=9))  # still within the stale period
        page = client.get(reverse("jobs:list")).text
        assert "Running" in page and "3 of 10 done" in page
        job.refresh_from_db()
        assert job.state == JobState.RUNNING

        clock.move_to(T0 + datetime.timedelta(minutes=11))
        page = client.get(reverse("jobs:list")).text
        assert "Failed" in page and "Running" not in page
        job.refresh_from_db()
        assert job.state == JobState.FAILED
        assert job.finished_at == T0 + datetime.timedelta(minutes=11)
        detail = client.get(reverse("jobs:detail", args=[job.pk])).text
        assert "Why it failed" in detail
        assert "The worker running this job stopped before the job finished" in detail
        assert "last heard from 3 December 2026 at 10:00" in detail
        assert "Try again" in detail

        use_kind(monkeypatch, lambda job, progress: kinds.Outcome(text="Done this time."))
        client.post(reverse("jobs:retry", args=[job.pk]))
        call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result_text, job.error) == (
        JobState.SUCCEEDED,
        2,
        "Done this time.",
        "",
    )


def test_a_job_heard_from_recently_or_still_waiting_is_left_alone(
    practitioner, person, monkeypatch
):
    with time_machine.travel(T0, tick=False) as clock:
        running = start_and_kill(practitioner, monkeypatch)
        waiting = services.job_start(actor=practitioner, kind="fhir-export")
        clock.move_to(T0 + datetime.timedelta(minutes=8))
        tasks.beat(str(running.pk), 1)  # the worker is alive after all
        clock.move_to(T0 + datetime.timedelta(minutes=15))
        assert services.recover_stale() == 0
        clock.move_to(T0 + datetime.timedelta(minutes=19))
        assert services.recover_stale() == 1
    running.refresh_from_db()
    waiting.refresh_from_db()
    assert running.state == JobState.FAILED
    assert "last heard from 3 December 2026 at 10:08" in running.error
    assert waiting.state == JobState.QUEUED


def test_someone_elses_page_view_does_not_touch_my_job_but_the_worker_does(
    client, practitioner, other_practitioner, person, monkeypatch
):
    with time_machine.travel(T0, tick=False) as clock:
        job = start_and_kill(practitioner, monkeypatch)
        clock.move_to(T0 + datetime.timedelta(hours=1))
        sign_in(client, other_practitioner)
        client.get(reverse("jobs:list"))
        job.refresh_from_db()
        assert job.state == JobState.RUNNING  # only one's own jobs are looked at
        out = io.StringIO()
        call_command("worker", "--once", stdout=out)
        assert "1 job left running by a stopped worker marked failed" in out.getvalue()
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_the_recover_command_for_cron(practitioner, person, monkeypatch):
    with time_machine.travel(T0, tick=False) as clock:
        job = start_and_kill(practitioner, monkeypatch)
        clock.move_to(T0 + datetime.timedelta(minutes=30))
        out = io.StringIO()
        call_command("job", "recover", stdout=out)
    assert "1 job left" in out.getvalue()
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_a_worker_that_comes_back_late_does_not_overwrite_the_failure(
    practitioner, person, monkeypatch
):
    def slow_then_done(job, progress):
        # While this step ran, nothing was heard for an hour: the job was marked lost.
        assert services.recover_stale(now=timezone.now() + datetime.timedelta(hours=1)) == 1
        progress(5, 5, "Still going")  # a late progress report changes nothing either
        return kinds.Outcome(text="Finished late.")

    use_kind(monkeypatch, slow_then_done)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    assert run_job.call(str(job.pk)) == "lost: result not kept"
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.result_text == "" and (job.done, job.total) == (0, 0)
    assert "The worker running this job stopped" in job.error


def test_a_long_step_keeps_beating(practitioner, person, monkeypatch, settings):
    settings.GOLDENTHREAD_JOB_HEARTBEAT_SECONDS = 0.01
    beaten = threading.Event()
    real_beat = tasks.beat

    def beat(job_id, attempt):
        real_beat(job_id, attempt)
        beaten.set()

    monkeypatch.setattr(tasks, "beat", beat)

    def long_step(job, progress):
        # No progress to report for a while: the heartbeat thread says the worker lives.
        assert beaten.wait(timeout=30)
        return kinds.Outcome(text="Done.")

    use_kind(monkeypatch, long_step)
    job = services.job_start(actor=practitioner, kind="fhir-export")
    assert run_job.call(str(job.pk)) == "succeeded"
    job.refresh_from_db()
    assert job.heartbeat_at >= job.started_at

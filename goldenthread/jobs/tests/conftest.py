"""Fixtures shared by the jobs tests, on the queue in the database and on Redis (RQ)."""

from __future__ import annotations

import pytest

from goldenthread.accounts.models import Role
from goldenthread.jobs import services
from goldenthread.jobs.models import Job


@pytest.fixture
def job_of_a_demoted_starter(practitioner) -> Job:
    """An export started by `practitioner`, who is then made a commissioner before any
    worker runs it: the role is checked again when the job runs, so it must fail."""
    job = services.job_start(actor=practitioner, kind="fhir-export")
    practitioner.role = Role.COMMISSIONER
    practitioner.save()
    return job

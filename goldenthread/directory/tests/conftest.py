"""Fixtures for the community directory tests: the shared reference data (real council
feeds, the HSDS 1.1 package, the ORUK 3.0 example and schema) and a module-wide import."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import transaction

# <repo>/goldenthread/directory/tests -> <repo>/../shared/reference (shared/ sits beside the
# repo); GOLDENTHREAD_REFERENCE_DIR points elsewhere (e.g. from a git worktree).
REFERENCE = Path(
    os.environ.get("GOLDENTHREAD_REFERENCE_DIR")
    or (Path(__file__).resolve().parents[3].parent / "shared" / "reference")
)
FEEDS = REFERENCE / "oruk" / "sample-feeds"
BRISTOL = FEEDS / "bristol-services.json"
NORTH_LINCS = FEEDS / "north-lincolnshire-services.json"
HSDS_11_PACKAGE = REFERENCE / "hsds-1.1-sample-datapackage" / "all_resources"
UK_PROFILE = REFERENCE / "oruk" / "uk-profile-3.0"
UK_SERVICE_EXAMPLE = UK_PROFILE / "examples" / "service_full.json"
UK_SERVICE_SCHEMA = UK_PROFILE / "schema" / "compiled" / "service.json"
HSDS3_SERVICE_EXAMPLE = REFERENCE / "hsds-3.0" / "examples" / "service_full.json"
HSDS3_SERVICE_SCHEMA = (
    REFERENCE / "hsds-3.0" / "schema" / "compiled" / "service_with_definitions.json"
)


def need(*paths: Path) -> None:
    """Skip, saying what is missing, when the shared reference data is not there."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(
            f"shared reference data not found: {', '.join(missing)} "
            "(expected beside the repository, in ../shared/reference)"
        )


@pytest.fixture(scope="module")
def real_feeds(django_db_setup, django_db_blocker):
    """Both real council feeds imported once for the whole test module.

    The import runs inside a transaction that is rolled back when the module ends; each
    test runs in a savepoint inside it (as Django's TestCase.setUpTestData does), so the
    tests see the data and nothing leaks to other modules."""
    need(BRISTOL, NORTH_LINCS)
    from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            reports = {
                "bristol": directory_import(
                    actor=COMMAND_LINE_IMPORT, path=BRISTOL, area="Bristol"
                ),
                "north-lincolnshire": directory_import(
                    actor=COMMAND_LINE_IMPORT, path=NORTH_LINCS, area="North Lincolnshire"
                ),
            }
            yield reports
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

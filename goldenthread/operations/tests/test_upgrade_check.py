"""The migrate-from-the-previous-release check (R26): what it counts as a loss, and a clear
refusal for a release git does not have. The whole check runs in CI (.ci/run)."""

from __future__ import annotations

import pytest

from goldenthread.operations import upgrade_check


def test_a_table_that_loses_rows_or_disappears_is_a_problem():
    before = {"people_person": 10, "sds_decision": 3, "django_migrations": 200}
    after = {"people_person": 9, "django_migrations": 210}
    assert upgrade_check.compare(before, after) == [
        "table people_person: 10 rows before, 9 after",
        "table sds_decision (3 rows) is gone after migrating",
    ]
    assert upgrade_check.compare(before, {**before, "new_table": 0}) == []


def test_the_previous_release_is_recorded():
    ref = upgrade_check.previous_release()
    assert len(ref) >= 7 and not ref.startswith("#")


def test_an_unknown_release_is_refused_clearly():
    with pytest.raises(upgrade_check.UpgradeCheckError, match="Cannot read release"):
        upgrade_check.check_upgrade(ref="no-such-release-x", database_url=None, progress=None)

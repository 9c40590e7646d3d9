"""Migrations a council can upgrade with (R26)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connections

from goldenthread.operations import migration_checks as checks


@pytest.mark.django_db
def test_models_and_migrations_agree():
    assert checks.models_match_migrations() is None


def test_each_app_is_one_line_of_migrations():
    assert checks.nonlinear_apps() == []


def test_each_latest_migration_has_a_way_back():
    assert checks.irreversible_latest() == []


def test_every_allow_list_entry_names_a_real_migration_and_rule():
    from django.db.migrations.loader import MigrationLoader

    on_disk = {f"{a}.{n}" for a, n in MigrationLoader(None).disk_migrations}
    for migration, rule in checks.read_allowlist():
        assert migration in on_disk and rule in checks.WHY


@pytest.mark.parametrize(
    ("sql", "rule"),
    [
        ('ALTER TABLE "people_person" ALTER COLUMN "note" TYPE text;', "column-type-change"),
        ('ALTER TABLE "people_person" ALTER COLUMN "note" SET NOT NULL;', "set-not-null"),
        (
            'ALTER TABLE "people_person" ADD CONSTRAINT "fk" FOREIGN KEY ("t") '
            'REFERENCES "accounts_team" ("id") DEFERRABLE INITIALLY DEFERRED;',
            "validated-constraint",
        ),
        (
            'ALTER TABLE "people_person" ADD CONSTRAINT "u" UNIQUE ("chi_number");',
            "unique-constraint",
        ),
        ('CREATE INDEX "i" ON "people_person" ("family_name");', "index-without-concurrently"),
        ('ALTER TABLE "people_person" RENAME COLUMN "a" TO "b";', "rename"),
        ('ALTER TABLE "people_person" DROP COLUMN "a" CASCADE;', "drop-column"),
    ],
)
def test_risky_sql_on_an_existing_table_is_found(sql, rule):
    (finding,) = checks.lint_sql("people.0009_x", "BEGIN;\n" + sql + "\nCOMMIT;\n")
    assert finding.rule == rule


def test_safe_sql_is_not_flagged():
    sql = "\n".join(
        [
            'CREATE TABLE "new_thing" ("id" bigint NOT NULL PRIMARY KEY, "n" integer NULL);',
            'CREATE INDEX "new_thing_n" ON "new_thing" ("n");',
            'ALTER TABLE "new_thing" ADD CONSTRAINT "c" CHECK ("n" > 0);',
            'CREATE INDEX CONCURRENTLY "i" ON "people_person" ("family_name");',
            'ALTER TABLE "people_person" ADD CONSTRAINT "c" CHECK ("n" > 0) NOT VALID;',
            'ALTER TABLE "people_person" ADD COLUMN "note" text NULL;',
        ]
    )
    assert checks.lint_sql("people.0009_x", sql) == []


@pytest.mark.django_db
def test_postgresql_migration_sql_is_clean_or_allowed():
    if connections["default"].vendor != "postgresql":
        pytest.skip("reads PostgreSQL's SQL (runs in CI's PostgreSQL suite)")
    refused, allowed = checks.lint_postgresql_migrations()
    assert [str(f) for f in refused] == []
    assert allowed  # the allow-list is in use, so the check reads real SQL


@pytest.mark.django_db
def test_the_command_fails_on_a_problem(monkeypatch):
    monkeypatch.setattr(checks, "models_match_migrations", lambda: None)
    monkeypatch.setattr(checks, "nonlinear_apps", lambda: ["people: 2 latest migrations"])
    from django.core.management.base import CommandError

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 migration problems"):
        call_command("check_migrations", stdout=io.StringIO(), stderr=err)
    assert "people: 2 latest" in err.getvalue()

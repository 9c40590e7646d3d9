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


def test_each_squashed_migration_builds_the_models_the_ones_it_replaces_built():
    """The squashed migrations (#17, docs/adr/0027-squash17-squashed-migrations.md) leave the
    state the replaced ones left: each model's fields in the same order, its indexes,
    constraints and other options. (What they make with SQL, the triggers, functions and
    search index, was compared database against database: docs/benchmarks.md.)"""
    from django.db.migrations.loader import MigrationLoader

    # Without a database the loader puts each squash in place of what it replaces; with
    # replace_migrations=False it keeps the replaced migrations, the old path.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    squashes = {key: m.replaces for key, m in loader.disk_migrations.items() if m.replaces}
    assert len(squashes) >= 15
    # The state the squashes themselves leave (not later migrations of their apps).
    new = loader.project_state(list(squashes))
    old = MigrationLoader(None, replace_migrations=False).project_state(
        [max(replaced) for replaced in squashes.values()]
    )

    def models(state):
        return {
            key: (
                [(name, field.deconstruct()[1:]) for name, field in model.fields.items()],
                model.options,
                model.bases,
            )
            for key, model in state.models.items()
            if key[0] in {app for app, _ in squashes}
        }

    assert models(new) == models(old)


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

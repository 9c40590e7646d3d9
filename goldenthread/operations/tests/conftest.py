"""A scratch database of the same kind as the test database, under its own alias."""

from __future__ import annotations

import os
import uuid

import pytest
from django.db import connections


@pytest.fixture
def scratch_alias(tmp_path):
    default = connections["default"].settings_dict
    alias = f"scratch_{uuid.uuid4().hex[:8]}"
    if connections["default"].vendor == "sqlite":
        settings = dict(default, NAME=str(tmp_path / "scratch.sqlite3"), TEST={})
        drop = None
    else:
        import psycopg

        from goldenthread.operations.backup import _postgresql_connect

        name = f"{default['NAME']}_{alias}_{os.getpid()}"[:63]
        admin = dict(default, NAME="postgres")

        def run(sql: str) -> None:
            with _postgresql_connect(admin, autocommit=True) as conn:
                conn.execute(psycopg.sql.SQL(sql).format(psycopg.sql.Identifier(name)))

        run("CREATE DATABASE {}")
        settings = dict(default, NAME=name, TEST={})

        def drop() -> None:
            run("DROP DATABASE IF EXISTS {}")

    connections.settings[alias] = settings
    try:
        yield alias
    finally:
        if alias in connections:
            connections[alias].close()
        del connections.settings[alias]
        if drop is not None:
            drop()

"""Test helper: fail when rendering a template runs a database query (#19).

Pages hand their templates prepared rows and strings; a query from a template (a lazy
queryset, a related object looked up in a loop) is work the view cannot see or count.
`templates_run_no_queries()` wraps every Django template render while it is active and
records any SQL that runs inside one; on leaving, it fails naming the template and the SQL.
Used by the `no_template_queries` fixture (conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import connections
from django.template.backends.django import Template


@contextmanager
def templates_run_no_queries() -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []
    original = Template.render
    depth = [0]

    def render(self, context=None, request=None):
        name = getattr(self.template, "name", None) or "<string>"

        def record(execute, sql, params, many, context_):
            seen.append((name, sql))
            return execute(sql, params, many, context_)

        if depth[0]:  # an inner render: the outer one is watching already
            return original(self, context, request)
        depth[0] += 1
        try:
            wrappers = [connections[alias].execute_wrapper(record) for alias in connections]
            for wrapper in wrappers:
                wrapper.__enter__()
            try:
                return original(self, context, request)
            finally:
                for wrapper in reversed(wrappers):
                    wrapper.__exit__(None, None, None)
        finally:
            depth[0] -= 1

    with mock.patch.object(Template, "render", render):
        yield seen
    if seen:
        lines = "\n".join(f"  {name}: {sql[:200]}" for name, sql in seen)
        raise AssertionError(f"{len(seen)} queries ran while rendering templates:\n{lines}")

"""A check that views reach a person's data only through a scoped queryset (SEC-2).

Any model that is the person, or reaches the person through foreign keys, is "person
data". In view and API modules, `Model.objects`, `Model._default_manager` and
`Model._base_manager` on such a model is refused: views must start from
`Person.objects.visible_to(user)` (people/access.py) or a selector that does.
`Person.objects.visible_to(...)` itself is the one allowed form.
Run by the test suite and by `make lint` (scripts/lint_scoped_queries.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

MANAGER_ATTRS = {"objects", "_default_manager", "_base_manager"}
ALLOWED_CALLS = {"visible_to"}


def person_data_models(max_depth: int = 4) -> set[type[models.Model]]:
    person = apps.get_model("people", "Person")
    found: set[type[models.Model]] = {person}
    for _ in range(max_depth):
        for model in apps.get_models():
            if model in found:
                continue
            for field in model._meta.get_fields():
                if field.many_to_one or field.one_to_one:
                    if field.concrete and field.related_model in found:
                        found.add(model)
                        break
    return found


def view_modules(root: Path) -> list[Path]:
    paths = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.name in {"views.py", "api.py"} or path.parent.name == "views":
            paths.append(path)
    return paths


def violations(root: Path) -> list[str]:
    names = {model.__name__ for model in person_data_models()}
    problems = []
    for path in view_modules(root):
        tree = ast.parse(path.read_text(), filename=str(path))
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in MANAGER_ATTRS
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                parent = parents.get(node)
                if isinstance(parent, ast.Attribute) and parent.attr in ALLOWED_CALLS:
                    continue
                problems.append(
                    f"{path}:{node.lineno}: {node.value.id}.{node.attr} in a view; "
                    "start from Person.objects.visible_to(user) or a selector"
                )
    return problems

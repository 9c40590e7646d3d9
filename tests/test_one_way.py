"""One way to do each thing (#17): pages reach the shared parts in goldenthread/ui rather
than writing their own, so the next app copies the one way.

- no app imports another app's forms or views (shared fields and views are in ui);
- a stale save is handled in one place (ui.views.ServiceFormView);
- a service's ValidationError reaches a form in one place (ui.forms.apply_service_errors);
- permissions are named by the Permission enum, and pages ask the rules, not the role.

The exceptions are listed with the part of #17 that removes them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "goldenthread"

# Who may still do it the old way, and until when.
QUESTIONNAIRES = {"ReflectionView", "OutcomeCheckView", "ChecklistView"}  # #17 item 4
MOVING_TO_RECORD = {"TeamView", "PersonDetailView"}  # #17 item 5: moved as they are
CROSS_APP_FORM_IMPORTS = {
    # The step-5 check borrows the OS-8 questionnaire's fields (#17 item 4).
    ("outcomes", "goldenthread.conversations.forms"),
    # Break-glass (SEC-3): the refusal page people/access.py shows is audit's form.
    ("people", "goldenthread.audit.forms"),
    # The audit's own pages, moved out of the audit app to sit above the domain apps
    # (docs/adr/0009-layers.md), use the audit's forms as before.
    ("history", "goldenthread.audit.forms"),
    # Steps 5 and 6 search the directory with the directory's own search form: one set of
    # limits and messages (a copy answered Django's default message).
    ("support", "goldenthread.directory.forms"),
}


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield parts[0], path, ast.parse(path.read_text(), filename=str(path))


def enclosing_classes(tree):
    """node -> the name of the class it is in ("" at module level)."""
    owner = {}

    def visit(node, name):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.ClassDef) else name
            owner[child] = name
            visit(child, inner)

    visit(tree, "")
    return owner


def test_no_app_imports_another_apps_forms_or_views():
    found = []
    for app, path, tree in modules():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                bits = name.split(".")
                if (
                    len(bits) >= 3
                    and bits[0] == "goldenthread"
                    and bits[2] in ("forms", "views")
                    and bits[1] not in (app, "ui")
                    and (app, ".".join(bits[:3])) not in CROSS_APP_FORM_IMPORTS
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not found, found


def test_a_stale_save_is_handled_in_one_place():
    found = []
    for _, path, tree in modules():
        owner = enclosing_classes(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ExceptHandler)
                and isinstance(node.type, ast.Name)
                and node.type.id == "StaleEditError"
                and path.name == "views.py"
                and path.parent.name != "ui"
                and owner[node] not in QUESTIONNAIRES
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} ({owner[node]})")
    assert not found, found


def test_a_services_refusal_reaches_a_form_one_way():
    """Only ui.forms.apply_service_errors reads a ValidationError's fields."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for _, path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "error_dict"
        and path.relative_to(ROOT).as_posix() != "ui/forms/errors.py"
    ]
    assert not found, found


def test_permissions_are_named_by_the_enum_and_pages_ask_the_rules():
    found = []
    for _, path, tree in modules():
        owner = enclosing_classes(tree)
        for node in ast.walk(tree):
            if owner.get(node) in MOVING_TO_RECORD:
                continue
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "can"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: can(…, "
                    f"{node.args[1].value!r}) – use Permission"
                )
            if (
                path.name == "views.py"
                and isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Attribute)
                and node.left.attr == "role"
            ):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: a page compares a role "
                    "– ask can(user, Permission…)"
                )
    assert not found, found


@pytest.mark.parametrize(
    "old",
    [
        "goldenthread.sds.money",
        "goldenthread.sds.rules",
        "goldenthread.core.autosave",
        "goldenthread.core.context_processors",
    ],
)
def test_the_old_copies_are_gone(old):
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)

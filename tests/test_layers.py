"""The layers (#17 item 7, docs/architecture.md): the import-linter contracts in
pyproject.toml hold, and every app of the service is named in them, so a new app cannot
sit outside the layers unnoticed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.apps import apps
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def layers_contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == "layers")


def test_the_import_contracts_are_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_every_app_of_the_service_has_a_layer():
    named = {
        name.strip("() ")
        for layer in layers_contract()["layers"]
        for name in re.split(r"[|:]", layer)
    }
    ours = {
        config.name for config in apps.get_app_configs() if config.name.startswith("goldenthread.")
    }
    assert ours - named == set()


def test_core_and_ui_are_the_bottom_layers_and_nonprod_the_top():
    layers = layers_contract()["layers"]
    assert layers[-2:] == ["goldenthread.ui", "goldenthread.core"]
    assert layers[0] == "goldenthread.nonprod"

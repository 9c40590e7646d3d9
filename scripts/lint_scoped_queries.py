#!/usr/bin/env python
"""Fail if a view queries person data without the visible_to() scope (SEC-2)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings.test")

import django  # noqa: E402

django.setup()

from goldenthread.core.scoped_queries import violations  # noqa: E402

problems = violations(ROOT / "goldenthread")
for problem in problems:
    print(problem)
print(f"scoped-query check: {len(problems)} problem(s)")
sys.exit(1 if problems else 0)

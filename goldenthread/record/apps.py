from django.apps import AppConfig


class RecordConfig(AppConfig):
    """Whole-record read models: the support plan as data (plan.py), its pages, its PDF and
    easy read. It reads the domain apps below it directly and no domain app imports it
    (import-linter layers in pyproject.toml; docs/architecture.md, docs/adr/0009-layers.md).
    The golden thread (reviews/thread.py) is to move here next (#17, step 5)."""

    name = "goldenthread.record"
    label = "record"
    verbose_name = "The whole record: support plan, PDF, easy read"

from django.apps import AppConfig


class RecordConfig(AppConfig):
    """Whole-record read models: the support plan as data (plan.py), its pages, its PDF and
    easy read, and the golden thread (thread.py, thread_html.py, its page in views.py).
    It reads the domain apps below it directly and no domain app imports it (import-linter
    layers in pyproject.toml; docs/architecture.md, docs/adr/0009-layers.md)."""

    name = "goldenthread.record"
    label = "record"
    verbose_name = "The whole record: support plan, PDF, easy read"

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: backups, health, read-only mode, migration checks (OPS-4..8)."""

    name = "goldenthread.operations"
    label = "operations"
    verbose_name = "Operations"

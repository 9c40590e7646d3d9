from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "goldenthread.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the GOLDENTHREAD_REPORTS_PROTECT_ACROSS check

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "goldenthread.reports"
    label = "reports"
    verbose_name = "Reports"

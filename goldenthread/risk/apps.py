from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "goldenthread.risk"
    label = "risk"
    verbose_name = "Risk enablement"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "goldenthread.audit"
    label = "audit"
    verbose_name = "Access log and change history"

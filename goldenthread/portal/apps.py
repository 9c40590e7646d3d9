from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "goldenthread.portal"
    verbose_name = "The person's own record"

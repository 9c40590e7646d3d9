from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "goldenthread.core"
    label = "core"
    verbose_name = "Core"

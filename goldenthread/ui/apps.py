from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "goldenthread.ui"
    label = "ui"
    verbose_name = "Design system"

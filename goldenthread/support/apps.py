from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "goldenthread.support"
    label = "support"

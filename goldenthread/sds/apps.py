from django.apps import AppConfig


class SdsConfig(AppConfig):
    name = "goldenthread.sds"
    label = "sds"
    verbose_name = "Self-directed Support"

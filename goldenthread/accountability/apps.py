from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "goldenthread.accountability"
    label = "accountability"
    verbose_name = "Accountability: challenges, advocacy and transitions"

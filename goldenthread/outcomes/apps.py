from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "goldenthread.outcomes"
    label = "outcomes"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "goldenthread.api"
    label = "api"
    verbose_name = "API and FHIR"

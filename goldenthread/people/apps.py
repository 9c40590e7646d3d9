from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "goldenthread.people"
    label = "people"
    verbose_name = "People"

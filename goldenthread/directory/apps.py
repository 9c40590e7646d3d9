from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "goldenthread.directory"
    label = "directory"

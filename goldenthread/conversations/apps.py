from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "goldenthread.conversations"
    label = "conversations"

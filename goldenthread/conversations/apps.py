from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "goldenthread.conversations"
    label = "conversations"

    def ready(self) -> None:
        # Say, in words, why someone in the circle cannot be removed (people imports no
        # domain app below it, so it asks here).
        from goldenthread.people.services import CIRCLE_LINK_WORDS

        from . import presenters
        from .models import Participant, WhoMatters

        CIRCLE_LINK_WORDS[Participant] = presenters.participant_link_words
        CIRCLE_LINK_WORDS[WhoMatters] = presenters.who_matters_link_words

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "goldenthread.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from goldenthread.accounts.signals import casework_ended

        from .services import hand_over_allocations

        casework_ended.connect(hand_over_allocations, dispatch_uid="people.hand_over")

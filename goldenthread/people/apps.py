from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "goldenthread.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from goldenthread.accounts.notifications import register_closed_links_check
        from goldenthread.accounts.signals import casework_ended

        from .access import closed_record_links
        from .services import hand_over_allocations

        casework_ended.connect(hand_over_allocations, dispatch_uid="people.hand_over")
        # A notification's link to a record no longer open to its user is shown as such.
        register_closed_links_check(closed_record_links)

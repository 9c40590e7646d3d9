from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "goldenthread.portal"
    verbose_name = "The person's own record"

    def ready(self) -> None:
        # Decisions, answers and corrections reach the person and their proxies (#12).
        from goldenthread.people.person_side import register_person_side_teller

        from .notices import tell

        register_person_side_teller(tell)

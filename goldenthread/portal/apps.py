from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "goldenthread.portal"
    verbose_name = "The person's own record"

    def ready(self) -> None:
        # Decisions, answers and corrections reach the person and their proxies (#12).
        from goldenthread.people.person_side import (
            register_person_side_check,
            register_person_side_teller,
            register_persons_words_loader,
        )

        from .notices import tell
        from .presenters import PAGE_READS, PersonsWords
        from .services import is_persons_own

        register_person_side_teller(tell)
        # The person or their proxy may raise a challenge themselves (#12, ACC-2).
        register_person_side_check(is_persons_own)
        # The person's own words beside items on staff pages and in the plan (P-2).
        # Its two reads run in the person's page's one statement (#19).
        register_persons_words_loader(PersonsWords, reads=PAGE_READS)
        # About me's pictures, sound and video in the plan are read by the record app
        # (record/plan_about_me.py), by model: nothing to register here.

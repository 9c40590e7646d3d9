from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "goldenthread.accountability"
    label = "accountability"
    verbose_name = "Accountability: challenges, advocacy and transitions"

    def ready(self) -> None:
        # The person's page summarises challenges, advocacy and moves (ACC-1, ACC-2, TR-1);
        # the support plan reads them itself (record/plan_accountability.py).
        from goldenthread.people.sections import register_record_section
        from goldenthread.sds.decision_notes import register_decision_notes

        from . import checks  # noqa: F401 - registers the holiday table check
        from .sections import decision_notes, person_page_section
        from .selectors import SUMMARY_READ, summary_read

        # Its one read runs in the person's page's one statement (#19).
        register_record_section(person_page_section, reads={SUMMARY_READ: summary_read()})
        # A challenge is shown on the SDS decision it challenges (#13).
        register_decision_notes(decision_notes)

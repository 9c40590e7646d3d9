from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "goldenthread.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        # The checker's word lists suggest a national domain wherever one is chosen,
        # "what matters" items too (conversations sits below outcomes, so it asks core).
        from goldenthread.core.domains import SUGGESTERS

        from .checking import domain_suggestions

        if domain_suggestions not in SUGGESTERS:
            SUGGESTERS.append(domain_suggestions)

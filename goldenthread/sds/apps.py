from django.apps import AppConfig


class SdsConfig(AppConfig):
    name = "goldenthread.sds"
    label = "sds"
    verbose_name = "Self-directed Support"

    def ready(self) -> None:
        # The support plan shows SDS choices, budget and decisions (SS-6, SDS-5).
        from goldenthread.support.plan import register_plan_contributor

        from .plan_hooks import contribute_sds

        register_plan_contributor(contribute_sds)

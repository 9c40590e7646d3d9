from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "goldenthread.risk"
    label = "risk"
    verbose_name = "Risk enablement"

    def ready(self) -> None:
        # The support plan shows risks and the decisions made about them (SS-6, RISK-1).
        from goldenthread.support.plan import register_plan_contributor

        from .plan_hooks import contribute_risks

        register_plan_contributor(contribute_risks)

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goldenthread.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        # One `rules` rule per Permission (core.permissions.can asks them).
        from . import (
            rules,  # noqa: F401
            sign_in_cache,
        )

        # A changed user or authenticator app is read afresh by every worker.
        sign_in_cache.connect()

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "goldenthread.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the deployment checks)
            sql,
        )

        sql.connect()  # SQLite: the functions core.sql's expressions call

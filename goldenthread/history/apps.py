from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """The audit's pages: a record's change history (SEC-4) and break-glass (SEC-3).

    The audit app (models, the Auditor, hash chains) sits low, so that every domain app
    can write its audit rows; these pages read a named person's record through the one
    door (people/access.py), so they sit above the domain apps (docs/architecture.md).
    Their URL names keep the "audit" namespace and their templates stay `audit/...`."""

    name = "goldenthread.history"
    label = "history"
    verbose_name = "Change history and break-glass pages"

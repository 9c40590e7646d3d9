from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goldenthread.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"

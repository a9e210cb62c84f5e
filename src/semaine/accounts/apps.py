from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "semaine.accounts"
    label = "accounts"
    verbose_name = "Comptes"

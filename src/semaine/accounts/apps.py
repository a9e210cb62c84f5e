from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "semaine.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from . import backends  # noqa: F401 - counts failed sign-ins per address

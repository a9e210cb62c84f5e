from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "semaine.ledger"
    verbose_name = _("Registre public")
    default_auto_field = "django.db.models.BigAutoField"

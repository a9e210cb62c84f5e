from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "semaine.core"
    label = "core"
    verbose_name = "Socle"

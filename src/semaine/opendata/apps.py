from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "semaine.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"

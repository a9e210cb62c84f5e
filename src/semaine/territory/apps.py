from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "semaine.territory"
    label = "territory"
    verbose_name = "Territoires"

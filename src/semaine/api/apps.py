from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "semaine.api"
    label = "api"
    verbose_name = "API"

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "semaine.ui"
    label = "ui"
    verbose_name = "Interface"

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "semaine.interop"
    label = "interop"
    verbose_name = "Interopérabilité"

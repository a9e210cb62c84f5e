from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "semaine.registrations"
    label = "registrations"
    verbose_name = "Inscriptions"

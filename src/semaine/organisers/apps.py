from django.apps import AppConfig


class OrganisersConfig(AppConfig):
    name = "semaine.organisers"
    label = "organisers"
    verbose_name = "Organisateurs"

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "semaine.agenda"
    label = "agenda"
    verbose_name = "Programme"

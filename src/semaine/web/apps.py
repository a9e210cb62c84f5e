from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "semaine.web"
    label = "web"
    verbose_name = "Pages"

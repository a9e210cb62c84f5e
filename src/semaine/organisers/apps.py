from django.apps import AppConfig


class OrganisersConfig(AppConfig):
    name = "semaine.organisers"
    label = "organisers"
    verbose_name = "Organisateurs"

    def ready(self):
        # the services import the models, which can be imported only once every app is loaded
        from semaine.accounts.signals import email_verified

        from .services import announce_join_requests

        email_verified.connect(announce_join_requests, dispatch_uid="organisers-announce-join-requests")

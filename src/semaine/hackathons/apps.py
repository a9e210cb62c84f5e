from django.apps import AppConfig


class HackathonsConfig(AppConfig):
    name = "semaine.hackathons"
    label = "hackathons"
    verbose_name = "Hackathons"

    def ready(self):
        # the ledger's registry and this app's models can be imported only once every app is loaded
        from semaine.ledger import subjects

        from . import ledger

        # The public ledger checks closed score sheets and published results through this app.
        subjects.register(ledger.SHEETS)
        subjects.register(ledger.RESULTS_SUBJECT)

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "semaine.consultations"
    label = "consultations"
    verbose_name = "Consultations"

    def ready(self):
        # the ledger's registry is filled once every app is loaded
        from semaine.ledger import subjects

        from . import ledger

        # The public ledger names the official answers and the counts of closed supports.
        subjects.register(ledger.CONSULTATIONS)

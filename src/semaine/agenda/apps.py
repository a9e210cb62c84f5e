from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "semaine.agenda"
    label = "agenda"
    verbose_name = "Programme"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from semaine.territory.models import Departement, Region

        from .models import Audience, Format, Theme
        from .queries import forget_reference_lists

        for model in (Theme, Format, Audience, Region, Departement):
            post_save.connect(forget_reference_lists, sender=model, dispatch_uid=f"ref-{model.__name__}")
            post_delete.connect(forget_reference_lists, sender=model,
                                dispatch_uid=f"ref-del-{model.__name__}")

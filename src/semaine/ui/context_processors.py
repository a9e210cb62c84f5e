from django.conf import settings


def site(request):
    return {
        "SEMAINE_THEME": settings.THEME,
        "SEMAINE_BASE_TEMPLATE": f"ui/themes/{settings.THEME}/base.html",
        "SITE_NAME": "Semaine de l'innovation publique",
    }
